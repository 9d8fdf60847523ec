//! Softmax cross-entropy against integer labels, for the MNIST classifier
//! that judges generated digits: each logit's gradient of the batch-mean
//! loss, and each row's loss and correctness. Shader: shaders/softmax_ce.wgsl.
//! CPU twin: [`crate::cpu::softmax_ce::softmax_ce`].
//! Check: [`crate::checks::kernels::check_softmax_ce`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `SoftmaxCeParams` in shaders/softmax_ce.wgsl.
    pub struct SoftmaxCeParams {
        pub rows: u32,
        pub classes: u32,
        pub _pad: [u32; 2],
    }
}

bindings! {
    pub struct SoftmaxCeBuffers {
        /// rows × classes.
        logits: Read,
        /// One u32 class per row, below `classes`.
        labels: Read,
        logit_grads: ReadWrite,
        /// rows × 2: the row's loss, and 1 when its top logit is the label's.
        row_stats: ReadWrite,
    }
}

pub struct SoftmaxCe;

impl Kernel for SoftmaxCe {
    const NAME: &'static str = "softmax_ce";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("softmax_ce", [WORKGROUP_SIZE, 1, 1])];
    type Params = SoftmaxCeParams;
    type Buffers<'a> = SoftmaxCeBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/softmax_ce.wgsl"))
    }

    fn workgroups(&self, params: &SoftmaxCeParams) -> [u32; 3] {
        [grid_workgroups(params.rows), 1, 1]
    }
}
