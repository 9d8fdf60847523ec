//! The drawing shaders' Rust facts (shaders/render.wgsl; not a compute
//! kernel, but its uniform and its one storage buffer are reflected and
//! checked like the kernels'). CPU twin of the digit grid:
//! [`crate::cpu::render::digit_value`]. Checks: `checks::render`.

use super::{Access, Slot, uniform};

uniform! {
    /// `DrawParams` in shaders/render.wgsl.
    pub struct DrawParams {
        pub target_size: [f32; 2],
        pub extent: f32,
        pub scale: f32,
        pub color: [f32; 4],
        pub background: [f32; 4],
        pub size: f32,
        pub first: u32,
        pub count: u32,
        pub grid: u32,
        pub side: u32,
        pub stride: u32,
        pub _pad: [u32; 2],
    }
}

/// The storage buffer every draw reads (binding 1; binding 0 is `DrawParams`).
pub const STORAGE: &[Slot] = &[Slot {
    name: "values",
    access: Access::Read,
}];

pub const SOURCE: &str = include_str!("../../shaders/render.wgsl");
