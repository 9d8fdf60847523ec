//! The real batch: random dataset rows, as f32, into rows of a (possibly
//! wider) matrix. Shader: shaders/gather.wgsl (after shaders/hash.wgsl).
//! CPU twin: [`crate::cpu::gather::gather`].
//! Check: [`crate::checks::kernels::check_gather`].

use super::normal::{HASH, RandomParams};
use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};

uniform! {
    /// `GatherParams` in shaders/gather.wgsl: `rows` random rows of a dataset
    /// of `dataset_rows` rows of `row_len` values each, row r written at
    /// `out_offset + r × out_stride` (a stride above `row_len` leaves room
    /// for other columns, such as a label, in the same rows).
    pub struct GatherParams {
        pub random: RandomParams,
        pub rows: u32,
        pub row_len: u32,
        pub dataset_rows: u32,
        pub out_offset: u32,
        pub out_stride: u32,
        pub _pad: [u32; 3],
    }
}

bindings! {
    pub struct GatherBuffers {
        counters: Read,
        /// The dataset as u32 words: bytes packed four per word, or f32 bits.
        data: Read,
        out: ReadWrite,
    }
}

/// `bytes`: the dataset is bytes scaled to [-1, 1] (MNIST); otherwise f32.
pub struct Gather {
    pub bytes: bool,
}

impl Kernel for Gather {
    const NAME: &'static str = "gather";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("gather", [WORKGROUP_SIZE, 1, 1])];
    const OVERRIDES: &'static [&'static str] = &["DATA_BYTES"];
    type Params = GatherParams;
    type Buffers<'a> = GatherBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(&format!("{HASH}{}", include_str!("../../shaders/gather.wgsl")))
    }

    fn constants(&self) -> Vec<(&'static str, f64)> {
        vec![("DATA_BYTES", if self.bytes { 1.0 } else { 0.0 })]
    }

    fn workgroups(&self, params: &GatherParams) -> [u32; 3] {
        [grid_workgroups(params.rows * params.row_len), 1, 1]
    }
}
