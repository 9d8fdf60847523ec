//! A program is a fixed list of kernel dispatches whose bind groups and
//! uniforms are all created once, when it is built. Encoding it again and
//! again (one training step after another) then creates nothing: it only
//! sets pipelines and bind groups and dispatches. Every dispatch's uniform
//! block lives in one buffer, at offsets aligned as the device requires.

use super::context::GpuContext;
use super::pipelines::{PipelineRequest, Pipelines};
use crate::kernels::gemm::{Gemm, GemmBuffers, GemmSpec};
use crate::kernels::{Bindings, Kernel, Slot};

/// One kernel call: which pipeline, its uniforms, the buffers it binds (in
/// binding order) and its workgroup count. Built by `Op::new` from a
/// kernel's typed parameters and named buffers.
pub struct Op<'a> {
    pub label: &'static str,
    kernel: &'static str,
    source: fn() -> String,
    entry_point: &'static str,
    constants: Vec<(&'static str, f64)>,
    storage: &'static [Slot],
    uniform: Vec<u8>,
    buffers: Vec<&'a wgpu::Buffer>,
    workgroups: [u32; 3],
    /// The GEMM this op runs, if it is one (FLOP counts, benchmarks).
    gemm: Option<GemmSpec>,
}

impl<'a> Op<'a> {
    pub fn new<K: Kernel>(
        label: &'static str,
        kernel: &K,
        params: K::Params,
        buffers: K::Buffers<'a>,
    ) -> Op<'a> {
        Op {
            label,
            kernel: K::NAME,
            source: K::source,
            entry_point: kernel.entry_point(),
            constants: kernel.constants(),
            storage: <K::Buffers<'a> as Bindings<'a>>::SLOTS,
            uniform: bytemuck::bytes_of(&params).to_vec(),
            buffers: buffers.buffers(),
            workgroups: kernel.workgroups(&params),
            gemm: None,
        }
    }

    pub fn gemm(label: &'static str, spec: GemmSpec, buffers: GemmBuffers<'a>) -> Op<'a> {
        Op {
            gemm: Some(spec),
            ..Op::new::<Gemm>(label, &spec.variant, spec.params, buffers)
        }
    }
}

/// A program's ops as they are listed; `push` returns a handle by which
/// the built program can rewrite that op's uniforms.
#[derive(Default)]
pub struct Ops<'a> {
    list: Vec<Op<'a>>,
}

/// Which dispatch of a program (see `Ops::push`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpHandle(usize);

impl<'a> Ops<'a> {
    pub fn push(&mut self, op: Op<'a>) -> OpHandle {
        self.list.push(op);
        OpHandle(self.list.len() - 1)
    }
}

struct Dispatch {
    label: &'static str,
    pipeline: wgpu::ComputePipeline,
    bind_group: wgpu::BindGroup,
    workgroups: [u32; 3],
}

impl Dispatch {
    fn record(&self, pass: &mut wgpu::ComputePass<'_>) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        let [x, y, z] = self.workgroups;
        pass.dispatch_workgroups(x, y, z);
    }
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
    pub fn build(ctx: &GpuContext, pipelines: &Pipelines, label: &str, ops: Ops<'_>) -> Program {
        let ops = ops.list;
        let align = ctx.device.limits().min_uniform_buffer_offset_alignment as usize;
        let mut uniform_data = Vec::new();
        let mut offsets = Vec::with_capacity(ops.len());
        for op in &ops {
            let start = uniform_data.len().next_multiple_of(align);
            uniform_data.resize(start, 0);
            uniform_data.extend_from_slice(&op.uniform);
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
            .map(|(op, offset)| {
                let (pipeline, layout) = pipelines.get(&PipelineRequest {
                    kernel: op.kernel,
                    source: op.source,
                    entry_point: op.entry_point,
                    constants: &op.constants,
                    storage: op.storage,
                });
                let uniform = wgpu::BufferBinding {
                    buffer: &uniforms,
                    offset,
                    size: wgpu::BufferSize::new(op.uniform.len() as u64),
                };
                let entries: Vec<_> = std::iter::once(wgpu::BindingResource::Buffer(uniform))
                    .chain(op.buffers.iter().map(|buffer| buffer.as_entire_binding()))
                    .enumerate()
                    .map(|(binding, resource)| wgpu::BindGroupEntry {
                        binding: binding as u32,
                        resource,
                    })
                    .collect();
                let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some(op.label),
                    layout: &layout,
                    entries: &entries,
                });
                Dispatch {
                    label: op.label,
                    pipeline,
                    bind_group,
                    workgroups: op.workgroups,
                }
            })
            .collect();
        Program {
            dispatches,
            gemms: ops.iter().filter_map(|op| op.gemm).collect(),
            uniforms,
            uniform_offsets: offsets,
        }
    }

    /// Replaces the uniform block of the op `handle` names (e.g. a new
    /// learning rate); takes effect from the next submission.
    pub fn rewrite_uniform<T: bytemuck::Pod>(&self, queue: &wgpu::Queue, handle: OpHandle, value: &T) {
        queue.write_buffer(
            &self.uniforms,
            self.uniform_offsets[handle.0],
            bytemuck::bytes_of(value),
        );
    }

    /// Records every dispatch into `pass`; creates nothing.
    pub fn encode(&self, pass: &mut wgpu::ComputePass<'_>) {
        for dispatch in &self.dispatches {
            dispatch.record(pass);
        }
    }

    /// Records dispatch `index` alone (for timing one kernel at a time).
    pub fn encode_one(&self, index: usize, pass: &mut wgpu::ComputePass<'_>) {
        self.dispatches[index].record(pass);
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
            dispatch.record(&mut pass);
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
