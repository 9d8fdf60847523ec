//! How good a batch of generated digits is, read through the classifier:
//! the Inception Score exp(E_x KL(p(y|x) ‖ p(y))) (Salimans et al. 2016;
//! one split over all the samples), the histogram of predicted classes, the
//! share read with probability ≥ 0.9, and the Fréchet distance of their
//! features from the real test digits'.

use serde::Serialize;

use super::file::ClassifierFile;
use super::frechet::{frechet_distance, mean_and_covariance};
use super::{CLASSES, FEATURES};

/// Probability a sample's top class needs for it to count as confident.
pub const CONFIDENT: f64 = 0.9;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DigitQuality {
    pub samples: usize,
    /// 1 (all samples read alike, or none confidently) to 10 (each read
    /// with certainty, the classes evenly spread).
    pub inception_score: f64,
    /// Samples per predicted class, 0 to 9.
    pub class_histogram: Vec<usize>,
    /// Share of samples whose top class has probability ≥ 0.9.
    pub confident_share: f64,
    /// Fréchet distance of the samples' features from the test digits'
    /// (0 for the same distribution; it grows as the samples are fewer).
    pub frechet_distance: f64,
}

/// One line, as the CLI prints it while training.
impl std::fmt::Display for DigitQuality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Inception Score {:.3}, confident {:.1}%, Fréchet distance {:.2}, classes {:?}",
            self.inception_score,
            100.0 * self.confident_share,
            self.frechet_distance,
            self.class_histogram
        )
    }
}

/// Softmax of each row of `logits` (CLASSES per row), in f64.
pub fn probabilities(logits: &[f32]) -> Vec<[f64; CLASSES]> {
    logits
        .chunks_exact(CLASSES)
        .map(|row| {
            let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut probs = [0.0; CLASSES];
            for (p, &l) in probs.iter_mut().zip(row) {
                *p = f64::from(l - top).exp();
            }
            let total: f64 = probs.iter().sum();
            probs.iter_mut().for_each(|p| *p /= total);
            probs
        })
        .collect()
}

/// exp of the mean KL divergence of each row from the rows' mean.
pub fn inception_score(probs: &[[f64; CLASSES]]) -> f64 {
    if probs.is_empty() {
        return 1.0;
    }
    let mut marginal = [0.0; CLASSES];
    for row in probs {
        for (m, p) in marginal.iter_mut().zip(row) {
            *m += p / probs.len() as f64;
        }
    }
    let mean_kl = probs
        .iter()
        .map(|row| {
            row.iter()
                .zip(&marginal)
                .filter(|(p, _)| **p > 0.0)
                .map(|(p, m)| p * (p / m).ln())
                .sum::<f64>()
        })
        .sum::<f64>()
        / probs.len() as f64;
    mean_kl.exp()
}

/// The predicted class of each row (the first largest probability).
pub fn predicted_classes(probs: &[[f64; CLASSES]]) -> Vec<usize> {
    probs
        .iter()
        .map(|row| (0..CLASSES).fold(0, |best, c| if row[c] > row[best] { c } else { best }))
        .collect()
}

/// Quality of samples whose classifier logits (rows × 10) and features
/// (rows × FEATURES) are given, against the test digits' statistics.
pub fn digit_quality(logits: &[f32], features: &[f32], reference: &ClassifierFile) -> DigitQuality {
    let probs = probabilities(logits);
    let mut class_histogram = vec![0; CLASSES];
    for class in predicted_classes(&probs) {
        class_histogram[class] += 1;
    }
    let confident = probs
        .iter()
        .filter(|row| row.iter().any(|&p| p >= CONFIDENT))
        .count();
    let (mean, covariance) = mean_and_covariance(features, FEATURES);
    DigitQuality {
        samples: probs.len(),
        inception_score: inception_score(&probs),
        class_histogram,
        confident_share: confident as f64 / probs.len().max(1) as f64,
        frechet_distance: frechet_distance(
            &mean,
            &covariance,
            &reference.feature_mean,
            &reference.feature_covariance,
            FEATURES,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_hot(class: usize) -> [f64; CLASSES] {
        let mut row = [0.0; CLASSES];
        row[class] = 1.0;
        row
    }

    #[test]
    fn inception_score_spans_one_to_the_class_count() {
        let certain_and_even: Vec<_> = (0..50).map(|i| one_hot(i % CLASSES)).collect();
        assert!((inception_score(&certain_and_even) - 10.0).abs() < 1e-9);
        let one_class: Vec<_> = (0..50).map(|_| one_hot(3)).collect();
        assert!((inception_score(&one_class) - 1.0).abs() < 1e-12);
        let unsure = vec![[0.1; CLASSES]; 20];
        assert!((inception_score(&unsure) - 1.0).abs() < 1e-12);
        // Two classes, each certain: exp(ln 2).
        let two: Vec<_> = (0..40).map(|i| one_hot(i % 2 * 7)).collect();
        assert!((inception_score(&two) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn probabilities_are_a_stable_softmax() {
        let probs = probabilities(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0]);
        assert_eq!(probs[0][9], 1.0);
        assert_eq!(predicted_classes(&probs), vec![9]);
        let even = probabilities(&[2.0; CLASSES]);
        assert!(even[0].iter().all(|&p| (p - 0.1).abs() < 1e-15));
        assert_eq!(predicted_classes(&even), vec![0]);
    }
}
