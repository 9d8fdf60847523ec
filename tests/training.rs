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
use livegan::cpu::real::convert;
use livegan::data::DatasetKind;
use livegan::gpu::trainer::{GpuTrainer, MAX_ITERATIONS_PER_CALL};
use livegan::kernels::gemm::GemmTiling;
use livegan::kernels::moving_average::MovingAverageParams;

/// With each GEMM tiling: the shared-memory one that GPUs run and the
/// direct one that CPU adapters run, whichever this adapter prefers.
#[test]
fn three_iterations_match_the_reference() {
    let Some(gpu) = gpu() else { return };
    for tiling in GemmTiling::ALL {
        let cases = [
            (DatasetKind::Ring8, GanLoss::Bce, 0.0, 1),
            (DatasetKind::Mnist, GanLoss::Bce, 0.0, 1),
            (DatasetKind::Grid25, GanLoss::LeastSquares, 0.0, 1),
            (DatasetKind::Spiral, GanLoss::Hinge, 0.0, 1),
            // Dropout in D: the GPU's masks are the reference's.
            (DatasetKind::Ring8, GanLoss::Bce, 0.3, 1),
            (DatasetKind::Mnist, GanLoss::Hinge, 0.5, 1),
            // PacGAN packing: D reads B packs of m samples.
            (DatasetKind::Ring8, GanLoss::Bce, 0.0, 4),
            (DatasetKind::Mnist, GanLoss::LeastSquares, 0.2, 3),
        ];
        // The R1 penalty on three of them (with dropout and packing too).
        let r1 = [
            (0, 0.0),
            (1, 10.0),
            (2, 0.0),
            (3, 0.0),
            (4, 0.0),
            (5, 0.0),
            (6, 2.0),
            (7, 5.0),
        ];
        // The rates' decay on two: from iteration 1, halving each iteration
        // (each D update of the two per iteration: 2^-1/2).
        let decaying = [2, 5];
        for (index, ((dataset, loss, disc_dropout, pack), (_, r1_gamma))) in
            cases.into_iter().zip(r1).enumerate()
        {
            let lr_half_life = u32::from(decaying.contains(&index));
            let config = Config {
                loss,
                disc_dropout,
                pack,
                r1_gamma,
                lr_decay_start: lr_half_life,
                lr_half_life,
                ..small_config(dataset)
            };
            let (report, moved) =
                block_on(check_iterations_match_reference(&gpu.ctx, &config, 3, tiling)).unwrap();
            report.assert_passed();
            eprintln!(
                "{} {} dropout {disc_dropout} pack {pack} r1 {r1_gamma} half-life {lr_half_life} {tiling:?}: worst {:.3} of tolerance, generator moved up to {moved:.2e}",
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

/// Every iteration's stats arrive natively, even when the caller outruns
/// the GPU (a long call puts it behind, so the short calls after it find
/// every staging buffer in flight: `train` waits for one rather than skip a
/// call's rows, as the browser does) and while another thread polls the
/// same device (as the other tests of this binary do) and so may be the one
/// to run a mapping's callback, after `finish`'s own wait has returned.
#[test]
fn every_iterations_stats_arrive_with_the_gpu_behind_and_shared() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(gpu) = gpu() else { return };
    let config = small_config(DatasetKind::Grid25);
    let mut trainer = GpuTrainer::new(&gpu.ctx, config.clone(), &check_dataset(&config)).unwrap();
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(false, Ordering::Relaxed);
        }
    }
    let polling = AtomicBool::new(true);
    let rounds = std::thread::scope(|scope| {
        // Stops the poller even if a call below panics, so the scope ends.
        let _stop = StopOnDrop(&polling);
        scope.spawn(|| {
            while polling.load(Ordering::Relaxed) {
                gpu.ctx.poll();
            }
        });
        let rounds: Vec<Vec<u64>> = (0..10)
            .map(|_| {
                trainer.train(100).unwrap();
                for _ in 0..12 {
                    trainer.train(1).unwrap();
                }
                trainer.finish().unwrap();
                trainer.take_history().iter().map(|s| s.iteration).collect()
            })
            .collect();
        rounds
    });
    for (round, iterations) in rounds.iter().enumerate() {
        let first = round as u64 * 112;
        assert_eq!(
            iterations,
            &(first..first + 112).collect::<Vec<_>>(),
            "round {round}"
        );
    }
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
    // Ring 8 also keeps a moving average of G, which must resume too.
    for (dataset, gen_ema) in [(DatasetKind::Ring8, 0.95), (DatasetKind::Mnist, 0.0)] {
        let config = Config {
            gen_ema,
            ..small_config(dataset)
        };
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

/// The moving average of G follows its parameters step by step, as the
/// twin computes it from the parameters and G's update count read after
/// each iteration (all 5 in the warm-up, a = 2/11 to 6/15 below the decay
/// 0.9), and the preview samples are drawn from it. Tolerance: each step is
/// within 8 units of f32 rounding of |average| + |params| (values below 1,
/// as in `check_moving_average`), and earlier errors shrink by a < 1:
/// 5 steps, 80 units.
#[test]
fn the_generators_moving_average_follows_its_parameters() {
    let Some(gpu) = gpu() else { return };
    let decay = 0.9f32;
    let config = Config {
        gen_ema: decay,
        ..small_config(DatasetKind::Ring8)
    };
    let dataset = check_dataset(&config);
    let mut trainer = GpuTrainer::new(&gpu.ctx, config.clone(), &dataset).unwrap();
    let mut average: Vec<f64> = convert(&block_on(trainer.read_params()).unwrap().0);
    let before = block_on(trainer.samples()).unwrap();
    let params = MovingAverageParams::new(average.len(), decay);
    for _ in 0..5 {
        trainer.train(1).unwrap();
        let (gen_params, _) = block_on(trainer.read_params()).unwrap();
        let counters = block_on(trainer.read_counters()).unwrap();
        livegan::cpu::moving_average::moving_average(
            &params,
            &counters,
            &convert::<f32, f64>(&gen_params),
            &mut average,
        );
    }
    let gpu_average = block_on(trainer.read_gen_average()).unwrap().expect("an average");
    let (gen_params, _) = block_on(trainer.read_params()).unwrap();
    let tolerance = 80.0 / 16_777_216.0;
    let mut apart = 0.0f64;
    for (i, (&got, &want)) in gpu_average.iter().zip(&average).enumerate() {
        assert!(
            (f64::from(got) - want).abs() <= tolerance,
            "average[{i}]: {got} vs {want}"
        );
        apart = apart.max((f64::from(gen_params[i]) - want).abs());
    }
    assert!(
        apart > 100.0 * tolerance,
        "the average lags the parameters: {apart}"
    );
    // The preview comes from the average: a trainer without one, on the
    // same seed, draws different samples after the same 5 iterations, and
    // the same ones before any.
    let mut plain = GpuTrainer::new(&gpu.ctx, small_config(DatasetKind::Ring8), &dataset).unwrap();
    assert_eq!(block_on(plain.samples()).unwrap(), before);
    plain.train(5).unwrap();
    assert_ne!(
        block_on(plain.samples()).unwrap(),
        block_on(trainer.samples()).unwrap()
    );
}
