//! The uniform parameter block of every kernel, field for field as declared
//! in its WGSL file, shared by the GPU dispatch code and the CPU twins. Each
//! is padded to a multiple of 16 bytes, as uniform buffers require.

use bytemuck::{Pod, Zeroable};

use crate::layout::{Activation, LayerShape};

/// What the GEMM does with each accumulated value before storing it
/// (the `EPILOGUE` override in shaders/gemm.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Epilogue {
    /// Store the product as is (weight gradients, identity activations).
    None,
    /// Forward: store act(product).
    Activate(ActivationKind),
    /// Backward: store product × act'(aux), aux the stored activation.
    ActivationGrad(ActivationKind),
}

/// An activation without its slope (the slope travels in the uniforms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivationKind {
    LeakyRelu,
    Tanh,
}

impl Epilogue {
    pub fn forward(activation: Activation) -> Epilogue {
        match ActivationKind::of(activation) {
            Some(kind) => Epilogue::Activate(kind),
            None => Epilogue::None,
        }
    }

    pub fn backward(activation: Activation) -> Epilogue {
        match ActivationKind::of(activation) {
            Some(kind) => Epilogue::ActivationGrad(kind),
            None => Epilogue::None,
        }
    }

    /// The value of the WGSL `EPILOGUE` override.
    pub fn code(self) -> u32 {
        match self {
            Epilogue::None => 0,
            Epilogue::Activate(ActivationKind::LeakyRelu) => 1,
            Epilogue::Activate(ActivationKind::Tanh) => 2,
            Epilogue::ActivationGrad(ActivationKind::LeakyRelu) => 3,
            Epilogue::ActivationGrad(ActivationKind::Tanh) => 4,
        }
    }
}

impl ActivationKind {
    fn of(activation: Activation) -> Option<ActivationKind> {
        match activation {
            Activation::Identity => None,
            Activation::LeakyRelu { .. } => Some(ActivationKind::LeakyRelu),
            Activation::Tanh => Some(ActivationKind::Tanh),
        }
    }

    pub fn with_slope(self, slope: f32) -> Activation {
        match self {
            ActivationKind::LeakyRelu => Activation::LeakyRelu { slope },
            ActivationKind::Tanh => Activation::Tanh,
        }
    }
}

/// How a GEMM is tiled: which entry point of gemm.wgsl runs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GemmTiling {
    /// `gemm`: 64×64 tiles staged in workgroup memory (GPUs).
    #[default]
    Shared,
    /// `gemm_direct`: 64×64 per workgroup, no workgroup memory (CPU adapters).
    Direct,
}

impl GemmTiling {
    pub fn entry_point(self) -> &'static str {
        match self {
            GemmTiling::Shared => "gemm",
            GemmTiling::Direct => "gemm_direct",
        }
    }

    /// Rows and columns of C one workgroup covers.
    pub fn tile(self) -> u32 {
        match self {
            GemmTiling::Shared => 16 * crate::shaders::SHARED_BLOCK,
            GemmTiling::Direct => 8 * crate::shaders::DIRECT_BLOCK,
        }
    }
}

/// Compile-time shape of a GEMM pipeline (WGSL overrides).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GemmVariant {
    /// op(A) = Aᵀ: A is stored K × M.
    pub trans_a: bool,
    /// op(B) = Bᵀ: B is stored N × K.
    pub trans_b: bool,
    /// A's stored matrix gets a virtual column of ones at index `a_cols`
    /// (the bias row of the `[W; b]` layout).
    pub augment_a: bool,
    pub epilogue: Epilogue,
    pub tiling: GemmTiling,
}

/// `GemmParams` in shaders/gemm.wgsl. Offsets and leading dimensions are in
/// elements; op(A) is M × K, op(B) K × N, C M × N.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GemmParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub a_offset: u32,
    pub lda: u32,
    /// Stored columns of A (before augmentation).
    pub a_cols: u32,
    pub b_offset: u32,
    pub ldb: u32,
    pub c_offset: u32,
    pub ldc: u32,
    pub aux_offset: u32,
    pub ldaux: u32,
    pub slope: f32,
    pub _pad: [u32; 3],
}

/// One GEMM call: its pipeline variant and its uniforms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GemmSpec {
    pub variant: GemmVariant,
    pub params: GemmParams,
}

impl GemmSpec {
    /// Forward of `layer` on `rows` samples:
    /// out (rows × outputs) = act([input, 1] · [W; b]).
    pub fn forward(layer: &LayerShape, rows: usize, input_offset: usize, output_offset: usize) -> GemmSpec {
        GemmSpec {
            variant: GemmVariant {
                trans_a: false,
                trans_b: false,
                augment_a: true,
                epilogue: Epilogue::forward(layer.activation),
                tiling: GemmTiling::default(),
            },
            params: GemmParams {
                m: rows as u32,
                n: layer.outputs as u32,
                k: layer.inputs as u32 + 1,
                a_offset: input_offset as u32,
                lda: layer.inputs as u32,
                a_cols: layer.inputs as u32,
                b_offset: layer.offset as u32,
                ldb: layer.outputs as u32,
                c_offset: output_offset as u32,
                ldc: layer.outputs as u32,
                slope: layer.activation.slope(),
                ..GemmParams::default()
            },
        }
    }

    /// Gradient through `layer` to its input, which `input_activation`
    /// produced: d_input (rows × inputs) = (d_out · Wᵀ) ⊙ act'(input).
    /// `d_out` is the gradient of the layer's pre-activation output.
    pub fn input_grad(
        layer: &LayerShape,
        rows: usize,
        out_grad_offset: usize,
        input_grad_offset: usize,
        input_offset: usize,
        input_activation: Activation,
    ) -> GemmSpec {
        GemmSpec {
            variant: GemmVariant {
                trans_a: false,
                trans_b: true,
                augment_a: false,
                epilogue: Epilogue::backward(input_activation),
                tiling: GemmTiling::default(),
            },
            params: GemmParams {
                m: rows as u32,
                n: layer.inputs as u32,
                k: layer.outputs as u32,
                a_offset: out_grad_offset as u32,
                lda: layer.outputs as u32,
                a_cols: layer.outputs as u32,
                b_offset: layer.offset as u32,
                ldb: layer.outputs as u32,
                c_offset: input_grad_offset as u32,
                ldc: layer.inputs as u32,
                aux_offset: input_offset as u32,
                ldaux: layer.inputs as u32,
                slope: input_activation.slope(),
                ..GemmParams::default()
            },
        }
    }

    /// Weight and bias gradient of `layer` in its parameter layout:
    /// [dW; db] = [input, 1]ᵀ · d_out, summed over `rows` samples.
    pub fn weight_grad(
        layer: &LayerShape,
        rows: usize,
        input_offset: usize,
        out_grad_offset: usize,
    ) -> GemmSpec {
        GemmSpec {
            variant: GemmVariant {
                trans_a: true,
                trans_b: false,
                augment_a: true,
                epilogue: Epilogue::None,
                tiling: GemmTiling::default(),
            },
            params: GemmParams {
                m: layer.inputs as u32 + 1,
                n: layer.outputs as u32,
                k: rows as u32,
                a_offset: input_offset as u32,
                lda: layer.inputs as u32,
                a_cols: layer.inputs as u32,
                b_offset: out_grad_offset as u32,
                ldb: layer.outputs as u32,
                c_offset: layer.offset as u32,
                ldc: layer.outputs as u32,
                ..GemmParams::default()
            },
        }
    }

    /// Multiply-adds of this GEMM.
    pub fn macs(&self) -> u64 {
        u64::from(self.params.m) * u64::from(self.params.n) * u64::from(self.params.k)
    }
}

/// `LossParams` in shaders/loss.wgsl. Rows `[0, real_count)` of the logits
/// are real samples, the next `fake_count` rows are generated ones.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct LossParams {
    pub real_count: u32,
    pub fake_count: u32,
    /// `LOSS_MODE_DISC` or `LOSS_MODE_GEN`.
    pub mode: u32,
    pub stats_capacity: u32,
    pub real_target: f32,
    /// 0 for the discriminator's loss, 1 for the non-saturating G loss.
    pub fake_target: f32,
    pub _pad: [u32; 2],
}

pub const LOSS_MODE_DISC: u32 = 0;
pub const LOSS_MODE_GEN: u32 = 1;

/// `AdamParams` in shaders/adam.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct AdamParams {
    pub count: u32,
    /// Which counter holds this network's update count t.
    pub counter: u32,
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub _pad: [u32; 2],
}

impl AdamParams {
    /// One network's update: `count` parameters at learning rate `lr`, the
    /// update count t in `counter`, β1, β2 and ε from `config`.
    pub fn new(
        config: &crate::config::Config,
        count: usize,
        lr: f32,
        counter: crate::streams::Counter,
    ) -> AdamParams {
        AdamParams {
            count: count as u32,
            counter: counter as u32,
            lr,
            beta1: config.beta1,
            beta2: config.beta2,
            eps: config.eps,
            _pad: [0; 2],
        }
    }
}

/// `RandomParams` in shaders/rng.wgsl and shaders/gather.wgsl: draws keyed
/// by (seed, stream, counters[counter] + counter_offset, index).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct RandomParams {
    pub seed: u32,
    pub stream: u32,
    pub counter: u32,
    pub counter_offset: u32,
}

/// `NormalParams` in shaders/rng.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct NormalParams {
    pub random: RandomParams,
    pub count: u32,
    pub out_offset: u32,
    pub _pad: [u32; 2],
}

/// `GatherParams` in shaders/gather.wgsl: `rows` random rows of a dataset of
/// `dataset_rows` rows of `row_len` values each.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub struct GatherParams {
    pub random: RandomParams,
    pub rows: u32,
    pub row_len: u32,
    pub dataset_rows: u32,
    pub out_offset: u32,
}

impl RandomParams {
    /// The counter value this draw uses.
    pub fn counter_value(&self, counters: &[u32; 4]) -> u32 {
        counters[self.counter as usize].wrapping_add(self.counter_offset)
    }
}
