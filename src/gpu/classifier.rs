//! The MNIST classifier on the GPU: trained by the engine's own kernels
//! (GEMM forward and backward, softmax cross-entropy, Adam), and run on
//! images to read their class logits and features (the judge of generated
//! digits).
//!
//! One program trains one batch: the host writes the batch's pixels and
//! labels, the update count and the learning rate before each submission
//! (training runs natively, from the CLI, a batch per submission; the
//! shuffled epochs are the host's). Another runs the network forward and
//! gathers logits and features into one buffer for a single readback.

use super::buffers;
use super::context::GpuContext;
use super::network::{Network, dense};
use super::pipelines::Pipelines;
use super::program::{Op, OpHandle, Ops, Program};
use super::readback::PendingRead;
use crate::classifier::{CLASSES, FEATURES, layout};
use crate::error::Error;
use crate::kernels::adam::{Adam, AdamBuffers, AdamParams};
use crate::kernels::gemm::GemmTiling;
use crate::kernels::softmax_ce::{SoftmaxCe, SoftmaxCeBuffers, SoftmaxCeParams};
use crate::streams::Counter;

/// Adam's moments for the classifier (the usual defaults, not the GAN's β1).
pub const BETA1: f32 = 0.9;
pub const BETA2: f32 = 0.999;
pub const EPS: f32 = 1e-8;

/// Logits then features of every row, as one readback returns them.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    /// rows × CLASSES.
    pub logits: Vec<f32>,
    /// rows × FEATURES (the last hidden layer, after its ReLU).
    pub features: Vec<f32>,
}

pub struct GpuClassifier {
    ctx: GpuContext,
    network: Network,
    /// Rows every program runs (a batch, or the images judged at once).
    rows: usize,
    /// rows × 784 pixels in [-1, 1], as the GAN's data.
    input: wgpu::Buffer,
    labels: wgpu::Buffer,
    logits: wgpu::Buffer,
    /// rows × (CLASSES + FEATURES): logits then features, for one readback.
    readout: wgpu::Buffer,
    /// Per row (loss, correct) of the last training step.
    row_stats: wgpu::Buffer,
    /// [t, t, t, 0]: Adam's update count.
    counters: wgpu::Buffer,
    train: Program,
    adam: OpHandle,
    forward: Program,
    _buffers: Vec<wgpu::Buffer>,
}

impl GpuClassifier {
    /// A classifier with parameters `params` (of [`layout`]) that trains
    /// and judges `rows` images at a time.
    pub fn new(ctx: &GpuContext, params: &[f32], rows: usize) -> Result<GpuClassifier, Error> {
        let layout = layout();
        let tiling = GemmTiling::preferred(&ctx.adapter_info);
        let pipelines = Pipelines::new(&ctx.device, tiling);
        let network = Network::new(ctx, "classifier", layout.clone(), params, rows, tiling)?;
        let input = buffers::storage(ctx, "classifier input", rows * layout.input_width())?;
        let labels = buffers::storage(ctx, "classifier labels", rows)?;
        let logits = buffers::storage(ctx, "classifier logits", rows * CLASSES)?;
        let logit_grads = buffers::storage(ctx, "classifier logit grads", rows * CLASSES)?;
        let readout = buffers::storage(ctx, "classifier readout", rows * (CLASSES + FEATURES))?;
        let row_stats = buffers::storage(ctx, "classifier row stats", rows * 2)?;
        let counters = buffers::storage(ctx, "classifier counters", 4)?;

        let pixels = dense(&input, 0, layout.input_width());
        let mut ops = Ops::default();
        network.forward(pixels, dense(&logits, 0, CLASSES), rows, &mut ops);
        ops.push(Op::new(
            "classifier loss",
            &SoftmaxCe,
            SoftmaxCeParams {
                rows: rows as u32,
                classes: CLASSES as u32,
                _pad: [0; 2],
            },
            SoftmaxCeBuffers {
                logits: &logits,
                labels: &labels,
                logit_grads: &logit_grads,
                row_stats: &row_stats,
            },
        ));
        network.backward(
            pixels,
            dense(&logit_grads, 0, CLASSES),
            rows,
            true,
            None,
            &mut ops,
        );
        let adam = ops.push(Op::new(
            "classifier adam",
            &Adam,
            GpuClassifier::adam_params(0.0),
            AdamBuffers {
                grads: &network.grads,
                counters: &counters,
                weights: &network.params,
                adam_m: &network.adam_m,
                adam_v: &network.adam_v,
            },
        ));
        let train = Program::build(ctx, &pipelines, "classifier step", ops);

        let mut ops = Ops::default();
        network.forward(pixels, dense(&logits, 0, CLASSES), rows, &mut ops);
        let forward = Program::build(ctx, &pipelines, "classifier forward", ops);

        if let Some(error) = ctx.take_error() {
            return Err(error);
        }
        Ok(GpuClassifier {
            ctx: ctx.clone(),
            network,
            rows,
            input,
            labels,
            logits,
            readout,
            row_stats,
            counters,
            train,
            adam,
            forward,
            _buffers: vec![logit_grads],
        })
    }

    fn adam_params(lr: f32) -> AdamParams {
        AdamParams {
            count: layout().param_count as u32,
            counter: Counter::Iteration as u32,
            lr,
            beta1: BETA1,
            beta2: BETA2,
            eps: EPS,
            decay_start: 0,
            decay_half_life: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// One Adam step (update number `t`, from 1) on a batch of `rows`
    /// images (pixels in [-1, 1]) and their labels; submits and returns.
    pub fn train_step(&self, pixels: &[f32], labels: &[u32], lr: f32, t: u32) {
        let queue = &self.ctx.queue;
        queue.write_buffer(&self.input, 0, bytemuck::cast_slice(pixels));
        queue.write_buffer(&self.labels, 0, bytemuck::cast_slice(labels));
        queue.write_buffer(&self.counters, 0, bytemuck::cast_slice(&[t, t, t, 0]));
        self.train
            .rewrite_uniform(queue, self.adam, &GpuClassifier::adam_params(lr));
        let mut encoder = self.ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            self.train.encode(&mut pass);
        }
        queue.submit([encoder.finish()]);
    }

    /// The last training step's (loss, correct) per row.
    pub async fn last_step_stats(&self) -> Result<Vec<[f32; 2]>, Error> {
        let encoder = self.ctx.device.create_command_encoder(&Default::default());
        let bytes = PendingRead::start(&self.ctx, encoder, &self.row_stats, 0, self.rows as u64 * 8)
            .bytes()
            .await?;
        Ok(bytemuck::pod_collect_to_vec(&bytes))
    }

    /// Encodes the forward pass over the input buffer (however it was
    /// filled) and the copies of logits and features into the readout.
    fn encode_forward(&self, encoder: &mut wgpu::CommandEncoder) {
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            self.forward.encode(&mut pass);
        }
        let logits_bytes = (self.rows * CLASSES * 4) as u64;
        let features_bytes = (self.rows * FEATURES * 4) as u64;
        let features = &self.network.hidden_acts[self.network.hidden_acts.len() - 1];
        encoder.copy_buffer_to_buffer(&self.logits, 0, &self.readout, 0, logits_bytes);
        encoder.copy_buffer_to_buffer(features, 0, &self.readout, logits_bytes, features_bytes);
    }

    /// Submits `encoder`'s work, the forward pass and the readout copy.
    fn start_readout(&self, mut encoder: wgpu::CommandEncoder) -> PendingJudgement {
        self.encode_forward(&mut encoder);
        let len = (self.rows * (CLASSES + FEATURES) * 4) as u64;
        PendingJudgement {
            read: PendingRead::start(&self.ctx, encoder, &self.readout, 0, len),
            rows: self.rows,
        }
    }

    /// Logits and features of `rows` images (pixels in [-1, 1]).
    pub async fn run(&self, pixels: &[f32]) -> Result<Readout, Error> {
        self.ctx
            .queue
            .write_buffer(&self.input, 0, bytemuck::cast_slice(pixels));
        let encoder = self.ctx.device.create_command_encoder(&Default::default());
        self.start_readout(encoder).readout().await
    }

    /// Starts judging `rows` images that `encoder`'s work leaves in
    /// `images` (e.g. a generator's samples): copies them in, runs the
    /// network and reads logits and features back in one go.
    pub fn start_judging(
        &self,
        mut encoder: wgpu::CommandEncoder,
        images: &wgpu::Buffer,
    ) -> PendingJudgement {
        let pixels = (self.rows * self.network.layout.input_width() * 4) as u64;
        encoder.copy_buffer_to_buffer(images, 0, &self.input, 0, pixels);
        self.start_readout(encoder)
    }

    /// The current parameters.
    pub async fn read_params(&self) -> Result<Vec<f32>, Error> {
        let count = self.network.layout.param_count;
        super::readback::read::<f32>(&self.ctx, &self.network.params, 0, count).await
    }
}

/// A judgement on its way back from the GPU (see `start_judging`).
pub struct PendingJudgement {
    read: PendingRead,
    rows: usize,
}

impl PendingJudgement {
    pub async fn readout(self) -> Result<Readout, Error> {
        let floats = self.read.floats().await?;
        let (logits, features) = floats.split_at(self.rows * CLASSES);
        Ok(Readout {
            logits: logits.to_vec(),
            features: features.to_vec(),
        })
    }
}
