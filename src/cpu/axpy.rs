//! Twin of shaders/axpy.wgsl: y ← y + a·x.

use super::real::Real;
use crate::kernels::axpy::AxpyParams;

pub fn axpy<F: Real>(params: &AxpyParams, x: &[F], y: &mut [F]) {
    let a = F::of_f32(params.a);
    for (y, &x) in y.iter_mut().zip(x).take(params.count as usize) {
        *y += a * x;
    }
}
