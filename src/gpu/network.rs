//! The GPU state of one MLP and the dispatches that run it: forward,
//! backward (weight and/or input gradients) and its Adam update.

use super::buffers;
use super::context::GpuContext;
use super::program::{Op, OpHandle, Ops};
use crate::config::Config;
use crate::error::Error;
use crate::kernels::adam::{Adam, AdamBuffers, AdamParams};
use crate::kernels::dropout::{Dropout, DropoutBuffers, DropoutParams};
use crate::kernels::gemm::{GemmBuffers, GemmSpec, GemmTiling, Strided};
use crate::kernels::normal::RandomParams;
use crate::layout::{Activation, NetworkLayout};
use crate::streams::Counter;

/// Rows of a matrix in a buffer: row r starts at element
/// `offset + r × stride`.
#[derive(Clone, Copy)]
pub struct Tensor<'a> {
    pub buffer: &'a wgpu::Buffer,
    pub offset: usize,
    pub stride: usize,
}

/// Rows of `width` values, back to back from `offset`.
pub fn dense(buffer: &wgpu::Buffer, offset: usize, width: usize) -> Tensor<'_> {
    Tensor {
        buffer,
        offset,
        stride: width,
    }
}

impl Tensor<'_> {
    pub fn strided(&self) -> Strided {
        Strided {
            offset: self.offset,
            stride: self.stride,
        }
    }
}

/// Dropout on every hidden layer of a network while it trains: the rate,
/// and the key its masks are drawn from. Hidden layer l draws from stream
/// `stream(l)` at the counter's current value, so the backward pass, built
/// with the same masks, redraws the forward's.
#[derive(Clone, Copy)]
pub struct Masks<'a> {
    pub rate: f32,
    pub seed: u32,
    pub stream: fn(usize) -> u32,
    pub counter: Counter,
    /// Added to the counter's value (wrapping), see `after_loss`.
    pub counter_offset: u32,
    pub counters: &'a wgpu::Buffer,
}

impl<'a> Masks<'a> {
    /// The same masks read after the loss kernel, which advances the
    /// update counters between a forward pass and its backward pass.
    pub fn after_loss(self) -> Masks<'a> {
        Masks {
            counter_offset: self.counter_offset.wrapping_sub(1),
            ..self
        }
    }

    /// The dropout dispatch over hidden layer `l`'s `count` values in `values`.
    pub fn op(&self, l: usize, count: usize, values: &'a wgpu::Buffer) -> Op<'a> {
        let random = RandomParams {
            seed: self.seed,
            stream: (self.stream)(l),
            counter: self.counter as u32,
            counter_offset: self.counter_offset,
        };
        Op::new(
            "dropout",
            &Dropout,
            DropoutParams::new(random, count, self.rate),
            DropoutBuffers {
                counters: self.counters,
                values,
            },
        )
    }
}

/// The GPU state of one MLP. Parameters, gradients and both Adam moments
/// share the layout of `layout`.
pub struct Network {
    pub layout: NetworkLayout,
    pub params: wgpu::Buffer,
    pub grads: wgpu::Buffer,
    pub adam_m: wgpu::Buffer,
    pub adam_v: wgpu::Buffer,
    /// Output of each hidden layer (rows × width); the output layer writes
    /// wherever its caller says.
    pub hidden_acts: Vec<wgpu::Buffer>,
    /// Gradient of each hidden layer's pre-activation output.
    pub hidden_grads: Vec<wgpu::Buffer>,
    /// Which GEMM entry point its layers run.
    tiling: GemmTiling,
}

impl Network {
    pub fn new(
        ctx: &GpuContext,
        name: &str,
        layout: NetworkLayout,
        params: &[f32],
        rows: usize,
        tiling: GemmTiling,
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
            tiling,
        })
    }

    /// Input of layer `l`, given the network's.
    fn layer_input<'a>(&'a self, l: usize, input: Tensor<'a>) -> Tensor<'a> {
        match l {
            0 => input,
            _ => dense(&self.hidden_acts[l - 1], 0, self.layout.layers[l].inputs),
        }
    }

    /// out = net(input) over `rows` samples.
    pub fn forward<'a>(&'a self, input: Tensor<'a>, output: Tensor<'a>, rows: usize, ops: &mut Ops<'a>) {
        self.forward_with(&self.params, input, output, rows, ops);
    }

    /// `forward` with other parameters of this layout (a moving average).
    pub fn forward_with<'a>(
        &'a self,
        params: &'a wgpu::Buffer,
        input: Tensor<'a>,
        output: Tensor<'a>,
        rows: usize,
        ops: &mut Ops<'a>,
    ) {
        self.forward_masked(params, input, output, rows, None, ops);
    }

    /// `forward` of a network in training, with dropout on every hidden
    /// layer's activations when `masks` are given.
    pub fn forward_masked<'a>(
        &'a self,
        params: &'a wgpu::Buffer,
        input: Tensor<'a>,
        output: Tensor<'a>,
        rows: usize,
        masks: Option<Masks<'a>>,
        ops: &mut Ops<'a>,
    ) {
        let last = self.layout.layers.len() - 1;
        for (l, layer) in self.layout.layers.iter().enumerate() {
            let layer_in = self.layer_input(l, input);
            let layer_out = if l == last {
                output
            } else {
                dense(&self.hidden_acts[l], 0, layer.outputs)
            };
            ops.push(Op::gemm(
                "forward",
                GemmSpec::forward(layer, rows, layer_in.strided(), layer_out.strided()).tiled(self.tiling),
                GemmBuffers {
                    a: layer_in.buffer,
                    b: params,
                    aux: layer_in.buffer,
                    c: layer_out.buffer,
                },
            ));
            if let Some(masks) = masks.filter(|_| l != last) {
                ops.push(masks.op(l, rows * layer.outputs, &self.hidden_acts[l]));
            }
        }
    }

    /// Backward from `output_grad` (gradient of the last layer's
    /// pre-activation output) through every layer: weight gradients into
    /// `grads` if asked, and the gradient into `input_grad` (times the
    /// derivative of the activation that produced the input) if given.
    pub fn backward<'a>(
        &'a self,
        input: Tensor<'a>,
        output_grad: Tensor<'a>,
        rows: usize,
        weight_grads: bool,
        input_grad: Option<(Tensor<'a>, Activation)>,
        ops: &mut Ops<'a>,
    ) {
        self.backward_masked(input, output_grad, rows, weight_grads, input_grad, None, ops);
    }

    /// `backward` after `forward_masked` with the same `masks`: the
    /// gradient reaching each hidden layer's activations is dropped where
    /// they were. (The activation's derivative is read from the dropped
    /// activations: a kept one has the sign it had, a dropped one's
    /// gradient is zeroed anyway.)
    pub fn backward_masked<'a>(
        &'a self,
        input: Tensor<'a>,
        output_grad: Tensor<'a>,
        rows: usize,
        weight_grads: bool,
        input_grad: Option<(Tensor<'a>, Activation)>,
        masks: Option<Masks<'a>>,
        ops: &mut Ops<'a>,
    ) {
        let last = self.layout.layers.len() - 1;
        for (l, layer) in self.layout.layers.iter().enumerate().rev() {
            let layer_in = self.layer_input(l, input);
            let grad = if l == last {
                output_grad
            } else {
                dense(&self.hidden_grads[l], 0, layer.outputs)
            };
            if weight_grads {
                ops.push(Op::gemm(
                    "weight grad",
                    GemmSpec::weight_grad(layer, rows, layer_in.strided(), grad.strided()).tiled(self.tiling),
                    GemmBuffers {
                        a: layer_in.buffer,
                        b: grad.buffer,
                        aux: layer_in.buffer,
                        c: &self.grads,
                    },
                ));
            }
            let target = match l {
                0 => input_grad,
                _ => Some((
                    dense(&self.hidden_grads[l - 1], 0, layer.inputs),
                    self.layout.layers[l - 1].activation,
                )),
            };
            if let Some((target, activation)) = target {
                let spec = GemmSpec::input_grad(
                    layer,
                    rows,
                    grad.strided(),
                    target.strided(),
                    layer_in.strided(),
                    activation,
                );
                ops.push(Op::gemm(
                    "input grad",
                    spec.tiled(self.tiling),
                    GemmBuffers {
                        a: grad.buffer,
                        b: &self.params,
                        aux: layer_in.buffer,
                        c: target.buffer,
                    },
                ));
                if let Some(masks) = masks.filter(|_| l > 0) {
                    ops.push(masks.op(l - 1, rows * layer.inputs, &self.hidden_grads[l - 1]));
                }
            }
        }
    }

    /// The Adam update of every parameter; the handle lets a built program
    /// change its learning rate.
    pub fn adam<'a>(
        &'a self,
        label: &'static str,
        config: &Config,
        lr: f32,
        counter: Counter,
        counters: &'a wgpu::Buffer,
        ops: &mut Ops<'a>,
    ) -> OpHandle {
        ops.push(Op::new(
            label,
            &Adam,
            AdamParams::new(config, self.layout.param_count, lr, counter),
            AdamBuffers {
                grads: &self.grads,
                counters,
                weights: &self.params,
                adam_m: &self.adam_m,
                adam_v: &self.adam_v,
            },
        ))
    }

    pub fn tiling(&self) -> GemmTiling {
        self.tiling
    }
}
