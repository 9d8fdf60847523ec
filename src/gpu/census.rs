//! Every GPU object the engine creates, counted by kind. A long run shows
//! with it that training and drawing create nothing once they are under
//! way (a per-frame buffer or bind group would leak GPU memory in a tab
//! left open for an hour).
//!
//! `CountingDevice` is the device with its `create_*` methods counted; the
//! context hands out only it, and `clippy.toml` disallows calling
//! `wgpu::Device`'s own creators anywhere else, so nothing goes uncounted.
//! Command encoders and texture views are not counted: WebGPU makes a new
//! one per submission and per swap-chain frame by design.

use std::ops::Deref;
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// How many objects of each kind were created on one device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Census {
    pub buffers: u64,
    pub textures: u64,
    pub bind_groups: u64,
    pub bind_group_layouts: u64,
    pub pipeline_layouts: u64,
    pub shader_modules: u64,
    pub pipelines: u64,
    pub query_sets: u64,
}

impl Census {
    pub fn total(&self) -> u64 {
        let Census {
            buffers,
            textures,
            bind_groups,
            bind_group_layouts,
            pipeline_layouts,
            shader_modules,
            pipelines,
            query_sets,
        } = *self;
        buffers
            + textures
            + bind_groups
            + bind_group_layouts
            + pipeline_layouts
            + shader_modules
            + pipelines
            + query_sets
    }
}

/// `pub fn NAME(&self, descriptor) -> Object` for each of `wgpu::Device`'s
/// creators: counts one object in the census field named, then creates.
macro_rules! counted_creators {
    ($($name:ident($descriptor:ty) -> $object:ty: $field:ident;)*) => {
        $(
            pub fn $name(&self, descriptor: $descriptor) -> $object {
                self.count(|census| &mut census.$field);
                self.device.$name(descriptor)
            }
        )*
    };
}

/// A device whose object creation is counted; everything else reaches the
/// `wgpu::Device` through `Deref`. Cheap to clone; clones share the counts.
#[derive(Clone, Debug)]
pub struct CountingDevice {
    device: wgpu::Device,
    // Creation is rare (setup, a config change), so a lock costs nothing
    // that matters; on wasm32 without threads it never contends.
    counts: Arc<Mutex<Census>>,
}

impl Deref for CountingDevice {
    type Target = wgpu::Device;

    fn deref(&self) -> &wgpu::Device {
        &self.device
    }
}

#[allow(
    clippy::disallowed_methods,
    reason = "the one place the creators are called, counted"
)]
impl CountingDevice {
    pub fn new(device: wgpu::Device) -> CountingDevice {
        CountingDevice {
            device,
            counts: Arc::new(Default::default()),
        }
    }

    fn count(&self, field: impl FnOnce(&mut Census) -> &mut u64) {
        let mut census = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *field(&mut census) += 1;
    }

    /// The objects created so far on this device, through any clone.
    pub fn census(&self) -> Census {
        *self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    counted_creators! {
        create_buffer(&wgpu::BufferDescriptor<'_>) -> wgpu::Buffer: buffers;
        create_texture(&wgpu::TextureDescriptor<'_>) -> wgpu::Texture: textures;
        create_bind_group(&wgpu::BindGroupDescriptor<'_>) -> wgpu::BindGroup: bind_groups;
        create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor<'_>) -> wgpu::BindGroupLayout: bind_group_layouts;
        create_pipeline_layout(&wgpu::PipelineLayoutDescriptor<'_>) -> wgpu::PipelineLayout: pipeline_layouts;
        create_shader_module(wgpu::ShaderModuleDescriptor<'_>) -> wgpu::ShaderModule: shader_modules;
        create_compute_pipeline(&wgpu::ComputePipelineDescriptor<'_>) -> wgpu::ComputePipeline: pipelines;
        create_render_pipeline(&wgpu::RenderPipelineDescriptor<'_>) -> wgpu::RenderPipeline: pipelines;
        create_query_set(&wgpu::QuerySetDescriptor<'_>) -> wgpu::QuerySet: query_sets;
    }

    pub fn create_buffer_init(&self, descriptor: &wgpu::util::BufferInitDescriptor<'_>) -> wgpu::Buffer {
        use wgpu::util::DeviceExt;
        self.count(|census| &mut census.buffers);
        self.device.create_buffer_init(descriptor)
    }
}
