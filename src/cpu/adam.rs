//! Twin of shaders/adam.wgsl: bias-corrected Adam in PyTorch's form,
//! p -= (lr_t / (1 - β1^t)) · m / (sqrt(v) / sqrt(1 - β2^t) + ε), where
//! lr_t = lr · 2^(-(t - start) / half-life) after the decay's start.

use super::real::Real;
use crate::kernels::adam::AdamParams;

pub fn adam<F: Real>(
    params: &AdamParams,
    counters: &[u32; 4],
    grads: &[F],
    weights: &mut [F],
    adam_m: &mut [F],
    adam_v: &mut [F],
) {
    let t = F::lit(f64::from(counters[params.counter as usize]));
    let beta1 = F::of_f32(params.beta1);
    let beta2 = F::of_f32(params.beta2);
    let bias1 = F::one() - beta1.powf(t);
    let bias2_sqrt = (F::one() - beta2.powf(t)).sqrt();
    let start = F::lit(f64::from(params.decay_start));
    let rate_factor = if params.decay_half_life == 0 || t <= start {
        F::one()
    } else {
        ((start - t) / F::lit(f64::from(params.decay_half_life))).exp2()
    };
    let step = F::of_f32(params.lr) * rate_factor / bias1;
    let eps = F::of_f32(params.eps);
    for i in 0..params.count as usize {
        let g = grads[i];
        adam_m[i] = beta1 * adam_m[i] + (F::one() - beta1) * g;
        adam_v[i] = beta2 * adam_v[i] + (F::one() - beta2) * g * g;
        let denom = adam_v[i].sqrt() / bias2_sqrt + eps;
        weights[i] -= step * adam_m[i] / denom;
    }
}
