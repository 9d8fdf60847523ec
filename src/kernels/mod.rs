//! Every compute kernel, one file each, named as its shader and its CPU twin:
//! `shaders/NAME.wgsl`, `src/kernels/NAME.rs`, `src/cpu/NAME.rs`, and a
//! `check_NAME` in `checks::kernels`. A kernel's file holds all its Rust
//! facts: the uniform struct it reads at binding 0, the storage buffers it
//! binds after it (names and access as in the WGSL), its entry points and
//! workgroup sizes, its pipeline overrides and how many workgroups a call
//! needs. `tests/shaders.rs` reflects each shader with naga and fails when
//! the two sides disagree.
//!
//! Adding a kernel: write the three files, then list it in `all()`.

pub mod adam;
pub mod axpby;
pub mod dropout;
pub mod gather;
pub mod gemm;
pub mod loss;
pub mod moving_average;
pub mod normal;
pub mod render;
pub mod softmax_ce;

/// `@workgroup_size` of the 1-D kernels (normal, gather, adam, axpby, moving_average, loss,
/// softmax_ce, dropout). The shaders see it as `WORKGROUP_SIZE`, a line `source()` writes
/// before them.
pub const WORKGROUP_SIZE: u32 = 256;
/// Grid-stride kernels launch at most this many workgroups and loop over the
/// rest: far below WebGPU's 65,535 per dimension, and enough to fill a GPU.
pub const MAX_GRID_WORKGROUPS: u32 = 4096;

/// Workgroups for a grid-stride kernel over `items` items.
pub fn grid_workgroups(items: u32) -> u32 {
    items.div_ceil(WORKGROUP_SIZE).clamp(1, MAX_GRID_WORKGROUPS)
}

/// `source` with the `WORKGROUP_SIZE` constant defined before it.
pub fn with_workgroup_size(source: &str) -> String {
    format!("const WORKGROUP_SIZE: u32 = {WORKGROUP_SIZE}u;\n{source}")
}

/// How a kernel may use a storage buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// `var<storage, read>`
    Read,
    /// `var<storage, read_write>`
    ReadWrite,
}

/// One storage binding: its WGSL name and access. Binding i + 1 of the
/// kernel's group 0 (binding 0 is the uniform block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub name: &'static str,
    pub access: Access,
}

/// A uniform block as the WGSL declares it: `WGSL_NAME` is the struct's
/// name there, `FIELDS` the byte offset of every field but padding.
pub trait Uniform: bytemuck::Pod + Default + std::fmt::Debug {
    const WGSL_NAME: &'static str;
    const FIELDS: &'static [(&'static str, usize)];
}

/// The storage buffers of one kernel call, by name (see `bindings!`).
pub trait Bindings<'a> {
    const SLOTS: &'static [Slot];
    /// The buffers in binding order.
    fn buffers(&self) -> Vec<&'a wgpu::Buffer>;
}

/// A compute kernel. The value of `Self` is the pipeline variant (which
/// entry point, which overrides); unit structs for kernels with one.
pub trait Kernel {
    /// `shaders/NAME.wgsl`, `src/cpu/NAME.rs`, the pipeline's label.
    const NAME: &'static str;
    /// Every entry point with its `@workgroup_size`.
    const ENTRY_POINTS: &'static [(&'static str, [u32; 3])];
    /// Names of the `override` constants `constants()` may set.
    const OVERRIDES: &'static [&'static str] = &[];
    type Params: Uniform;
    type Buffers<'a>: Bindings<'a>;

    /// The WGSL as compiled (templates expanded, libraries prepended).
    fn source() -> String;

    fn entry_point(&self) -> &'static str {
        Self::ENTRY_POINTS[0].0
    }

    /// Values of the pipeline's overrides.
    fn constants(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Workgroups a call with `params` dispatches.
    fn workgroups(&self, params: &Self::Params) -> [u32; 3];
}

/// Declares a uniform struct laid out as in WGSL (`#[repr(C)]`, `Pod`) and
/// its `Uniform` facts. Fields whose name starts with `_` are padding.
macro_rules! uniform {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $( $(#[$field_attr:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
        pub struct $name {
            $( $(#[$field_attr])* pub $field: $ty ),*
        }

        impl $crate::kernels::Uniform for $name {
            const WGSL_NAME: &'static str = stringify!($name);
            const FIELDS: &'static [(&'static str, usize)] = &[
                $( (stringify!($field), std::mem::offset_of!($name, $field)) ),*
            ];
        }
    };
}

/// Declares the storage buffers of a kernel call, in binding order, each
/// with the access its WGSL declares.
macro_rules! bindings {
    (
        $(#[$attr:meta])*
        pub struct $name:ident { $( $(#[$field_attr:meta])* $field:ident : $access:ident ),* $(,)? }
    ) => {
        $(#[$attr])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            $( $(#[$field_attr])* pub $field: &'a wgpu::Buffer ),*
        }

        impl<'a> $crate::kernels::Bindings<'a> for $name<'a> {
            const SLOTS: &'static [$crate::kernels::Slot] = &[
                $( $crate::kernels::Slot {
                    name: stringify!($field),
                    access: $crate::kernels::Access::$access,
                } ),*
            ];

            fn buffers(&self) -> Vec<&'a wgpu::Buffer> {
                vec![ $( self.$field ),* ]
            }
        }
    };
}

pub(crate) use {bindings, uniform};

/// What the shader reflection test compares for one kernel.
#[derive(Clone, Debug)]
pub struct KernelFacts {
    pub name: &'static str,
    pub source: String,
    pub entry_points: &'static [(&'static str, [u32; 3])],
    pub overrides: &'static [&'static str],
    pub uniform: &'static str,
    pub uniform_size: usize,
    pub uniform_fields: &'static [(&'static str, usize)],
    pub storage: &'static [Slot],
}

impl KernelFacts {
    pub fn of<K: Kernel>() -> KernelFacts {
        KernelFacts {
            name: K::NAME,
            source: K::source(),
            entry_points: K::ENTRY_POINTS,
            overrides: K::OVERRIDES,
            uniform: <K::Params as Uniform>::WGSL_NAME,
            uniform_size: std::mem::size_of::<K::Params>(),
            uniform_fields: <K::Params as Uniform>::FIELDS,
            storage: <K::Buffers<'static> as Bindings<'static>>::SLOTS,
        }
    }
}

/// Every compute kernel.
pub fn all() -> Vec<KernelFacts> {
    vec![
        KernelFacts::of::<gemm::Gemm>(),
        KernelFacts::of::<loss::Loss>(),
        KernelFacts::of::<adam::Adam>(),
        KernelFacts::of::<normal::Normal>(),
        KernelFacts::of::<gather::Gather>(),
        KernelFacts::of::<softmax_ce::SoftmaxCe>(),
        KernelFacts::of::<dropout::Dropout>(),
        KernelFacts::of::<axpby::Axpby>(),
        KernelFacts::of::<moving_average::MovingAverage>(),
    ]
}
