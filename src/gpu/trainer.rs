//! The GAN trainer on the GPU.
//!
//! Everything is created in `new`: buffers, pipelines, bind groups and three
//! programs (one discriminator update and one generator update, whose
//! dispatches `gpu::steps` lists, and one preview forward pass). `train(n)`
//! then only encodes n iterations of those programs into one compute pass
//! and submits once: nothing is created and nothing waits on the GPU per
//! iteration.

use super::buffers;
use super::context::{GpuContext, ScopedErrors};
use super::field::{DiscField, FIELD_GRID};
use super::frame::FrameSources;
use super::memory;
use super::network::{Network, dense};
use super::pipelines::Pipelines;
use super::program::{Ops, Program};
use super::readback::{self, PendingRead};
use super::stats::{IterationStats, STATS_CAPACITY, StatsRing};
use super::steps::{self, R1Buffers, StepBuffers, UpdateProgram};
use crate::config::Config;
use crate::data::{Dataset, DatasetValues};
use crate::error::Error;
use crate::init::init_params;
use crate::kernels::adam::AdamParams;
use crate::kernels::gemm::GemmTiling;
use crate::streams::{self, Counter};

/// The most iterations one `train` call encodes: each one's stats row must
/// still be in the GPU's ring when the call's copy runs, so that every
/// iteration's stats arrive. Synchronous encoding also stays short.
pub const MAX_ITERATIONS_PER_CALL: u32 = STATS_CAPACITY;

pub struct GpuTrainer {
    ctx: GpuContext,
    config: Config,
    /// Generator output × scale = data coordinates.
    scale: f32,
    generator: Network,
    discriminator: Network,
    /// 2B × X: real rows then fake rows.
    disc_input: wgpu::Buffer,
    /// S × X generator output for the fixed preview latents.
    samples: wgpu::Buffer,
    /// [iteration, disc updates, gen updates, 0] (streams::Counter).
    counters: wgpu::Buffer,
    /// The dataset as u32 words (bytes or f32 bits); `dataset_rows` rows.
    data: wgpu::Buffer,
    dataset_rows: usize,
    /// 2-D datasets: D over the plotted plane.
    field: Option<DiscField>,
    /// The moving average of G's parameters (config genEma > 0), which the
    /// preview samples are drawn from.
    gen_average: Option<wgpu::Buffer>,
    /// Buffers only the programs use (latent noise, logits and their
    /// gradients, the G output gradient, preview latents), held for as
    /// long as their bind groups.
    _program_buffers: Vec<wgpu::Buffer>,
    stats: StatsRing,
    disc_step: UpdateProgram,
    gen_step: UpdateProgram,
    preview: Program,
    iterations: u64,
    /// GPU errors of this trainer's own work, whoever shares the device.
    errors: ScopedErrors,
}

impl GpuTrainer {
    /// `new` inside GPU error scopes: resolves to the trainer, or to the
    /// first error the device reported while building it (in a browser
    /// WebGPU reports them asynchronously, so `new` alone cannot see them).
    pub async fn create(ctx: &GpuContext, config: Config, dataset: &Dataset) -> Result<GpuTrainer, Error> {
        ScopedErrors::check(&ctx.device, || GpuTrainer::new(ctx, config, dataset)).await?
    }

    /// Builds everything a run needs on `ctx`'s device, with the GEMM
    /// tiling this adapter runs fastest.
    pub fn new(ctx: &GpuContext, config: Config, dataset: &Dataset) -> Result<GpuTrainer, Error> {
        GpuTrainer::with_tiling(ctx, config, dataset, GemmTiling::preferred(&ctx.adapter_info))
    }

    /// Builds a trainer whose GEMMs all run `tiling`.
    pub fn with_tiling(
        ctx: &GpuContext,
        config: Config,
        dataset: &Dataset,
        tiling: GemmTiling,
    ) -> Result<GpuTrainer, Error> {
        config.validate()?;
        if dataset.kind != config.dataset || dataset.row_len != config.sample_width() {
            return Err(Error::DatasetMismatch {
                dataset: dataset.kind.name(),
                problem: format!("the config asks for {}", config.dataset.name()),
            });
        }
        // Sizes first: nothing is allocated for a model this device cannot hold.
        let dataset_bytes = dataset.gpu_word_count() as u64 * 4;
        memory::check(&memory::plan(&config, dataset_bytes), &ctx.device.limits())?;
        let batch = config.batch_size as usize;
        let sample_count = config.sample_count as usize;
        let width = config.sample_width();
        let latent_size = config.latent_size as usize;
        let pipelines = Pipelines::new(&ctx.device, tiling);

        let gen_layout = config.gen_layout();
        let disc_layout = config.disc_layout();
        let gen_init: Vec<f32> = init_params(&gen_layout, config.seed, streams::INIT_GEN);
        let disc_init: Vec<f32> = init_params(&disc_layout, config.seed, streams::INIT_DISC);
        // Samples per update on each side: batch × pack.
        let rows = config.sample_rows();
        let gen_rows = rows.max(sample_count);
        let generator = Network::new(ctx, "gen", gen_layout, &gen_init, gen_rows, tiling)?;
        // 2-D data: D also evaluates the field grid with these buffers.
        let disc_rows = match dataset.values {
            DatasetValues::Floats(_) => (2 * batch).max(FIELD_GRID * FIELD_GRID),
            DatasetValues::Bytes(_) => 2 * batch,
        };
        let discriminator = Network::new(ctx, "disc", disc_layout, &disc_init, disc_rows, tiling)?;

        let latent = buffers::storage(ctx, "latent", rows * latent_size)?;
        let preview_values: Vec<f32> = crate::cpu::normal::normals(
            config.seed,
            streams::PREVIEW_LATENT,
            0,
            sample_count * latent_size,
        );
        let preview_latent = buffers::storage_init(ctx, "preview latent", &preview_values)?;
        let disc_input = buffers::storage(ctx, "disc input", 2 * rows * width)?;
        let logits = buffers::storage(ctx, "logits", 2 * batch)?;
        let logit_grads = buffers::storage(ctx, "logit grads", 2 * batch)?;
        let gen_out_grad = buffers::storage(ctx, "gen output grad", rows * width)?;
        let samples = buffers::storage(ctx, "samples", sample_count * width)?;
        let counters = buffers::storage(ctx, "counters", 4)?;
        let data = buffers::storage_init(ctx, "dataset", &dataset.gpu_words())?;
        let stats = StatsRing::new(ctx)?;
        // Starts equal to G: the average needs no bias correction.
        let gen_average = if config.gen_ema > 0.0 {
            Some(buffers::storage_init(ctx, "gen average", &gen_init)?)
        } else {
            None
        };

        // The R1 penalty's passes (over the B real rows D sees).
        let r1_buffers = if config.r1_gamma > 0.0 {
            let layers = &discriminator.layout.layers;
            let tangents = layers[..layers.len() - 1]
                .iter()
                .enumerate()
                .map(|(l, layer)| buffers::storage(ctx, &format!("r1 tangent {l}"), batch * layer.outputs))
                .collect::<Result<Vec<_>, Error>>()?;
            Some((
                buffers::storage_init(ctx, "r1 ones", &vec![1.0f32; batch])?,
                buffers::storage(ctx, "r1 input grad", batch * discriminator.layout.input_width())?,
                tangents,
                buffers::storage(ctx, "r1 grads", discriminator.layout.param_count)?,
            ))
        } else {
            None
        };
        let step_buffers = StepBuffers {
            counters: &counters,
            latent: &latent,
            disc_input: &disc_input,
            logits: &logits,
            logit_grads: &logit_grads,
            gen_out_grad: &gen_out_grad,
            stats: &stats.rows,
            data: &data,
            data_rows: dataset.rows,
            data_bytes: matches!(dataset.values, DatasetValues::Bytes(_)),
            gen_average: gen_average.as_ref(),
            r1: r1_buffers
                .as_ref()
                .map(|(ones, input_grad, tangents, grads)| R1Buffers {
                    ones,
                    input_grad,
                    tangents,
                    grads,
                }),
        };
        let networks = [&generator, &discriminator];
        let disc_step = steps::disc_step(ctx, &pipelines, &config, networks, &step_buffers);
        let gen_step = steps::gen_step(ctx, &pipelines, &config, networks, &step_buffers);

        let mut ops = Ops::default();
        generator.forward_with(
            gen_average.as_ref().unwrap_or(&generator.params),
            dense(&preview_latent, 0, latent_size),
            dense(&samples, 0, width),
            sample_count,
            &mut ops,
        );
        let preview = Program::build(ctx, &pipelines, "preview", ops);

        let field = match dataset.values {
            DatasetValues::Floats(_) => Some(DiscField::new(
                ctx,
                &pipelines,
                &discriminator,
                dataset.kind.info().plot_extent,
                dataset.scale,
                config.pack as usize,
            )?),
            DatasetValues::Bytes(_) => None,
        };

        if let Some(error) = ctx.take_error() {
            return Err(error);
        }
        Ok(GpuTrainer {
            ctx: ctx.clone(),
            scale: dataset.scale,
            config,
            generator,
            discriminator,
            disc_input,
            samples,
            counters,
            data,
            dataset_rows: dataset.rows,
            field,
            gen_average,
            _program_buffers: {
                let mut held = vec![latent, logits, logit_grads, gen_out_grad, preview_latent];
                if let Some((ones, input_grad, tangents, grads)) = r1_buffers {
                    held.extend([ones, input_grad, grads]);
                    held.extend(tangents);
                }
                held
            },
            stats,
            disc_step,
            gen_step,
            preview,
            iterations: 0,
            errors: ScopedErrors::default(),
        })
    }

    /// Encodes `n` iterations (at most `MAX_ITERATIONS_PER_CALL`) and
    /// submits them at once; returns without waiting. Errors the device
    /// reported since the last call surface here.
    pub fn train(&mut self, n: u32) -> Result<(), Error> {
        if n > MAX_ITERATIONS_PER_CALL {
            return Err(Error::TooManyIterations { asked: n.to_string() });
        }
        if let Some(error) = self.take_error() {
            return Err(error);
        }
        if n == 0 {
            return Ok(());
        }
        // Natively a caller that outruns the GPU waits here for a staging
        // buffer rather than lose this call's stats; the browser never
        // blocks and skips them instead (see stats.rs).
        #[cfg(not(target_arch = "wasm32"))]
        self.collect_stats(StatsRing::is_full)?;
        let (errors, device) = (self.errors.clone(), self.ctx.device.clone());
        errors.capture(&device, || self.encode_and_submit(n));
        Ok(())
    }

    /// The first error of this trainer's GPU work since the last call, or
    /// the device's loss.
    pub fn take_error(&self) -> Option<Error> {
        self.ctx.lost_error().or_else(|| self.errors.take())
    }

    /// Runs `work` (this trainer's GPU work, such as drawing it) inside its
    /// error scopes: what goes wrong is reported by its next `train`,
    /// `take_error` or `finish`.
    pub fn capture_errors<T>(&self, work: impl FnOnce() -> T) -> T {
        self.errors.capture(&self.ctx.device, work)
    }

    fn encode_and_submit(&mut self, n: u32) {
        let mut encoder = self
            .ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("train") });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("train"),
                timestamp_writes: None,
            });
            for _ in 0..n {
                for _ in 0..self.config.disc_steps {
                    self.disc_step.program.encode(&mut pass);
                }
                self.gen_step.program.encode(&mut pass);
            }
        }
        let slot = self
            .stats
            .encode_copy(&mut encoder, self.iterations, u64::from(n));
        let submission = self.ctx.queue.submit([encoder.finish()]);
        if let Some(slot) = slot {
            self.stats.map_after_submit(slot, submission);
        }
        self.iterations += u64::from(n);
    }

    /// Stats of the newest iteration that has arrived from the GPU.
    pub fn stats(&mut self) -> Option<IterationStats> {
        self.ctx.poll();
        self.stats.harvest();
        self.stats.newest()
    }

    /// Measured GPU milliseconds per iteration (drawing included), once known.
    pub fn gpu_ms_per_iteration(&self) -> Option<f64> {
        self.stats.gpu_ms_per_iteration()
    }

    /// Every iteration's stats that arrived since the last call, oldest first.
    pub fn take_history(&mut self) -> Vec<IterationStats> {
        self.ctx.poll();
        self.stats.harvest();
        self.stats.take_history()
    }

    /// Natively: waits for all submitted work and collects its stats.
    pub fn finish(&mut self) -> Result<(), Error> {
        self.ctx.wait_idle()?;
        #[cfg(not(target_arch = "wasm32"))]
        self.collect_stats(StatsRing::in_flight)?;
        match self.take_error().or_else(|| self.ctx.take_error()) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Natively, harvests stats, waiting for the oldest copy in flight, for
    /// as long as `waiting` says. The wait alone is not enough: on a device
    /// shared by threads (the test binaries share one) the thread whose
    /// poll saw the copy finish runs its mapping callback, a moment after
    /// this thread's wait may have returned; so it loops until harvested.
    #[cfg(not(target_arch = "wasm32"))]
    fn collect_stats(&mut self, waiting: impl Fn(&StatsRing) -> bool) -> Result<(), Error> {
        loop {
            self.ctx.poll();
            self.stats.harvest();
            if !waiting(&self.stats) {
                return Ok(());
            }
            match self.stats.oldest_in_flight() {
                Some(oldest) => self.ctx.wait_for(oldest)?,
                None => return Ok(()),
            }
            std::thread::yield_now();
        }
    }

    /// Encodes the generator on the fixed preview latents, into the
    /// samples buffer (`samples_buffer`).
    pub fn encode_preview(&self, encoder: &mut wgpu::CommandEncoder) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("samples"),
            timestamp_writes: None,
        });
        self.preview.encode(&mut pass);
    }

    /// Runs the generator on the fixed preview latents and starts reading
    /// the S × X result back.
    pub fn start_samples(&self) -> PendingRead {
        let mut encoder = self
            .ctx
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("samples"),
            });
        self.encode_preview(&mut encoder);
        let len = self.config.sample_count as u64 * self.config.sample_width() as u64;
        PendingRead::start(&self.ctx, encoder, &self.samples, 0, len * 4)
    }

    /// S generated samples, S × X, in data coordinates (pixels in [-1, 1]).
    pub async fn samples(&self) -> Result<Vec<f32>, Error> {
        let raw = self.start_samples().floats().await?;
        Ok(self.to_data_coordinates(raw))
    }

    pub fn to_data_coordinates(&self, mut values: Vec<f32>) -> Vec<f32> {
        if self.scale != 1.0 {
            values.iter_mut().for_each(|v| *v *= self.scale);
        }
        values
    }

    /// Both networks' flat parameter buffers: (generator, discriminator).
    pub async fn read_params(&self) -> Result<(Vec<f32>, Vec<f32>), Error> {
        let generator = readback::read::<f32>(
            &self.ctx,
            &self.generator.params,
            0,
            self.generator.layout.param_count,
        )
        .await?;
        let discriminator = readback::read::<f32>(
            &self.ctx,
            &self.discriminator.params,
            0,
            self.discriminator.layout.param_count,
        )
        .await?;
        Ok((generator, discriminator))
    }

    /// The moving average of G's parameters, if the config keeps one.
    pub async fn read_gen_average(&self) -> Result<Option<Vec<f32>>, Error> {
        match &self.gen_average {
            Some(buffer) => {
                let count = self.generator.layout.param_count;
                Ok(Some(readback::read::<f32>(&self.ctx, buffer, 0, count).await?))
            }
            None => Ok(None),
        }
    }

    /// The GPU's counters: [iteration, disc updates, gen updates, 0].
    pub async fn read_counters(&self) -> Result<[u32; 4], Error> {
        let words = readback::read::<u32>(&self.ctx, &self.counters, 0, 4).await?;
        Ok([words[0], words[1], words[2], words[3]])
    }

    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn context(&self) -> &GpuContext {
        &self.ctx
    }

    /// Dispatches one iteration records (k discriminator updates + 1 generator update).
    pub fn dispatches_per_iteration(&self) -> usize {
        self.iteration_programs()
            .iter()
            .map(|(program, times)| program.len() * times)
            .sum()
    }

    /// The programs of one iteration and how many times each runs, in order.
    pub fn iteration_programs(&self) -> [(&Program, usize); 2] {
        [
            (&self.disc_step.program, self.config.disc_steps as usize),
            (&self.gen_step.program, 1),
        ]
    }

    /// Changes both learning rates from the next `train` on, keeping the
    /// model and Adam's state.
    pub fn set_learning_rates(&mut self, gen_lr: f32, disc_lr: f32) -> Result<(), Error> {
        let config = Config {
            gen_lr,
            disc_lr,
            ..self.config.clone()
        };
        config.validate()?;
        self.config = config;
        let queue = &self.ctx.queue;
        for (step, network, lr, counter) in [
            (
                &self.disc_step,
                &self.discriminator,
                disc_lr,
                Counter::DiscUpdates,
            ),
            (&self.gen_step, &self.generator, gen_lr, Counter::GenUpdates),
        ] {
            let params = AdamParams::new(&self.config, network.layout.param_count, lr, counter);
            step.program.rewrite_uniform(queue, step.adam, &params);
        }
        Ok(())
    }

    /// What a renderer needs to draw this trainer's frame.
    pub fn frame_sources(&self) -> FrameSources<'_> {
        FrameSources {
            samples: &self.samples,
            sample_count: self.config.sample_count,
            scale: self.scale,
            data: &self.data,
            data_rows: self.dataset_rows,
            preview: &self.preview,
            field: self.field.as_ref(),
        }
    }

    /// Both networks and the counters buffer: what a checkpoint holds.
    pub(crate) fn state(&self) -> (&Network, &Network, &wgpu::Buffer) {
        (&self.generator, &self.discriminator, &self.counters)
    }

    /// The moving average of G's parameters, if the config keeps one.
    pub(crate) fn gen_average(&self) -> Option<&wgpu::Buffer> {
        self.gen_average.as_ref()
    }

    /// After a restore wrote the GPU state of iteration `n`.
    pub(crate) fn resume_at(&mut self, n: u64) {
        self.iterations = n;
    }

    /// The GEMM tiling every GEMM of this trainer runs.
    pub fn gemm_tiling(&self) -> GemmTiling {
        self.generator.tiling()
    }

    /// Iterations submitted so far; also advanced by work submitted outside
    /// `train` (kernel timing runs whole iterations).
    pub(crate) fn count_iterations(&mut self, n: u64) {
        self.iterations += n;
    }

    /// Buffers a caller may bind to draw or inspect: the preview samples
    /// (S × X, before scaling) and the real/fake discriminator input.
    pub fn samples_buffer(&self) -> &wgpu::Buffer {
        &self.samples
    }

    pub fn disc_input_buffer(&self) -> &wgpu::Buffer {
        &self.disc_input
    }

    /// Generator output × scale = data coordinates.
    pub fn scale(&self) -> f32 {
        self.scale
    }
}
