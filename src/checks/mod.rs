//! Each GPU kernel against its CPU twin, runnable on any device: the native
//! tests run these on lavapipe, the browser tests on the browser's WebGPU.
//!
//! The twin runs in f64 on the same f32 inputs, so the difference is the
//! GPU's own f32 error, judged against a bound stated per kernel
//! (u = 2⁻²⁴, the unit roundoff of f32; γ_k = k·u / (1 - k·u)):
//!
//! | kernel | tolerance | why |
//! |---|---|---|
//! | gemm | γ_(K+2)·Σ_k\|a·b\| + 2u·\|ref\| (+ 2⁻¹⁹ with tanh) | the classic bound for a K-term dot product in any order, with or without fma; epilogues are 1-Lipschitz; tanh adds its own evaluation error |
//! | loss grads | 2⁻²⁰ / n | σ(l) ≤ 1 through exp and a division: 16 ulp at 1, divided by the group size n |
//! | loss values | 2⁻¹⁸ · (1 + \|ref\|) | a tree sum of up to 2B softplus terms, each a few ulp off; the sum is 1 + \|ref\| in scale |
//! | softmax_ce grads | 2⁻²⁰ / n | a probability ≤ 1 through exp and a division, minus 0 or 1: a few ulp at 1, divided by the rows n |
//! | softmax_ce loss | 2⁻²⁰ · (1 + \|ref\|) | log of a sum of at most C terms in [1, C] plus a difference of logits: a few ulp of the result's scale |
//! | dropout | u · \|ref\| | one product by the host's 1 / (1 − rate), rounded once; the mask is the same integer hash on both sides |
//! | axpby | 4u · (\|a·y\| + \|b·x\|) | two products and a sum, each rounded once (or fused) |
//! | moving_average | 8u · (\|y\| + \|x\|) | a = min(decay, (1 + t)/(10 + t)) through WGSL's division (2.5 ulp), then 1 − a, two products and a sum |
//! | adam | 8u·\|ref\| + 10⁻⁴·lr | a handful of roundings per element, plus pow's error in the bias corrections, which scales the step (≤ lr in size) |
//! | normals | 2⁻¹¹·r + min(2⁻²¹/r, 2⁻¹⁰) + 2⁻²⁰·(1 + r), r the pair's radius | each pair is (r cos θ, r sin θ); WGSL bounds cos and sin on [-π, π] by 2⁻¹¹ absolute (SwiftShader comes within 3·10⁻⁴ of it, lavapipe is ~100× better); r² = −2 log u₁ with log's 2⁻²¹ absolute error near 1, which √ turns into up to 2⁻²¹/r in a small r; a few ulp of sqrt and the product |
//! | gather (bytes) | 2⁻²¹ | one division and one subtraction near 1 |
//! | gather (floats) | exact | a copy; indices are integer hashes |

pub mod kernels;
pub mod render;
pub mod training;

use crate::cpu;

/// Unit roundoff of f32.
pub const U: f64 = 1.0 / 16_777_216.0;

/// The outcome of comparing GPU values with their reference.
#[derive(Clone, Debug)]
pub struct Report {
    pub name: String,
    pub compared: usize,
    /// max over values of |gpu - ref| / tolerance: below 1 passes.
    pub worst_ratio: f64,
    /// The first mismatches, formatted.
    pub mismatches: Vec<String>,
    pub mismatch_count: usize,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.mismatch_count == 0 && self.compared > 0
    }

    /// Panics with the first mismatches unless every value was within tolerance.
    pub fn assert_passed(&self) {
        assert!(
            self.passed(),
            "{}: {} of {} values outside tolerance (worst {:.2}× the tolerance):\n{}",
            self.name,
            self.mismatch_count,
            self.compared,
            self.worst_ratio,
            self.mismatches.join("\n")
        );
    }

    pub fn merge(mut self, other: Report) -> Report {
        self.compared += other.compared;
        self.worst_ratio = self.worst_ratio.max(other.worst_ratio);
        self.mismatch_count += other.mismatch_count;
        self.mismatches.extend(other.mismatches);
        self.mismatches.truncate(8);
        self
    }
}

/// Compares `gpu` with `reference`, value i allowed `tolerance(i)`.
pub fn compare(name: &str, gpu: &[f32], reference: &[f64], tolerance: impl Fn(usize) -> f64) -> Report {
    let mut report = Report {
        name: name.to_string(),
        compared: 0,
        worst_ratio: 0.0,
        mismatches: Vec::new(),
        mismatch_count: 0,
    };
    if gpu.len() != reference.len() {
        report.mismatch_count = 1;
        report.mismatches.push(format!(
            "length {} on the GPU, {} in the reference",
            gpu.len(),
            reference.len()
        ));
        return report;
    }
    for (i, (&g, &r)) in gpu.iter().zip(reference).enumerate() {
        let allowed = tolerance(i);
        let error = (f64::from(g) - r).abs();
        let ratio = if error == 0.0 { 0.0 } else { error / allowed };
        report.compared += 1;
        // NaN fails: it is not within tolerance.
        let within = matches!(
            ratio.partial_cmp(&1.0),
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        );
        if !within {
            report.mismatch_count += 1;
            if report.mismatches.len() < 8 {
                report.mismatches.push(format!(
                    "  {name}[{i}]: gpu {g:e}, reference {r:e}, |diff| {error:e} > tolerance {allowed:e}"
                ));
            }
        }
        if ratio.is_finite() {
            report.worst_ratio = report.worst_ratio.max(ratio);
        } else {
            report.worst_ratio = f64::INFINITY;
        }
    }
    report
}

/// Deterministic test inputs uniform in [lo, hi).
pub fn test_values(seed: u32, len: usize, lo: f32, hi: f32) -> Vec<f32> {
    (0..len as u32)
        .map(|i| {
            let bits = cpu::hash::pcg4d([seed, 0xC0FFEE, 0, i])[0];
            lo + (hi - lo) * cpu::hash::unit_uniform(bits)
        })
        .collect()
}
