//! livegan: an MLP GAN trained entirely in WGSL compute shaders through
//! wgpu, on WebGPU in the browser and on Vulkan/Metal/DX12 natively.
//!
//! Shape legend (code, comments and shaders): `B` batch, `Z` latent,
//! `H` hidden width, `X` sample width (784 for MNIST, 2 for the mixtures).

pub mod bench;
pub mod checkpoint;
pub mod checks;
pub mod classifier;
pub mod config;
pub mod cpu;
pub mod data;
pub mod error;
pub mod gpu;
pub mod init;
pub mod kernels;
pub mod layout;
pub mod metrics;
#[cfg(not(target_arch = "wasm32"))]
pub mod plot;
pub mod reference;
pub mod shaders;
#[cfg(not(target_arch = "wasm32"))]
pub mod soak;
pub mod streams;

#[cfg(target_arch = "wasm32")]
pub mod js_values;
#[cfg(target_arch = "wasm32")]
pub mod wasm_api;
