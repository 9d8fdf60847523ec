//! 2-D datasets: the PacGAN benchmark's mixtures and continuous shapes.
//!
//! Each is a fixed set of points drawn from (seed, stream DATASET), so a run
//! is reproducible and the GPU gathers real batches from it like MNIST rows.

use crate::config::DatasetKind;
use crate::cpu::hash::{box_muller, pcg4d, unit_uniform};
use crate::streams;

/// Points drawn per 2-D dataset; batches sample from them with replacement.
pub const POINT_COUNT: usize = 65_536;

/// A mixture of isotropic Gaussians with equal weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    pub modes: Vec<[f32; 2]>,
    pub sigma: f32,
}

impl Mixture {
    /// PacGAN's ring: 8 modes on a circle of radius 1, σ 0.01.
    pub fn ring8() -> Mixture {
        let modes = (0..8)
            .map(|k| {
                let angle = std::f64::consts::TAU * f64::from(k) / 8.0;
                [angle.cos() as f32, angle.sin() as f32]
            })
            .collect();
        Mixture { modes, sigma: 0.01 }
    }

    /// PacGAN's grid: 25 modes at {-4, -2, 0, 2, 4}², σ 0.05.
    pub fn grid25() -> Mixture {
        let axis = [-4.0f32, -2.0, 0.0, 2.0, 4.0];
        let modes = axis
            .iter()
            .flat_map(|&x| axis.iter().map(move |&y| [x, y]))
            .collect();
        Mixture { modes, sigma: 0.05 }
    }

    pub fn for_dataset(kind: DatasetKind) -> Option<Mixture> {
        match kind {
            DatasetKind::Ring8 => Some(Mixture::ring8()),
            DatasetKind::Grid25 => Some(Mixture::grid25()),
            _ => None,
        }
    }
}

/// The generator's tanh output lives in (-1, 1); 2-D data is divided by this
/// factor on upload (so the data sits well inside that range) and generated
/// samples are multiplied by it on the way out.
pub fn coordinate_scale(kind: DatasetKind) -> f32 {
    match kind {
        DatasetKind::Mnist => 1.0,
        DatasetKind::Ring8 | DatasetKind::Circle => 2.0,
        DatasetKind::Grid25 => 6.0,
        DatasetKind::Spiral => 3.0,
    }
}

/// The square [-extent, extent]² that frames the dataset in plots.
pub fn plot_extent(kind: DatasetKind) -> f32 {
    match kind {
        DatasetKind::Grid25 => 5.5,
        DatasetKind::Spiral => 2.5,
        _ => 1.5,
    }
}

/// Point `index` of a 2-D dataset, in data coordinates.
pub fn point(kind: DatasetKind, seed: u32, index: u32) -> [f32; 2] {
    let bits = pcg4d([seed, streams::DATASET, 0, index]);
    let [n0, n1] = box_muller::<f64>(unit_uniform(bits[0]), unit_uniform(bits[1]));
    let u = f64::from(unit_uniform(bits[2]));
    let coin = bits[3];
    let (x, y) = match kind {
        DatasetKind::Mnist => (0.0, 0.0),
        DatasetKind::Ring8 | DatasetKind::Grid25 => {
            let Some(mixture) = Mixture::for_dataset(kind) else {
                unreachable!("ring8 and grid25 are mixtures")
            };
            let mode = mixture.modes[coin as usize % mixture.modes.len()];
            let sigma = f64::from(mixture.sigma);
            (f64::from(mode[0]) + sigma * n0, f64::from(mode[1]) + sigma * n1)
        }
        DatasetKind::Spiral => {
            // Two arms, each 1.5 turns from radius 0.2 out to 2.
            let arm = f64::from(coin % 2) * std::f64::consts::PI;
            let angle = 3.0 * std::f64::consts::PI * u + arm;
            let radius = 0.2 + 1.8 * u;
            (radius * angle.cos() + 0.02 * n0, radius * angle.sin() + 0.02 * n1)
        }
        DatasetKind::Circle => {
            let angle = std::f64::consts::TAU * u;
            let radius = 1.0 + 0.01 * n0;
            (radius * angle.cos(), radius * angle.sin())
        }
    };
    [x as f32, y as f32]
}

/// All `POINT_COUNT` points of a 2-D dataset, flattened (x0, y0, x1, …).
pub fn points(kind: DatasetKind, seed: u32) -> Vec<f32> {
    (0..POINT_COUNT as u32)
        .flat_map(|i| point(kind, seed, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixture_points_sit_near_their_modes() {
        for kind in [DatasetKind::Ring8, DatasetKind::Grid25] {
            let mixture = Mixture::for_dataset(kind).unwrap();
            let mut hits = vec![0usize; mixture.modes.len()];
            for i in 0..4000 {
                let p = point(kind, 1, i);
                let (nearest, d2) = mixture
                    .modes
                    .iter()
                    .enumerate()
                    .map(|(m, c)| (m, (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)))
                    .min_by(|a, b| a.1.total_cmp(&b.1))
                    .unwrap();
                // 6σ: a normal radius exceeds it with probability e^-18.
                assert!(d2.sqrt() < 6.0 * mixture.sigma, "{kind:?} point {p:?}");
                hits[nearest] += 1;
            }
            let expected = 4000 / mixture.modes.len();
            assert!(hits.iter().all(|&h| h > expected / 2), "{kind:?}: {hits:?}");
        }
    }

    #[test]
    fn scaled_data_fits_the_generator_output_range() {
        for kind in DatasetKind::ALL.into_iter().filter(|&k| k != DatasetKind::Mnist) {
            let scale = coordinate_scale(kind);
            let extent = plot_extent(kind);
            for value in points(kind, 3) {
                assert!((value / scale).abs() < 0.8, "{kind:?}: {value}");
                assert!(value.abs() < extent, "{kind:?}: {value}");
            }
        }
    }
}
