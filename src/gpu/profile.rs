//! Where a trainer's time goes: FLOPs of one iteration's GEMMs, GPU time of
//! every dispatch from timestamp queries, and wall time per dispatch. For
//! the benchmark command; training itself never calls these.

use super::readback::PendingRead;
use super::trainer::GpuTrainer;
use crate::error::Error;
use crate::kernels::gemm::GemmSpec;

/// The GEMMs of one iteration, in order (k discriminator updates, one
/// generator update).
pub fn iteration_gemms(trainer: &GpuTrainer) -> Vec<GemmSpec> {
    let mut gemms = Vec::new();
    for (program, times) in trainer.iteration_programs() {
        for _ in 0..times {
            gemms.extend_from_slice(program.gemms());
        }
    }
    gemms
}

/// Floating-point operations of one iteration's GEMMs (2 per multiply-add).
pub fn flops_per_iteration(trainer: &GpuTrainer) -> f64 {
    iteration_gemms(trainer)
        .iter()
        .map(|g| 2.0 * g.macs() as f64)
        .sum()
}

/// GPU time of every dispatch of one iteration, in milliseconds, from
/// timestamp queries (each dispatch in a pass of its own); None where the
/// device has no timestamp queries. Runs one whole iteration.
pub async fn time_iteration_kernels(
    trainer: &mut GpuTrainer,
) -> Result<Option<Vec<(&'static str, f64)>>, Error> {
    let ctx = trainer.context().clone();
    let device = &ctx.device;
    if !device.features().contains(wgpu::Features::TIMESTAMP_QUERY) {
        return Ok(None);
    }
    let dispatches = trainer.dispatches_per_iteration();
    let count = 2 * dispatches as u32;
    let queries = device.create_query_set(&wgpu::QuerySetDescriptor {
        label: Some("kernel times"),
        ty: wgpu::QueryType::Timestamp,
        count,
    });
    let resolved = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("kernel times"),
        size: u64::from(count) * 8,
        usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let mut encoder = device.create_command_encoder(&Default::default());
    let mut labels = Vec::with_capacity(dispatches);
    for (program, times) in trainer.iteration_programs() {
        for _ in 0..times {
            program.encode_timed(&mut encoder, &queries, 2 * labels.len() as u32);
            labels.extend(program.labels());
        }
    }
    encoder.resolve_query_set(&queries, 0..count, &resolved, 0);
    let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(
        &PendingRead::start(&ctx, encoder, &resolved, 0, u64::from(count) * 8)
            .bytes()
            .await?,
    );
    trainer.count_iterations(1);
    let period_ns = f64::from(ctx.queue.get_timestamp_period());
    Ok(Some(
        labels
            .into_iter()
            .zip(ticks.chunks_exact(2))
            .map(|(label, pair)| (label, pair[1].saturating_sub(pair[0]) as f64 * period_ns * 1e-6))
            .collect(),
    ))
}

/// Wall time of each dispatch of one iteration, each submitted alone
/// `repeats` times and waited for: (program, label, seconds per dispatch).
/// Native only; includes the adapter's per-submit overhead.
#[cfg(not(target_arch = "wasm32"))]
pub fn profile_dispatches(
    trainer: &GpuTrainer,
    repeats: u32,
) -> Result<Vec<(&'static str, &'static str, f64)>, Error> {
    let ctx = trainer.context();
    let mut timings = Vec::new();
    for ((program, _), name) in trainer
        .iteration_programs()
        .into_iter()
        .zip(["disc step", "gen step"])
    {
        for (index, label) in program.labels().enumerate() {
            let start = std::time::Instant::now();
            let mut encoder = ctx.device.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                for _ in 0..repeats {
                    program.encode_one(index, &mut pass);
                }
            }
            ctx.queue.submit([encoder.finish()]);
            ctx.wait_idle()?;
            timings.push((name, label, start.elapsed().as_secs_f64() / f64::from(repeats)));
        }
    }
    Ok(timings)
}
