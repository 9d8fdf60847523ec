//! Whole-iteration checks: the GPU trainer against the plain CPU reference
//! (`reference::ReferenceGan` in f64) from the same seed.

use super::{Report, U, compare};
use crate::config::{Config, Preset};
use crate::data::Dataset;
use crate::data::DatasetKind;
use crate::data::mnist::{IMAGE_PIXELS, MnistImages};
use crate::error::Error;
use crate::gpu::context::{GpuContext, ScopedErrors};
use crate::gpu::trainer::GpuTrainer;
use crate::kernels::gemm::GemmTiling;
use crate::reference::ReferenceGan;

/// A small model on `dataset`, quick even on a CPU rasteriser, that still
/// has every part: two hidden layers each side, awkward widths, k = 2.
///
/// ε is 1e-4 rather than Adam's usual 1e-8: at 1e-8 the first step is
/// lr·sign(g), which turns rounding-level differences in near-zero
/// gradients into whole ±lr steps; with ε = 1e-4 the update is a smooth
/// function of g (Lipschitz constant lr/ε), so GPU and reference can be
/// compared element by element.
pub fn small_config(dataset: DatasetKind) -> Config {
    Config {
        dataset,
        latent_size: 5,
        gen_hidden: vec![7, 65],
        disc_hidden: vec![63, 9],
        batch_size: 7,
        gen_lr: 1e-3,
        disc_lr: 1e-3,
        eps: 1e-4,
        disc_steps: 2,
        label_smoothing: 0.1,
        seed: 42,
        sample_count: 3,
        ..Config::preset(dataset, Preset::Reference)
    }
}

/// MNIST-shaped data (random pixels) so checks need no download.
pub fn synthetic_mnist(count: usize, seed: u32) -> Dataset {
    let pixels = super::test_values(seed, count * IMAGE_PIXELS, 0.0, 256.0)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    Dataset::mnist(MnistImages { count, pixels })
}

/// The dataset for `config`: synthetic MNIST, or the real 2-D point set.
pub fn check_dataset(config: &Config) -> Dataset {
    Dataset::two_d(config.dataset, config.seed, config.data_scale()).unwrap_or_else(|| synthetic_mnist(97, 7))
}

/// How far GPU parameters may sit from the f64 reference after `iterations`
/// iterations. Each update's step is a smooth function of the gradient with
/// Lipschitz constant lr/ε = 10; the f32 gradients of this small model are
/// off by ~1e-5 relative to their own scale (γ_K of its dot products),
/// which are ~1e-2 here, so a step may be off by ~1e-6 = 1e-3·lr; half of
/// that per update has held with a 3× margin. Plus the parameter's own f32
/// rounding, 2u·|p|.
pub fn param_tolerance(config: &Config, iterations: u32, value: f64) -> f64 {
    let updates = f64::from(iterations * (config.disc_steps + 1));
    let lr = f64::from(config.gen_lr.max(config.disc_lr));
    5e-4 * lr * updates + 2.0 * U * value.abs()
}

/// Trains `iterations` iterations on the GPU, every GEMM run by `tiling`,
/// and on the reference from the same config, and compares both networks'
/// parameters, the counters and every iteration's stats (which must all
/// arrive). Also reports how far the parameters moved, so a caller can
/// check that the comparison is not trivial.
pub async fn check_iterations_match_reference(
    ctx: &GpuContext,
    config: &Config,
    iterations: u32,
    tiling: GemmTiling,
) -> Result<(Report, f64), Error> {
    let dataset = check_dataset(config);
    let mut gpu = GpuTrainer::with_tiling(ctx, config.clone(), &dataset, tiling)?;
    let (gen_start, _) = gpu.read_params().await?;
    gpu.train(iterations)?;
    let (gen_gpu, disc_gpu) = gpu.read_params().await?;
    let counters_gpu = gpu.read_counters().await?;

    let mut reference = ReferenceGan::<f64>::new(config.clone(), dataset);
    for _ in 0..iterations {
        reference.iteration();
    }
    let name = format!(
        "{iterations} iterations on {} ({tiling:?} GEMM)",
        config.dataset.name()
    );
    let tolerance = |values: &[f64]| {
        let values = values.to_vec();
        move |i: usize| param_tolerance(config, iterations, values[i])
    };
    let mut report = compare(
        &format!("{name}: generator"),
        &gen_gpu,
        &reference.gen_params,
        tolerance(&reference.gen_params),
    )
    .merge(compare(
        &format!("{name}: discriminator"),
        &disc_gpu,
        &reference.disc_params,
        tolerance(&reference.disc_params),
    ))
    .merge(compare(
        &format!("{name}: counters"),
        &counters_gpu.map(|c| c as f32),
        &reference.counters.map(f64::from),
        |_| 0.5,
    ));

    // Stats arrive asynchronously. Natively `finish` waits for them; in a
    // browser their mapping resolves on the event loop, which each awaited
    // readback lets run.
    gpu.finish()?;
    let mut history = gpu.take_history();
    for _ in 0..20 {
        if history.len() >= iterations as usize {
            break;
        }
        gpu.read_counters().await?;
        history.extend(gpu.take_history());
    }
    let arrived: Vec<u64> = history.iter().map(|s| s.iteration).collect();
    let expected: Vec<u64> = (0..u64::from(iterations)).collect();
    report = report.merge(compare(
        &format!("{name}: iterations whose stats arrived"),
        &arrived.iter().map(|&i| i as f32).collect::<Vec<_>>(),
        &expected.iter().map(|&i| i as f64).collect::<Vec<_>>(),
        |_| 0.5,
    ));
    let mut gpu_stats = Vec::new();
    let mut reference_stats = Vec::new();
    for stats in &history {
        let row = reference.iteration_stats(stats.iteration);
        gpu_stats.extend([stats.disc_loss, stats.gen_loss, stats.disc_real, stats.disc_fake]);
        reference_stats.extend([row.disc_loss, row.gen_loss, row.disc_real, row.disc_fake]);
    }
    report = report.merge(compare(
        &format!("{name}: stats"),
        &gpu_stats,
        &reference_stats,
        |i| 1e-4 * (1.0 + reference_stats[i].abs()),
    ));
    let moved = gen_gpu
        .iter()
        .zip(&gen_start)
        .map(|(a, b)| f64::from((a - b).abs()))
        .fold(0.0, f64::max);
    Ok((report, moved))
}

/// A GPU validation error on purpose: a buffer both mappable for reading
/// and bound as storage, which WebGPU and wgpu refuse.
pub fn invalid_buffer(device: &crate::gpu::census::CountingDevice) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("invalid on purpose"),
        size: 16,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::STORAGE,
        mapped_at_creation: false,
    })
}

/// Two trainers on one device; a validation error inside the first's work
/// must reach the first alone, once, and leave the second training.
/// Returns the first trainer's error message.
pub async fn check_errors_stay_with_their_trainer(ctx: &GpuContext) -> Result<String, Error> {
    let config = small_config(DatasetKind::Ring8);
    let dataset = check_dataset(&config);
    let mut first = GpuTrainer::create(ctx, config.clone(), &dataset).await?;
    let mut second = GpuTrainer::create(ctx, config, &dataset).await?;
    first.capture_errors(|| invalid_buffer(&ctx.device));
    // In a browser the scope answers asynchronously: let it.
    first.read_counters().await?;
    second.train(1)?;
    let message = match first.train(1) {
        Err(error) => error.to_string(),
        Ok(()) => return Err(Error::Gpu("the first trainer's error was not reported".into())),
    };
    first.train(1)?;
    second.train(1)?;
    // Creating inside error scopes turns a build error into create's error.
    let refused = ScopedErrors::check(&ctx.device, || invalid_buffer(&ctx.device)).await;
    if refused.is_ok() {
        return Err(Error::Gpu(
            "an error inside checked scopes was not returned".into(),
        ));
    }
    Ok(message)
}

/// N iterations, a checkpoint through its bytes, a restored trainer and M
/// more, against N + M uninterrupted from the same config: the final
/// checkpoints (parameters, Adam moments, counters, config) must be equal
/// byte for byte, and so must the stats of the last M iterations.
/// Returns the size of the checkpoint file.
pub async fn check_resume_is_exact(
    ctx: &GpuContext,
    config: &Config,
    n: u32,
    m: u32,
) -> Result<usize, Error> {
    use crate::checkpoint::Checkpoint;
    use crate::gpu::checkpoints::{restore, save};
    let dataset = check_dataset(config);
    let mut straight = GpuTrainer::create(ctx, config.clone(), &dataset).await?;
    straight.train(n + m)?;
    let straight_end = save(&straight).await?.to_bytes();
    let straight_stats = all_stats(&mut straight, n + m).await?;

    let mut first = GpuTrainer::create(ctx, config.clone(), &dataset).await?;
    first.train(n)?;
    let file = save(&first).await?.to_bytes();
    let checkpoint = Checkpoint::from_bytes(&file).map_err(|e| Error::Gpu(e.to_string()))?;
    let mut resumed = restore(ctx, &checkpoint, &dataset).await?;
    resumed.train(m)?;
    let resumed_end = save(&resumed).await?.to_bytes();
    let resumed_stats = all_stats(&mut resumed, m).await?;

    if resumed_end != straight_end {
        return Err(Error::Gpu(format!(
            "the resumed run's final state differs from the uninterrupted one's ({} of {} bytes differ)",
            resumed_end
                .iter()
                .zip(&straight_end)
                .filter(|(a, b)| a != b)
                .count(),
            straight_end.len()
        )));
    }
    let tail = &straight_stats[straight_stats.len() - resumed_stats.len()..];
    let bits = |stats: &[crate::gpu::stats::IterationStats]| -> Vec<(u64, [u32; 4])> {
        stats
            .iter()
            .map(|s| {
                (
                    s.iteration,
                    [s.disc_loss, s.gen_loss, s.disc_real, s.disc_fake].map(f32::to_bits),
                )
            })
            .collect()
    };
    if bits(tail) != bits(&resumed_stats) || resumed_stats.len() != m as usize {
        return Err(Error::Gpu(
            "the resumed run's stats differ from the uninterrupted one's".into(),
        ));
    }
    Ok(file.len())
}

/// Every iteration's stats of `trainer`'s `count` iterations since its
/// start or restore, waiting for them to arrive.
async fn all_stats(
    trainer: &mut GpuTrainer,
    count: u32,
) -> Result<Vec<crate::gpu::stats::IterationStats>, Error> {
    trainer.finish()?;
    let mut history = trainer.take_history();
    for _ in 0..20 {
        if history.len() >= count as usize {
            break;
        }
        trainer.read_counters().await?;
        history.extend(trainer.take_history());
    }
    Ok(history)
}
