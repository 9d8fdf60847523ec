//! The GAN learns: on the ring of 8 Gaussians (PacGAN's benchmark) the 2-D
//! preset, from a fixed seed, covers at least 6 of the 8 modes with at
//! least half its samples high quality (within 3σ of a mode), measured on
//! 2,500 samples.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use livegan::config::Config;
use livegan::data::Dataset;
use livegan::data::DatasetKind;
use livegan::gpu::trainer::GpuTrainer;
use livegan::metrics::mode_coverage;

const ITERATIONS: u32 = 10_000;

#[test]
fn ring8_learns_to_cover_the_modes() {
    let Some(gpu) = gpu() else { return };
    let config = Config {
        sample_count: 2500,
        seed: 0,
        ..Config::preset(DatasetKind::Ring8)
    };
    let dataset = Dataset::two_d(DatasetKind::Ring8, config.seed).expect("ring8 is generated");
    let mut trainer = GpuTrainer::new(&gpu.ctx, config, &dataset).unwrap();
    let start = std::time::Instant::now();
    for _ in 0..ITERATIONS / 200 {
        trainer.train(200).unwrap();
        // Bounded queue: a CPU adapter runs far behind the encoder otherwise.
        trainer.finish().unwrap();
    }
    let samples = block_on(trainer.samples()).unwrap();
    let mixture = DatasetKind::Ring8.info().mixture.expect("ring8 is a mixture");
    let coverage = mode_coverage(&mixture(), &samples);
    eprintln!(
        "ring8 after {ITERATIONS} iterations ({:.0} s): {} of 8 modes, {:.1}% high quality, per mode {:?}",
        start.elapsed().as_secs_f64(),
        coverage.modes_covered,
        100.0 * coverage.high_quality,
        coverage.per_mode
    );
    assert_eq!(samples.len(), 2 * 2500);
    assert!(coverage.modes_covered >= 6, "{coverage:?}");
    assert!(coverage.high_quality >= 0.5, "{coverage:?}");
}
