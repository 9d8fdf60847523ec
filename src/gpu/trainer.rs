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
use super::kernels::{Kernels, preferred_tiling};
use super::program::{Op, Program, set_gemm_tiling};
use super::readback::{self, PendingRead};
use super::stats::{IterationStats, STATS_CAPACITY, StatsRing};
use crate::config::Config;
use crate::data::{Dataset, DatasetValues};
use crate::error::Error;
use crate::init::init_params;
use crate::layout::{Activation, NetworkLayout};
use crate::params::{
    AdamParams, GatherParams, GemmSpec, LOSS_MODE_DISC, LOSS_MODE_GEN, LossParams, NormalParams, RandomParams,
};
use crate::streams::{self, Counter};

/// A buffer and an element offset into it.
#[derive(Clone, Copy)]
struct Tensor<'a> {
    buffer: &'a wgpu::Buffer,
    offset: usize,
}

fn at(buffer: &wgpu::Buffer, offset: usize) -> Tensor<'_> {
    Tensor { buffer, offset }
}

/// The GPU state of one MLP. Parameters, gradients and both Adam moments
/// share the layout of `layout`.
struct Network {
    layout: NetworkLayout,
    params: wgpu::Buffer,
    grads: wgpu::Buffer,
    adam_m: wgpu::Buffer,
    adam_v: wgpu::Buffer,
    /// Output of each hidden layer (rows × width); the output layer writes
    /// wherever its caller says.
    hidden_acts: Vec<wgpu::Buffer>,
    /// Gradient of each hidden layer's pre-activation output.
    hidden_grads: Vec<wgpu::Buffer>,
}

impl Network {
    fn new(
        ctx: &GpuContext,
        name: &str,
        layout: NetworkLayout,
        params: &[f32],
        rows: usize,
    ) -> Result<Network, Error> {
        let hidden = &layout.layers[..layout.layers.len() - 1];
        let mut hidden_acts = Vec::new();
        let mut hidden_grads = Vec::new();
        for (index, layer) in hidden.iter().enumerate() {
            let len = rows * layer.outputs;
            hidden_acts.push(buffers::storage(
                ctx,
                &format!("{name} activations {index}"),
                len,
            )?);
            hidden_grads.push(buffers::storage(
                ctx,
                &format!("{name} activation grads {index}"),
                len,
            )?);
        }
        let count = layout.param_count;
        Ok(Network {
            params: buffers::storage_init(ctx, &format!("{name} params"), params)?,
            grads: buffers::storage(ctx, &format!("{name} grads"), count)?,
            adam_m: buffers::storage(ctx, &format!("{name} adam m"), count)?,
            adam_v: buffers::storage(ctx, &format!("{name} adam v"), count)?,
            layout,
            hidden_acts,
            hidden_grads,
        })
    }

    /// Input and output tensors of layer `l`, given the network's.
    fn layer_io<'a>(&'a self, l: usize, input: Tensor<'a>, output: Tensor<'a>) -> (Tensor<'a>, Tensor<'a>) {
        let last = self.layout.layers.len() - 1;
        let layer_in = if l == 0 {
            input
        } else {
            at(&self.hidden_acts[l - 1], 0)
        };
        let layer_out = if l == last {
            output
        } else {
            at(&self.hidden_acts[l], 0)
        };
        (layer_in, layer_out)
    }

    /// out = net(input) over `rows` samples.
    fn forward<'a>(
        &'a self,
        input: Tensor<'a>,
        output: Tensor<'a>,
        rows: usize,
        ops: &mut Vec<(&'static str, Op<'a>)>,
    ) {
        for (l, layer) in self.layout.layers.iter().enumerate() {
            let (layer_in, layer_out) = self.layer_io(l, input, output);
            ops.push((
                "forward",
                Op::Gemm {
                    spec: GemmSpec::forward(layer, rows, layer_in.offset, layer_out.offset),
                    a: layer_in.buffer,
                    b: &self.params,
                    aux: layer_in.buffer,
                    c: layer_out.buffer,
                },
            ));
        }
    }

    /// Backward from `output_grad` (gradient of the last layer's
    /// pre-activation output) through every layer: weight gradients into
    /// `grads` if asked, and the gradient into `input_grad` (times the
    /// derivative of the activation that produced the input) if given.
    fn backward<'a>(
        &'a self,
        input: Tensor<'a>,
        output_grad: Tensor<'a>,
        rows: usize,
        weight_grads: bool,
        input_grad: Option<(Tensor<'a>, Activation)>,
        ops: &mut Vec<(&'static str, Op<'a>)>,
    ) {
        let last = self.layout.layers.len() - 1;
        for (l, layer) in self.layout.layers.iter().enumerate().rev() {
            let layer_in = if l == 0 {
                input
            } else {
                at(&self.hidden_acts[l - 1], 0)
            };
            let grad = if l == last {
                output_grad
            } else {
                at(&self.hidden_grads[l], 0)
            };
            if weight_grads {
                ops.push((
                    "weight grad",
                    Op::Gemm {
                        spec: GemmSpec::weight_grad(layer, rows, layer_in.offset, grad.offset),
                        a: layer_in.buffer,
                        b: grad.buffer,
                        aux: layer_in.buffer,
                        c: &self.grads,
                    },
                ));
            }
            let target = if l > 0 {
                Some((
                    at(&self.hidden_grads[l - 1], 0),
                    self.layout.layers[l - 1].activation,
                ))
            } else {
                input_grad
            };
            if let Some((target, activation)) = target {
                ops.push((
                    "input grad",
                    Op::Gemm {
                        spec: GemmSpec::input_grad(
                            layer,
                            rows,
                            grad.offset,
                            target.offset,
                            layer_in.offset,
                            activation,
                        ),
                        a: grad.buffer,
                        b: &self.params,
                        aux: layer_in.buffer,
                        c: target.buffer,
                    },
                ));
            }
        }
    }

    fn adam<'a>(&'a self, config: &Config, lr: f32, counter: Counter, counters: &'a wgpu::Buffer) -> Op<'a> {
        Op::Adam {
            params: AdamParams {
                count: self.layout.param_count as u32,
                counter: counter as u32,
                lr,
                beta1: config.beta1,
                beta2: config.beta2,
                eps: config.eps,
                _pad: [0; 2],
            },
            grads: &self.grads,
            counters,
            weights: &self.params,
            adam_m: &self.adam_m,
            adam_v: &self.adam_v,
        }
    }
}

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
        let discriminator = Network::new(ctx, "disc", disc_layout, &disc_init, 2 * batch)?;

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
            _program_buffers: vec![latent, logits, logit_grads, gen_out_grad, preview_latent, data],
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
