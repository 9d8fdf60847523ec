//! The engine on the GPU: device, kernels, programs of dispatches, the
//! trainer and its asynchronous statistics.

pub mod buffers;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
pub mod census;
pub mod checkpoints;
pub mod classifier;
pub mod context;
pub mod field;
pub mod frame;
pub mod judge;
pub mod memory;
pub mod network;
pub mod pipelines;
pub mod profile;
pub mod program;
pub mod readback;
pub mod render;
pub mod stats;
mod steps;
pub mod trainer;
