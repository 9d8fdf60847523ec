//! An exponential moving average of the generator's parameters, updated
//! after each of its Adam steps; samples can be drawn from it, which
//! smooths the generator's step-to-step wandering. Shader:
//! shaders/ema.wgsl. CPU twin: [`crate::cpu::ema::ema`].
//! Check: [`crate::checks::kernels::check_ema`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `EmaParams` in shaders/ema.wgsl.
    pub struct EmaParams {
        pub count: u32,
        /// Weight of the old average, in [0, 1).
        pub decay: f32,
        pub _pad: [u32; 2],
    }
}

bindings! {
    pub struct EmaBuffers {
        params: Read,
        average: ReadWrite,
    }
}

pub struct Ema;

impl Kernel for Ema {
    const NAME: &'static str = "ema";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("ema", [WORKGROUP_SIZE, 1, 1])];
    type Params = EmaParams;
    type Buffers<'a> = EmaBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/ema.wgsl"))
    }

    fn workgroups(&self, params: &EmaParams) -> [u32; 3] {
        // Four values per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}
