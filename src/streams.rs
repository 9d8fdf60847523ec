//! Every random number in a run is a pure function of
//! (seed, stream, counter, index), hashed by `pcg4d` (shaders/hash.wgsl and
//! its twin `cpu::hash`). Streams keep the different draws independent; the
//! counter is the update number, read on the GPU from the counters buffer.

/// Latent noise for discriminator updates; counter = discriminator updates so far.
pub const DISC_LATENT: u32 = 1;
/// Indices of the real batch; counter = discriminator updates so far.
pub const REAL_BATCH: u32 = 2;
/// Latent noise for generator updates; counter = generator updates so far.
pub const GEN_LATENT: u32 = 3;
/// The fixed latent vectors that `samples()` draws from.
pub const PREVIEW_LATENT: u32 = 4;
/// Initial generator parameters.
pub const INIT_GEN: u32 = 5;
/// Initial discriminator parameters.
pub const INIT_DISC: u32 = 6;
/// Points of a 2-D dataset.
pub const DATASET: u32 = 7;
/// Initial parameters of the MNIST classifier.
pub const INIT_CLASSIFIER: u32 = 8;
/// The order of the classifier's training images; counter = epoch.
pub const CLASSIFIER_ORDER: u32 = 9;

/// Dropout masks of D's hidden layer `layer` in a discriminator update
/// (counter = discriminator updates so far).
pub fn disc_dropout_in_disc_update(layer: usize) -> u32 {
    16 + 2 * layer as u32
}

/// Dropout masks of D's hidden layer `layer` in a generator update
/// (counter = generator updates so far).
pub fn disc_dropout_in_gen_update(layer: usize) -> u32 {
    17 + 2 * layer as u32
}

/// Index into the GPU counters buffer (`Counters` in shaders/loss.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Counter {
    Iteration = 0,
    DiscUpdates = 1,
    GenUpdates = 2,
    /// Always zero: selects a fixed counter value.
    Zero = 3,
}
