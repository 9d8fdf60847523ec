//! Reading GPU buffers back, the same way natively and in the browser:
//! copy into a mappable buffer, `map_async`, await the callback. Natively
//! the device is polled to run it; the browser runs it from its event loop.

use futures_channel::oneshot;

use super::context::GpuContext;
use crate::error::Error;

/// A copy that has been submitted and is waiting to be mapped. Starting and
/// finishing are split so a caller can start without borrowing across the
/// await (the wasm API keeps the trainer in a RefCell).
pub struct PendingRead {
    ctx: GpuContext,
    staging: wgpu::Buffer,
    mapped: oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>,
}

impl PendingRead {
    /// Encodes `encoder`'s work plus a copy of `size` bytes of `source` from
    /// `offset`, submits, and asks for the mapping.
    pub fn start(
        ctx: &GpuContext,
        mut encoder: wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        offset: u64,
        size: u64,
    ) -> PendingRead {
        let staging = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        encoder.copy_buffer_to_buffer(source, offset, &staging, 0, size);
        ctx.queue.submit([encoder.finish()]);
        let (sender, mapped) = oneshot::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let _ = sender.send(result);
        });
        PendingRead {
            ctx: ctx.clone(),
            staging,
            mapped,
        }
    }

    pub async fn bytes(self) -> Result<Vec<u8>, Error> {
        self.ctx.wait_idle()?;
        let mapped = self
            .mapped
            .await
            .map_err(|_| Error::Readback("the map callback was dropped".into()))?;
        mapped.map_err(|e| Error::Readback(e.to_string()))?;
        let bytes = {
            let view = self
                .staging
                .get_mapped_range(..)
                .map_err(|e| Error::Readback(e.to_string()))?;
            view.to_vec()
        };
        self.staging.unmap();
        if let Some(error) = self.ctx.take_error() {
            return Err(error);
        }
        Ok(bytes)
    }

    pub async fn floats(self) -> Result<Vec<f32>, Error> {
        Ok(bytemuck::pod_collect_to_vec(&self.bytes().await?))
    }
}

/// RGBA8 pixels of `texture` (`size`, 4 bytes per pixel) after `encoder`'s
/// work, rows packed tightly.
pub async fn read_texture_rgba8(
    ctx: &GpuContext,
    mut encoder: wgpu::CommandEncoder,
    texture: &wgpu::Texture,
    size: [u32; 2],
) -> Result<Vec<u8>, Error> {
    // Texture copies need rows padded to 256 bytes.
    let row = size[0] * 4;
    let padded = row.next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    let buffer = ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("texture copy"),
        size: u64::from(padded * size[1]),
        usage: wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    encoder.copy_texture_to_buffer(
        texture.as_image_copy(),
        wgpu::TexelCopyBufferInfo {
            buffer: &buffer,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(padded),
                rows_per_image: None,
            },
        },
        wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        },
    );
    let bytes = PendingRead::start(ctx, encoder, &buffer, 0, u64::from(padded * size[1]))
        .bytes()
        .await?;
    Ok(bytes
        .chunks_exact(padded as usize)
        .flat_map(|line| &line[..row as usize])
        .copied()
        .collect())
}

/// Reads `len` values of `source` (f32 or u32) starting at element `offset`.
pub async fn read<T: bytemuck::Pod>(
    ctx: &GpuContext,
    source: &wgpu::Buffer,
    offset: usize,
    len: usize,
) -> Result<Vec<T>, Error> {
    let encoder = ctx.device.create_command_encoder(&Default::default());
    let size = std::mem::size_of::<T>() as u64;
    let bytes = PendingRead::start(ctx, encoder, source, offset as u64 * size, len as u64 * size)
        .bytes()
        .await?;
    Ok(bytemuck::pod_collect_to_vec(&bytes))
}
