//! Saving a trainer to a `Checkpoint` and building one back from it, on
//! any device. A restored trainer continues bit for bit: the random draws,
//! Adam's bias corrections and the stats slots all follow the counters it
//! restores, and nothing else carries state from one iteration to the next.

use super::context::GpuContext;
use super::readback::PendingRead;
use super::trainer::GpuTrainer;
use crate::checkpoint::{Checkpoint, NetworkState};
use crate::data::Dataset;
use crate::error::Error;

/// Starts reading the trainer's state back (after all work submitted so
/// far) and returns a future that finishes the checkpoint without
/// borrowing the trainer, so training may go on while it resolves.
pub fn start_save(trainer: &GpuTrainer) -> impl Future<Output = Result<Checkpoint, Error>> + use<> {
    let ctx = trainer.context();
    let (generator, discriminator, counters) = trainer.state();
    let start = |buffer: &wgpu::Buffer, count: usize| {
        let encoder = ctx.device.create_command_encoder(&Default::default());
        PendingRead::start(ctx, encoder, buffer, 0, 4 * count as u64)
    };
    let reads: Vec<PendingRead> = [generator, discriminator]
        .into_iter()
        .flat_map(|network| {
            let count = network.layout.param_count;
            [&network.params, &network.adam_m, &network.adam_v].map(|buffer| start(buffer, count))
        })
        .chain([start(counters, 4)])
        .collect();
    let average = trainer
        .gen_average()
        .map(|buffer| start(buffer, generator.layout.param_count));
    let config = trainer.config().clone();
    let iteration = trainer.iterations();
    async move {
        let mut values = Vec::with_capacity(reads.len());
        for read in reads {
            values.push(read.floats().await?);
        }
        let counters: Vec<u32> = values
            .pop()
            .unwrap_or_default()
            .into_iter()
            .map(f32::to_bits)
            .collect();
        let counters: [u32; 4] = counters
            .try_into()
            .map_err(|_| Error::Readback("the counters read back short".into()))?;
        let mut states = values.chunks_exact_mut(3).map(|arrays| NetworkState {
            params: std::mem::take(&mut arrays[0]),
            adam_m: std::mem::take(&mut arrays[1]),
            adam_v: std::mem::take(&mut arrays[2]),
        });
        let (Some(generator), Some(discriminator)) = (states.next(), states.next()) else {
            return Err(Error::Readback("a network's state read back short".into()));
        };
        let gen_average = match average {
            Some(read) => Some(read.floats().await?),
            None => None,
        };
        Ok(Checkpoint {
            config,
            iteration,
            counters,
            generator,
            discriminator,
            gen_average,
        })
    }
}

/// Reads the trainer's state back (after all work submitted so far).
pub async fn save(trainer: &GpuTrainer) -> Result<Checkpoint, Error> {
    start_save(trainer).await
}

/// A trainer in the state `checkpoint` saved, over `dataset` (which must
/// be the checkpoint's). Built whole before it is returned: on any error
/// nothing is half-loaded.
pub async fn restore(
    ctx: &GpuContext,
    checkpoint: &Checkpoint,
    dataset: &Dataset,
) -> Result<GpuTrainer, Error> {
    let mut trainer = GpuTrainer::create(ctx, checkpoint.config.clone(), dataset).await?;
    let (generator, discriminator, counters) = trainer.state();
    for (network, state) in [
        (generator, &checkpoint.generator),
        (discriminator, &checkpoint.discriminator),
    ] {
        for (buffer, values) in [
            (&network.params, &state.params),
            (&network.adam_m, &state.adam_m),
            (&network.adam_v, &state.adam_v),
        ] {
            ctx.queue.write_buffer(buffer, 0, bytemuck::cast_slice(values));
        }
    }
    ctx.queue
        .write_buffer(counters, 0, bytemuck::cast_slice(&checkpoint.counters));
    if let (Some(buffer), Some(values)) = (trainer.gen_average(), &checkpoint.gen_average) {
        ctx.queue.write_buffer(buffer, 0, bytemuck::cast_slice(values));
    }
    trainer.resume_at(checkpoint.iteration);
    Ok(trainer)
}
