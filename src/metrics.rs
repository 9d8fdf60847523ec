//! How well generated 2-D samples cover a Gaussian mixture, as in the PacGAN
//! and VEEGAN benchmarks: a sample is high quality when it lies within 3σ
//! of its nearest mode; a mode is covered when it is the nearest mode of at
//! least one high-quality sample; the reverse KL divergence compares the
//! high-quality samples' spread over the modes with the data's (uniform).

use serde::Serialize;

use crate::data::mixtures::Mixture;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModeCoverage {
    pub modes_covered: usize,
    pub mode_count: usize,
    /// Fraction of samples within 3σ of their nearest mode.
    pub high_quality: f64,
    /// High-quality samples per mode, in the mixture's mode order.
    pub per_mode: Vec<usize>,
    /// KL(p ‖ uniform) = Σ pᵢ ln(K pᵢ) for p the high-quality samples'
    /// share per mode: 0 when they spread evenly, ln K when all sit on one
    /// mode; None when no sample is high quality.
    pub reverse_kl: Option<f64>,
}

/// One line, as the CLI prints it while training.
impl std::fmt::Display for ModeCoverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "modes covered {}/{}, high-quality samples {:.1}%",
            self.modes_covered,
            self.mode_count,
            100.0 * self.high_quality
        )?;
        match self.reverse_kl {
            Some(kl) => write!(f, ", reverse KL {kl:.4}"),
            None => Ok(()),
        }
    }
}

/// Coverage of `samples` (x0, y0, x1, y1, … in data coordinates).
pub fn mode_coverage(mixture: &Mixture, samples: &[f32]) -> ModeCoverage {
    let radius = 3.0 * f64::from(mixture.sigma);
    let mut per_mode = vec![0usize; mixture.modes.len()];
    let mut high_quality = 0usize;
    let points = samples.chunks_exact(2);
    let count = points.len();
    for point in points {
        let (x, y) = (f64::from(point[0]), f64::from(point[1]));
        let nearest = mixture
            .modes
            .iter()
            .enumerate()
            .map(|(index, mode)| {
                let (dx, dy) = (x - f64::from(mode[0]), y - f64::from(mode[1]));
                (index, (dx * dx + dy * dy).sqrt())
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((index, distance)) = nearest
            && distance <= radius
        {
            per_mode[index] += 1;
            high_quality += 1;
        }
    }
    let modes = mixture.modes.len() as f64;
    let reverse_kl = (high_quality > 0).then(|| {
        per_mode
            .iter()
            .filter(|&&n| n > 0)
            .map(|&n| {
                let share = n as f64 / high_quality as f64;
                share * (modes * share).ln()
            })
            .sum::<f64>()
            // Rounding can leave -1e-17 for an even spread.
            .max(0.0)
    });
    ModeCoverage {
        reverse_kl,
        modes_covered: per_mode.iter().filter(|&&n| n > 0).count(),
        mode_count: mixture.modes.len(),
        high_quality: if count == 0 {
            0.0
        } else {
            high_quality as f64 / count as f64
        },
        per_mode,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DatasetKind;
    use crate::data::mixtures::point;

    #[test]
    fn real_data_covers_every_mode_with_high_quality() {
        let mixture = Mixture::ring8();
        let samples: Vec<f32> = (0..2500)
            .flat_map(|i| point(DatasetKind::Ring8, 9, i).unwrap())
            .collect();
        let coverage = mode_coverage(&mixture, &samples);
        assert_eq!(coverage.modes_covered, 8);
        // P(χ²₂ ≤ 9) = 1 - e^-4.5 ≈ 0.989.
        assert!(coverage.high_quality > 0.97, "{coverage:?}");
    }

    #[test]
    fn collapsed_and_off_mode_samples_are_told_apart() {
        let mixture = Mixture::ring8();
        let collapsed: Vec<f32> = std::iter::repeat_n([1.0f32, 0.0], 100).flatten().collect();
        let coverage = mode_coverage(&mixture, &collapsed);
        assert_eq!((coverage.modes_covered, coverage.high_quality), (1, 1.0));
        let between_modes: Vec<f32> = std::iter::repeat_n([0.0f32, 0.0], 100).flatten().collect();
        let coverage = mode_coverage(&mixture, &between_modes);
        assert_eq!((coverage.modes_covered, coverage.high_quality), (0, 0.0));
        assert_eq!(coverage.reverse_kl, None);
    }

    #[test]
    fn reverse_kl_is_zero_for_an_even_spread_and_ln_k_for_one_mode() {
        let mixture = Mixture::ring8();
        let even: Vec<f32> = mixture.modes.iter().flat_map(|m| [m[0], m[1]]).collect();
        let coverage = mode_coverage(&mixture, &even);
        assert_eq!(coverage.reverse_kl, Some(0.0));
        let one: Vec<f32> = std::iter::repeat_n(mixture.modes[3], 10).flatten().collect();
        let kl = mode_coverage(&mixture, &one).reverse_kl.unwrap();
        assert!((kl - 8f64.ln()).abs() < 1e-12, "{kl}");
        // Two modes, 3:1: 0.75 ln 6 + 0.25 ln 2.
        let skewed: Vec<f32> = [0, 0, 0, 1].iter().flat_map(|&i| mixture.modes[i]).collect();
        let kl = mode_coverage(&mixture, &skewed).reverse_kl.unwrap();
        assert!((kl - (0.75 * 6f64.ln() + 0.25 * 2f64.ln())).abs() < 1e-12, "{kl}");
    }
}
