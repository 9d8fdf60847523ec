//! The short version of `livegan-cli soak` (which runs 100,000 iterations):
//! after warm-up, training, checkpoints and sample reads create no GPU
//! object, every iteration's stats arrive finite, and resident memory stays
//! within the CLI's margin. Alone in its binary, so that no other test's
//! objects or memory are counted.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use livegan::config::{Config, Preset};
use livegan::data::{Dataset, DatasetKind};
use livegan::gpu::trainer::GpuTrainer;
use livegan::soak::{self, SoakOptions};

/// As the CLI's default margin (src/bin/livegan-cli/soak.rs).
const RESIDENT_MARGIN: u64 = 16 << 20;

#[test]
fn a_warm_trainer_creates_no_gpu_objects_and_keeps_its_memory() {
    let Some(gpu) = common::gpu() else { return };
    let config = Config {
        seed: 3,
        ..Config::preset(DatasetKind::Ring8, Preset::Reference)
    };
    let dataset =
        Dataset::two_d(config.dataset, config.seed, config.data_scale()).expect("a generated dataset");
    let mut trainer = GpuTrainer::new(&gpu.ctx, config, &dataset).expect("a trainer");
    let options = SoakOptions {
        iterations: 1200,
        chunk: 50,
        checkpoint_every: 200,
        warmup: 400,
    };
    let report = soak::run(&mut trainer, &options, |_| {}).expect("the run");
    eprintln!("{report:?}");
    assert_eq!(
        report.checkpoints, 7,
        "the pattern ran: a checkpoint at the start and every 200"
    );
    assert!(
        report.census_after_warmup.buffers > 0,
        "the census counts: {:?}",
        report.census_after_warmup
    );
    let problems = report.problems(RESIDENT_MARGIN);
    assert!(problems.is_empty(), "{problems:?}");
}
