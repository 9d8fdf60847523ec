//! The adversarial loss from logits (BCE, least squares or hinge), its
//! gradient, the batch statistics and the step counters, in one
//! single-workgroup dispatch.
//! Shader: shaders/loss.wgsl. CPU twin: [`crate::cpu::loss::loss`].
//! Check: [`crate::checks::kernels::check_loss`].

use super::{Kernel, WORKGROUP_SIZE, bindings, uniform};
use crate::config::{Config, GanLoss};

uniform! {
    /// `LossParams` in shaders/loss.wgsl. Rows `[0, real_count)` of the
    /// logits are real samples, the next `fake_count` rows generated ones.
    pub struct LossParams {
        pub real_count: u32,
        pub fake_count: u32,
        /// `LOSS_MODE_DISC` or `LOSS_MODE_GEN`.
        pub mode: u32,
        pub stats_capacity: u32,
        pub real_target: f32,
        /// 0 for the discriminator's loss, 1 for the non-saturating G loss.
        pub fake_target: f32,
        /// `LOSS_KIND_BCE`, `LOSS_KIND_LEAST_SQUARES` or `LOSS_KIND_HINGE`.
        pub kind: u32,
        pub _pad: u32,
    }
}

pub const LOSS_KIND_BCE: u32 = 0;
pub const LOSS_KIND_LEAST_SQUARES: u32 = 1;
pub const LOSS_KIND_HINGE: u32 = 2;

/// The kernel's code for `loss`.
pub fn loss_kind(loss: GanLoss) -> u32 {
    match loss {
        GanLoss::Bce => LOSS_KIND_BCE,
        GanLoss::LeastSquares => LOSS_KIND_LEAST_SQUARES,
        GanLoss::Hinge => LOSS_KIND_HINGE,
    }
}

pub const LOSS_MODE_DISC: u32 = 0;
pub const LOSS_MODE_GEN: u32 = 1;

impl LossParams {
    /// The loss of one update of `config`'s GAN: the discriminator's
    /// (`LOSS_MODE_DISC`, B real rows then B fake) or the generator's
    /// non-saturating one (`LOSS_MODE_GEN`, B fake rows labelled real),
    /// its stats written into a ring of `stats_capacity` rows.
    pub fn new(config: &Config, mode: u32, stats_capacity: u32) -> LossParams {
        let disc = mode == LOSS_MODE_DISC;
        LossParams {
            real_count: if disc { config.batch_size } else { 0 },
            fake_count: config.batch_size,
            mode,
            stats_capacity,
            real_target: config.real_target(),
            fake_target: if disc { 0.0 } else { 1.0 },
            kind: loss_kind(config.loss),
            _pad: 0,
        }
    }
}

bindings! {
    pub struct LossBuffers {
        logits: Read,
        logit_grads: ReadWrite,
        /// One row per iteration: (disc_loss, gen_loss, D(x), D(G(z))).
        stats: ReadWrite,
        counters: ReadWrite,
    }
}

pub struct Loss;

impl Kernel for Loss {
    const NAME: &'static str = "loss";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[("loss", [WORKGROUP_SIZE, 1, 1])];
    type Params = LossParams;
    type Buffers<'a> = LossBuffers<'a>;

    fn source() -> String {
        super::with_workgroup_size(include_str!("../../shaders/loss.wgsl"))
    }

    fn workgroups(&self, _: &LossParams) -> [u32; 3] {
        // One workgroup: it reduces in a fixed order and owns the counters.
        [1, 1, 1]
    }
}
