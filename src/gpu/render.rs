//! Drawing a trainer's samples on the GPU into any texture: a canvas in the
//! page, an offscreen texture in tests. `Renderer` holds the pipelines for
//! one target format; a `Scene` binds one trainer's buffers (its
//! `FrameSources`) to them once, so a frame only writes a few uniforms and
//! records draws. Every drawing decision (palette, dot size, what each
//! layer shows) lives here.

use super::census::CountingDevice;
use super::context::GpuContext;
use super::frame::FrameSources;
use crate::error::Error;
use crate::kernels::render::{DrawParams, SOURCE};

/// What a frame shows.
#[derive(Clone, Copy, Debug, PartialEq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DrawOptions {
    /// 2-D: D's output over the plane.
    pub heatmap: bool,
    /// 2-D: arrows along D's gradient.
    pub arrows: bool,
    /// 2-D: re-evaluate D on the grid this frame (costly on CPU adapters,
    /// so a page may do it every few frames; the last result is drawn).
    pub update_field: bool,
    /// Colours for a dark page.
    pub dark: bool,
}

impl Default for DrawOptions {
    fn default() -> Self {
        DrawOptions {
            heatmap: true,
            arrows: false,
            update_field: true,
            dark: false,
        }
    }
}

/// Colours of one theme, as linear RGBA the shaders write unchanged.
pub struct Palette {
    pub background: [f32; 4],
    pub real: [f32; 4],
    pub fake: [f32; 4],
    /// Heat map where D says "real" and where it says "fake".
    pub field_real: [f32; 4],
    pub field_fake: [f32; 4],
    pub arrows: [f32; 4],
    pub digit_gap: [f32; 4],
}

fn rgb(r: u8, g: u8, b: u8, a: f32) -> [f32; 4] {
    [
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
        a,
    ]
}

impl Palette {
    pub fn new(dark: bool) -> Palette {
        if dark {
            Palette {
                background: rgb(22, 24, 29, 1.0),
                real: rgb(96, 165, 250, 0.85),
                fake: rgb(251, 146, 60, 0.9),
                field_real: rgb(18, 78, 56, 1.0),
                field_fake: rgb(78, 34, 88, 1.0),
                arrows: rgb(220, 220, 230, 0.8),
                digit_gap: rgb(22, 24, 29, 1.0),
            }
        } else {
            Palette {
                background: rgb(255, 255, 255, 1.0),
                real: rgb(37, 99, 235, 0.8),
                fake: rgb(234, 88, 12, 0.85),
                field_real: rgb(180, 228, 196, 1.0),
                field_fake: rgb(232, 196, 238, 1.0),
                arrows: rgb(60, 60, 70, 0.75),
                digit_gap: rgb(230, 232, 236, 1.0),
            }
        }
    }
}

/// The render pipelines for one target format.
pub struct Renderer {
    pub format: wgpu::TextureFormat,
    layout: wgpu::BindGroupLayout,
    digits: wgpu::RenderPipeline,
    points: wgpu::RenderPipeline,
    field: wgpu::RenderPipeline,
    arrows: wgpu::RenderPipeline,
}

impl Renderer {
    pub fn new(device: &CountingDevice, format: wgpu::TextureFormat) -> Renderer {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("render"),
            source: wgpu::ShaderSource::Wgsl(SOURCE.into()),
        });
        let visibility = wgpu::ShaderStages::VERTEX_FRAGMENT;
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("render"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Storage { read_only: true },
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("render"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |vertex: &str, fragment: &str, topology: wgpu::PrimitiveTopology| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(fragment),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some(vertex),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                primitive: wgpu::PrimitiveState {
                    topology,
                    ..Default::default()
                },
                depth_stencil: None,
                multisample: wgpu::MultisampleState::default(),
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(fragment),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: Some(wgpu::BlendState::ALPHA_BLENDING),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        Renderer {
            format,
            digits: pipeline(
                "vs_fullscreen",
                "fs_digits",
                wgpu::PrimitiveTopology::TriangleList,
            ),
            points: pipeline("vs_points", "fs_points", wgpu::PrimitiveTopology::TriangleList),
            field: pipeline("vs_fullscreen", "fs_field", wgpu::PrimitiveTopology::TriangleList),
            arrows: pipeline("vs_arrows", "fs_arrows", wgpu::PrimitiveTopology::LineList),
            layout,
        }
    }
}

/// Draws a trainer's frame into an offscreen RGBA8 texture and reads it
/// back: tests, and pictures without a window.
pub async fn render_offscreen(
    ctx: &GpuContext,
    sources: FrameSources<'_>,
    size: [u32; 2],
    options: DrawOptions,
) -> Result<Vec<u8>, Error> {
    let format = wgpu::TextureFormat::Rgba8Unorm;
    let renderer = Renderer::new(&ctx.device, format);
    let scene = Scene::new(&ctx.device, &renderer, sources);
    let texture = ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some("offscreen"),
        size: wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let view = texture.create_view(&Default::default());
    let mut encoder = ctx.device.create_command_encoder(&Default::default());
    encode_frame(
        ctx,
        &mut encoder,
        &renderer,
        &scene,
        sources,
        &view,
        size,
        options,
    );
    crate::gpu::readback::read_texture_rgba8(ctx, encoder, &texture, size).await
}

/// Records a frame into `target` (`size` pixels): the generator on the
/// fixed latents, D over the plane if asked, then the scene. Creates
/// nothing; nothing is read back.
pub fn encode_frame(
    ctx: &GpuContext,
    encoder: &mut wgpu::CommandEncoder,
    renderer: &Renderer,
    scene: &Scene,
    sources: FrameSources<'_>,
    target: &wgpu::TextureView,
    size: [u32; 2],
    options: DrawOptions,
) {
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("draw"),
            timestamp_writes: None,
        });
        sources.preview.encode(&mut pass);
        if let Some(field) = sources.field
            && options.update_field
            && (options.heatmap || options.arrows)
        {
            field.program.encode(&mut pass);
        }
    }
    let palette = Palette::new(options.dark);
    let target_size = [size[0] as f32, size[1] as f32];
    let samples = sources.sample_count;
    // Dots about 1/150 of the plot across, at least 2 pixels.
    let dot = (target_size[0].min(target_size[1]) / 150.0).max(2.0);
    let base = DrawParams {
        target_size,
        ..DrawParams::default()
    };
    let (extent, grid) = match sources.field {
        Some(field) => (field.extent, field.grid as u32),
        None => (1.0, 8),
    };
    let plane = DrawParams { extent, grid, ..base };
    scene.encode(
        &ctx.queue,
        renderer,
        encoder,
        target,
        palette.background,
        |kind| match kind {
            LayerKind::Digits => Some((
                DrawParams {
                    background: palette.digit_gap,
                    count: samples.min(64),
                    grid: 8,
                    side: crate::data::mnist::IMAGE_SIDE as u32,
                    ..base
                },
                3,
                1,
            )),
            LayerKind::Field => options.heatmap.then_some((
                DrawParams {
                    color: palette.field_real,
                    background: palette.field_fake,
                    ..plane
                },
                3,
                1,
            )),
            // Every second grid point: 20 × 20 arrows.
            LayerKind::Arrows => options.arrows.then_some((
                DrawParams {
                    color: palette.arrows,
                    size: 1.5,
                    stride: 2,
                    ..plane
                },
                6,
                (grid / 2) * (grid / 2),
            )),
            LayerKind::RealPoints => {
                let count = sources.data_rows.min(1000) as u32;
                Some((
                    DrawParams {
                        color: palette.real,
                        scale: sources.scale,
                        size: dot,
                        count,
                        ..plane
                    },
                    6,
                    count,
                ))
            }
            LayerKind::FakePoints => Some((
                DrawParams {
                    color: palette.fake,
                    scale: sources.scale,
                    size: dot,
                    count: samples,
                    ..plane
                },
                6,
                samples,
            )),
        },
    );
}

/// Which pipeline a layer uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    Digits,
    Field,
    Arrows,
    RealPoints,
    FakePoints,
}

/// One draw of a scene: its pipeline, its buffer and its uniform slot.
struct Layer {
    kind: LayerKind,
    bind_group: wgpu::BindGroup,
    offset: u64,
}

/// One trainer's buffers bound for drawing.
pub struct Scene {
    layers: Vec<Layer>,
    uniforms: wgpu::Buffer,
    slot: u64,
}

/// A buffer to draw from and how the layer reads it.
struct LayerSource<'a> {
    kind: LayerKind,
    buffer: &'a wgpu::Buffer,
}

/// Digits for MNIST; heat map, arrows, real and generated points for 2-D data.
fn layer_sources(frame: FrameSources<'_>) -> Vec<LayerSource<'_>> {
    let layer = |kind, buffer| LayerSource { kind, buffer };
    match frame.field {
        None => vec![layer(LayerKind::Digits, frame.samples)],
        Some(field) => vec![
            layer(LayerKind::Field, &field.logits),
            layer(LayerKind::Arrows, &field.grads),
            layer(LayerKind::RealPoints, frame.data),
            layer(LayerKind::FakePoints, frame.samples),
        ],
    }
}

impl Scene {
    /// Binds the buffers of `frame` to `renderer`'s pipelines.
    pub fn new(device: &CountingDevice, renderer: &Renderer, frame: FrameSources<'_>) -> Scene {
        let sources = layer_sources(frame);
        let slot = u64::from(device.limits().min_uniform_buffer_offset_alignment)
            .max(std::mem::size_of::<DrawParams>() as u64);
        let uniforms = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("draw params"),
            size: slot * sources.len().max(1) as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let layers = sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                let offset = slot * index as u64;
                let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("render"),
                    layout: &renderer.layout,
                    entries: &[
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                                buffer: &uniforms,
                                offset,
                                size: wgpu::BufferSize::new(std::mem::size_of::<DrawParams>() as u64),
                            }),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: source.buffer.as_entire_binding(),
                        },
                    ],
                });
                Layer {
                    kind: source.kind,
                    bind_group,
                    offset,
                }
            })
            .collect();
        Scene {
            layers,
            uniforms,
            slot,
        }
    }

    /// Writes the uniforms and records a render pass into `target`:
    /// `params(kind)` gives each layer's parameters (None skips it) and its
    /// vertex and instance counts.
    pub fn encode(
        &self,
        queue: &wgpu::Queue,
        renderer: &Renderer,
        encoder: &mut wgpu::CommandEncoder,
        target: &wgpu::TextureView,
        background: [f32; 4],
        params: impl Fn(LayerKind) -> Option<(DrawParams, u32, u32)>,
    ) {
        let draws: Vec<_> = self
            .layers
            .iter()
            .filter_map(|layer| params(layer.kind).map(|p| (layer, p)))
            .collect();
        for (layer, (draw, _, _)) in &draws {
            queue.write_buffer(&self.uniforms, layer.offset, bytemuck::bytes_of(draw));
        }
        debug_assert!(self.slot >= std::mem::size_of::<DrawParams>() as u64);
        let [r, g, b, a] = background.map(f64::from);
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("draw"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: target,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color { r, g, b, a }),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        for (layer, (_, vertices, instances)) in draws {
            let pipeline = match layer.kind {
                LayerKind::Digits => &renderer.digits,
                LayerKind::Field => &renderer.field,
                LayerKind::Arrows => &renderer.arrows,
                LayerKind::RealPoints | LayerKind::FakePoints => &renderer.points,
            };
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, &layer.bind_group, &[]);
            pass.draw(0..vertices, 0..instances);
        }
    }
}
