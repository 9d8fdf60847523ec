//! Deterministic initial parameters: PyTorch `nn.Linear`'s default scheme,
//! W and b uniform in ±1/sqrt(fan_in), drawn from (seed, stream, 0, index).

use crate::cpu::hash::{pcg4d, unit_uniform};
use crate::cpu::real::Real;
use crate::layout::NetworkLayout;

/// The flat parameter buffer of `layout`, initialised from `seed`.
pub fn init_params<F: Real>(layout: &NetworkLayout, seed: u32, stream: u32) -> Vec<F> {
    let mut params = vec![F::zero(); layout.param_count];
    for layer in &layout.layers {
        let bound = 1.0 / (layer.inputs as f64).sqrt();
        for index in layer.offset..layer.offset + layer.param_count() {
            let bits = pcg4d([seed, stream, 0, index as u32])[0];
            let u = f64::from(unit_uniform(bits));
            params[index] = F::lit((2.0 * u - 1.0) * bound);
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Activation;

    #[test]
    fn bounds_follow_fan_in_and_seed_changes_values() {
        let layout = NetworkLayout::mlp(&[100, 4, 1], Activation::Tanh, Activation::Identity);
        let a: Vec<f64> = init_params(&layout, 1, 5);
        let b: Vec<f64> = init_params(&layout, 2, 5);
        assert_ne!(a, b);
        assert_eq!(a, init_params::<f64>(&layout, 1, 5));
        let first = &a[..layout.layers[0].param_count()];
        assert!(first.iter().all(|w| w.abs() <= 0.1));
        assert!(first.iter().any(|w| w.abs() > 0.09), "uses the whole range");
        let second = &a[layout.layers[1].offset..];
        assert!(second.iter().all(|w| w.abs() <= 0.5));
    }
}
