//! Twin of shaders/ema.wgsl: average ← decay · average + (1 - decay) · params.

use super::real::Real;
use crate::kernels::ema::EmaParams;

pub fn ema<F: Real>(params: &EmaParams, values: &[F], average: &mut [F]) {
    let decay = F::of_f32(params.decay);
    for (average, &value) in average.iter_mut().zip(values).take(params.count as usize) {
        *average = decay * *average + (F::one() - decay) * value;
    }
}
