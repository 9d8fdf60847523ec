//! Adam: one dispatch updates a whole network, four parameters per
//! invocation. Shader: shaders/adam.wgsl. CPU twin: [`crate::cpu::adam::adam`].
//! Check: [`crate::checks::kernels::check_adam`].

use super::{Kernel, WORKGROUP_SIZE, bindings, grid_workgroups, uniform};
use crate::config::Config;
use crate::streams::Counter;

uniform! {
    /// `AdamParams` in shaders/adam.wgsl.
    pub struct AdamParams {
        pub count: u32,
        /// Which counter holds this network's update count t.
        pub counter: u32,
        pub lr: f32,
        pub beta1: f32,
        pub beta2: f32,
        pub eps: f32,
        /// The rate halves every `decay_half_life` updates after update
        /// `decay_start`; 0: it stays at `lr`.
        pub decay_start: u32,
        pub decay_half_life: u32,
    }
}

bindings! {
    pub struct AdamBuffers {
        grads: Read,
        counters: Read,
        weights: ReadWrite,
        adam_m: ReadWrite,
        adam_v: ReadWrite,
    }
}

pub struct Adam;

impl Kernel for Adam {
    const NAME: &'static str = "adam";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("adam", [WORKGROUP_SIZE, 1, 1])];
    type Params = AdamParams;
    type Buffers<'a> = AdamBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/adam.wgsl"))
    }

    fn workgroups(&self, params: &AdamParams) -> [u32; 3] {
        // Four parameters per invocation.
        [grid_workgroups(params.count.div_ceil(4)), 1, 1]
    }
}

impl AdamParams {
    /// One network's update: `count` parameters at learning rate `lr`, the
    /// update count t in `counter`, β1, β2, ε and the rate's decay from
    /// `config` (whose schedule counts iterations: D makes `discSteps`
    /// updates in each, G one).
    pub fn new(config: &Config, count: usize, lr: f32, counter: Counter) -> AdamParams {
        let updates_per_iteration = match counter {
            Counter::DiscUpdates => config.disc_steps,
            _ => 1,
        };
        AdamParams {
            count: count as u32,
            counter: counter as u32,
            lr,
            beta1: config.beta1,
            beta2: config.beta2,
            eps: config.eps,
            decay_start: config.lr_decay_start.saturating_mul(updates_per_iteration),
            decay_half_life: config.lr_half_life.saturating_mul(updates_per_iteration),
        }
    }
}
