//! Twin of shaders/moving_average.wgsl: average ← a·average + (1 − a)·params,
//! a = min(decay, (1 + t)/(10 + t)).

use super::real::Real;
use crate::kernels::moving_average::MovingAverageParams;

/// The coefficient a at G's update count t.
pub fn decay_at<F: Real>(decay: f32, t: u32) -> F {
    let t = F::lit(f64::from(t));
    let warm_up = (F::one() + t) / (F::lit(10.0) + t);
    F::of_f32(decay).min(warm_up)
}

pub fn moving_average<F: Real>(
    params: &MovingAverageParams,
    counters: &[u32; 4],
    gen_params: &[F],
    average: &mut [F],
) {
    let a = decay_at::<F>(params.decay, counters[params.counter as usize]);
    let b = F::one() - a;
    for (y, &x) in average.iter_mut().zip(gen_params).take(params.count as usize) {
        *y = a * *y + b * x;
    }
}
