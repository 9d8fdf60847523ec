//! Errors a person can act on: each names what failed and, where it helps,
//! what to do about it.

use crate::classifier::file::ClassifierFileError;
use crate::config::{ConfigError, ConfigParseError};
use crate::data::mnist::IdxError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    ConfigParse(#[from] ConfigParseError),
    #[error("MNIST images: {0}")]
    Mnist(#[from] IdxError),
    #[error("MNIST classifier: {0}")]
    Classifier(#[from] ClassifierFileError),
    #[error("the dataset is {dataset} but {problem}")]
    DatasetMismatch { dataset: &'static str, problem: String },
    #[error(
        "no GPU adapter was found ({0}); in a browser this needs WebGPU (Chrome/Edge 113+, \
         or Chromium with --enable-unsafe-webgpu), natively a Vulkan, Metal or DX12 driver \
         (on Debian, `apt-get install mesa-vulkan-drivers` gives a CPU one)"
    )]
    NoAdapter(String),
    #[error("the GPU adapter refused a device: {0}")]
    RequestDevice(String),
    #[error("{what} needs {needed} bytes in one GPU buffer but this device allows {limit}")]
    BufferTooLarge { what: String, needed: u64, limit: u64 },
    #[error(
        "the model is too large for this GPU: {what} would need {needed} bytes in one buffer, \
         over this device's {limit_name} of {limit}; lower {field}"
    )]
    ModelTooLarge {
        what: String,
        needed: u64,
        limit_name: &'static str,
        limit: u64,
        field: &'static str,
    },
    #[error(
        "the model is too large: it would need {needed} bytes of GPU memory, over the budget \
         of {budget} a page may take; the largest part is {largest}: lower {field}"
    )]
    OverBudget {
        needed: u64,
        budget: u64,
        largest: String,
        field: &'static str,
    },
    #[error("the GPU device was lost ({0}); create the trainer again")]
    DeviceLost(String),
    #[error("GPU error: {0}")]
    Gpu(String),
    #[error("reading results back from the GPU failed: {0}")]
    Readback(String),
    #[error(
        "train(n): n is {asked}; allowed: a whole number from 0 to {max} (every iteration's \
         stats are kept in a ring of that size; call train again for more)",
        max = crate::gpu::trainer::MAX_ITERATIONS_PER_CALL
    )]
    TooManyIterations { asked: String },
}
