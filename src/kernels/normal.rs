//! Standard normals (latent noise), four per hash.
//! Shader: shaders/normal.wgsl (after shaders/hash.wgsl).
//! CPU twin: [`crate::cpu::normal::normal`].
//! Checks: [`crate::checks::kernels::check_normal`],
//! [`crate::checks::kernels::check_normal_moments`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `RandomParams` in shaders/hash.wgsl: draws keyed by
    /// (seed, stream, counters[counter] + counter_offset, index).
    pub struct RandomParams {
        pub seed: u32,
        pub stream: u32,
        pub counter: u32,
        pub counter_offset: u32,
    }
}

impl RandomParams {
    /// The counter value this draw uses.
    pub fn counter_value(&self, counters: &[u32; 4]) -> u32 {
        counters[self.counter as usize].wrapping_add(self.counter_offset)
    }
}

uniform! {
    /// `NormalParams` in shaders/normal.wgsl.
    pub struct NormalParams {
        pub random: RandomParams,
        pub count: u32,
        pub out_offset: u32,
        pub _pad: [u32; 2],
    }
}

bindings! {
    pub struct NormalBuffers {
        counters: Read,
        out: ReadWrite,
    }
}

pub struct Normal;

/// The hash library and the kernels that draw random numbers (WGSL has no
/// includes).
pub(crate) const HASH: &str = include_str!("../../shaders/hash.wgsl");

impl Kernel for Normal {
    const NAME: &'static str = "normal";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("normal", [WORKGROUP_SIZE, 1, 1])];
    type Params = NormalParams;
    type Buffers<'a> = NormalBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(&format!("{HASH}{}", include_str!("../../shaders/normal.wgsl")))
    }

    fn workgroups(&self, params: &NormalParams) -> [u32; 3] {
        // Four normals per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}
