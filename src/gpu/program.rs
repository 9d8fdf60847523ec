//! A program is a fixed list of kernel dispatches whose bind groups and
//! uniforms are all created once, when it is built. Encoding it again and
//! again (one training step after another) then creates nothing: it only
//! sets pipelines and bind groups and dispatches. Every dispatch's uniform
//! block lives in one buffer, at offsets aligned as the device requires.

use wgpu::util::DeviceExt;

use super::context::GpuContext;
use super::kernels::{Kernels, grid_workgroups};
use crate::params::{AdamParams, GatherParams, GemmSpec, GemmTiling, LossParams, NormalParams};

/// One kernel call and the buffers it binds, in the kernel's binding order.
pub enum Op<'a> {
    Gemm {
        spec: GemmSpec,
        a: &'a wgpu::Buffer,
        b: &'a wgpu::Buffer,
        aux: &'a wgpu::Buffer,
        c: &'a wgpu::Buffer,
    },
    Loss {
        params: LossParams,
        logits: &'a wgpu::Buffer,
        logit_grads: &'a wgpu::Buffer,
        stats: &'a wgpu::Buffer,
        counters: &'a wgpu::Buffer,
    },
    Adam {
        params: AdamParams,
        grads: &'a wgpu::Buffer,
        counters: &'a wgpu::Buffer,
        weights: &'a wgpu::Buffer,
        adam_m: &'a wgpu::Buffer,
        adam_v: &'a wgpu::Buffer,
    },
    DrawNormal {
        params: NormalParams,
        counters: &'a wgpu::Buffer,
        out: &'a wgpu::Buffer,
    },
    Gather {
        params: GatherParams,
        /// MNIST bytes (true) or float points (false).
        bytes: bool,
        counters: &'a wgpu::Buffer,
        data: &'a wgpu::Buffer,
        out: &'a wgpu::Buffer,
    },
}

impl Op<'_> {
    fn uniform_bytes(&self) -> &[u8] {
        match self {
            Op::Gemm { spec, .. } => bytemuck::bytes_of(&spec.params),
            Op::Loss { params, .. } => bytemuck::bytes_of(params),
            Op::Adam { params, .. } => bytemuck::bytes_of(params),
            Op::DrawNormal { params, .. } => bytemuck::bytes_of(params),
            Op::Gather { params, .. } => bytemuck::bytes_of(params),
        }
    }

    fn storage_buffers(&self) -> Vec<&wgpu::Buffer> {
        match self {
            Op::Gemm { a, b, aux, c, .. } => vec![a, b, aux, c],
            Op::Loss {
                logits,
                logit_grads,
                stats,
                counters,
                ..
            } => vec![logits, logit_grads, stats, counters],
            Op::Adam {
                grads,
                counters,
                weights,
                adam_m,
                adam_v,
                ..
            } => vec![grads, counters, weights, adam_m, adam_v],
            Op::DrawNormal { counters, out, .. } => vec![counters, out],
            Op::Gather {
                counters, data, out, ..
            } => vec![counters, data, out],
        }
    }

    fn pipeline_and_layout(&self, kernels: &Kernels) -> (wgpu::ComputePipeline, wgpu::BindGroupLayout) {
        let kernel = match self {
            Op::Gemm { spec, .. } => {
                return (kernels.gemm(spec.variant), kernels.gemm_layout.clone());
            }
            Op::Loss { .. } => &kernels.loss,
            Op::Adam { .. } => &kernels.adam,
            Op::DrawNormal { .. } => &kernels.draw_normal,
            Op::Gather { bytes: true, .. } => &kernels.gather_bytes,
            Op::Gather { bytes: false, .. } => &kernels.gather_floats,
        };
        (kernel.pipeline.clone(), kernel.layout.clone())
    }

    fn workgroups(&self) -> [u32; 3] {
        match self {
            Op::Gemm { spec, .. } => {
                let (m, n, tile) = (spec.params.m, spec.params.n, spec.variant.tiling.tile());
                match spec.variant.tiling {
                    GemmTiling::Shared | GemmTiling::Direct => [n.div_ceil(tile), m.div_ceil(tile), 1],
                }
            }
            Op::Loss { .. } => [1, 1, 1],
            // adam.wgsl updates four parameters per invocation.
            Op::Adam { params, .. } => [grid_workgroups(params.count.div_ceil(4)), 1, 1],
            Op::DrawNormal { params, .. } => [grid_workgroups(params.count.div_ceil(4)), 1, 1],
            Op::Gather { params, .. } => [grid_workgroups(params.rows * params.row_len), 1, 1],
        }
    }
}

/// Runs every GEMM of `ops` with `tiling`.
pub fn set_gemm_tiling(ops: &mut [(&'static str, Op<'_>)], tiling: GemmTiling) {
    for (_, op) in ops {
        if let Op::Gemm { spec, .. } = op {
            spec.variant.tiling = tiling;
        }
    }
}

struct Dispatch {
    label: &'static str,
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    workgroups: [u32; 3],
}

pub struct Program {
    dispatches: Vec<Dispatch>,
    /// The GEMMs among the dispatches (for FLOP counts).
    gemms: Vec<GemmSpec>,
    /// Every dispatch's uniform block, at `uniform_offsets`.
    uniforms: wgpu::Buffer,
    uniform_offsets: Vec<u64>,
}

impl Program {
    pub fn build(
        ctx: &GpuContext,
        kernels: &Kernels,
        label: &str,
        ops: &[(&'static str, Op<'_>)],
    ) -> Program {
        let align = ctx.device.limits().min_uniform_buffer_offset_alignment as usize;
        let mut uniform_data = Vec::new();
        let mut offsets = Vec::with_capacity(ops.len());
        for (_, op) in ops {
            let start = uniform_data.len().next_multiple_of(align);
            uniform_data.resize(start, 0);
            uniform_data.extend_from_slice(op.uniform_bytes());
            offsets.push(start as u64);
        }
        uniform_data.resize(uniform_data.len().max(16), 0);
        let uniforms = ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: &uniform_data,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        });
        let dispatches = ops
            .iter()
            .zip(offsets.iter().copied())
            .map(|((op_label, op), offset)| {
                let (pipeline, layout) = op.pipeline_and_layout(kernels);
                let uniform = wgpu::BufferBinding {
                    buffer: &uniforms,
                    offset,
                    size: wgpu::BufferSize::new(op.uniform_bytes().len() as u64),
                };
                let mut entries = vec![wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::Buffer(uniform),
                }];
                for (index, buffer) in op.storage_buffers().into_iter().enumerate() {
                    entries.push(wgpu::BindGroupEntry {
                        binding: index as u32 + 1,
                        resource: buffer.as_entire_binding(),
                    });
                }
                let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some(op_label),
                    layout: &layout,
                    entries: &entries,
                });
                Dispatch {
                    label: op_label,
                    pipeline,
                    bind_group,
                    workgroups: op.workgroups(),
                }
            })
            .collect();
        let gemms = ops
            .iter()
            .filter_map(|(_, op)| match op {
                Op::Gemm { spec, .. } => Some(*spec),
                _ => None,
            })
            .collect();
        Program {
            dispatches,
            gemms,
            uniforms,
            uniform_offsets: offsets,
        }
    }

    /// Replaces dispatch `index`'s uniform block (e.g. a new learning rate);
    /// takes effect from the next submission.
    pub fn rewrite_uniform<T: bytemuck::Pod>(&self, queue: &wgpu::Queue, index: usize, value: &T) {
        queue.write_buffer(
            &self.uniforms,
            self.uniform_offsets[index],
            bytemuck::bytes_of(value),
        );
    }

    /// Records every dispatch into `pass`; creates nothing.
    pub fn encode(&self, pass: &mut wgpu::ComputePass<'_>) {
        for dispatch in &self.dispatches {
            pass.set_pipeline(&dispatch.pipeline);
            pass.set_bind_group(0, &dispatch.bind_group, &[]);
            let [x, y, z] = dispatch.workgroups;
            pass.dispatch_workgroups(x, y, z);
        }
    }

    /// Records dispatch `index` alone (for timing one kernel at a time).
    pub fn encode_one(&self, index: usize, pass: &mut wgpu::ComputePass<'_>) {
        let dispatch = &self.dispatches[index];
        pass.set_pipeline(&dispatch.pipeline);
        pass.set_bind_group(0, &dispatch.bind_group, &[]);
        let [x, y, z] = dispatch.workgroups;
        pass.dispatch_workgroups(x, y, z);
    }

    /// The GEMMs this program runs, in order.
    pub fn gemms(&self) -> &[GemmSpec] {
        &self.gemms
    }

    /// Records every dispatch in a compute pass of its own whose start and
    /// end are written to `queries` at 2i and 2i + 1 (timing each kernel).
    pub fn encode_timed(&self, encoder: &mut wgpu::CommandEncoder, queries: &wgpu::QuerySet, first: u32) {
        for (i, dispatch) in self.dispatches.iter().enumerate() {
            let index = first + 2 * i as u32;
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(dispatch.label),
                timestamp_writes: Some(wgpu::ComputePassTimestampWrites {
                    query_set: queries,
                    beginning_of_pass_write_index: Some(index),
                    end_of_pass_write_index: Some(index + 1),
                }),
            });
            pass.set_pipeline(&dispatch.pipeline);
            pass.set_bind_group(0, &dispatch.bind_group, &[]);
            let [x, y, z] = dispatch.workgroups;
            pass.dispatch_workgroups(x, y, z);
        }
    }

    /// Dispatches per encode.
    pub fn len(&self) -> usize {
        self.dispatches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dispatches.is_empty()
    }

    pub fn labels(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.dispatches.iter().map(|d| d.label)
    }
}
