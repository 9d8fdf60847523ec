//! CPU twins of the WGSL kernels, one file per shader with the same name,
//! generic over the float type (f32 mirrors the GPU; f64 judges it).

pub mod activation;
pub mod adam;
pub mod axpby;
pub mod dropout;
pub mod gather;
pub mod gemm;
pub mod hash;
pub mod loss;
pub mod moving_average;
pub mod normal;
pub mod real;
pub mod render;
pub mod softmax_ce;
