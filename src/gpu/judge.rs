//! The judge of generated digits: the trained MNIST classifier, run on a
//! generator's fixed samples on the same device, and the test digits'
//! statistics its verdict is measured against.

use super::classifier::{GpuClassifier, PendingJudgement, Readout};
use super::context::GpuContext;
use super::trainer::GpuTrainer;
use crate::classifier::file::ClassifierFile;
use crate::classifier::quality::{DigitQuality, digit_quality};
use crate::data::DatasetKind;
use crate::error::Error;

pub struct DigitJudge {
    classifier: GpuClassifier,
    reference: ClassifierFile,
}

impl DigitJudge {
    /// A judge of `samples` digits at a time, from a classifier file's bytes.
    pub fn new(ctx: &GpuContext, file_bytes: &[u8], samples: usize) -> Result<DigitJudge, Error> {
        let reference = ClassifierFile::from_bytes(file_bytes)?;
        let classifier = GpuClassifier::new(ctx, &reference.params, samples)?;
        Ok(DigitJudge {
            classifier,
            reference,
        })
    }

    /// A judge for `trainer`'s samples: it must train on MNIST.
    pub fn for_trainer(trainer: &GpuTrainer, file_bytes: &[u8]) -> Result<DigitJudge, Error> {
        let config = trainer.config();
        if config.dataset != DatasetKind::Mnist {
            return Err(Error::DatasetMismatch {
                dataset: config.dataset.name(),
                problem: "the classifier judges MNIST digits".into(),
            });
        }
        DigitJudge::new(trainer.context(), file_bytes, config.sample_count as usize)
    }

    /// The file the judge was made from (its test statistics and accuracy).
    pub fn reference(&self) -> &ClassifierFile {
        &self.reference
    }

    /// Runs `trainer`'s generator on its fixed latents and the classifier
    /// on the result, and starts reading the verdict back.
    pub fn start(&self, trainer: &GpuTrainer) -> PendingJudgement {
        let ctx = trainer.context();
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        trainer.encode_preview(&mut encoder);
        self.classifier.start_judging(encoder, trainer.samples_buffer())
    }

    /// What the classifier's readout of the samples says about them.
    pub fn verdict(&self, readout: &Readout) -> DigitQuality {
        digit_quality(&readout.logits, &readout.features, &self.reference)
    }

    /// `start`, waited for, and its verdict.
    pub async fn judge(&self, trainer: &GpuTrainer) -> Result<DigitQuality, Error> {
        let readout = self.start(trainer).readout().await?;
        Ok(self.verdict(&readout))
    }
}
