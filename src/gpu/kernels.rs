//! Compute pipelines of every kernel, built once per device. Each kernel
//! family has one explicit bind-group layout, so all GEMM variants (one
//! pipeline per set of overrides) share bind groups of one shape.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::params::{GemmTiling, GemmVariant};
use crate::shaders;

/// `@workgroup_size` of the 1-D kernels (rng, gather, adam, loss).
pub const WORKGROUP_SIZE: u32 = 256;
/// Grid-stride kernels launch at most this many workgroups and loop over the
/// rest: far below WebGPU's 65,535 per dimension, and enough to fill a GPU.
pub const MAX_GRID_WORKGROUPS: u32 = 4096;

/// Workgroups for a grid-stride kernel over `items` items.
pub fn grid_workgroups(items: u32) -> u32 {
    items.div_ceil(WORKGROUP_SIZE).clamp(1, MAX_GRID_WORKGROUPS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Uniform,
    Read,
    ReadWrite,
}

/// A pipeline and the layout its bind groups must have.
pub struct Kernel {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
}

pub struct Kernels {
    device: wgpu::Device,
    /// The GEMM tiling this adapter runs fastest (see `preferred_tiling`).
    pub gemm_tiling: GemmTiling,
    gemm_module: wgpu::ShaderModule,
    pub gemm_layout: wgpu::BindGroupLayout,
    gemm_pipeline_layout: wgpu::PipelineLayout,
    gemm_variants: Mutex<HashMap<GemmVariant, wgpu::ComputePipeline>>,
    pub loss: Kernel,
    pub adam: Kernel,
    pub draw_normal: Kernel,
    pub gather_bytes: Kernel,
    pub gather_floats: Kernel,
}

/// Bindings of each kernel, in binding order, as declared in its WGSL.
pub const GEMM_BINDINGS: [Binding; 5] = [
    Binding::Uniform,
    Binding::Read,      // a
    Binding::Read,      // b
    Binding::Read,      // aux
    Binding::ReadWrite, // c
];
pub const LOSS_BINDINGS: [Binding; 5] = [
    Binding::Uniform,
    Binding::Read,      // logits
    Binding::ReadWrite, // logit_grads
    Binding::ReadWrite, // stats
    Binding::ReadWrite, // counters
];
pub const ADAM_BINDINGS: [Binding; 6] = [
    Binding::Uniform,
    Binding::Read,      // grads
    Binding::Read,      // counters
    Binding::ReadWrite, // weights
    Binding::ReadWrite, // adam_m
    Binding::ReadWrite, // adam_v
];
pub const NORMAL_BINDINGS: [Binding; 3] = [
    Binding::Uniform,
    Binding::Read,      // counters
    Binding::ReadWrite, // out
];
pub const GATHER_BINDINGS: [Binding; 4] = [
    Binding::Uniform,
    Binding::Read,      // counters
    Binding::Read,      // data
    Binding::ReadWrite, // out
];

/// Shared-memory tiles on GPUs; the direct kernel on CPU adapters
/// (lavapipe, SwiftShader), where it measured 2–3× faster on the default
/// models (BENCHMARKS.md).
pub fn preferred_tiling(info: &wgpu::AdapterInfo) -> GemmTiling {
    match info.device_type {
        wgpu::DeviceType::Cpu => GemmTiling::Direct,
        _ => GemmTiling::Shared,
    }
}

impl Kernels {
    pub fn new(device: &wgpu::Device, gemm_tiling: GemmTiling) -> Kernels {
        let gemm_module = shader_module(device, "gemm", &shaders::gemm());
        let gemm_layout = bind_group_layout(device, "gemm", &GEMM_BINDINGS);
        let gemm_pipeline_layout = pipeline_layout(device, "gemm", &gemm_layout);
        let rng_module = shader_module(device, "rng", shaders::RNG);
        let gather_module = shader_module(device, "gather", shaders::GATHER);
        let gather_layout = bind_group_layout(device, "gather", &GATHER_BINDINGS);
        Kernels {
            loss: Kernel::new(
                device,
                &shader_module(device, "loss", shaders::LOSS),
                "loss",
                &LOSS_BINDINGS,
            ),
            adam: Kernel::new(
                device,
                &shader_module(device, "adam", shaders::ADAM),
                "adam",
                &ADAM_BINDINGS,
            ),
            draw_normal: Kernel::new(device, &rng_module, "draw_normal", &NORMAL_BINDINGS),
            gather_bytes: Kernel::with_layout(
                device,
                &gather_module,
                "gather",
                &[("DATA_BYTES", 1.0)],
                gather_layout.clone(),
            ),
            gather_floats: Kernel::with_layout(
                device,
                &gather_module,
                "gather",
                &[("DATA_BYTES", 0.0)],
                gather_layout,
            ),
            device: device.clone(),
            gemm_tiling,
            gemm_module,
            gemm_layout,
            gemm_pipeline_layout,
            gemm_variants: Mutex::new(HashMap::new()),
        }
    }

    /// The GEMM pipeline for `variant`, compiled on first use.
    pub fn gemm(&self, variant: GemmVariant) -> wgpu::ComputePipeline {
        let mut variants = self
            .gemm_variants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        variants
            .entry(variant)
            .or_insert_with(|| {
                let flag = |on: bool| if on { 1.0 } else { 0.0 };
                let constants = [
                    ("TRANS_A", flag(variant.trans_a)),
                    ("TRANS_B", flag(variant.trans_b)),
                    ("AUGMENT_A", flag(variant.augment_a)),
                    ("EPILOGUE", f64::from(variant.epilogue.code())),
                ];
                self.device
                    .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                        label: Some(&format!("gemm {variant:?}")),
                        layout: Some(&self.gemm_pipeline_layout),
                        module: &self.gemm_module,
                        entry_point: Some(variant.tiling.entry_point()),
                        compilation_options: wgpu::PipelineCompilationOptions {
                            constants: &constants,
                            // Every tile is written before it is read.
                            zero_initialize_workgroup_memory: false,
                        },
                        cache: None,
                    })
            })
            .clone()
    }

    /// How many distinct GEMM pipelines exist so far.
    pub fn gemm_variant_count(&self) -> usize {
        self.gemm_variants.lock().map(|v| v.len()).unwrap_or(0)
    }
}

impl Kernel {
    fn new(device: &wgpu::Device, module: &wgpu::ShaderModule, entry: &str, bindings: &[Binding]) -> Kernel {
        Kernel::with_layout(
            device,
            module,
            entry,
            &[],
            bind_group_layout(device, entry, bindings),
        )
    }

    fn with_layout(
        device: &wgpu::Device,
        module: &wgpu::ShaderModule,
        entry: &str,
        constants: &[(&str, f64)],
        layout: wgpu::BindGroupLayout,
    ) -> Kernel {
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(entry),
            layout: Some(&pipeline_layout(device, entry, &layout)),
            module,
            entry_point: Some(entry),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants,
                // The loss kernel writes its partial sums before reading them.
                zero_initialize_workgroup_memory: false,
            },
            cache: None,
        });
        Kernel { pipeline, layout }
    }
}

fn shader_module(device: &wgpu::Device, name: &str, source: &str) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    })
}

fn pipeline_layout(
    device: &wgpu::Device,
    name: &str,
    layout: &wgpu::BindGroupLayout,
) -> wgpu::PipelineLayout {
    device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(name),
        bind_group_layouts: &[Some(layout)],
        immediate_size: 0,
    })
}

fn bind_group_layout(device: &wgpu::Device, name: &str, bindings: &[Binding]) -> wgpu::BindGroupLayout {
    let entries: Vec<_> = bindings
        .iter()
        .enumerate()
        .map(|(index, binding)| wgpu::BindGroupLayoutEntry {
            binding: index as u32,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: match binding {
                    Binding::Uniform => wgpu::BufferBindingType::Uniform,
                    Binding::Read => wgpu::BufferBindingType::Storage { read_only: true },
                    Binding::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
                },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        })
        .collect();
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(name),
        entries: &entries,
    })
}
