//! Twin of shaders/softmax_ce.wgsl: per row, the gradient of the batch-mean
//! softmax cross-entropy with respect to each logit, the row's loss and
//! whether its first largest logit is the label's.

use super::real::Real;
use crate::kernels::softmax_ce::SoftmaxCeParams;

/// `row_stats` gets (loss, 1 or 0) per row. Labels must be below `classes`.
pub fn softmax_ce<F: Real>(
    params: &SoftmaxCeParams,
    logits: &[F],
    labels: &[u32],
    logit_grads: &mut [F],
    row_stats: &mut [[F; 2]],
) {
    let classes = params.classes as usize;
    let scale = F::one() / F::lit(f64::from(params.rows));
    for row in 0..params.rows as usize {
        let first = row * classes;
        let row_logits = &logits[first..first + classes];
        let label = labels[row] as usize;
        let mut top_class = 0;
        for c in 1..classes {
            if row_logits[c] > row_logits[top_class] {
                top_class = c;
            }
        }
        let top = row_logits[top_class];
        let total = row_logits.iter().fold(F::zero(), |sum, &l| sum + (l - top).exp());
        for c in 0..classes {
            let prob = (row_logits[c] - top).exp() / total;
            let target = if c == label { F::one() } else { F::zero() };
            logit_grads[first + c] = (prob - target) * scale;
        }
        let loss = total.ln() - (row_logits[label] - top);
        let correct = if top_class == label { F::one() } else { F::zero() };
        row_stats[row] = [loss, correct];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(rows: u32, classes: u32) -> SoftmaxCeParams {
        SoftmaxCeParams {
            rows,
            classes,
            _pad: [0; 2],
        }
    }

    #[test]
    fn even_logits_cost_log_classes_and_large_ones_do_not_overflow() {
        let mut grads = [0.0f64; 4];
        let mut stats = [[0.0f64; 2]; 1];
        softmax_ce(&params(1, 4), &[0.5; 4], &[2], &mut grads, &mut stats);
        assert!((stats[0][0] - 4f64.ln()).abs() < 1e-12);
        assert_eq!(grads, [0.25, 0.25, -0.75, 0.25]);
        // Ties go to the first class, as the shader's strict `>`.
        assert_eq!(stats[0][1], 0.0);

        let mut grads = [0.0f32; 6];
        let mut stats = [[0.0f32; 2]; 2];
        softmax_ce(
            &params(2, 3),
            &[1000.0, 0.0, -1000.0, 0.0, 0.0, 90.0],
            &[0, 1],
            &mut grads,
            &mut stats,
        );
        assert_eq!(stats[0], [0.0, 1.0]);
        assert!((stats[1][0] - 90.0).abs() < 1e-4 && stats[1][1] == 0.0);
        assert!(grads.iter().all(|g| g.is_finite()));
        // Each row's gradients sum to 0; divided by the 2 rows.
        assert!((grads[4] + 0.5).abs() < 1e-6 && (grads[5] - 0.5).abs() < 1e-6 && grads[3].abs() < 1e-6);
    }
}
