//! Compute pipelines, built on first use and kept for the device's life:
//! one shader module and one bind-group layout per kernel (all its
//! variants share bind groups of one shape), one pipeline per variant.

use std::collections::HashMap;
use std::sync::Mutex;

use super::census::CountingDevice;
use crate::kernels::gemm::GemmTiling;
use crate::kernels::{Access, Slot};

/// What identifies a pipeline: the kernel, its entry point and the bits of
/// its override values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct PipelineKey {
    kernel: &'static str,
    entry_point: &'static str,
    constants: Vec<(&'static str, u64)>,
}

#[derive(Default)]
struct Cache {
    modules: HashMap<&'static str, wgpu::ShaderModule>,
    layouts: HashMap<&'static str, (wgpu::BindGroupLayout, wgpu::PipelineLayout)>,
    pipelines: HashMap<PipelineKey, wgpu::ComputePipeline>,
}

pub struct Pipelines {
    device: CountingDevice,
    /// The GEMM tiling programs built with these pipelines use.
    pub gemm_tiling: GemmTiling,
    cache: Mutex<Cache>,
}

/// Everything a pipeline is built from (see `program::Op`).
pub struct PipelineRequest<'r> {
    pub kernel: &'static str,
    pub source: fn() -> String,
    pub entry_point: &'static str,
    pub constants: &'r [(&'static str, f64)],
    pub storage: &'static [Slot],
}

impl Pipelines {
    pub fn new(device: &CountingDevice, gemm_tiling: GemmTiling) -> Pipelines {
        Pipelines {
            device: device.clone(),
            gemm_tiling,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The pipeline and bind-group layout for `request`, built if new.
    pub fn get(&self, request: &PipelineRequest<'_>) -> (wgpu::ComputePipeline, wgpu::BindGroupLayout) {
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Cache {
            modules,
            layouts,
            pipelines,
        } = &mut *cache;
        let device = &self.device;
        let module = modules.entry(request.kernel).or_insert_with(|| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(request.kernel),
                source: wgpu::ShaderSource::Wgsl((request.source)().into()),
            })
        });
        let (layout, pipeline_layout) = layouts.entry(request.kernel).or_insert_with(|| {
            let layout = bind_group_layout(device, request.kernel, request.storage);
            let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some(request.kernel),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
            (layout, pipeline_layout)
        });
        let key = PipelineKey {
            kernel: request.kernel,
            entry_point: request.entry_point,
            constants: request
                .constants
                .iter()
                .map(|&(name, value)| (name, value.to_bits()))
                .collect(),
        };
        let pipeline = pipelines.entry(key).or_insert_with(|| {
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(request.entry_point),
                layout: Some(pipeline_layout),
                module,
                entry_point: Some(request.entry_point),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: request.constants,
                    // Every kernel writes its workgroup memory (GEMM tiles,
                    // the loss's partial sums) before reading it.
                    zero_initialize_workgroup_memory: false,
                },
                cache: None,
            })
        });
        (pipeline.clone(), layout.clone())
    }
}

/// Binding 0 the uniform block, then the storage buffers in `storage` order.
fn bind_group_layout(device: &CountingDevice, name: &str, storage: &[Slot]) -> wgpu::BindGroupLayout {
    let entry = |binding: u32, ty: wgpu::BufferBindingType| wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty,
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    };
    let entries: Vec<_> = std::iter::once(entry(0, wgpu::BufferBindingType::Uniform))
        .chain(storage.iter().enumerate().map(|(index, slot)| {
            let read_only = slot.access == Access::Read;
            entry(index as u32 + 1, wgpu::BufferBindingType::Storage { read_only })
        }))
        .collect();
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(name),
        entries: &entries,
    })
}
