//! y ← y + a·x: adds the gradient penalty's parameter gradient, scaled by
//! its weight, to the discriminator's. Shader: shaders/axpy.wgsl.
//! CPU twin: [`crate::cpu::axpy::axpy`].
//! Check: [`crate::checks::kernels::check_axpy`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `AxpyParams` in shaders/axpy.wgsl.
    pub struct AxpyParams {
        pub count: u32,
        pub a: f32,
        pub _pad: [u32; 2],
    }
}

bindings! {
    pub struct AxpyBuffers {
        x: Read,
        y: ReadWrite,
    }
}

pub struct Axpy;

impl Kernel for Axpy {
    const NAME: &'static str = "axpy";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("axpy", [WORKGROUP_SIZE, 1, 1])];
    type Params = AxpyParams;
    type Buffers<'a> = AxpyBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/axpy.wgsl"))
    }

    fn workgroups(&self, params: &AxpyParams) -> [u32; 3] {
        // Four values per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}
