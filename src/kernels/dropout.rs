//! Inverted dropout on a hidden layer of the discriminator: the forward
//! pass drops activations, the backward pass drops the gradient that
//! reaches them with the same mask (redrawn from the same key).
//! Shader: shaders/dropout.wgsl (after shaders/hash.wgsl).
//! CPU twin: [`crate::cpu::dropout::dropout`].
//! Check: [`crate::checks::kernels::check_dropout`].

use super::normal::{HASH, RandomParams};
use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `DropoutParams` in shaders/dropout.wgsl.
    pub struct DropoutParams {
        pub random: RandomParams,
        pub count: u32,
        /// Probability that a value is dropped, in [0, 1).
        pub rate: f32,
        /// 1 / (1 - rate).
        pub scale: f32,
        pub _pad: u32,
    }
}

impl DropoutParams {
    pub fn new(random: RandomParams, count: usize, rate: f32) -> DropoutParams {
        DropoutParams {
            random,
            count: count as u32,
            rate,
            scale: 1.0 / (1.0 - rate),
            _pad: 0,
        }
    }
}

bindings! {
    pub struct DropoutBuffers {
        counters: Read,
        values: ReadWrite,
    }
}

pub struct Dropout;

impl Kernel for Dropout {
    const NAME: &'static str = "dropout";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("dropout", [WORKGROUP_SIZE, 1, 1])];
    type Params = DropoutParams;
    type Buffers<'a> = DropoutBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(&format!("{HASH}{}", include_str!("../../shaders/dropout.wgsl")))
    }

    fn workgroups(&self, params: &DropoutParams) -> [u32; 3] {
        [grid_workgroups(params.count), 1, 1]
    }
}
