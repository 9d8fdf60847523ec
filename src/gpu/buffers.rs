//! Storage buffers, checked against the device's binding limit first, so a
//! model or dataset too large for this GPU is an error that says so rather
//! than a validation failure later.

use super::context::GpuContext;
use crate::error::Error;

const USAGE: wgpu::BufferUsages = wgpu::BufferUsages::STORAGE
    .union(wgpu::BufferUsages::COPY_SRC)
    .union(wgpu::BufferUsages::COPY_DST);

/// WebGPU rejects empty bindings; every buffer holds at least this much.
const MIN_SIZE: u64 = 16;

fn check_size(ctx: &GpuContext, what: &str, size: u64) -> Result<(), Error> {
    let limit = ctx.device.limits().max_storage_buffer_binding_size;
    if size > limit {
        return Err(Error::BufferTooLarge {
            what: what.to_string(),
            needed: size,
            limit,
        });
    }
    Ok(())
}

/// A zeroed storage buffer of `len` f32 (or u32) values.
pub fn storage(ctx: &GpuContext, what: &str, len: usize) -> Result<wgpu::Buffer, Error> {
    let size = (len as u64 * 4).next_multiple_of(MIN_SIZE).max(MIN_SIZE);
    check_size(ctx, what, size)?;
    Ok(ctx.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(what),
        size,
        usage: USAGE,
        mapped_at_creation: false,
    }))
}

/// A storage buffer holding `values`.
pub fn storage_init<T: bytemuck::Pod>(
    ctx: &GpuContext,
    what: &str,
    values: &[T],
) -> Result<wgpu::Buffer, Error> {
    let mut bytes = bytemuck::cast_slice::<T, u8>(values).to_vec();
    let size = (bytes.len() as u64).next_multiple_of(MIN_SIZE).max(MIN_SIZE);
    check_size(ctx, what, size)?;
    bytes.resize(size as usize, 0);
    Ok(ctx.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(what),
        contents: &bytes,
        usage: USAGE,
    }))
}
