//! y ← a·y + b·x: the R1 penalty's gradient added to D's. Shader:
//! shaders/axpby.wgsl.
//! CPU twin: [`crate::cpu::axpby::axpby`].
//! Check: [`crate::checks::kernels::check_axpby`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `AxpbyParams` in shaders/axpby.wgsl.
    pub struct AxpbyParams {
        pub count: u32,
        pub a: f32,
        pub b: f32,
        pub _pad: u32,
    }
}

impl AxpbyParams {
    /// y ← y + b · x.
    pub fn add_scaled(count: usize, b: f32) -> AxpbyParams {
        AxpbyParams {
            count: count as u32,
            a: 1.0,
            b,
            _pad: 0,
        }
    }
}

bindings! {
    pub struct AxpbyBuffers {
        x: Read,
        y: ReadWrite,
    }
}

pub struct Axpby;

impl Kernel for Axpby {
    const NAME: &'static str = "axpby";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("axpby", [WORKGROUP_SIZE, 1, 1])];
    type Params = AxpbyParams;
    type Buffers<'a> = AxpbyBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/axpby.wgsl"))
    }

    fn workgroups(&self, params: &AxpbyParams) -> [u32; 3] {
        // Four values per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}
