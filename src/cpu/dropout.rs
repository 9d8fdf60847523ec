//! Twin of shaders/dropout.wgsl: inverted dropout with a counter-based mask.

use super::hash::{pcg4d, unit_uniform};
use super::real::Real;
use crate::kernels::dropout::DropoutParams;

/// Whether value `index` is kept (the same answer forward and backward).
pub fn kept(params: &DropoutParams, counters: &[u32; 4], index: u32) -> bool {
    let r = &params.random;
    let bits = pcg4d([r.seed, r.stream, r.counter_value(counters), index]);
    unit_uniform(bits[0]) >= params.rate
}

/// `values[i]` × scale where kept, 0 where dropped, for i < count.
pub fn dropout<F: Real>(params: &DropoutParams, counters: &[u32; 4], values: &mut [F]) {
    let scale = F::of_f32(params.scale);
    for (index, value) in values.iter_mut().enumerate().take(params.count as usize) {
        *value = if kept(params, counters, index as u32) {
            *value * scale
        } else {
            F::zero()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::normal::RandomParams;

    #[test]
    fn drops_about_the_rate_and_keeps_the_mean() {
        let random = RandomParams {
            seed: 3,
            stream: 9,
            counter: 1,
            counter_offset: 0,
        };
        let params = DropoutParams::new(random, 100_000, 0.3);
        let mut values = vec![1.0f64; 100_000];
        dropout(&params, &[0, 7, 0, 0], &mut values);
        let dropped = values.iter().filter(|&&v| v == 0.0).count() as f64 / 1e5;
        // Binomial: standard deviation √(0.3 · 0.7 / 10⁵) ≈ 0.0014; 5σ.
        assert!((dropped - 0.3).abs() < 0.0073, "{dropped}");
        let mean = values.iter().sum::<f64>() / 1e5;
        assert!((mean - 1.0).abs() < 0.0073 / 0.7, "{mean}");
        // Another counter, another mask.
        let mut other = vec![1.0f64; 100_000];
        dropout(&params, &[0, 8, 0, 0], &mut other);
        assert_ne!(values, other);
        // Rate 0 keeps everything, unscaled.
        let mut kept_all = vec![2.5f32; 64];
        dropout(&DropoutParams::new(random, 64, 0.0), &[0; 4], &mut kept_all);
        assert!(kept_all.iter().all(|&v| v == 2.5));
    }
}
