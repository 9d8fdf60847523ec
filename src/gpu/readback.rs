//! Reading GPU buffers back, the same way natively and in the browser:
//! copy into a mappable buffer, `map_async`, await the callback. Natively
//! the device is polled to run it; the browser runs it from its event loop.

use std::sync::{Arc, Mutex};

use futures_channel::oneshot;

use super::census::CountingDevice;
use super::context::GpuContext;
use crate::error::Error;

/// Mappable buffers kept for reuse once read. The page checkpoints every
/// few seconds; without the pool each read would create GPU buffers for as
/// long as the tab is open.
#[derive(Clone, Debug, Default)]
pub struct StagingPool {
    free: Arc<Mutex<Vec<wgpu::Buffer>>>,
}

/// What the pool keeps at most: enough for a checkpoint of the default
/// MNIST model (six arrays of about 6 MB), not a copy of a large one.
const POOL_BYTES: u64 = 64 << 20;
const POOL_BUFFERS: usize = 16;
/// New staging buffers are this granular, so that reads of nearly the same
/// size share them.
const STAGING_GRANULE: u64 = 4096;

impl StagingPool {
    /// A free buffer of at least `size` bytes (and at most twice that, so a
    /// small read does not hold a large buffer), or a new one.
    fn take(&self, device: &CountingDevice, size: u64) -> wgpu::Buffer {
        if let Ok(mut free) = self.free.lock() {
            let fits = free
                .iter()
                .enumerate()
                .filter(|(_, buffer)| buffer.size() >= size && buffer.size() <= 2 * size.max(STAGING_GRANULE))
                .min_by_key(|(_, buffer)| buffer.size())
                .map(|(index, _)| index);
            if let Some(index) = fits {
                return free.swap_remove(index);
            }
        }
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: size.next_multiple_of(STAGING_GRANULE),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Keeps an unmapped `buffer` for the next read, within the pool's bounds.
    fn give_back(&self, buffer: wgpu::Buffer) {
        let Ok(mut free) = self.free.lock() else { return };
        let kept: u64 = free.iter().map(wgpu::Buffer::size).sum();
        if free.len() < POOL_BUFFERS && kept + buffer.size() <= POOL_BYTES {
            free.push(buffer);
        }
    }
}

/// A copy that has been submitted and is waiting to be mapped. Starting and
/// finishing are split so a caller can start without borrowing across the
/// await (the wasm API keeps the trainer in a RefCell).
pub struct PendingRead {
    ctx: GpuContext,
    staging: wgpu::Buffer,
    /// Bytes copied (the staging buffer may be larger).
    size: u64,
    mapped: oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>,
}

impl PendingRead {
    /// Encodes `encoder`'s work plus a copy of `size` bytes of `source` from
    /// `offset`, submits, and asks for the mapping.
    pub fn start(
        ctx: &GpuContext,
        encoder: wgpu::CommandEncoder,
        source: &wgpu::Buffer,
        offset: u64,
        size: u64,
    ) -> PendingRead {
        PendingRead::start_copy(ctx, encoder, size, |encoder, staging| {
            encoder.copy_buffer_to_buffer(source, offset, staging, 0, size);
        })
    }

    /// Encodes `encoder`'s work plus `copy` into a staging buffer of at least
    /// `size` bytes, submits, and asks for the mapping.
    fn start_copy(
        ctx: &GpuContext,
        mut encoder: wgpu::CommandEncoder,
        size: u64,
        copy: impl FnOnce(&mut wgpu::CommandEncoder, &wgpu::Buffer),
    ) -> PendingRead {
        let staging = ctx.staging.take(&ctx.device, size);
        copy(&mut encoder, &staging);
        ctx.queue.submit([encoder.finish()]);
        let (sender, mapped) = oneshot::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |result| {
            let _ = sender.send(result);
        });
        PendingRead {
            ctx: ctx.clone(),
            staging,
            size,
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
                .get_mapped_range(..self.size)
                .map_err(|e| Error::Readback(e.to_string()))?;
            view.to_vec()
        };
        self.staging.unmap();
        self.ctx.staging.give_back(self.staging);
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
    encoder: wgpu::CommandEncoder,
    texture: &wgpu::Texture,
    size: [u32; 2],
) -> Result<Vec<u8>, Error> {
    // Texture copies need rows padded to 256 bytes.
    let row = size[0] * 4;
    let padded = row.next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
    // Straight into a pooled staging buffer: no intermediate copy buffer.
    let bytes = PendingRead::start_copy(ctx, encoder, u64::from(padded * size[1]), |encoder, staging| {
        encoder.copy_texture_to_buffer(
            texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: staging,
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
    })
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
