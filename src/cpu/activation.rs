//! Activations and their derivatives, as the GEMM epilogue applies them
//! (`epilogue` in shaders/gemm.wgsl, codes 1–2 forward and 3–4 backward).
//!
//! Derivatives are taken from the post-activation value a = act(y), which is
//! what the forward pass stores: LeakyReLU with slope ≥ 0 keeps the sign of y,
//! and tanh' = 1 - a².

use super::real::Real;
use crate::layout::Activation;

/// tanh saturates to ±1 in f32 beyond |y| = 9.01; clamping first keeps
/// implementations that build tanh from exp away from inf/inf.
pub const TANH_CLAMP: f64 = 10.0;

pub fn activate<F: Real>(activation: Activation, y: F) -> F {
    match activation {
        Activation::Identity => y,
        Activation::LeakyRelu { slope } => {
            if y > F::zero() {
                y
            } else {
                F::of_f32(slope) * y
            }
        }
        Activation::Tanh => y.max(F::lit(-TANH_CLAMP)).min(F::lit(TANH_CLAMP)).tanh(),
    }
}

/// d act(y) / dy, from a = act(y).
pub fn activation_grad<F: Real>(activation: Activation, a: F) -> F {
    match activation {
        Activation::Identity => F::one(),
        Activation::LeakyRelu { slope } => {
            if a > F::zero() {
                F::one()
            } else {
                F::of_f32(slope)
            }
        }
        Activation::Tanh => F::one() - a * a,
    }
}
