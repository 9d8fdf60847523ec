//! Twin of shaders/loss.wgsl: the adversarial loss from logits (BCE, least
//! squares or hinge), its gradient per logit, the batch statistics, and the
//! step counters. The reduction is
//! the shader's: 256 strided partial sums, then a tree.

use super::real::Real;
use crate::kernels::loss::{LOSS_KIND_HINGE, LOSS_KIND_LEAST_SQUARES, LOSS_MODE_DISC, LossParams};
use crate::streams::Counter;

/// Threads of the loss kernel's single workgroup (`@workgroup_size` in WGSL).
pub const LOSS_WORKGROUP: usize = 256;

/// log(1 + e^x) without overflow: max(x, 0) + log(1 + e^-|x|).
pub fn softplus<F: Real>(x: F) -> F {
    x.max(F::zero()) + (F::one() + (-x.abs()).exp()).ln()
}

/// 1 / (1 + e^-x) without overflow.
pub fn sigmoid<F: Real>(x: F) -> F {
    let e = (-x.abs()).exp();
    if x >= F::zero() {
        F::one() / (F::one() + e)
    } else {
        e / (F::one() + e)
    }
}

/// BCE of logit `l` against target `t`: t·softplus(-l) + (1-t)·softplus(l).
pub fn bce_with_logit<F: Real>(l: F, t: F) -> F {
    t * softplus(-l) + (F::one() - t) * softplus(l)
}

/// (loss, d loss / d l, D's reading of l on a 0-to-1 scale) of one sample
/// with logit `l` and target `t`, as the shader's `sample_loss`.
pub fn sample_loss<F: Real>(params: &LossParams, l: F, t: F) -> (F, F, F) {
    let (zero, one, half) = (F::zero(), F::one(), F::lit(0.5));
    match params.kind {
        LOSS_KIND_LEAST_SQUARES => {
            let d = l - t;
            (half * d * d, d, l)
        }
        LOSS_KIND_HINGE => {
            let reading = (l.max(-one).min(one) + one) * half;
            if params.mode != LOSS_MODE_DISC {
                return (-l, -one, reading);
            }
            let sign = if t > half { -one } else { one };
            let margin = one + sign * l;
            let grad = if margin > zero { sign } else { zero };
            (margin.max(zero), grad, reading)
        }
        _ => {
            let p = sigmoid(l);
            (bce_with_logit(l, t), p - t, p)
        }
    }
}

/// Per-iteration statistics, as stored in the GPU stats ring.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StatsRow<F> {
    pub disc_loss: F,
    pub gen_loss: F,
    /// Mean D(x) over the real batch (a probability).
    pub disc_real: F,
    /// Mean D(G(z)) over the fake batch.
    pub disc_fake: F,
}

/// One loss dispatch: writes `logit_grads`, one field group of
/// `stats[iteration % capacity]`, and advances the counters.
pub fn loss<F: Real>(
    params: &LossParams,
    counters: &mut [u32; 4],
    logits: &[F],
    logit_grads: &mut [F],
    stats: &mut [StatsRow<F>],
) {
    let real_count = params.real_count as usize;
    let total = real_count + params.fake_count as usize;
    let real_target = F::of_f32(params.real_target);
    let fake_target = F::of_f32(params.fake_target);
    // [loss_real, loss_fake, reading_real, reading_fake] per thread.
    let mut partial = [[F::zero(); 4]; LOSS_WORKGROUP];
    for (thread, sums) in partial.iter_mut().enumerate() {
        let mut i = thread;
        while i < total {
            let l = logits[i];
            let is_real = i < real_count;
            let (target, group) = if is_real {
                (real_target, real_count)
            } else {
                (fake_target, total - real_count)
            };
            let (value, grad, reading) = sample_loss(params, l, target);
            logit_grads[i] = grad / F::lit(group as f64);
            let slot = if is_real { 0 } else { 1 };
            sums[slot] += value;
            sums[slot + 2] += reading;
            i += LOSS_WORKGROUP;
        }
    }
    let mut stride = LOSS_WORKGROUP / 2;
    while stride > 0 {
        for thread in 0..stride {
            let other = partial[thread + stride];
            for (mine, theirs) in partial[thread].iter_mut().zip(other) {
                *mine += theirs;
            }
        }
        stride /= 2;
    }
    let [loss_real, loss_fake, prob_real, prob_fake] = partial[0]; // readings
    let real_n = F::lit(params.real_count.max(1) as f64);
    let fake_n = F::lit(params.fake_count.max(1) as f64);
    let slot = (counters[Counter::Iteration as usize] % params.stats_capacity) as usize;
    let row = &mut stats[slot];
    if params.mode == LOSS_MODE_DISC {
        row.disc_loss = loss_real / real_n + loss_fake / fake_n;
        row.disc_real = prob_real / real_n;
        row.disc_fake = prob_fake / fake_n;
        counters[Counter::DiscUpdates as usize] += 1;
    } else {
        row.gen_loss = loss_fake / fake_n;
        counters[Counter::GenUpdates as usize] += 1;
        counters[Counter::Iteration as usize] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_forms_match_naive_ones_where_those_work() {
        for x in [-30.0f64, -3.0, -0.1, 0.0, 0.5, 4.0, 30.0] {
            let naive_softplus = (1.0 + x.exp()).ln();
            assert!((softplus(x) - naive_softplus).abs() < 1e-12, "{x}");
            let naive_sigmoid = 1.0 / (1.0 + (-x).exp());
            assert!((sigmoid(x) - naive_sigmoid).abs() < 1e-15, "{x}");
        }
        assert!(softplus(1000.0f32).is_finite() && sigmoid(-1000.0f32) == 0.0);
    }
}
