//! The one heavy kernel: every layer's forward pass, input gradient and
//! weight gradient. Shader: shaders/gemm.wgsl (a template, expanded here).
//! CPU twin: [`crate::cpu::gemm::gemm`].
//! Check: [`crate::checks::kernels::check_gemm`].

use super::{Kernel, bindings, uniform};
use crate::layout::{Activation, LayerShape};

/// Outputs per invocation per side of the shared-tile GEMM (`gemm`).
pub const SHARED_BLOCK: u32 = 4;
/// Invocations per side of `gemm`'s workgroup.
pub const SHARED_SIDE: u32 = 16;
/// Outputs per invocation per side of the direct GEMM (`gemm_direct`).
pub const DIRECT_BLOCK: u32 = 8;
/// Invocations per side of `gemm_direct`'s workgroup.
pub const DIRECT_SIDE: u32 = 8;

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
    pub const ALL: [GemmTiling; 2] = [GemmTiling::Shared, GemmTiling::Direct];

    pub fn entry_point(self) -> &'static str {
        match self {
            GemmTiling::Shared => "gemm",
            GemmTiling::Direct => "gemm_direct",
        }
    }

    /// Invocations per side of the workgroup.
    pub fn side(self) -> u32 {
        match self {
            GemmTiling::Shared => SHARED_SIDE,
            GemmTiling::Direct => DIRECT_SIDE,
        }
    }

    /// Rows and columns of C one workgroup covers.
    pub fn tile(self) -> u32 {
        match self {
            GemmTiling::Shared => SHARED_SIDE * SHARED_BLOCK,
            GemmTiling::Direct => DIRECT_SIDE * DIRECT_BLOCK,
        }
    }

    /// Shared-memory tiles on GPUs; the direct kernel on CPU adapters
    /// (lavapipe, SwiftShader), where it measured 2–3× faster on the
    /// default models (BENCHMARKS.md).
    pub fn preferred(info: &wgpu::AdapterInfo) -> GemmTiling {
        match info.device_type {
            wgpu::DeviceType::Cpu => GemmTiling::Direct,
            _ => GemmTiling::Shared,
        }
    }
}

/// Compile-time shape of a GEMM pipeline (WGSL overrides and entry point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Gemm {
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

uniform! {
    /// `GemmParams` in shaders/gemm.wgsl. Offsets and leading dimensions
    /// are in elements; op(A) is M × K, op(B) K × N, C M × N.
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
}

bindings! {
    pub struct GemmBuffers {
        a: Read,
        b: Read,
        /// Stored activations whose derivative the backward epilogue applies.
        aux: Read,
        c: ReadWrite,
    }
}

impl Kernel for Gemm {
    const NAME: &'static str = "gemm";
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])] = &[
        ("gemm", [SHARED_SIDE, SHARED_SIDE, 1]),
        ("gemm_direct", [DIRECT_SIDE, DIRECT_SIDE, 1]),
    ];
    const OVERRIDES: &'static [&'static str] = &["TRANS_A", "TRANS_B", "AUGMENT_A", "EPILOGUE"];
    type Params = GemmParams;
    type Buffers<'a> = GemmBuffers<'a>;

    /// gemm.wgsl with its register blocks unrolled and its sizes filled in.
    fn source() -> String {
        crate::shaders::expand_unrolled(
            include_str!("../../shaders/gemm.wgsl"),
            &[
                ("SHARED", SHARED_BLOCK),
                ("SHARED_SIDE", SHARED_SIDE),
                ("DIRECT", DIRECT_BLOCK),
                ("DIRECT_SIDE", DIRECT_SIDE),
            ],
        )
    }

    fn entry_point(&self) -> &'static str {
        self.tiling.entry_point()
    }

    fn constants(&self) -> Vec<(&'static str, f64)> {
        let flag = |on: bool| if on { 1.0 } else { 0.0 };
        vec![
            ("TRANS_A", flag(self.trans_a)),
            ("TRANS_B", flag(self.trans_b)),
            ("AUGMENT_A", flag(self.augment_a)),
            ("EPILOGUE", f64::from(self.epilogue.code())),
        ]
    }

    fn workgroups(&self, params: &GemmParams) -> [u32; 3] {
        let tile = self.tiling.tile();
        [params.n.div_ceil(tile), params.m.div_ceil(tile), 1]
    }
}

/// Rows of a matrix inside a buffer: row r starts at element
/// `offset + r × stride`. A stride wider than the matrix leaves room for
/// other columns in the same rows (`[x, onehot(y)]`, packed samples), which
/// a layer can then read without a copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Strided {
    pub offset: usize,
    pub stride: usize,
}

impl Strided {
    /// Rows of `width` values, back to back from `offset`.
    pub fn dense(offset: usize, width: usize) -> Strided {
        Strided {
            offset,
            stride: width,
        }
    }
}

/// One GEMM call: its pipeline variant and its uniforms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GemmSpec {
    pub variant: Gemm,
    pub params: GemmParams,
}

impl GemmSpec {
    /// Forward of `layer` on `rows` samples:
    /// out (rows × outputs) = act([input, 1] · [W; b]).
    pub fn forward(layer: &LayerShape, rows: usize, input: Strided, output: Strided) -> GemmSpec {
        GemmSpec {
            variant: Gemm {
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
                a_offset: input.offset as u32,
                lda: input.stride as u32,
                a_cols: layer.inputs as u32,
                b_offset: layer.offset as u32,
                ldb: layer.outputs as u32,
                c_offset: output.offset as u32,
                ldc: output.stride as u32,
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
        out_grad: Strided,
        input_grad: Strided,
        input: Strided,
        input_activation: Activation,
    ) -> GemmSpec {
        GemmSpec {
            variant: Gemm {
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
                a_offset: out_grad.offset as u32,
                lda: out_grad.stride as u32,
                a_cols: layer.outputs as u32,
                b_offset: layer.offset as u32,
                ldb: layer.outputs as u32,
                c_offset: input_grad.offset as u32,
                ldc: input_grad.stride as u32,
                aux_offset: input.offset as u32,
                ldaux: input.stride as u32,
                slope: input_activation.slope(),
                ..GemmParams::default()
            },
        }
    }

    /// Weight and bias gradient of `layer` in its parameter layout:
    /// [dW; db] = [input, 1]ᵀ · d_out, summed over `rows` samples.
    pub fn weight_grad(layer: &LayerShape, rows: usize, input: Strided, out_grad: Strided) -> GemmSpec {
        GemmSpec {
            variant: Gemm {
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
                a_offset: input.offset as u32,
                lda: input.stride as u32,
                a_cols: layer.inputs as u32,
                b_offset: out_grad.offset as u32,
                ldb: out_grad.stride as u32,
                c_offset: layer.offset as u32,
                ldc: layer.outputs as u32,
                ..GemmParams::default()
            },
        }
    }

    /// A tangent pushed forward through `layer` (the gradient penalty's
    /// second pass): out (rows × outputs) = (t · W) ⊙ act'(activations),
    /// `activations` the layer's stored outputs; the bias takes no part.
    pub fn tangent(
        layer: &LayerShape,
        rows: usize,
        tangent: Strided,
        out: Strided,
        activations: Strided,
    ) -> GemmSpec {
        GemmSpec {
            variant: Gemm {
                trans_a: false,
                trans_b: false,
                augment_a: false,
                epilogue: Epilogue::backward(layer.activation),
                tiling: GemmTiling::default(),
            },
            params: GemmParams {
                m: rows as u32,
                n: layer.outputs as u32,
                k: layer.inputs as u32,
                a_offset: tangent.offset as u32,
                lda: tangent.stride as u32,
                a_cols: layer.inputs as u32,
                b_offset: layer.offset as u32,
                ldb: layer.outputs as u32,
                c_offset: out.offset as u32,
                ldc: out.stride as u32,
                aux_offset: activations.offset as u32,
                ldaux: activations.stride as u32,
                slope: layer.activation.slope(),
                ..GemmParams::default()
            },
        }
    }

    /// `weight_grad` without the bias row: dW = inputᵀ · d_out into the
    /// layer's W block (its bias row is not written).
    pub fn weight_grad_without_bias(
        layer: &LayerShape,
        rows: usize,
        input: Strided,
        out_grad: Strided,
    ) -> GemmSpec {
        let spec = GemmSpec::weight_grad(layer, rows, input, out_grad);
        GemmSpec {
            variant: Gemm {
                augment_a: false,
                ..spec.variant
            },
            params: GemmParams {
                m: layer.inputs as u32,
                ..spec.params
            },
        }
    }

    /// The same GEMM run by `tiling`'s entry point.
    pub fn tiled(self, tiling: GemmTiling) -> GemmSpec {
        GemmSpec {
            variant: Gemm {
                tiling,
                ..self.variant
            },
            ..self
        }
    }

    /// Elements each operand (a, b, aux, c) reaches from the start of its
    /// buffer, so buffers can be sized.
    pub fn operand_lengths(&self) -> [usize; 4] {
        let p = &self.params;
        let (m, n, k) = (p.m as usize, p.n as usize, p.k as usize);
        let a_rows = if self.variant.trans_a { k } else { m };
        let b_rows = if self.variant.trans_b { n } else { k };
        [
            p.a_offset as usize + a_rows * p.lda as usize,
            p.b_offset as usize + b_rows * p.ldb as usize,
            p.aux_offset as usize + m * p.ldaux.max(1) as usize,
            p.c_offset as usize + m * p.ldc as usize,
        ]
    }

    /// Multiply-adds of this GEMM.
    pub fn macs(&self) -> u64 {
        u64::from(self.params.m) * u64::from(self.params.n) * u64::from(self.params.k)
    }
}
