//! The moving average of G's parameters, updated after each of its Adam
//! steps with a decay that warms up over G's first updates; samples are
//! drawn from it. Shader: shaders/moving_average.wgsl.
//! CPU twin: [`crate::cpu::moving_average::moving_average`].
//! Check: [`crate::checks::kernels::check_moving_average`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};
use crate::streams::Counter;

uniform! {
    /// `MovingAverageParams` in shaders/moving_average.wgsl.
    pub struct MovingAverageParams {
        pub count: u32,
        /// Which counter holds G's update count t.
        pub counter: u32,
        pub decay: f32,
        pub _pad: u32,
    }
}

impl MovingAverageParams {
    /// The average of `count` parameters of G with the config's `decay`.
    pub fn new(count: usize, decay: f32) -> MovingAverageParams {
        MovingAverageParams {
            count: count as u32,
            counter: Counter::GenUpdates as u32,
            decay,
            _pad: 0,
        }
    }
}

bindings! {
    pub struct MovingAverageBuffers {
        params: Read,
        counters: Read,
        average: ReadWrite,
    }
}

pub struct MovingAverage;

impl Kernel for MovingAverage {
    const NAME: &'static str = "moving_average";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("moving_average", [WORKGROUP_SIZE, 1, 1])];
    type Params = MovingAverageParams;
    type Buffers<'a> = MovingAverageBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/moving_average.wgsl"))
    }

    fn workgroups(&self, params: &MovingAverageParams) -> [u32; 3] {
        // Four values per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}
