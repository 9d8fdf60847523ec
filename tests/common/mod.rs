//! Shared by the native GPU tests: one device for the whole test binary.
//!
//! With no adapter a GPU test fails under CI=true (CI must have lavapipe)
//! and otherwise skips with a message saying what to install.

#![allow(dead_code)] // each test binary uses part of this

use std::sync::OnceLock;

use livegan::gpu::context::GpuContext;
use livegan::gpu::pipelines::Pipelines;
use livegan::kernels::gemm::GemmTiling;

pub struct Gpu {
    pub ctx: GpuContext,
    pub pipelines: Pipelines,
}

pub fn gpu() -> Option<&'static Gpu> {
    static GPU: OnceLock<Option<Gpu>> = OnceLock::new();
    let gpu = GPU.get_or_init(|| match GpuContext::new_blocking() {
        Ok(ctx) => {
            eprintln!("GPU tests run on {}", ctx.adapter_name());
            let pipelines = Pipelines::new(&ctx.device, GemmTiling::preferred(&ctx.adapter_info));
            Some(Gpu { ctx, pipelines })
        }
        Err(error) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but no GPU adapter: {error}");
            }
            eprintln!("skipping GPU test: {error}");
            None
        }
    });
    gpu.as_ref()
}

pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    pollster::block_on(future)
}
