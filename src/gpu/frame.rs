//! What a renderer reads from a trainer to draw a frame: borrowed views of
//! the trainer's buffers and the programs that refresh them. The trainer
//! lends it (`GpuTrainer::frame_sources`); `gpu::render` draws from it. So
//! drawing depends on the trainer's data, and training on nothing of drawing.

use super::field::DiscField;
use super::program::Program;
#[derive(Clone, Copy)]
pub struct FrameSources<'a> {
    /// S × X generator output for the fixed preview latents (generator
    /// units: × `scale` gives data coordinates).
    pub samples: &'a wgpu::Buffer,
    /// S.
    pub sample_count: u32,
    pub scale: f32,
    /// The dataset as u32 words; for 2-D data f32 bits in generator units.
    pub data: &'a wgpu::Buffer,
    pub data_rows: usize,
    /// Runs the generator on the preview latents into `samples`.
    pub preview: &'a Program,
    /// 2-D datasets: the discriminator over the plotted plane.
    pub field: Option<&'a DiscField>,
}
