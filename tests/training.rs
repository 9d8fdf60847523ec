//! Whole iterations on the GPU: against the CPU reference, reproducibility,
//! and the statistics path.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{block_on, gpu};
use livegan::checks::training::{
    check_dataset, check_errors_stay_with_their_trainer, check_iterations_match_reference, param_tolerance,
    small_config,
};
use livegan::config::{Config, GanLoss};
use livegan::data::DatasetKind;
use livegan::gpu::trainer::{GpuTrainer, MAX_ITERATIONS_PER_CALL};
use livegan::kernels::gemm::GemmTiling;

/// With each GEMM tiling: the shared-memory one that GPUs run and the
/// direct one that CPU adapters run, whichever this adapter prefers.
#[test]
fn three_iterations_match_the_reference() {
    let Some(gpu) = gpu() else { return };
    for tiling in GemmTiling::ALL {
        let cases = [
            (DatasetKind::Ring8, GanLoss::Bce),
            (DatasetKind::Mnist, GanLoss::Bce),
            (DatasetKind::Grid25, GanLoss::LeastSquares),
            (DatasetKind::Spiral, GanLoss::Hinge),
        ];
        for (dataset, loss) in cases {
            let config = Config {
                loss,
                ..small_config(dataset)
            };
            let (report, moved) =
                block_on(check_iterations_match_reference(&gpu.ctx, &config, 3, tiling)).unwrap();
            report.assert_passed();
            eprintln!(
                "{} {} {tiling:?}: worst {:.3} of tolerance, generator moved up to {moved:.2e}",
                dataset.name(),
                loss.name(),
                report.worst_ratio
            );
            // The comparison means something only if training moved the
            // parameters far more than the tolerance allows.
            assert!(moved > 10.0 * param_tolerance(&config, 3, 0.0), "moved {moved}");
        }
    }
}

#[test]
fn gpu_errors_stay_with_the_trainer_that_caused_them() {
    let Some(gpu) = gpu() else { return };
    let message = block_on(check_errors_stay_with_their_trainer(&gpu.ctx)).unwrap();
    assert!(
        message.contains("GPU error") && message.contains("invalid on purpose"),
        "{message}"
    );
}

#[test]
fn a_model_too_large_for_the_device_is_refused_before_allocating() {
    let Some(gpu) = gpu() else { return };
    // Valid by the config's ranges: eight hidden layers of 4096, ~134 M
    // parameters in the generator alone.
    let config = livegan::config::Config {
        gen_hidden: vec![4096; 8],
        ..small_config(DatasetKind::Ring8)
    };
    config.validate().unwrap();
    let error = GpuTrainer::new(&gpu.ctx, config.clone(), &check_dataset(&config))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("genHidden") && error.contains("too large"),
        "{error}"
    );
}

#[test]
fn train_refuses_more_iterations_than_its_stats_ring_holds() {
    let Some(gpu) = gpu() else { return };
    let config = small_config(DatasetKind::Ring8);
    let mut trainer = GpuTrainer::new(&gpu.ctx, config.clone(), &check_dataset(&config)).unwrap();
    let error = trainer
        .train(MAX_ITERATIONS_PER_CALL + 1)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("train(n)") && error.contains(&format!("0 to {MAX_ITERATIONS_PER_CALL}")),
        "{error}"
    );
    assert_eq!(trainer.iterations(), 0, "a refused call trains nothing");
    trainer.train(0).unwrap();
    assert_eq!(trainer.iterations(), 0);
}

fn run_stats(seed: u32, iterations: u32) -> Vec<[f32; 4]> {
    let gpu = gpu().unwrap();
    let config = livegan::config::Config {
        seed,
        ..small_config(DatasetKind::Grid25)
    };
    let mut trainer = GpuTrainer::new(&gpu.ctx, config.clone(), &check_dataset(&config)).unwrap();
    for _ in 0..iterations / 5 {
        trainer.train(5).unwrap();
    }
    trainer.finish().unwrap();
    let history = trainer.take_history();
    assert_eq!(
        history.iter().map(|s| s.iteration).collect::<Vec<_>>(),
        (0..u64::from(iterations)).collect::<Vec<_>>(),
        "every iteration's stats arrive, in order"
    );
    history
        .iter()
        .map(|s| [s.disc_loss, s.gen_loss, s.disc_real, s.disc_fake])
        .collect()
}

#[test]
fn the_same_seed_gives_identical_stats_twice() {
    if gpu().is_none() {
        return;
    }
    let first = run_stats(7, 40);
    let second = run_stats(7, 40);
    assert_eq!(first, second, "bit-identical on the same adapter");
    assert!(first.iter().flatten().all(|v| v.is_finite()));
    let other = run_stats(8, 40);
    assert_ne!(first, other, "a different seed gives a different run");
}

#[test]
fn stats_arrive_without_blocking_and_samples_read_back() {
    let Some(gpu) = gpu() else { return };
    let config = small_config(DatasetKind::Spiral);
    let mut trainer = GpuTrainer::new(&gpu.ctx, config.clone(), &check_dataset(&config)).unwrap();
    assert_eq!(trainer.stats(), None, "nothing has run yet");
    trainer.train(3).unwrap();
    // Poll (never wait) until the mapping arrives.
    let mut newest = None;
    for _ in 0..10_000 {
        newest = trainer.stats();
        if newest.is_some_and(|s| s.iteration == 2) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let newest = newest.expect("stats arrived");
    assert_eq!(newest.iteration, 2);
    assert!(newest.disc_loss.is_finite() && newest.disc_real > 0.0 && newest.disc_real < 1.0);
    let samples = block_on(trainer.samples()).unwrap();
    assert_eq!(samples.len(), config.sample_count as usize * 2);
    let scale = DatasetKind::Spiral.info().coordinate_scale;
    assert!(samples.iter().all(|v| v.is_finite() && v.abs() <= scale));
    assert_eq!(trainer.iterations(), 3);
    assert_eq!(
        block_on(trainer.read_counters()).unwrap(),
        [3, 3 * config.disc_steps, 3, 0]
    );
}

#[test]
fn a_resumed_run_is_bit_identical_to_an_uninterrupted_one() {
    let Some(gpu) = gpu() else { return };
    for dataset in [DatasetKind::Ring8, DatasetKind::Mnist] {
        let config = small_config(dataset);
        let bytes = block_on(livegan::checks::training::check_resume_is_exact(
            &gpu.ctx, &config, 4, 3,
        ))
        .unwrap();
        eprintln!(
            "{}: 4 + 3 iterations resumed exactly (checkpoint {bytes} bytes)",
            dataset.name()
        );
    }
}
