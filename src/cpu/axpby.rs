//! Twin of shaders/axpby.wgsl: y ← a·y + b·x.

use super::real::Real;
use crate::kernels::axpby::AxpbyParams;

pub fn axpby<F: Real>(params: &AxpbyParams, x: &[F], y: &mut [F]) {
    let (a, b) = (F::of_f32(params.a), F::of_f32(params.b));
    for (y, &x) in y.iter_mut().zip(x).take(params.count as usize) {
        *y = a * *y + b * x;
    }
}
