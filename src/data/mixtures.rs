//! 2-D datasets: the PacGAN benchmark's mixtures and continuous shapes.
//!
//! Each is a fixed set of points drawn from (seed, stream DATASET), so a run
//! is reproducible and the GPU gathers real batches from it like MNIST rows.

use super::datasets::{DatasetKind, Source};
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
}

/// The random numbers behind point `index` of a generated dataset: two
/// standard normals, a uniform in (0, 1) and a coin of 32 bits.
#[derive(Clone, Copy, Debug)]
pub struct Draw {
    pub normals: [f64; 2],
    pub u: f64,
    pub coin: u32,
}

impl Draw {
    pub fn new(seed: u32, index: u32) -> Draw {
        let bits = pcg4d([seed, streams::DATASET, 0, index]);
        Draw {
            normals: box_muller::<f64>(unit_uniform(bits[0]), unit_uniform(bits[1])),
            u: f64::from(unit_uniform(bits[2])),
            coin: bits[3],
        }
    }
}

/// A point of `mixture`: the coin picks the mode, the normals the offset.
pub fn mixture_point(mixture: &Mixture, draw: &Draw) -> [f64; 2] {
    let mode = mixture.modes[draw.coin as usize % mixture.modes.len()];
    let sigma = f64::from(mixture.sigma);
    [
        f64::from(mode[0]) + sigma * draw.normals[0],
        f64::from(mode[1]) + sigma * draw.normals[1],
    ]
}

/// Point `index` of a generated 2-D dataset, in data coordinates; None for
/// MNIST, whose rows come from its file.
pub fn point(kind: DatasetKind, seed: u32, index: u32) -> Option<[f32; 2]> {
    match kind.info().source {
        Source::Points(sample) => Some(sample(&Draw::new(seed, index)).map(|v| v as f32)),
        Source::MnistImages => None,
    }
}

/// All `POINT_COUNT` points of a generated dataset, flattened (x0, y0, x1, …).
pub fn points(kind: DatasetKind, seed: u32) -> Option<Vec<f32>> {
    (0..POINT_COUNT as u32)
        .map(|i| point(kind, seed, i))
        .collect::<Option<Vec<[f32; 2]>>>()
        .map(|points| points.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixture_points_sit_near_their_modes() {
        for kind in [DatasetKind::Ring8, DatasetKind::Grid25] {
            let mixture = (kind.info().mixture.unwrap())();
            let mut hits = vec![0usize; mixture.modes.len()];
            for i in 0..4000 {
                let p = point(kind, 1, i).unwrap();
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
        for &kind in DatasetKind::ALL.iter().filter(|&&k| k != DatasetKind::Mnist) {
            let scale = kind.info().coordinate_scale;
            let extent = kind.info().plot_extent;
            for value in points(kind, 3).unwrap() {
                assert!((value / scale).abs() < 0.8, "{kind:?}: {value}");
                assert!(value.abs() < extent, "{kind:?}: {value}");
            }
        }
    }
}
