//! What one iteration dispatches: the programs of one discriminator update
//! and one generator update, built once by the trainer.
//!
//! One discriminator update (2B rows: B real then B fake, one GEMM per layer;
//! with packing m, each row is m samples, so B·m of each are drawn):
//!   latent ← N(0, 1)                   normal      (seed, DISC_LATENT, disc updates)
//!   disc_input[0..B] ← real rows       gather      (seed, REAL_BATCH, disc updates)
//!   disc_input[B..2B] ← G(latent)      G forward
//!   logits ← D(disc_input)             D forward (dropout after each hidden layer if discDropout > 0)
//!   logit_grads, stats, counters      loss        (disc mode)
//!   disc grads ← backward              D backward (weight gradients; the same masks)
//!   disc grads += R1's (if r1Gamma > 0) D backward from ones on the real rows,
//!                                      then per layer a weight-grad and a tangent GEMM, axpby
//!   disc params                        Adam
//! One generator update (B rows):
//!   latent ← N(0, 1)                   normal      (seed, GEN_LATENT, gen updates)
//!   disc_input[B..2B] ← G(latent)      G forward
//!   logits ← D(fake)                   D forward
//!   logit_grads, stats, counters      loss        (non-saturating G loss)
//!   gen_out_grad ← ∂L/∂fake ⊙ tanh'    D backward (input gradients only)
//!   gen grads ← backward               G backward
//!   gen params                         Adam
//!   gen average (if genEma > 0)        moving_average

use super::context::GpuContext;
use super::network::{Masks, Network, Tensor, dense};
use super::pipelines::Pipelines;
use super::program::{Op, OpHandle, Ops, Program};
use super::stats::STATS_CAPACITY;
use crate::config::Config;
use crate::kernels::axpby::{Axpby, AxpbyBuffers, AxpbyParams};
use crate::kernels::gather::{Gather, GatherBuffers, GatherParams};
use crate::kernels::gemm::{GemmBuffers, GemmSpec};
use crate::kernels::loss::{LOSS_MODE_DISC, LOSS_MODE_GEN, Loss, LossBuffers, LossParams};
use crate::kernels::moving_average::{MovingAverage, MovingAverageBuffers, MovingAverageParams};
use crate::kernels::normal::{Normal, NormalBuffers, NormalParams, RandomParams};
use crate::layout::Activation;
use crate::streams::{self, Counter};

/// A program that updates one network, and where its Adam dispatch is.
pub(crate) struct UpdateProgram {
    pub program: Program,
    /// Lets the trainer change the learning rate in place.
    pub adam: OpHandle,
}

/// The trainer's buffers that the update programs bind.
pub(crate) struct StepBuffers<'a> {
    /// [iteration, disc updates, gen updates, 0] (streams::Counter).
    pub counters: &'a wgpu::Buffer,
    /// B × Z.
    pub latent: &'a wgpu::Buffer,
    /// 2B × X: real rows then fake rows.
    pub disc_input: &'a wgpu::Buffer,
    /// 2B logits and their gradients.
    pub logits: &'a wgpu::Buffer,
    pub logit_grads: &'a wgpu::Buffer,
    /// B × X: ∂L_G/∂G(z).
    pub gen_out_grad: &'a wgpu::Buffer,
    pub stats: &'a wgpu::Buffer,
    /// The dataset as u32 words, `data_rows` rows; bytes or f32 bits.
    pub data: &'a wgpu::Buffer,
    pub data_rows: usize,
    pub data_bytes: bool,
    /// The moving average of G's parameters, when the config keeps one.
    pub gen_average: Option<&'a wgpu::Buffer>,
    /// The R1 penalty's buffers, when the config has one.
    pub r1: Option<R1Buffers<'a>>,
}

/// What the R1 penalty's passes write, over the B real rows D sees.
pub(crate) struct R1Buffers<'a> {
    /// B ones: ∂D/∂D, where its backward pass starts.
    pub ones: &'a wgpu::Buffer,
    /// ∇ₓD, B × D's input width.
    pub input_grad: &'a wgpu::Buffer,
    /// The tangent after each hidden layer, B × its width.
    pub tangents: &'a [wgpu::Buffer],
    /// ∂R/∂θ in D's layout, before its weight γ / B.
    pub grads: &'a wgpu::Buffer,
}

/// Tensors every update names. With packing (pack = m), the B·m real
/// samples, then the B·m generated ones, lie back to back in disc_input as
/// one row each; D reads the same memory as rows of m samples.
struct Views<'a> {
    real: Tensor<'a>,
    fake: Tensor<'a>,
    /// `real` and `fake` as D sees them: B packs each.
    packed_real: Tensor<'a>,
    packed_fake: Tensor<'a>,
    latent: Tensor<'a>,
    logits: Tensor<'a>,
    logit_grads: Tensor<'a>,
}

impl<'a> StepBuffers<'a> {
    fn views(&self, config: &Config) -> Views<'a> {
        let (rows, width) = (config.sample_rows(), config.sample_width());
        let packed = width * config.pack as usize;
        Views {
            real: dense(self.disc_input, 0, width),
            fake: dense(self.disc_input, rows * width, width),
            packed_real: dense(self.disc_input, 0, packed),
            packed_fake: dense(self.disc_input, rows * width, packed),
            latent: dense(self.latent, 0, config.latent_size as usize),
            logits: dense(self.logits, 0, 1),
            logit_grads: dense(self.logit_grads, 0, 1),
        }
    }

    fn random(config: &Config, stream: u32, counter: Counter) -> RandomParams {
        RandomParams {
            seed: config.seed,
            stream,
            counter: counter as u32,
            counter_offset: 0,
        }
    }

    fn draw_latent(&self, config: &Config, stream: u32, counter: Counter) -> Op<'a> {
        let params = NormalParams {
            random: StepBuffers::random(config, stream, counter),
            count: config.sample_rows() as u32 * config.latent_size,
            out_offset: 0,
            _pad: [0; 2],
        };
        let buffers = NormalBuffers {
            counters: self.counters,
            out: self.latent,
        };
        Op::new("draw latent", &Normal, params, buffers)
    }

    /// D's dropout masks in an update counted by `counter`, if it has any.
    fn masks(&self, config: &Config, counter: Counter) -> Option<Masks<'a>> {
        (config.disc_dropout > 0.0).then_some(Masks {
            rate: config.disc_dropout,
            seed: config.seed,
            stream: match counter {
                Counter::DiscUpdates => streams::disc_dropout_in_disc_update,
                _ => streams::disc_dropout_in_gen_update,
            },
            counter,
            counter_offset: 0,
            counters: self.counters,
        })
    }

    fn loss(&self, config: &Config, label: &'static str, mode: u32) -> Op<'a> {
        let params = LossParams::new(config, mode, STATS_CAPACITY);
        let buffers = LossBuffers {
            logits: self.logits,
            logit_grads: self.logit_grads,
            stats: self.stats,
            counters: self.counters,
        };
        Op::new(label, &Loss, params, buffers)
    }
}

/// One discriminator update.
pub(crate) fn disc_step(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    config: &Config,
    [generator, discriminator]: [&Network; 2],
    buffers: &StepBuffers<'_>,
) -> UpdateProgram {
    let batch = config.batch_size as usize;
    let v = buffers.views(config);
    let mut ops = Ops::default();
    ops.push(buffers.draw_latent(config, streams::DISC_LATENT, Counter::DiscUpdates));
    ops.push(Op::new(
        "gather real",
        &Gather {
            bytes: buffers.data_bytes,
        },
        GatherParams {
            random: StepBuffers::random(config, streams::REAL_BATCH, Counter::DiscUpdates),
            rows: config.sample_rows() as u32,
            row_len: config.sample_width() as u32,
            dataset_rows: buffers.data_rows as u32,
            out_offset: v.real.offset as u32,
            out_stride: v.real.stride as u32,
            _pad: [0; 3],
        },
        GatherBuffers {
            counters: buffers.counters,
            data: buffers.data,
            out: v.real.buffer,
        },
    ));
    generator.forward(v.latent, v.fake, config.sample_rows(), &mut ops);
    // Real and fake packs in one pass: 2B rows from the start of disc_input.
    let masks = buffers.masks(config, Counter::DiscUpdates);
    let input = v.packed_real;
    discriminator.forward_masked(&discriminator.params, input, v.logits, 2 * batch, masks, &mut ops);
    ops.push(buffers.loss(config, "disc loss", LOSS_MODE_DISC));
    let masks = masks.map(Masks::after_loss);
    discriminator.backward_masked(input, v.logit_grads, 2 * batch, true, None, masks, &mut ops);
    if let Some(r1) = &buffers.r1 {
        r1_penalty(config, discriminator, input, r1, masks, &mut ops);
    }
    let adam = discriminator.adam(
        "disc adam",
        config,
        config.disc_lr,
        Counter::DiscUpdates,
        buffers.counters,
        &mut ops,
    );
    UpdateProgram {
        program: Program::build(ctx, pipelines, "disc step", ops),
        adam,
    }
}

/// The R1 penalty's gradient, added to D's (see `reference::r1_penalty`,
/// which this follows op for op): ∇ₓD on the B real rows by a backward
/// pass from ones; then, layer by layer, ∂R/∂W_l = e_lᵀ u_l into the
/// penalty's own gradient (W only) and the tangent e pushed through the
/// layer; then D's gradient += (γ / B) · that. The forward pass's
/// activations and masks of the real rows (the first B) are reused.
fn r1_penalty<'a>(
    config: &Config,
    discriminator: &'a Network,
    real: Tensor<'a>,
    r1: &R1Buffers<'a>,
    masks: Option<Masks<'a>>,
    ops: &mut Ops<'a>,
) {
    let batch = config.batch_size as usize;
    let layers = &discriminator.layout.layers;
    let last = layers.len() - 1;
    let input_width = discriminator.layout.input_width();
    let ones = dense(r1.ones, 0, 1);
    let input_grad = dense(r1.input_grad, 0, input_width);
    // The data is not an activation: no derivative at the input.
    let target = Some((input_grad, Activation::Identity));
    discriminator.backward_masked(real, ones, batch, false, target, masks, ops);
    let tiling = discriminator.tiling();
    for (l, layer) in layers.iter().enumerate() {
        let tangent = if l == 0 {
            input_grad
        } else {
            dense(&r1.tangents[l - 1], 0, layer.inputs)
        };
        let u = if l == last {
            ones
        } else {
            dense(&discriminator.hidden_grads[l], 0, layer.outputs)
        };
        let spec = GemmSpec::weight_grad_without_bias(layer, batch, tangent.strided(), u.strided());
        ops.push(Op::gemm(
            "r1 weight grad",
            spec.tiled(tiling),
            GemmBuffers {
                a: tangent.buffer,
                b: u.buffer,
                aux: tangent.buffer,
                c: r1.grads,
            },
        ));
        if l < last {
            let out = dense(&r1.tangents[l], 0, layer.outputs);
            let acts = dense(&discriminator.hidden_acts[l], 0, layer.outputs);
            let spec = GemmSpec::tangent(layer, batch, tangent.strided(), out.strided(), acts.strided());
            ops.push(Op::gemm(
                "r1 tangent",
                spec.tiled(tiling),
                GemmBuffers {
                    a: tangent.buffer,
                    b: &discriminator.params,
                    aux: acts.buffer,
                    c: out.buffer,
                },
            ));
            if let Some(masks) = masks {
                ops.push(masks.op(l, batch * layer.outputs, out.buffer));
            }
        }
    }
    ops.push(Op::new(
        "r1 add",
        &Axpby,
        AxpbyParams::add_scaled(discriminator.layout.param_count, config.r1_gamma / batch as f32),
        AxpbyBuffers {
            x: r1.grads,
            y: &discriminator.grads,
        },
    ));
}

/// One generator update.
pub(crate) fn gen_step(
    ctx: &GpuContext,
    pipelines: &Pipelines,
    config: &Config,
    [generator, discriminator]: [&Network; 2],
    buffers: &StepBuffers<'_>,
) -> UpdateProgram {
    let batch = config.batch_size as usize;
    let v = buffers.views(config);
    let mut ops = Ops::default();
    ops.push(buffers.draw_latent(config, streams::GEN_LATENT, Counter::GenUpdates));
    generator.forward(v.latent, v.fake, config.sample_rows(), &mut ops);
    let masks = buffers.masks(config, Counter::GenUpdates);
    discriminator.forward_masked(
        &discriminator.params,
        v.packed_fake,
        v.logits,
        batch,
        masks,
        &mut ops,
    );
    ops.push(buffers.loss(config, "gen loss", LOSS_MODE_GEN));
    let gen_output_activation = generator.layout.layers[generator.layout.layers.len() - 1].activation;
    // ∂L/∂fake as D's input gradient (B packs), then as G's output
    // gradient (B·m samples): the same memory.
    let width = config.sample_width();
    let packed_grad = dense(buffers.gen_out_grad, 0, width * config.pack as usize);
    discriminator.backward_masked(
        v.packed_fake,
        v.logit_grads,
        batch,
        false,
        Some((packed_grad, gen_output_activation)),
        masks.map(Masks::after_loss),
        &mut ops,
    );
    let gen_out_grad = dense(buffers.gen_out_grad, 0, width);
    generator.backward(v.latent, gen_out_grad, config.sample_rows(), true, None, &mut ops);
    let adam = generator.adam(
        "gen adam",
        config,
        config.gen_lr,
        Counter::GenUpdates,
        buffers.counters,
        &mut ops,
    );
    if let Some(average) = buffers.gen_average {
        let params = MovingAverageParams::new(generator.layout.param_count, config.gen_ema);
        let buffers = MovingAverageBuffers {
            params: &generator.params,
            counters: buffers.counters,
            average,
        };
        ops.push(Op::new("gen average", &MovingAverage, params, buffers));
    }
    UpdateProgram {
        program: Program::build(ctx, pipelines, "gen step", ops),
        adam,
    }
}
