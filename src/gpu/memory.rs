//! What a trainer will allocate on the GPU, computed from its config before
//! anything is allocated (in the wasm heap, whose memory never shrinks, or
//! on the device), so a model too large for this device is refused with
//! the limit it breaks and the config field to lower.

use super::field::FIELD_GRID;
use super::stats::STATS_CAPACITY;
use crate::config::Config;
use crate::data::datasets::Source;
use crate::error::Error;

/// The most GPU memory one trainer may plan for. A page shares its GPU with
/// the browser and the desktop; this is ten times the default MNIST model
/// (about 100 MB with its data), and leaves room for several demos.
pub const MEMORY_BUDGET: u64 = 1 << 30;

/// One kind of buffer in a trainer: `copies` buffers of `bytes` each.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedBuffer {
    pub what: String,
    pub bytes: u64,
    pub copies: u64,
    /// The config field(s) to lower to shrink it.
    pub field: &'static str,
}

/// Every buffer a trainer for `config` allocates, with `dataset_bytes` of
/// data, mirroring `GpuTrainer::with_tiling` and `Network::new`.
pub fn plan(config: &Config, dataset_bytes: u64) -> Vec<PlannedBuffer> {
    let f32s = |count: usize| 4 * count as u64;
    let buffer = |what: String, count: usize, copies: u64, field| PlannedBuffer {
        what,
        bytes: f32s(count),
        copies,
        field,
    };
    let batch = config.batch_size as usize;
    // Samples per update on each side (packs of `pack`).
    let rows = config.sample_rows();
    let samples = config.sample_count as usize;
    let latent = config.latent_size as usize;
    let width = config.sample_width();
    let disc_rows = match config.dataset.info().source {
        // The D field evaluates a grid of points with the same buffers.
        Source::Points(_) => (2 * batch).max(FIELD_GRID * FIELD_GRID),
        Source::MnistImages => 2 * batch,
    };
    let networks = [
        ("generator", config.gen_layout(), rows.max(samples), "genHidden"),
        ("discriminator", config.disc_layout(), disc_rows, "discHidden"),
    ];
    let mut list = Vec::new();
    for (name, layout, rows, field) in networks {
        // Parameters, gradients and both Adam moments (and the generator's
        // moving average when the config keeps one).
        let average = u64::from(name == "generator" && config.gen_ema > 0.0);
        list.push(buffer(
            format!("the {name}'s parameters"),
            layout.param_count,
            4 + average,
            field,
        ));
        for layer in &layout.layers[..layout.layers.len() - 1] {
            list.push(buffer(
                format!("a {name} layer's activations ({rows} rows of {})", layer.outputs),
                rows * layer.outputs,
                2,
                "batchSize, sampleCount or the hidden widths",
            ));
        }
    }
    list.extend([
        buffer(
            "the latent batch".into(),
            rows * latent,
            1,
            "batchSize, pack or latentSize",
        ),
        buffer(
            "the preview latents".into(),
            samples * latent,
            1,
            "sampleCount or latentSize",
        ),
        buffer(
            "the discriminator's input".into(),
            2 * rows * width,
            1,
            "batchSize or pack",
        ),
        buffer("the logits and their gradients".into(), 2 * batch, 2, "batchSize"),
        buffer(
            "the generator's output gradient".into(),
            rows * width,
            1,
            "batchSize or pack",
        ),
        buffer("the samples".into(), samples * width, 1, "sampleCount"),
        buffer(
            "the stats ring".into(),
            STATS_CAPACITY as usize * 4,
            1,
            "nothing: it is fixed",
        ),
    ]);
    if config.r1_gamma > 0.0 {
        // The R1 penalty's passes over the B real rows, and its gradient.
        let disc = config.disc_layout();
        let tangents: usize = disc.layers[..disc.layers.len() - 1]
            .iter()
            .map(|l| l.outputs)
            .sum();
        list.push(buffer(
            "the R1 penalty's passes and gradient".into(),
            batch * (1 + disc.input_width() + tangents) + disc.param_count,
            1,
            "batchSize or discHidden",
        ));
    }
    list.push(PlannedBuffer {
        what: "the dataset".into(),
        bytes: dataset_bytes,
        copies: 1,
        field: "the dataset",
    });
    list
}

/// Refuses `plan` if one buffer exceeds a limit of `limits` or all of them
/// exceed `MEMORY_BUDGET`; returns the planned total in bytes.
pub fn check(plan: &[PlannedBuffer], limits: &wgpu::Limits) -> Result<u64, Error> {
    for buffer in plan {
        for (limit_name, limit) in [
            (
                "maxStorageBufferBindingSize",
                limits.max_storage_buffer_binding_size,
            ),
            ("maxBufferSize", limits.max_buffer_size),
        ] {
            if buffer.bytes > limit {
                return Err(Error::ModelTooLarge {
                    what: buffer.what.clone(),
                    needed: buffer.bytes,
                    limit_name,
                    limit,
                    field: buffer.field,
                });
            }
        }
    }
    let total: u64 = plan.iter().map(|b| b.bytes * b.copies).sum();
    if total > MEMORY_BUDGET {
        let largest = plan.iter().max_by_key(|b| b.bytes * b.copies);
        return Err(Error::OverBudget {
            needed: total,
            budget: MEMORY_BUDGET,
            largest: largest.map_or_else(String::new, |b| b.what.clone()),
            field: largest.map_or("", |b| b.field),
        });
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use crate::data::DatasetKind;

    #[test]
    fn the_default_model_fits_with_room_to_spare() {
        let config = Config::default();
        let total = check(&plan(&config, 47_040_000), &wgpu::Limits::default()).unwrap();
        // 2.95 M parameters × 4 buffers × 4 bytes, 47 MB of MNIST, the rest small.
        assert!((90_000_000..120_000_000).contains(&total), "{total}");
    }

    #[test]
    fn a_model_too_large_is_refused_naming_the_limit_and_the_field() {
        let config = Config {
            gen_hidden: vec![4096; 8],
            ..Config::preset(DatasetKind::Ring8, Preset::Reference)
        };
        config.validate().unwrap();
        let message = check(&plan(&config, 1 << 20), &wgpu::Limits::default())
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("the generator's parameters")
                && message.contains("maxStorageBufferBindingSize")
                && message.contains("genHidden"),
            "{message}"
        );
        let unlimited = wgpu::Limits {
            max_storage_buffer_binding_size: u64::MAX,
            max_buffer_size: u64::MAX,
            ..wgpu::Limits::default()
        };
        let message = check(&plan(&config, 1 << 20), &unlimited)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("budget") && message.contains("genHidden"),
            "{message}"
        );
    }

    #[test]
    fn big_batches_name_the_batch_size() {
        let config = Config {
            batch_size: 4096,
            sample_count: 16384,
            latent_size: 1024,
            gen_hidden: vec![4096],
            ..Config::default()
        };
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: 32 << 20,
            ..wgpu::Limits::default()
        };
        let message = check(&plan(&config, 1 << 20), &limits).unwrap_err().to_string();
        assert!(
            message.contains("rows") && message.contains("batchSize"),
            "{message}"
        );
    }
}
