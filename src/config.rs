//! Training configuration: what the JS page passes to `Trainer.create` and
//! what the CLI builds from its flags. Every field has a default (the
//! reference MLP GAN on MNIST) and a validated range; a bad field is an error
//! that names the field and what is allowed.

use serde::{Deserialize, Serialize};

use crate::layout::{Activation, NetworkLayout};

/// Which data the discriminator sees as real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// 28×28 handwritten digits, pixels scaled to [-1, 1].
    Mnist,
    /// 8 Gaussians on a circle of radius 1, σ 0.01 (PacGAN's ring).
    Ring8,
    /// 25 Gaussians at {-4, -2, 0, 2, 4}², σ 0.05 (PacGAN's grid).
    Grid25,
    /// A two-armed spiral: a continuous 1-D manifold in the plane.
    Spiral,
    /// Points spread uniformly along a circle of radius 1.
    Circle,
}

impl DatasetKind {
    pub const ALL: [DatasetKind; 5] = [
        DatasetKind::Mnist,
        DatasetKind::Ring8,
        DatasetKind::Grid25,
        DatasetKind::Spiral,
        DatasetKind::Circle,
    ];

    /// X in the shape legend: the width of one sample.
    pub fn sample_width(self) -> usize {
        match self {
            DatasetKind::Mnist => crate::data::mnist::IMAGE_PIXELS,
            _ => 2,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "mnist",
            DatasetKind::Ring8 => "ring8",
            DatasetKind::Grid25 => "grid25",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Circle => "circle",
        }
    }

    pub fn from_name(name: &str) -> Option<DatasetKind> {
        DatasetKind::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Activation of every hidden layer (both networks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiddenActivation {
    Relu,
    LeakyRelu,
}

/// Everything that defines a training run. Field names are camelCase in JS.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    pub dataset: DatasetKind,
    /// Z: latent size.
    pub latent_size: u32,
    /// Hidden widths of the generator, input side first.
    pub gen_hidden: Vec<u32>,
    /// Hidden widths of the discriminator, input side first.
    pub disc_hidden: Vec<u32>,
    pub activation: HiddenActivation,
    /// Negative-side slope of LeakyReLU (ignored for ReLU).
    #[serde(serialize_with = "shortest_f32")]
    pub leaky_slope: f32,
    /// B: samples per batch (real and fake alike).
    pub batch_size: u32,
    #[serde(serialize_with = "shortest_f32")]
    pub gen_lr: f32,
    #[serde(serialize_with = "shortest_f32")]
    pub disc_lr: f32,
    #[serde(serialize_with = "shortest_f32")]
    pub beta1: f32,
    #[serde(serialize_with = "shortest_f32")]
    pub beta2: f32,
    #[serde(serialize_with = "shortest_f32")]
    pub eps: f32,
    /// Discriminator updates per generator update.
    pub disc_steps: u32,
    /// One-sided label smoothing: real targets become 1 - labelSmoothing.
    #[serde(serialize_with = "shortest_f32")]
    pub label_smoothing: f32,
    pub seed: u32,
    /// How many fixed latent vectors `samples()` draws from.
    pub sample_count: u32,
}

impl Default for Config {
    /// The reference MLP GAN on MNIST.
    fn default() -> Self {
        Config {
            dataset: DatasetKind::Mnist,
            latent_size: 100,
            gen_hidden: vec![256, 512, 1024],
            disc_hidden: vec![1024, 512, 256],
            activation: HiddenActivation::LeakyRelu,
            leaky_slope: 0.2,
            batch_size: 64,
            gen_lr: 2e-4,
            disc_lr: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
            disc_steps: 1,
            label_smoothing: 0.0,
            seed: 0,
            sample_count: 64,
        }
    }
}

/// A field outside its allowed range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("config field `{field}` is {value}; allowed: {allowed}")]
pub struct ConfigError {
    pub field: &'static str,
    pub value: String,
    pub allowed: String,
}

/// A config that could not be read (wrong type, unknown field, or out of range).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigParseError(pub String);

pub const MAX_LATENT: u32 = 1024;
pub const MAX_WIDTH: u32 = 4096;
pub const MAX_HIDDEN_LAYERS: usize = 8;
pub const MAX_BATCH: u32 = 4096;
pub const MAX_DISC_STEPS: u32 = 16;
pub const MAX_SAMPLES: u32 = 16384;

impl Config {
    /// A configuration suited to `dataset`: the reference GAN for MNIST; for
    /// the 2-D data a small MLP GAN whose samples settle onto the ring of 8
    /// steadily (tests/learning.rs). At lr 2e-4 it reaches the modes sooner
    /// but then hops around them; at 1e-3, or with 128-wide layers, it
    /// oscillates more.
    pub fn preset(dataset: DatasetKind) -> Config {
        match dataset {
            DatasetKind::Mnist => Config::default(),
            _ => Config {
                dataset,
                latent_size: 16,
                gen_hidden: vec![64, 64, 64],
                disc_hidden: vec![64, 64, 64],
                batch_size: 256,
                gen_lr: 1e-4,
                disc_lr: 1e-4,
                sample_count: 2500,
                ..Config::default()
            },
        }
    }

    /// Checks every field; the first bad one is reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_int("latentSize", self.latent_size, 1, MAX_LATENT)?;
        check_widths("genHidden", &self.gen_hidden)?;
        check_widths("discHidden", &self.disc_hidden)?;
        check_float("leakySlope", self.leaky_slope, 0.0, 1.0, "0 <= leakySlope < 1")?;
        check_int("batchSize", self.batch_size, 1, MAX_BATCH)?;
        check_lr("genLr", self.gen_lr)?;
        check_lr("discLr", self.disc_lr)?;
        check_float("beta1", self.beta1, 0.0, 1.0, "0 <= beta1 < 1")?;
        check_float("beta2", self.beta2, 0.0, 1.0, "0 <= beta2 < 1")?;
        if !(self.eps > 0.0 && self.eps <= 1.0) {
            return Err(out_of_range("eps", self.eps, "0 < eps <= 1"));
        }
        check_int("discSteps", self.disc_steps, 1, MAX_DISC_STEPS)?;
        check_float(
            "labelSmoothing",
            self.label_smoothing,
            0.0,
            0.5,
            "0 <= labelSmoothing < 0.5",
        )?;
        check_int("sampleCount", self.sample_count, 1, MAX_SAMPLES)?;
        Ok(())
    }

    /// X: width of one sample.
    pub fn sample_width(&self) -> usize {
        self.dataset.sample_width()
    }

    pub fn hidden_activation(&self) -> Activation {
        match self.activation {
            HiddenActivation::Relu => Activation::LeakyRelu { slope: 0.0 },
            HiddenActivation::LeakyRelu => Activation::LeakyRelu {
                slope: self.leaky_slope,
            },
        }
    }

    /// G: Z → hidden… → X, tanh output.
    pub fn gen_layout(&self) -> NetworkLayout {
        let mut widths = vec![self.latent_size as usize];
        widths.extend(self.gen_hidden.iter().map(|&w| w as usize));
        widths.push(self.sample_width());
        NetworkLayout::mlp(&widths, self.hidden_activation(), Activation::Tanh)
    }

    /// D: X → hidden… → 1 logit (the sigmoid lives in the loss).
    pub fn disc_layout(&self) -> NetworkLayout {
        let mut widths = vec![self.sample_width()];
        widths.extend(self.disc_hidden.iter().map(|&w| w as usize));
        widths.push(1);
        NetworkLayout::mlp(&widths, self.hidden_activation(), Activation::Identity)
    }

    /// Reads a config from JSON-like data the way a page or a tutorial writes
    /// it: any subset of the fields, starting from the preset of the dataset
    /// it names (MNIST's if it names none). Type errors name the field.
    pub fn from_partial(value: serde_json::Value) -> Result<Config, ConfigParseError> {
        let serde_json::Value::Object(fields) = value else {
            return Err(ConfigParseError(format!(
                "config must be an object of fields, got {value}"
            )));
        };
        let dataset = match fields.get("dataset") {
            None => DatasetKind::Mnist,
            Some(name) => name.as_str().and_then(DatasetKind::from_name).ok_or_else(|| {
                let names: Vec<_> = DatasetKind::ALL.iter().map(|d| d.name()).collect();
                ConfigParseError(format!(
                    "config field `dataset` is {name}; allowed: one of {}",
                    names.join(", ")
                ))
            })?,
        };
        let serde_json::Value::Object(mut merged) =
            serde_json::to_value(Config::preset(dataset)).map_err(|e| ConfigParseError(e.to_string()))?
        else {
            unreachable!("Config serialises to an object");
        };
        merged.extend(fields);
        let config: Config =
            serde_path_to_error::deserialize(serde_json::Value::Object(merged)).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if path == "." {
                    ConfigParseError(format!("config: {inner}"))
                } else {
                    ConfigParseError(format!("config field `{path}`: {inner}"))
                }
            })?;
        config.validate().map_err(|e| ConfigParseError(e.to_string()))?;
        Ok(config)
    }

    /// Target for real samples in the discriminator's loss.
    pub fn real_target(&self) -> f32 {
        1.0 - self.label_smoothing
    }
}

/// Writes an f32 as the shortest decimal that reads back as the same f32
/// (2e-4, not 0.00019999999494757503), so configs in JSON, links and JS
/// read as they were written.
fn shortest_f32<S: serde::Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    let shortest: f64 = value.to_string().parse().unwrap_or(f64::from(*value));
    serializer.serialize_f64(shortest)
}

fn out_of_range(field: &'static str, value: impl std::fmt::Display, allowed: &str) -> ConfigError {
    ConfigError {
        field,
        value: value.to_string(),
        allowed: allowed.to_string(),
    }
}

fn check_int(field: &'static str, value: u32, lo: u32, hi: u32) -> Result<(), ConfigError> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(field, value, &format!("{lo} to {hi}")))
    }
}

/// `lo <= value < hi`, written so that NaN fails.
fn check_float(field: &'static str, value: f32, lo: f32, hi: f32, allowed: &str) -> Result<(), ConfigError> {
    if value >= lo && value < hi {
        Ok(())
    } else {
        Err(out_of_range(field, value, allowed))
    }
}

fn check_lr(field: &'static str, value: f32) -> Result<(), ConfigError> {
    if value > 0.0 && value <= 1.0 {
        Ok(())
    } else {
        Err(out_of_range(field, value, &format!("0 < {field} <= 1")))
    }
}

fn check_widths(field: &'static str, widths: &[u32]) -> Result<(), ConfigError> {
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(out_of_range(
            field,
            format!("{} layers", widths.len()),
            &format!("at most {MAX_HIDDEN_LAYERS} hidden layers"),
        ));
    }
    match widths.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
        Some(bad) => Err(out_of_range(
            field,
            format!("{widths:?} (width {bad})"),
            &format!("each width 1 to {MAX_WIDTH}"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_reference_gan_and_valid() {
        let config = Config::default();
        config.validate().unwrap();
        let gen_widths: Vec<_> = config
            .gen_layout()
            .layers
            .iter()
            .map(|l| (l.inputs, l.outputs))
            .collect();
        assert_eq!(gen_widths, [(100, 256), (256, 512), (512, 1024), (1024, 784)]);
        let disc_widths: Vec<_> = config
            .disc_layout()
            .layers
            .iter()
            .map(|l| (l.inputs, l.outputs))
            .collect();
        assert_eq!(disc_widths, [(784, 1024), (1024, 512), (512, 256), (256, 1)]);
    }

    #[test]
    fn every_preset_is_valid() {
        for dataset in DatasetKind::ALL {
            Config::preset(dataset).validate().unwrap();
        }
    }

    #[test]
    fn bad_fields_are_named_with_their_range() {
        let cases: Vec<(Config, &str)> = vec![
            (
                Config {
                    batch_size: 0,
                    ..Config::default()
                },
                "batchSize",
            ),
            (
                Config {
                    gen_lr: f32::NAN,
                    ..Config::default()
                },
                "genLr",
            ),
            (
                Config {
                    disc_lr: -1.0,
                    ..Config::default()
                },
                "discLr",
            ),
            (
                Config {
                    beta2: 1.0,
                    ..Config::default()
                },
                "beta2",
            ),
            (
                Config {
                    gen_hidden: vec![256, 0],
                    ..Config::default()
                },
                "genHidden",
            ),
            (
                Config {
                    disc_hidden: vec![8; 9],
                    ..Config::default()
                },
                "discHidden",
            ),
            (
                Config {
                    label_smoothing: 0.5,
                    ..Config::default()
                },
                "labelSmoothing",
            ),
            (
                Config {
                    disc_steps: 17,
                    ..Config::default()
                },
                "discSteps",
            ),
            (
                Config {
                    eps: 0.0,
                    ..Config::default()
                },
                "eps",
            ),
        ];
        for (config, field) in cases {
            let err = config.validate().unwrap_err();
            assert_eq!(err.field, field);
            let message = err.to_string();
            assert!(
                message.contains(field) && message.contains("allowed"),
                "{message}"
            );
        }
    }

    #[test]
    fn json_round_trip_uses_camel_case_and_rejects_unknown_fields() {
        let json = serde_json::to_string(&Config::default()).unwrap();
        assert!(json.contains("\"batchSize\":64"), "{json}");
        let back: Config = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Config::default());
        let err = serde_json::from_str::<Config>(r#"{"batchsize": 3}"#).unwrap_err();
        assert!(err.to_string().contains("batchsize"), "{err}");
        let partial: Config = serde_json::from_str(r#"{"dataset": "ring8", "seed": 7}"#).unwrap();
        assert_eq!(partial.dataset, DatasetKind::Ring8);
        assert_eq!(partial.seed, 7);
        assert_eq!(partial.batch_size, 64);
    }

    #[test]
    fn floats_serialise_as_written() {
        let json = serde_json::to_value(Config::default()).unwrap();
        assert_eq!(json["genLr"], serde_json::json!(0.0002));
        assert_eq!(json["eps"], serde_json::json!(1e-8));
        assert_eq!(json["leakySlope"], serde_json::json!(0.2));
    }

    #[test]
    fn partial_configs_start_from_the_dataset_preset() {
        let config = Config::from_partial(serde_json::json!({"dataset": "grid25", "seed": 3})).unwrap();
        assert_eq!(
            config.latent_size,
            Config::preset(DatasetKind::Grid25).latent_size
        );
        assert_eq!(config.seed, 3);
        let config = Config::from_partial(serde_json::json!({})).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn partial_config_errors_name_the_field() {
        let message = |v| Config::from_partial(v).unwrap_err().to_string();
        let m = message(serde_json::json!({"batchSize": "big"}));
        assert!(m.contains("`batchSize`") && m.contains("invalid type"), "{m}");
        let m = message(serde_json::json!({"batchSize": 0}));
        assert!(m.contains("`batchSize`") && m.contains("1 to 4096"), "{m}");
        let m = message(serde_json::json!({"dataset": "cifar"}));
        assert!(m.contains("`dataset`") && m.contains("ring8"), "{m}");
        let m = message(serde_json::json!({"learningRate": 1}));
        assert!(m.contains("learningRate"), "{m}");
        let m = message(serde_json::json!([1, 2]));
        assert!(m.contains("object"), "{m}");
    }
}
