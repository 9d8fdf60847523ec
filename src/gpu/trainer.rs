//! The GAN trainer on the GPU.
//!
//! Everything is created in `new`: buffers, pipelines, bind groups and three
//! programs (one discriminator update, one generator update, one preview
//! forward pass). `train(n)` then only encodes n iterations of those programs
//! into one compute pass and submits once: nothing is created and nothing
//! waits on the GPU per iteration.
//!
//! One discriminator update (2B rows: B real then B fake, one GEMM per layer):
//!   latent ← N(0, 1)                   rng         (seed, DISC_LATENT, disc updates)
//!   disc_input[0..B] ← real rows       gather      (seed, REAL_BATCH, disc updates)
//!   disc_input[B..2B] ← G(latent)      G forward
//!   logits ← D(disc_input)             D forward
//!   logit_grads, stats, counters      loss        (disc mode)
//!   disc grads ← backward              D backward (weight gradients)
//!   disc params                        Adam
//! One generator update (B rows):
//!   latent ← N(0, 1)                   rng         (seed, GEN_LATENT, gen updates)
//!   disc_input[B..2B] ← G(latent)      G forward
//!   logits ← D(fake)                   D forward
//!   logit_grads, stats, counters      loss        (non-saturating G loss)
//!   gen_out_grad ← ∂L/∂fake ⊙ tanh'    D backward (input gradients only)
//!   gen grads ← backward               G backward
//!   gen params                         Adam

use super::buffers;
use super::context::GpuContext;
use super::field::{DiscField, FIELD_GRID};
use super::kernels::{Kernels, preferred_tiling};
use super::network::{Network, at};
use super::program::{Op, Program, set_gemm_tiling};
use super::readback::{self, PendingRead};
use super::render::{DrawOptions, DrawParams, LayerKind, LayerSource, Palette, Renderer, Scene};
use super::stats::{IterationStats, STATS_CAPACITY, StatsRing};
use crate::config::Config;
use crate::data::{Dataset, DatasetValues};
use crate::error::Error;
use crate::init::init_params;
use crate::params::{
    AdamParams, GatherParams, LOSS_MODE_DISC, LOSS_MODE_GEN, LossParams, NormalParams, RandomParams,
};
use crate::streams::{self, Counter};

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
    /// Buffers only the programs use (latent noise, logits and their
    /// gradients, the G output gradient, preview latents, the dataset),
    /// held for as long as their bind groups.
    _program_buffers: Vec<wgpu::Buffer>,
    stats: StatsRing,
    disc_step: Program,
    gen_step: Program,
    preview: Program,
    iterations: u64,
}

impl GpuTrainer {
    /// Builds everything a run needs on `ctx`'s device.
    pub fn new(ctx: &GpuContext, config: Config, dataset: &Dataset) -> Result<GpuTrainer, Error> {
        config.validate()?;
        if dataset.kind != config.dataset || dataset.row_len != config.sample_width() {
            return Err(Error::DatasetMismatch {
                dataset: dataset.kind.name(),
                problem: format!("the config asks for {}", config.dataset.name()),
            });
        }
        let batch = config.batch_size as usize;
        let sample_count = config.sample_count as usize;
        let width = config.sample_width();
        let latent_size = config.latent_size as usize;
        let kernels = Kernels::new(&ctx.device, preferred_tiling(&ctx.adapter_info));
        let build = |label: &str, mut ops: Vec<(&'static str, Op<'_>)>| {
            set_gemm_tiling(&mut ops, kernels.gemm_tiling);
            Program::build(ctx, &kernels, label, &ops)
        };

        let gen_layout = config.gen_layout();
        let disc_layout = config.disc_layout();
        let gen_init: Vec<f32> = init_params(&gen_layout, config.seed, streams::INIT_GEN);
        let disc_init: Vec<f32> = init_params(&disc_layout, config.seed, streams::INIT_DISC);
        let generator = Network::new(ctx, "gen", gen_layout, &gen_init, batch.max(sample_count))?;
        // 2-D data: D also evaluates the field grid with these buffers.
        let disc_rows = match dataset.values {
            DatasetValues::Floats(_) => (2 * batch).max(FIELD_GRID * FIELD_GRID),
            DatasetValues::Bytes(_) => 2 * batch,
        };
        let discriminator = Network::new(ctx, "disc", disc_layout, &disc_init, disc_rows)?;

        let latent = buffers::storage(ctx, "latent", batch * latent_size)?;
        let preview_values: Vec<f32> = crate::cpu::rng::normals(
            config.seed,
            streams::PREVIEW_LATENT,
            0,
            sample_count * latent_size,
        );
        let preview_latent = buffers::storage_init(ctx, "preview latent", &preview_values)?;
        let disc_input = buffers::storage(ctx, "disc input", 2 * batch * width)?;
        let logits = buffers::storage(ctx, "logits", 2 * batch)?;
        let logit_grads = buffers::storage(ctx, "logit grads", 2 * batch)?;
        let gen_out_grad = buffers::storage(ctx, "gen output grad", batch * width)?;
        let samples = buffers::storage(ctx, "samples", sample_count * width)?;
        let counters = buffers::storage(ctx, "counters", 4)?;
        let data = buffers::storage_init(ctx, "dataset", &dataset.gpu_words())?;
        let stats = StatsRing::new(ctx)?;

        let random = |stream: u32, counter: Counter| RandomParams {
            seed: config.seed,
            stream,
            counter: counter as u32,
            counter_offset: 0,
        };
        let draw_latent = |stream: u32, counter: Counter| Op::DrawNormal {
            params: NormalParams {
                random: random(stream, counter),
                count: (batch * latent_size) as u32,
                out_offset: 0,
                _pad: [0; 2],
            },
            counters: &counters,
            out: &latent,
        };
        let loss = |mode: u32, real_count: usize, fake_target: f32| Op::Loss {
            params: LossParams {
                real_count: real_count as u32,
                fake_count: batch as u32,
                mode,
                stats_capacity: STATS_CAPACITY,
                real_target: config.real_target(),
                fake_target,
                _pad: [0; 2],
            },
            logits: &logits,
            logit_grads: &logit_grads,
            stats: &stats.rows,
            counters: &counters,
        };
        let fake = at(&disc_input, batch * width);

        let mut ops = vec![
            (
                "draw latent",
                draw_latent(streams::DISC_LATENT, Counter::DiscUpdates),
            ),
            (
                "gather real",
                Op::Gather {
                    params: GatherParams {
                        random: random(streams::REAL_BATCH, Counter::DiscUpdates),
                        rows: batch as u32,
                        row_len: width as u32,
                        dataset_rows: dataset.rows as u32,
                        out_offset: 0,
                    },
                    bytes: matches!(dataset.values, DatasetValues::Bytes(_)),
                    counters: &counters,
                    data: &data,
                    out: &disc_input,
                },
            ),
        ];
        generator.forward(at(&latent, 0), fake, batch, &mut ops);
        discriminator.forward(at(&disc_input, 0), at(&logits, 0), 2 * batch, &mut ops);
        ops.push(("disc loss", loss(LOSS_MODE_DISC, batch, 0.0)));
        discriminator.backward(
            at(&disc_input, 0),
            at(&logit_grads, 0),
            2 * batch,
            true,
            None,
            &mut ops,
        );
        ops.push((
            "disc adam",
            discriminator.adam(&config, config.disc_lr, Counter::DiscUpdates, &counters),
        ));
        let disc_step = build("disc step", ops);

        let mut ops = vec![(
            "draw latent",
            draw_latent(streams::GEN_LATENT, Counter::GenUpdates),
        )];
        generator.forward(at(&latent, 0), fake, batch, &mut ops);
        discriminator.forward(fake, at(&logits, 0), batch, &mut ops);
        ops.push(("gen loss", loss(LOSS_MODE_GEN, 0, 1.0)));
        let gen_output_activation = generator.layout.layers[generator.layout.layers.len() - 1].activation;
        discriminator.backward(
            fake,
            at(&logit_grads, 0),
            batch,
            false,
            Some((at(&gen_out_grad, 0), gen_output_activation)),
            &mut ops,
        );
        generator.backward(at(&latent, 0), at(&gen_out_grad, 0), batch, true, None, &mut ops);
        ops.push((
            "gen adam",
            generator.adam(&config, config.gen_lr, Counter::GenUpdates, &counters),
        ));
        let gen_step = build("gen step", ops);

        let mut ops = Vec::new();
        generator.forward(at(&preview_latent, 0), at(&samples, 0), sample_count, &mut ops);
        let preview = build("preview", ops);

        let field = match dataset.values {
            DatasetValues::Floats(_) => Some(DiscField::new(
                ctx,
                &discriminator,
                crate::data::mixtures::plot_extent(dataset.kind),
                dataset.scale,
                build,
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
            _program_buffers: vec![latent, logits, logit_grads, gen_out_grad, preview_latent],
            stats,
            disc_step,
            gen_step,
            preview,
            iterations: 0,
        })
    }

    /// Encodes `n` iterations and submits them at once; returns without
    /// waiting. Errors the device reported since the last call surface here.
    pub fn train(&mut self, n: u32) -> Result<(), Error> {
        if let Some(error) = self.ctx.take_error() {
            return Err(error);
        }
        if n == 0 {
            return Ok(());
        }
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
                    self.disc_step.encode(&mut pass);
                }
                self.gen_step.encode(&mut pass);
            }
        }
        let slot = self
            .stats
            .encode_copy(&mut encoder, self.iterations, u64::from(n));
        self.ctx.queue.submit([encoder.finish()]);
        if let Some(slot) = slot {
            self.stats.map_after_submit(slot);
        }
        self.iterations += u64::from(n);
        Ok(())
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
        self.stats.harvest();
        match self.ctx.take_error() {
            Some(error) => Err(error),
            None => Ok(()),
        }
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
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("samples"),
                timestamp_writes: None,
            });
            self.preview.encode(&mut pass);
        }
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
        self.disc_step.len() * self.config.disc_steps as usize + self.gen_step.len()
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
        // Adam is the last dispatch of each update program.
        let adam = |network: &Network, lr: f32, counter: Counter| {
            AdamParams::new(&self.config, network.layout.param_count, lr, counter)
        };
        let queue = &self.ctx.queue;
        let disc = adam(&self.discriminator, disc_lr, Counter::DiscUpdates);
        self.disc_step
            .rewrite_uniform(queue, self.disc_step.len() - 1, &disc);
        let generator = adam(&self.generator, gen_lr, Counter::GenUpdates);
        self.gen_step
            .rewrite_uniform(queue, self.gen_step.len() - 1, &generator);
        Ok(())
    }

    /// This trainer's buffers bound to `renderer`'s pipelines: digits for
    /// MNIST; heat map, arrows, real and generated points for 2-D data.
    pub fn scene(&self, renderer: &Renderer) -> Scene {
        let mut sources = Vec::new();
        match &self.field {
            None => sources.push(LayerSource {
                kind: LayerKind::Digits,
                buffer: &self.samples,
            }),
            Some(field) => {
                sources.push(LayerSource {
                    kind: LayerKind::Field,
                    buffer: &field.logits,
                });
                sources.push(LayerSource {
                    kind: LayerKind::Arrows,
                    buffer: &field.grads,
                });
                sources.push(LayerSource {
                    kind: LayerKind::RealPoints,
                    buffer: &self.data,
                });
                sources.push(LayerSource {
                    kind: LayerKind::FakePoints,
                    buffer: &self.samples,
                });
            }
        }
        Scene::new(&self.ctx.device, renderer, &sources)
    }

    /// Records a frame into `target` (`size` pixels): the generator on the
    /// fixed latents, D over the plane if asked, then the scene. Creates
    /// nothing; nothing is read back.
    pub fn encode_draw(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        renderer: &Renderer,
        scene: &Scene,
        target: &wgpu::TextureView,
        size: [u32; 2],
        options: DrawOptions,
    ) {
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("draw"),
                timestamp_writes: None,
            });
            self.preview.encode(&mut pass);
            if let Some(field) = &self.field
                && options.update_field
                && (options.heatmap || options.arrows)
            {
                field.program.encode(&mut pass);
            }
        }
        let palette = Palette::new(options.dark);
        let target_size = [size[0] as f32, size[1] as f32];
        let samples = self.config.sample_count;
        // Dots about 1/150 of the plot across, at least 2 pixels.
        let dot = (target_size[0].min(target_size[1]) / 150.0).max(2.0);
        let base = DrawParams {
            target_size,
            ..DrawParams::default()
        };
        let (extent, grid) = match &self.field {
            Some(field) => (field.extent, field.grid as u32),
            None => (1.0, 8),
        };
        scene.encode(
            &self.ctx.queue,
            renderer,
            encoder,
            target,
            palette.background,
            |kind| {
                let plane = DrawParams { extent, grid, ..base };
                match kind {
                    LayerKind::Digits => Some((
                        DrawParams {
                            background: palette.digit_gap,
                            count: samples.min(64),
                            grid: 8,
                            side: crate::data::mnist::IMAGE_SIDE as u32,
                            ..base
                        },
                        3,
                        1,
                    )),
                    LayerKind::Field => options.heatmap.then_some((
                        DrawParams {
                            color: palette.field_real,
                            background: palette.field_fake,
                            ..plane
                        },
                        3,
                        1,
                    )),
                    // Every second grid point: 20 × 20 arrows.
                    LayerKind::Arrows => options.arrows.then_some((
                        DrawParams {
                            color: palette.arrows,
                            size: 1.5,
                            stride: 2,
                            ..plane
                        },
                        6,
                        (grid / 2) * (grid / 2),
                    )),
                    LayerKind::RealPoints => {
                        let count = self.dataset_rows.min(1000) as u32;
                        Some((
                            DrawParams {
                                color: palette.real,
                                scale: self.scale,
                                size: dot,
                                count,
                                ..plane
                            },
                            6,
                            count,
                        ))
                    }
                    LayerKind::FakePoints => Some((
                        DrawParams {
                            color: palette.fake,
                            scale: self.scale,
                            size: dot,
                            count: samples,
                            ..plane
                        },
                        6,
                        samples,
                    )),
                }
            },
        );
    }

    /// The GEMMs of one iteration, in order (k discriminator updates, one
    /// generator update).
    pub fn iteration_gemms(&self) -> Vec<crate::params::GemmSpec> {
        let mut gemms = Vec::new();
        for _ in 0..self.config.disc_steps {
            gemms.extend_from_slice(self.disc_step.gemms());
        }
        gemms.extend_from_slice(self.gen_step.gemms());
        gemms
    }

    /// Floating-point operations of one iteration's GEMMs (2 per multiply-add).
    pub fn flops_per_iteration(&self) -> f64 {
        self.iteration_gemms().iter().map(|g| 2.0 * g.macs() as f64).sum()
    }

    /// GPU time of every dispatch of one iteration, in milliseconds, from
    /// timestamp queries (each dispatch in a pass of its own); None where
    /// the device has no timestamp queries.
    pub async fn time_iteration_kernels(&mut self) -> Result<Option<Vec<(&'static str, f64)>>, Error> {
        let device = &self.ctx.device;
        if !device.features().contains(wgpu::Features::TIMESTAMP_QUERY) {
            return Ok(None);
        }
        let k = self.config.disc_steps as usize;
        let dispatches = self.disc_step.len() * k + self.gen_step.len();
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
        for step in 0..k {
            let first = 2 * (step * self.disc_step.len()) as u32;
            self.disc_step.encode_timed(&mut encoder, &queries, first);
            labels.extend(self.disc_step.labels());
        }
        let first = 2 * (k * self.disc_step.len()) as u32;
        self.gen_step.encode_timed(&mut encoder, &queries, first);
        labels.extend(self.gen_step.labels());
        encoder.resolve_query_set(&queries, 0..count, &resolved, 0);
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(
            &PendingRead::start(&self.ctx, encoder, &resolved, 0, u64::from(count) * 8)
                .bytes()
                .await?,
        );
        self.iterations += 1;
        let period_ns = f64::from(self.ctx.queue.get_timestamp_period());
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
        &mut self,
        repeats: u32,
    ) -> Result<Vec<(&'static str, &'static str, f64)>, Error> {
        let mut timings = Vec::new();
        for (name, program) in [("disc step", &self.disc_step), ("gen step", &self.gen_step)] {
            for (index, label) in program.labels().enumerate() {
                let start = std::time::Instant::now();
                let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
                {
                    let mut pass = encoder.begin_compute_pass(&Default::default());
                    for _ in 0..repeats {
                        program.encode_one(index, &mut pass);
                    }
                }
                self.ctx.queue.submit([encoder.finish()]);
                self.ctx.wait_idle()?;
                timings.push((name, label, start.elapsed().as_secs_f64() / f64::from(repeats)));
            }
        }
        Ok(timings)
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
