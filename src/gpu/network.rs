//! The GPU state of one MLP and the dispatches that run it: forward,
//! backward (weight and/or input gradients) and its Adam update.

use super::buffers;
use super::context::GpuContext;
use super::program::Op;
use crate::config::Config;
use crate::error::Error;
use crate::layout::{Activation, NetworkLayout};
use crate::params::{AdamParams, GemmSpec};
use crate::streams::Counter;

/// A buffer and an element offset into it.
#[derive(Clone, Copy)]
pub struct Tensor<'a> {
    pub buffer: &'a wgpu::Buffer,
    pub offset: usize,
}

pub fn at(buffer: &wgpu::Buffer, offset: usize) -> Tensor<'_> {
    Tensor { buffer, offset }
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
}

impl Network {
    pub fn new(
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
    pub fn forward<'a>(
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
    pub fn backward<'a>(
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

    pub fn adam<'a>(
        &'a self,
        config: &Config,
        lr: f32,
        counter: Counter,
        counters: &'a wgpu::Buffer,
    ) -> Op<'a> {
        Op::Adam {
            params: AdamParams::new(config, self.layout.param_count, lr, counter),
            grads: &self.grads,
            counters,
            weights: &self.params,
            adam_m: &self.adam_m,
            adam_v: &self.adam_v,
        }
    }
}
