//! Training configuration: what the JS page passes to `Trainer.create` and
//! what the CLI builds from its flags. Every field has a default (the
//! reference MLP GAN on MNIST) and a validated range; a bad field is an error
//! that names the field and what is allowed.

use serde::{Deserialize, Serialize};

use crate::data::DatasetKind;
use crate::data::datasets::Source;
use crate::layout::{Activation, NetworkLayout};

/// Activation of every hidden layer (both networks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiddenActivation {
    Relu,
    LeakyRelu,
}

/// The adversarial loss. D's raw output is a logit l; targets are 1 for
/// real (less label smoothing) and 0 for generated samples, and the
/// generator's loss asks for 1 on its samples (non-saturating).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GanLoss {
    /// Binary cross-entropy of σ(l): the reference GAN (Goodfellow et al.).
    #[default]
    Bce,
    /// ½(l − t)² (LSGAN, Mao et al. 2017).
    LeastSquares,
    /// D: max(0, 1 − l) on real, max(0, 1 + l) on generated; G: −l
    /// (Lim & Ye 2017; Miyato et al. 2018). Label smoothing does not apply.
    Hinge,
}

impl GanLoss {
    pub const NAMES: [&'static str; 3] = ["bce", "least_squares", "hinge"];

    pub fn name(self) -> &'static str {
        match self {
            GanLoss::Bce => Self::NAMES[0],
            GanLoss::LeastSquares => Self::NAMES[1],
            GanLoss::Hinge => Self::NAMES[2],
        }
    }
}

/// Which recipe fills the fields a config does not give.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// The recipe tuned for the dataset's quality (QUALITY.md): what a
    /// config that names no preset starts from.
    #[default]
    Tuned,
    /// The seed recipe, unchanged: the reference MLP GAN on MNIST and the
    /// small MLP GAN on the 2-D data, with no stabiliser. Benchmarks
    /// measure it.
    Reference,
}

impl Preset {
    pub const NAMES: [&'static str; 2] = ["tuned", "reference"];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Tuned => Self::NAMES[0],
            Preset::Reference => Self::NAMES[1],
        }
    }

    pub fn from_name(name: &str) -> Option<Preset> {
        [Preset::Tuned, Preset::Reference]
            .into_iter()
            .find(|preset| preset.name() == name)
    }
}

/// Everything that defines a training run. Field names are camelCase in JS.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    pub dataset: DatasetKind,
    /// The recipe the other fields started from; it changes nothing by
    /// itself (a checkpoint from before presets reads as the reference).
    pub preset: Preset,
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
    /// Iteration after which both learning rates decay (see `lr_half_life`).
    pub lr_decay_start: u32,
    /// Iterations over which the learning rates halve, from
    /// `lr_decay_start` on; 0: they stay constant.
    pub lr_half_life: u32,
    /// Discriminator updates per generator update.
    pub disc_steps: u32,
    pub loss: GanLoss,
    /// Decay of a moving average of G's parameters that samples are drawn
    /// from; 0: none (samples come from G itself).
    #[serde(serialize_with = "shortest_f32")]
    pub gen_ema: f32,
    /// Dropout rate on every hidden layer of D while it trains (0: none).
    #[serde(serialize_with = "shortest_f32")]
    pub disc_dropout: f32,
    /// PacGAN packing (Lin et al. 2018): D judges this many samples at
    /// once, concatenated into one input; each update then draws
    /// batchSize × pack real and generated samples.
    pub pack: u32,
    /// Weight γ of the R1 gradient penalty (Mescheder et al. 2018):
    /// γ/2 · E|∇ₓD(x)|² over the real batch joins D's loss; 0: none.
    #[serde(serialize_with = "shortest_f32")]
    pub r1_gamma: f32,
    /// One-sided label smoothing: real targets become 1 - labelSmoothing.
    #[serde(serialize_with = "shortest_f32")]
    pub label_smoothing: f32,
    /// 2-D data: data coordinates per unit of G's tanh output (points are
    /// divided by it for training, samples multiplied by it on the way
    /// out); 0: the dataset's own (`DatasetInfo::coordinate_scale`).
    /// Ignored for MNIST, whose pixels are already in [-1, 1].
    #[serde(serialize_with = "shortest_f32")]
    pub coordinate_scale: f32,
    pub seed: u32,
    /// How many fixed latent vectors `samples()` draws from.
    pub sample_count: u32,
}

impl Default for Config {
    /// The reference MLP GAN on MNIST.
    fn default() -> Self {
        Config {
            dataset: DatasetKind::Mnist,
            preset: Preset::Reference,
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
            lr_decay_start: 0,
            lr_half_life: 0,
            disc_steps: 1,
            loss: GanLoss::Bce,
            gen_ema: 0.0,
            disc_dropout: 0.0,
            pack: 1,
            r1_gamma: 0.0,
            label_smoothing: 0.0,
            coordinate_scale: 0.0,
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
/// PacGAN packs 2 to 4 samples; more only widens D's first layer.
pub const MAX_PACK: u32 = 8;
/// Past this a 2-D dataset's points would all sit within a few thousandths
/// of G's output origin.
pub const MAX_COORDINATE_SCALE: f32 = 1000.0;
/// The learning-rate schedule's iterations: times MAX_DISC_STEPS updates
/// they stay below 2^24, where Adam's f32 update count stops being exact.
pub const MAX_SCHEDULE_ITERATIONS: u32 = 1_000_000;

impl Config {
    /// The recipe `preset` gives `dataset`: what the CLI and the page train
    /// when nothing else is given.
    pub fn preset(dataset: DatasetKind, preset: Preset) -> Config {
        let reference = Config::reference(dataset);
        match preset {
            Preset::Reference => reference,
            Preset::Tuned => Config {
                preset,
                ..Config::tuned(reference)
            },
        }
    }

    /// The seed recipe: the reference GAN for MNIST; for the 2-D data a
    /// small MLP GAN whose samples settle onto the ring of 8 steadily
    /// (tests/learning.rs). At lr 2e-4 it reaches the modes sooner but then
    /// hops around them; at 1e-3, or with 128-wide layers, it oscillates
    /// more.
    fn reference(dataset: DatasetKind) -> Config {
        match dataset.info().source {
            Source::MnistImages => Config::default(),
            Source::Points(_) => Config {
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

    /// The stabilisers and learning rates that QUALITY.md measured to help
    /// `reference`'s dataset (seed 1, the figures below), added to it; a
    /// dataset without measurements keeps the reference recipe.
    fn tuned(reference: Config) -> Config {
        match reference.dataset {
            // R1 evens out the modes (reverse KL 0.28 → 0.01 at 5,000
            // iterations), the average sharpens them (high quality 71.6 % →
            // 78.9 % at 20,000), and under both larger learning rates get
            // there faster (89.0 % at 20,000 with 1e-3). What the leaky
            // slope left were bridges between neighbouring modes: ReLU lets
            // G map whole regions of Z onto one point, and with it and G's
            // rate doubled to 2e-3 the ring reaches 95.9–97.8 % on seeds
            // 1–3 (QUALITY.md). Wider or deeper G, batch 512, two D steps
            // and other Adam betas did not help.
            DatasetKind::Ring8 => Config {
                r1_gamma: 1.0,
                gen_ema: 0.999,
                activation: HiddenActivation::Relu,
                gen_lr: 2e-3,
                disc_lr: 1e-3,
                ..reference
            },
            // The average alone: 8.3 % high quality at 10,000 iterations;
            // with a 5× larger learning rate under it, 37.9 % (68.8 % at
            // 20,000, but 20 of 25 modes); packing pairs keeps the modes
            // (24 of 25 at 10,000; 23 and 58.1 % at 20,000), and ReLU, as
            // on the ring, sharpens them (seeds 1–3 at 20,000: 25, 25, 22
            // modes and 94.1, 68.1, 62.2 %, from 23, 24, 23 and 58.1,
            // 63.2, 42.0 %). Drawing the grid at ±0.4 of G's output
            // instead of ±0.67 (coordinate scale 10, not the dataset's 6)
            // keeps every mode on every seed (seeds 1–4: 25 modes and
            // 81.1, 81.6, 95.0, 93.9 %); batch 512 in place of 256 gives D
            // twice the samples to find the thin bridges between modes by
            // and lifts the seeds that lagged (seeds 1–3: 93.6, 92.6, 95.2
            // %). R1 (γ 1 or 0.001) flattens D on the grid's narrow modes.
            DatasetKind::Grid25 => Config {
                batch_size: 512,
                gen_ema: 0.999,
                activation: HiddenActivation::Relu,
                gen_lr: 5e-4,
                disc_lr: 5e-4,
                pack: 2,
                coordinate_scale: 10.0,
                ..reference
            },
            // R1 on the real digits: on the small model (G and D 256
            // wide, seed 1) the Inception Score at 500 iterations is 5.20
            // where the reference has 1.85, and at 2,000 the Fréchet
            // distance is 73 where it has 145 (QUALITY.md). G's average,
            // D's dropout, ReLU and the other losses did not help there.
            DatasetKind::Mnist => Config {
                r1_gamma: 10.0,
                ..reference
            },
            _ => reference,
        }
    }

    /// Checks every field; the first bad one is reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.fields()
            .iter()
            .try_for_each(|field| field.range.check(field.name, &field.value))
    }

    /// Data coordinates per unit of G's output: for 2-D data the config's
    /// `coordinate_scale`, or the dataset's own where that is 0; for MNIST
    /// 1 (its pixels are G's outputs as they are).
    pub fn data_scale(&self) -> f32 {
        match self.dataset.info().source {
            Source::Points(_) if self.coordinate_scale > 0.0 => self.coordinate_scale,
            _ => self.dataset.info().coordinate_scale,
        }
    }

    /// Every field's type and allowed values, in declaration order: what
    /// the page's controls and links read (`Trainer.schema()`).
    pub fn schema() -> Vec<FieldSchema> {
        Config::default()
            .fields()
            .into_iter()
            .map(|field| FieldSchema {
                field: field.name,
                range: field.range,
                live: field.live,
            })
            .collect()
    }

    /// Each field by its JS name, with its value and what it may hold: the
    /// one list that both `validate` and `schema` read.
    fn fields(&self) -> Vec<Field<'_>> {
        use FieldValue::{Choice, Float, Int, Widths};
        let int = |min, max| Range::Int { min, max };
        let float = |min, min_included, max, max_included| Range::Float {
            min,
            min_included,
            max,
            max_included,
        };
        let widths = Range::Widths {
            max_layers: MAX_HIDDEN_LAYERS,
            min: 1,
            max: MAX_WIDTH,
        };
        let activation = match self.activation {
            HiddenActivation::Relu => "relu",
            HiddenActivation::LeakyRelu => "leaky_relu",
        };
        let field = |name, value, range| Field {
            name,
            value,
            range,
            live: false,
        };
        let lr = |name, value| Field {
            live: true,
            ..field(name, Float(value), float(0.0, false, 1.0, true))
        };
        vec![
            field(
                "dataset",
                Choice(self.dataset.name()),
                Range::Choice {
                    values: DatasetKind::names(),
                },
            ),
            field(
                "preset",
                Choice(self.preset.name()),
                Range::Choice {
                    values: Preset::NAMES.to_vec(),
                },
            ),
            field("latentSize", Int(self.latent_size), int(1, MAX_LATENT)),
            field("genHidden", Widths(&self.gen_hidden), widths.clone()),
            field("discHidden", Widths(&self.disc_hidden), widths),
            field(
                "activation",
                Choice(activation),
                Range::Choice {
                    values: vec!["relu", "leaky_relu"],
                },
            ),
            field(
                "leakySlope",
                Float(self.leaky_slope),
                float(0.0, true, 1.0, false),
            ),
            field("batchSize", Int(self.batch_size), int(1, MAX_BATCH)),
            // Learning rates change live, without a new model.
            lr("genLr", self.gen_lr),
            lr("discLr", self.disc_lr),
            field("beta1", Float(self.beta1), float(0.0, true, 1.0, false)),
            field("beta2", Float(self.beta2), float(0.0, true, 1.0, false)),
            field("eps", Float(self.eps), float(0.0, false, 1.0, true)),
            field(
                "lrDecayStart",
                Int(self.lr_decay_start),
                int(0, MAX_SCHEDULE_ITERATIONS),
            ),
            field(
                "lrHalfLife",
                Int(self.lr_half_life),
                int(0, MAX_SCHEDULE_ITERATIONS),
            ),
            field("discSteps", Int(self.disc_steps), int(1, MAX_DISC_STEPS)),
            field(
                "loss",
                Choice(self.loss.name()),
                Range::Choice {
                    values: GanLoss::NAMES.to_vec(),
                },
            ),
            field("genEma", Float(self.gen_ema), float(0.0, true, 1.0, false)),
            field(
                "discDropout",
                Float(self.disc_dropout),
                float(0.0, true, 0.9, true),
            ),
            field("pack", Int(self.pack), int(1, MAX_PACK)),
            field("r1Gamma", Float(self.r1_gamma), float(0.0, true, 1000.0, true)),
            field(
                "labelSmoothing",
                Float(self.label_smoothing),
                float(0.0, true, 0.5, false),
            ),
            field(
                "coordinateScale",
                Float(self.coordinate_scale),
                float(0.0, true, MAX_COORDINATE_SCALE, true),
            ),
            field("seed", Int(self.seed), int(0, u32::MAX)),
            field("sampleCount", Int(self.sample_count), int(1, MAX_SAMPLES)),
        ]
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

    /// Samples drawn per update on each side (real and generated): a batch
    /// of `pack`-sample packs.
    pub fn sample_rows(&self) -> usize {
        self.batch_size as usize * self.pack as usize
    }

    /// D: pack × X → hidden… → 1 logit (the sigmoid lives in the loss).
    pub fn disc_layout(&self) -> NetworkLayout {
        let mut widths = vec![self.sample_width() * self.pack as usize];
        widths.extend(self.disc_hidden.iter().map(|&w| w as usize));
        widths.push(1);
        NetworkLayout::mlp(&widths, self.hidden_activation(), Activation::Identity)
    }

    /// Reads a config from JSON-like data the way a page or a tutorial writes
    /// it: any subset of the fields, starting from the preset it names (the
    /// tuned one if it names none) of the dataset it names (MNIST if none).
    /// Type errors name the field.
    pub fn from_partial(value: serde_json::Value) -> Result<Config, ConfigParseError> {
        let serde_json::Value::Object(fields) = value else {
            return Err(ConfigParseError(format!(
                "config must be an object of fields, got {value}"
            )));
        };
        let dataset = match fields.get("dataset") {
            None => DatasetKind::Mnist,
            Some(name) => name.as_str().and_then(DatasetKind::from_name).ok_or_else(|| {
                ConfigParseError(format!(
                    "config field `dataset` is {name}; allowed: one of {}",
                    DatasetKind::names().join(", ")
                ))
            })?,
        };
        let preset = match fields.get("preset") {
            None => Preset::default(),
            Some(name) => name.as_str().and_then(Preset::from_name).ok_or_else(|| {
                ConfigParseError(format!(
                    "config field `preset` is {name}; allowed: one of {}",
                    Preset::NAMES.join(", ")
                ))
            })?,
        };
        let serde_json::Value::Object(mut merged) = serde_json::to_value(Config::preset(dataset, preset))
            .map_err(|e| ConfigParseError(e.to_string()))?
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

/// What one config field may hold (`Config::schema`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Range {
    /// A whole number from `min` to `max`.
    Int { min: u32, max: u32 },
    /// A number between `min` and `max`, each bound included or not.
    #[serde(rename_all = "camelCase")]
    Float {
        min: f32,
        min_included: bool,
        max: f32,
        max_included: bool,
    },
    /// Up to `max_layers` layer widths, each from `min` to `max`.
    #[serde(rename_all = "camelCase")]
    Widths { max_layers: usize, min: u32, max: u32 },
    /// One of `values`.
    Choice { values: Vec<&'static str> },
}

/// One field of `Config::schema()`: its JS name, what it may hold, and
/// whether it changes during training (true) or needs a new model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldSchema {
    pub field: &'static str,
    #[serde(flatten)]
    pub range: Range,
    pub live: bool,
}

enum FieldValue<'a> {
    Int(u32),
    Float(f32),
    Widths(&'a [u32]),
    Choice(&'static str),
}

struct Field<'a> {
    name: &'static str,
    value: FieldValue<'a>,
    range: Range,
    live: bool,
}

impl Range {
    fn check(&self, field: &'static str, value: &FieldValue<'_>) -> Result<(), ConfigError> {
        match (self, value) {
            (Range::Int { min, max }, FieldValue::Int(value)) => {
                if (min..=max).contains(&value) {
                    Ok(())
                } else {
                    Err(out_of_range(field, value, &format!("{min} to {max}")))
                }
            }
            (
                Range::Float {
                    min,
                    min_included,
                    max,
                    max_included,
                },
                &FieldValue::Float(value),
            ) => {
                // Written so that NaN fails.
                let above = if *min_included {
                    value >= *min
                } else {
                    value > *min
                };
                let below = if *max_included {
                    value <= *max
                } else {
                    value < *max
                };
                if above && below {
                    Ok(())
                } else {
                    let op = |included: bool| if included { "<=" } else { "<" };
                    let allowed = format!("{min} {} {field} {} {max}", op(*min_included), op(*max_included));
                    Err(out_of_range(field, value, &allowed))
                }
            }
            (Range::Widths { max_layers, min, max }, FieldValue::Widths(widths)) => {
                if widths.len() > *max_layers {
                    return Err(out_of_range(
                        field,
                        format!("{} layers", widths.len()),
                        &format!("at most {max_layers} hidden layers"),
                    ));
                }
                match widths.iter().find(|w| !(min..=max).contains(w)) {
                    Some(bad) => Err(out_of_range(
                        field,
                        format!("{widths:?} (width {bad})"),
                        &format!("each width {min} to {max}"),
                    )),
                    None => Ok(()),
                }
            }
            (Range::Choice { values }, FieldValue::Choice(value)) => {
                if values.contains(value) {
                    Ok(())
                } else {
                    Err(out_of_range(
                        field,
                        value,
                        &format!("one of {}", values.join(", ")),
                    ))
                }
            }
            _ => Err(out_of_range(field, "of the wrong kind", &format!("{self:?}"))),
        }
    }
}

fn out_of_range(field: &'static str, value: impl std::fmt::Display, allowed: &str) -> ConfigError {
    ConfigError {
        field,
        value: value.to_string(),
        allowed: allowed.to_string(),
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
        for &dataset in DatasetKind::ALL {
            for preset in [Preset::Tuned, Preset::Reference] {
                Config::preset(dataset, preset).validate().unwrap();
            }
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
    fn the_schema_names_every_field_once_in_order() {
        let json = serde_json::to_value(Config::default()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut schema: Vec<&str> = Config::schema().iter().map(|f| f.field).collect();
        schema.sort_unstable();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        assert_eq!(schema, sorted_keys);
    }

    #[test]
    fn validation_accepts_each_bound_the_schema_gives_and_refuses_just_past_it() {
        for spec in Config::schema() {
            let with = |value: serde_json::Value| {
                let mut json = serde_json::to_value(Config::default()).unwrap();
                json[spec.field] = value;
                serde_json::from_value::<Config>(json).map(|config| config.validate())
            };
            let accepted = |value: serde_json::Value| matches!(with(value.clone()), Ok(Ok(())));
            match &spec.range {
                Range::Int { min, max } => {
                    assert!(
                        accepted((*min).into()) && accepted((*max).into()),
                        "{}",
                        spec.field
                    );
                    if *min > 0 {
                        assert!(!accepted((min - 1).into()), "{} below min", spec.field);
                    }
                    if *max < u32::MAX {
                        assert!(!accepted((max + 1).into()), "{} above max", spec.field);
                    }
                }
                Range::Float {
                    min,
                    min_included,
                    max,
                    max_included,
                } => {
                    let inside = f64::from(*min) + (f64::from(*max) - f64::from(*min)) / 2.0;
                    assert!(accepted(inside.into()), "{}", spec.field);
                    assert_eq!(
                        accepted(f64::from(*min).into()),
                        *min_included,
                        "{} at min",
                        spec.field
                    );
                    assert_eq!(
                        accepted(f64::from(*max).into()),
                        *max_included,
                        "{} at max",
                        spec.field
                    );
                }
                Range::Widths { max_layers, min, max } => {
                    assert!(
                        accepted(serde_json::json!(vec![*max; *max_layers])),
                        "{}",
                        spec.field
                    );
                    assert!(accepted(serde_json::json!([min])), "{}", spec.field);
                    assert!(
                        !accepted(serde_json::json!(vec![*min; max_layers + 1])),
                        "{}",
                        spec.field
                    );
                    assert!(!accepted(serde_json::json!([max + 1])), "{}", spec.field);
                    assert!(!accepted(serde_json::json!([min - 1])), "{}", spec.field);
                }
                Range::Choice { values } => {
                    for value in values {
                        assert!(accepted((*value).into()), "{} = {value}", spec.field);
                    }
                    assert!(!accepted("none of these".into()), "{}", spec.field);
                }
            }
        }
    }

    #[test]
    fn the_coordinate_scale_is_the_dataset_s_own_unless_given() {
        let ring = Config::preset(DatasetKind::Ring8, Preset::Reference);
        assert_eq!(ring.coordinate_scale, 0.0);
        assert_eq!(ring.data_scale(), DatasetKind::Ring8.info().coordinate_scale);
        let wider = Config {
            coordinate_scale: 5.0,
            ..ring
        };
        assert_eq!(wider.data_scale(), 5.0);
        // MNIST's pixels are not rescaled, whatever the field says.
        let mnist = Config {
            coordinate_scale: 5.0,
            ..Config::default()
        };
        assert_eq!(mnist.validate(), Ok(()));
        assert_eq!(mnist.data_scale(), 1.0);
        // A config written before the field existed keeps its dataset's.
        let mut old = serde_json::to_value(Config::preset(DatasetKind::Grid25, Preset::Reference)).unwrap();
        old.as_object_mut().unwrap().remove("coordinateScale");
        let read: Config = serde_json::from_value(old).unwrap();
        assert_eq!(read.data_scale(), DatasetKind::Grid25.info().coordinate_scale);
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
        let config = Config::from_partial(serde_json::json!({"dataset": "ring8", "seed": 3})).unwrap();
        assert_eq!(
            config,
            Config {
                seed: 3,
                ..Config::preset(DatasetKind::Ring8, Preset::Tuned)
            }
        );
        let config =
            Config::from_partial(serde_json::json!({"dataset": "ring8", "preset": "reference"})).unwrap();
        assert_eq!(config, Config::preset(DatasetKind::Ring8, Preset::Reference));
        // A given field wins over the preset's.
        let config = Config::from_partial(serde_json::json!({"dataset": "ring8", "genEma": 0})).unwrap();
        assert_eq!(config.gen_ema, 0.0);
        assert_eq!(config.preset, Preset::Tuned);
        let config = Config::from_partial(serde_json::json!({})).unwrap();
        assert_eq!(config, Config::preset(DatasetKind::Mnist, Preset::Tuned));
    }

    #[test]
    fn the_reference_preset_is_the_seed_recipe() {
        let mnist = Config::preset(DatasetKind::Mnist, Preset::Reference);
        assert_eq!(mnist, Config::default());
        for &dataset in DatasetKind::ALL {
            let reference = Config::preset(dataset, Preset::Reference);
            assert_eq!(reference.dataset, dataset);
            assert_eq!(reference.preset, Preset::Reference);
            // No stabiliser: the plain BCE GAN, as the benchmarks measure it.
            assert_eq!(
                (
                    reference.loss,
                    reference.gen_ema,
                    reference.disc_dropout,
                    reference.pack,
                    reference.r1_gamma,
                    reference.label_smoothing,
                ),
                (GanLoss::Bce, 0.0, 0.0, 1, 0.0, 0.0),
                "{dataset:?}"
            );
        }
        let ring = Config::preset(DatasetKind::Ring8, Preset::Reference);
        assert_eq!((ring.latent_size, ring.batch_size, ring.gen_lr), (16, 256, 1e-4));
        assert_eq!(ring.gen_hidden, [64, 64, 64]);
    }

    #[test]
    fn tuned_presets_say_so_and_keep_the_data_side() {
        for &dataset in DatasetKind::ALL {
            let tuned = Config::preset(dataset, Preset::Tuned);
            let reference = Config::preset(dataset, Preset::Reference);
            assert_eq!(tuned.preset, Preset::Tuned);
            assert_eq!((tuned.dataset, tuned.seed), (reference.dataset, reference.seed));
            assert_eq!(tuned.sample_count, reference.sample_count, "{dataset:?}");
        }
        let ring = Config::preset(DatasetKind::Ring8, Preset::Tuned);
        assert!(ring.r1_gamma > 0.0 && ring.gen_ema > 0.0);
        // MNIST's target names the default model and batch: the preset
        // changes the recipe, not the model.
        let mnist = Config::preset(DatasetKind::Mnist, Preset::Tuned);
        let model = |c: &Config| {
            (
                c.gen_hidden.clone(),
                c.disc_hidden.clone(),
                c.batch_size,
                c.latent_size,
            )
        };
        assert_eq!(model(&mnist), model(&Config::default()));
        assert!(mnist.r1_gamma > 0.0);
    }

    #[test]
    fn presets_are_named_in_configs() {
        let json = serde_json::to_value(Config::preset(DatasetKind::Ring8, Preset::Tuned)).unwrap();
        assert_eq!(json["preset"], serde_json::json!("tuned"));
        let schema = Config::schema();
        let preset = schema.iter().find(|f| f.field == "preset").unwrap();
        assert_eq!(
            preset.range,
            Range::Choice {
                values: vec!["tuned", "reference"]
            }
        );
        assert!(!preset.live);
        let m = Config::from_partial(serde_json::json!({"preset": "best"}))
            .unwrap_err()
            .to_string();
        assert!(m.contains("`preset`") && m.contains("tuned, reference"), "{m}");
        // A config written before presets existed reads as the reference.
        let mut old = serde_json::to_value(Config::preset(DatasetKind::Ring8, Preset::Reference)).unwrap();
        old.as_object_mut().unwrap().remove("preset");
        let read: Config = serde_json::from_value(old).unwrap();
        assert_eq!(read, Config::preset(DatasetKind::Ring8, Preset::Reference));
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
