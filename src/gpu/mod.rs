//! The engine on the GPU: device, kernels, programs of dispatches, the
//! trainer and its asynchronous statistics.

pub mod buffers;
pub mod context;
pub mod kernels;
pub mod program;
pub mod readback;
pub mod stats;
pub mod trainer;
