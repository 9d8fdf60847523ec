//! Training the MNIST classifier on the engine and measuring it: shuffled
//! epochs over the 60,000 training images (Adam, a cosine learning-rate
//! decay), then, once training is over, accuracy and feature statistics on
//! the 10,000 test images with the half-precision weights the file ships.

use super::file::ClassifierFile;
use super::frechet::mean_and_covariance;
use super::quality::{inception_score, predicted_classes, probabilities};
use super::{FEATURES, layout};
use crate::cpu::hash::pcg4d;
use crate::data::mnist::{IMAGE_PIXELS, MnistImages};
use crate::error::Error;
use crate::gpu::classifier::{GpuClassifier, Readout};
use crate::gpu::context::GpuContext;
use crate::init::init_params;
use crate::streams;

/// Images with one label each, checked to be digits.
#[derive(Clone, Copy, Debug)]
pub struct LabelledImages<'a> {
    pub images: &'a MnistImages,
    pub labels: &'a [u8],
}

impl<'a> LabelledImages<'a> {
    pub fn new(images: &'a MnistImages, labels: &'a [u8]) -> Result<LabelledImages<'a>, String> {
        if labels.len() != images.count {
            return Err(format!("{} images but {} labels", images.count, labels.len()));
        }
        if let Some(index) = labels.iter().position(|&label| label > 9) {
            return Err(format!("label {index} is {}, not a digit", labels[index]));
        }
        Ok(LabelledImages { images, labels })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Pixels of image `index` in [-1, 1], as the GAN's data and samples.
    fn write_pixels(&self, index: usize, out: &mut [f32]) {
        for (value, &byte) in out.iter_mut().zip(self.images.image(index)) {
            *value = f32::from(byte) / 127.5 - 1.0;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainOptions {
    pub seed: u32,
    pub epochs: u32,
    pub batch: usize,
    /// The learning rate at the start; it decays to 0 along a half cosine.
    pub lr: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            seed: 1,
            epochs: 12,
            batch: 128,
            lr: 1e-3,
        }
    }
}

/// Progress after some steps: the mean loss and accuracy of the last batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepReport {
    pub epoch: u32,
    pub step: u32,
    pub loss: f64,
    pub accuracy: f64,
}

/// The order of the training images in `epoch`: a Fisher–Yates shuffle
/// driven by (seed, CLASSIFIER_ORDER, epoch, i).
pub fn epoch_order(count: usize, seed: u32, epoch: u32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    for i in (1..count).rev() {
        let bits = pcg4d([seed, streams::CLASSIFIER_ORDER, epoch, i as u32])[0];
        let j = ((u64::from(bits) * (i as u64 + 1)) >> 32) as usize;
        order.swap(i, j);
    }
    order
}

/// Trains a classifier from `options.seed`'s initial parameters; calls
/// `report` every `report_every` steps and at the end of each epoch.
/// Steps that would take a partial batch are skipped.
pub async fn train(
    ctx: &GpuContext,
    data: LabelledImages<'_>,
    options: &TrainOptions,
    steps_limit: Option<u32>,
    report_every: u32,
    mut report: impl FnMut(StepReport),
) -> Result<GpuClassifier, Error> {
    let init: Vec<f32> = init_params(&layout(), options.seed, streams::INIT_CLASSIFIER);
    let classifier = GpuClassifier::new(ctx, &init, options.batch)?;
    let per_epoch = (data.len() / options.batch) as u32;
    let total = steps_limit.unwrap_or(u32::MAX).min(per_epoch * options.epochs);
    let mut pixels = vec![0.0f32; options.batch * IMAGE_PIXELS];
    let mut labels = vec![0u32; options.batch];
    let mut step = 0;
    'epochs: for epoch in 0..options.epochs {
        let order = epoch_order(data.len(), options.seed, epoch);
        for batch in order.chunks_exact(options.batch) {
            if step == total {
                break 'epochs;
            }
            for (row, &index) in batch.iter().enumerate() {
                data.write_pixels(index, &mut pixels[row * IMAGE_PIXELS..(row + 1) * IMAGE_PIXELS]);
                labels[row] = u32::from(data.labels[index]);
            }
            let progress = f64::from(step) / f64::from(total);
            let lr = options.lr * (0.5 * (1.0 + (std::f64::consts::PI * progress).cos())) as f32;
            step += 1;
            classifier.train_step(&pixels, &labels, lr, step);
            let epoch_end = step % per_epoch == 0;
            if step % report_every == 0 || epoch_end || step == total {
                // Reading also waits, so the uploads never pile up.
                let stats = classifier.last_step_stats().await?;
                let n = stats.len() as f64;
                report(StepReport {
                    epoch,
                    step,
                    loss: stats.iter().map(|s| f64::from(s[0])).sum::<f64>() / n,
                    accuracy: stats.iter().map(|s| f64::from(s[1])).sum::<f64>() / n,
                });
            }
        }
    }
    Ok(classifier)
}

/// Logits and features of every image, `classifier.rows()` at a time (the
/// last chunk padded with blank images, whose rows are dropped).
pub async fn run_all(classifier: &GpuClassifier, data: LabelledImages<'_>) -> Result<Readout, Error> {
    let rows = classifier.rows();
    let mut all = Readout {
        logits: Vec::with_capacity(data.len() * super::CLASSES),
        features: Vec::with_capacity(data.len() * FEATURES),
    };
    let mut pixels = vec![0.0f32; rows * IMAGE_PIXELS];
    for first in (0..data.len()).step_by(rows) {
        let count = rows.min(data.len() - first);
        pixels.fill(-1.0);
        for row in 0..count {
            data.write_pixels(
                first + row,
                &mut pixels[row * IMAGE_PIXELS..(row + 1) * IMAGE_PIXELS],
            );
        }
        let readout = classifier.run(&pixels).await?;
        all.logits
            .extend_from_slice(&readout.logits[..count * super::CLASSES]);
        all.features
            .extend_from_slice(&readout.features[..count * FEATURES]);
    }
    Ok(all)
}

/// Share of `data` whose predicted class is the label.
pub fn accuracy(logits: &[f32], labels: &[u8]) -> f64 {
    let predicted = predicted_classes(&probabilities(logits));
    let correct = predicted
        .iter()
        .zip(labels)
        .filter(|(p, l)| **p == usize::from(**l))
        .count();
    correct as f64 / labels.len().max(1) as f64
}

/// The file for `params`: measured on `test` with the parameters rounded to
/// half precision, as the file will hold them.
pub async fn measure(
    ctx: &GpuContext,
    params: &[f32],
    test: LabelledImages<'_>,
    seed: u32,
    epochs: u32,
) -> Result<ClassifierFile, Error> {
    let rounded: Vec<f32> = params.iter().map(|&v| half::f16::from_f32(v).to_f32()).collect();
    let judge = GpuClassifier::new(ctx, &rounded, 1000)?;
    let readout = run_all(&judge, test).await?;
    let (feature_mean, feature_covariance) = mean_and_covariance(&readout.features, FEATURES);
    Ok(ClassifierFile {
        seed,
        epochs,
        test_images: test.len() as u32,
        test_accuracy: accuracy(&readout.logits, test.labels) as f32,
        test_inception_score: inception_score(&probabilities(&readout.logits)) as f32,
        params: rounded,
        feature_mean,
        feature_covariance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_orders_are_permutations_that_differ() {
        let a = epoch_order(1000, 1, 0);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_ne!(a, epoch_order(1000, 1, 1));
        assert_eq!(a, epoch_order(1000, 1, 0));
    }
}
