//! WGSL sources, compiled into the binary. Kernels that draw random numbers
//! are prefixed with the hash library (WGSL has no includes).

pub const HASH: &str = include_str!("../shaders/hash.wgsl");
pub const GEMM: &str = include_str!("../shaders/gemm.wgsl");
pub const LOSS: &str = include_str!("../shaders/loss.wgsl");
pub const ADAM: &str = include_str!("../shaders/adam.wgsl");
pub const RENDER: &str = include_str!("../shaders/render.wgsl");
pub const RNG: &str = concat!(
    include_str!("../shaders/hash.wgsl"),
    include_str!("../shaders/rng.wgsl")
);
pub const GATHER: &str = concat!(
    include_str!("../shaders/hash.wgsl"),
    include_str!("../shaders/gather.wgsl")
);

/// Every compiled module by the name of its kernel file, for validation.
pub const MODULES: [(&str, &str); 6] = [
    ("gemm", GEMM),
    ("render", RENDER),
    ("loss", LOSS),
    ("adam", ADAM),
    ("rng", RNG),
    ("gather", GATHER),
];
