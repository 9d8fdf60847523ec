//! The MNIST classifier that judges generated digits: an MLP trained by the
//! engine's own kernels (`livegan-cli classifier`), whose weights ship in
//! `www/models/mnist-classifier.bin`. Its class probabilities give the
//! Inception Score, the class histogram and the confident share; its last
//! hidden layer is the feature space of the Fréchet distance.

pub mod file;
pub mod frechet;
pub mod quality;
pub mod train;

use crate::layout::{Activation, NetworkLayout};

/// 784 pixels → 512 → 128 (the features) → 10 classes, ReLU between.
pub const WIDTHS: [usize; 4] = [784, 512, 128, 10];
pub const CLASSES: usize = 10;
/// Width of the feature layer (the last hidden one).
pub const FEATURES: usize = WIDTHS[WIDTHS.len() - 2];

pub fn layout() -> NetworkLayout {
    NetworkLayout::mlp(
        &WIDTHS,
        Activation::LeakyRelu { slope: 0.0 },
        Activation::Identity,
    )
}
