//! A trainer drawn into an HTML canvas through WebGPU's canvas context:
//! the frame is rendered straight from the engine's buffers, so drawing
//! needs no readback. Browser only.

use super::context::GpuContext;
use super::frame::FrameSources;
use super::render::{DrawOptions, Renderer, Scene, encode_frame};
use crate::error::Error;

pub struct CanvasTarget {
    canvas: web_sys::HtmlCanvasElement,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    renderer: Renderer,
    scene: Scene,
}

fn canvas_size(canvas: &web_sys::HtmlCanvasElement) -> (u32, u32) {
    (canvas.width().max(1), canvas.height().max(1))
}

impl CanvasTarget {
    pub fn new(
        ctx: &GpuContext,
        sources: FrameSources<'_>,
        canvas: web_sys::HtmlCanvasElement,
    ) -> Result<Self, Error> {
        let surface = ctx
            .instance
            .create_surface(wgpu::SurfaceTarget::Canvas(canvas.clone()))
            .map_err(|e| Error::Gpu(format!("the canvas refused a WebGPU context: {e}")))?;
        let (width, height) = canvas_size(&canvas);
        let mut config = surface
            .get_default_config(&ctx.adapter, width, height)
            .ok_or_else(|| Error::Gpu("the canvas cannot be drawn with this GPU adapter".into()))?;
        // The palette is written as is: prefer a non-sRGB format.
        let formats = surface.get_capabilities(&ctx.adapter).formats;
        if let Some(&format) = formats.iter().find(|f| !f.is_srgb()) {
            config.format = format;
        }
        surface.configure(&ctx.device, &config);
        let renderer = Renderer::new(&ctx.device, config.format);
        let scene = Scene::new(&ctx.device, &renderer, sources);
        Ok(CanvasTarget {
            canvas,
            surface,
            config,
            renderer,
            scene,
        })
    }

    /// Renders one frame; follows the canvas's current size.
    pub fn draw(
        &mut self,
        ctx: &GpuContext,
        sources: FrameSources<'_>,
        options: DrawOptions,
    ) -> Result<(), Error> {
        let (width, height) = canvas_size(&self.canvas);
        if (width, height) != (self.config.width, self.config.height) {
            self.config.width = width;
            self.config.height = height;
            self.surface.configure(&ctx.device, &self.config);
        }
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(frame) | wgpu::CurrentSurfaceTexture::Suboptimal(frame) => {
                frame
            }
            // Hidden, resized or briefly unavailable: skip this frame.
            wgpu::CurrentSurfaceTexture::Timeout
            | wgpu::CurrentSurfaceTexture::Occluded
            | wgpu::CurrentSurfaceTexture::Outdated => return Ok(()),
            other => return Err(Error::Gpu(format!("the canvas could not be drawn ({other:?})"))),
        };
        let view = frame.texture.create_view(&Default::default());
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        encode_frame(
            ctx,
            &mut encoder,
            &self.renderer,
            &self.scene,
            sources,
            &view,
            [width, height],
            options,
        );
        ctx.queue.submit([encoder.finish()]);
        ctx.queue.present(frame);
        Ok(())
    }
}
