//! The JavaScript API.
//!
//! ```js
//! import init, { Trainer } from './pkg/livegan.js';
//! await init();
//! const trainer = await Trainer.create({ dataset: 'ring8', seed: 1 });
//! function frame() {
//!   trainer.train(20);               // encodes 20 iterations, returns at once
//!   const s = trainer.stats();       // newest stats that have arrived, or null
//!   requestAnimationFrame(frame);
//! }
//! const points = await trainer.samples(); // Float32Array, S × X
//! trainer.free();
//! ```
//!
//! Every trainer on a page shares one GPU device. Errors are JS `Error`s
//! whose message says what was wrong (a config field and its range, a
//! corrupt MNIST file, no WebGPU, a lost device).

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::oneshot;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::checkpoint::Checkpoint;
use crate::config::{Config, Preset};
use crate::data::datasets::Source;
use crate::data::mnist::parse_images;
use crate::data::{Dataset, DatasetKind};
use crate::error::Error;
use crate::gpu::canvas::CanvasTarget;
use crate::gpu::checkpoints;
use crate::gpu::context::GpuContext;
use crate::gpu::judge::DigitJudge;
use crate::gpu::render::DrawOptions;
use crate::gpu::trainer::{GpuTrainer, MAX_ITERATIONS_PER_CALL};
use crate::js_values::{byte_array, describe, number, options_object, short_string, whole_number};
use crate::metrics::mode_coverage;

/// The page's one device, shared by every trainer; replaced when lost.
enum SharedDevice {
    None,
    /// Being requested: later requests wait for this one's answer rather
    /// than asking for devices of their own.
    Requesting(Vec<oneshot::Sender<Result<GpuContext, String>>>),
    Ready(Box<GpuContext>),
}

thread_local! {
    static SHARED_DEVICE: RefCell<SharedDevice> = const { RefCell::new(SharedDevice::None) };
}

/// Makes a panic print its message and location to the console: without
/// it the page sees only `RuntimeError: unreachable`. Every static entry
/// point calls it (instances exist only through `create`).
fn install_panic_hook() {
    console_error_panic_hook::set_once();
}

fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

fn to_js(value: &impl Serialize) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Whether this browser exposes WebGPU at all (`navigator.gpu`).
fn browser_has_webgpu() -> bool {
    let Some(window) = web_sys::window() else {
        // A worker: let the adapter request decide.
        return true;
    };
    js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("gpu")).is_ok_and(|gpu| !gpu.is_undefined())
}

async fn shared_context() -> Result<GpuContext, Error> {
    enum Next {
        Use(Box<GpuContext>),
        Wait(oneshot::Receiver<Result<GpuContext, String>>),
        Request,
    }
    let next = SHARED_DEVICE.with(|shared| {
        let mut shared = shared.borrow_mut();
        match &mut *shared {
            SharedDevice::Ready(ctx) if !ctx.is_lost() => Next::Use(ctx.clone()),
            SharedDevice::Requesting(waiting) => {
                let (sender, receiver) = oneshot::channel();
                waiting.push(sender);
                Next::Wait(receiver)
            }
            _ => {
                *shared = SharedDevice::Requesting(Vec::new());
                Next::Request
            }
        }
    });
    match next {
        Next::Use(ctx) => Ok(*ctx),
        Next::Wait(receiver) => match receiver.await {
            Ok(answer) => answer.map_err(Error::RequestDevice),
            Err(_) => Err(Error::RequestDevice("the device request was abandoned".into())),
        },
        Next::Request => {
            let answer = if browser_has_webgpu() {
                GpuContext::new().await
            } else {
                Err(Error::NoAdapter("this browser has no navigator.gpu".into()))
            };
            let waiting = SHARED_DEVICE.with(|shared| {
                let next = match &answer {
                    Ok(ctx) => SharedDevice::Ready(Box::new(ctx.clone())),
                    // A failed request is forgotten: the next create asks again.
                    Err(_) => SharedDevice::None,
                };
                match std::mem::replace(&mut *shared.borrow_mut(), next) {
                    SharedDevice::Requesting(waiting) => waiting,
                    _ => Vec::new(),
                }
            });
            for sender in waiting {
                let _ = sender.send(
                    answer
                        .as_ref()
                        .map(GpuContext::clone)
                        .map_err(ToString::to_string),
                );
            }
            answer
        }
    }
}

/// The dataset `config` trains on: generated, or MNIST from `mnist_images`.
fn dataset_for(config: &Config, mnist_images: &JsValue) -> Result<Dataset, JsError> {
    match (
        config.dataset.info().source,
        byte_array(mnist_images, "mnistImages").map_err(js_error)?,
    ) {
        (Source::MnistImages, Some(bytes)) => Ok(Dataset::mnist(
            parse_images(&bytes).map_err(|e| js_error(Error::from(e)))?,
        )),
        (Source::MnistImages, None) => Err(js_error(
            "the dataset is mnist but no images were given: pass the bytes of train-images-idx3-ubyte",
        )),
        (Source::Points(_), _) => Dataset::two_d(config.dataset, config.seed, config.data_scale())
            .ok_or_else(|| js_error("this dataset is not generated")),
    }
}

/// Reads a config object: any subset of the fields, starting from the
/// preset of the dataset it names.
fn read_config(config: &JsValue) -> Result<Config, Error> {
    let value = options_object(config, "config").map_err(crate::config::ConfigParseError)?;
    Ok(Config::from_partial(value)?)
}

/// A GAN training on the GPU.
#[wasm_bindgen]
pub struct Trainer {
    inner: Rc<RefCell<GpuTrainer>>,
    canvas: RefCell<Option<CanvasTarget>>,
    /// The MNIST classifier, once `attachClassifier` gave it.
    judge: Rc<RefCell<Option<DigitJudge>>>,
}

#[wasm_bindgen]
impl Trainer {
    /// Creates a trainer. `config` is a plain object (see `Trainer.defaults`);
    /// `mnistImages` is the bytes of `train-images-idx3-ubyte`, needed when
    /// the dataset is "mnist".
    pub async fn create(config: JsValue, mnist_images: JsValue) -> Result<Trainer, JsError> {
        install_panic_hook();
        let config = read_config(&config).map_err(js_error)?;
        let dataset = dataset_for(&config, &mnist_images)?;
        let ctx = shared_context().await.map_err(js_error)?;
        let trainer = GpuTrainer::create(&ctx, config, &dataset)
            .await
            .map_err(js_error)?;
        Ok(Trainer::wrap(trainer))
    }

    /// Resolves to a trainer in the state `checkpoint` (a `Uint8Array` or
    /// `ArrayBuffer` that `checkpoint()` made) saved, its config included;
    /// `mnistImages` as for `create` when that config trains on MNIST.
    /// A corrupt or foreign file rejects with what is wrong, and nothing is
    /// half-loaded.
    pub async fn restore(checkpoint: JsValue, mnist_images: JsValue) -> Result<Trainer, JsError> {
        install_panic_hook();
        let bytes = byte_array(&checkpoint, "checkpoint")
            .map_err(js_error)?
            .ok_or_else(|| {
                js_error("restore(checkpoint): checkpoint is missing; pass the bytes checkpoint() made")
            })?;
        let checkpoint = Checkpoint::from_bytes(&bytes).map_err(js_error)?;
        let dataset = dataset_for(&checkpoint.config, &mnist_images)?;
        let ctx = shared_context().await.map_err(js_error)?;
        let trainer = checkpoints::restore(&ctx, &checkpoint, &dataset)
            .await
            .map_err(js_error)?;
        Ok(Trainer::wrap(trainer))
    }

    /// What a checkpoint file holds, `{config, iteration}`, after checking
    /// it whole (signature, version, lengths, checksum): a page can refuse
    /// a bad file, or fetch MNIST for a good one, before replacing anything.
    #[wasm_bindgen(js_name = readCheckpoint)]
    pub fn read_checkpoint(checkpoint: JsValue) -> Result<JsValue, JsError> {
        install_panic_hook();
        let bytes = byte_array(&checkpoint, "checkpoint")
            .map_err(js_error)?
            .ok_or_else(|| js_error("readCheckpoint(checkpoint): checkpoint is missing"))?;
        let checkpoint = Checkpoint::from_bytes(&bytes).map_err(js_error)?;
        Ok(to_js(&serde_json::json!({
            "config": checkpoint.config,
            "iteration": checkpoint.iteration,
        })))
    }

    /// Resolves to the trainer saved as bytes (a `Uint8Array`) for
    /// `Trainer.restore`: both networks, Adam's state, the counters, the
    /// iteration and the config, in a versioned file with a checksum.
    pub fn checkpoint(&self) -> js_sys::Promise {
        // The copies start now; the trainer is not borrowed while they
        // finish, so frames may train on meanwhile.
        let pending = checkpoints::start_save(&self.inner.borrow());
        wasm_bindgen_futures::future_to_promise(async move {
            let checkpoint = pending.await.map_err(|e| JsValue::from(js_error(e)))?;
            Ok(js_sys::Uint8Array::from(checkpoint.to_bytes().as_slice()).into())
        })
    }
}

impl Trainer {
    fn wrap(trainer: GpuTrainer) -> Trainer {
        Trainer {
            inner: Rc::new(RefCell::new(trainer)),
            canvas: RefCell::new(None),
            judge: Rc::new(RefCell::new(None)),
        }
    }
}

#[wasm_bindgen]
impl Trainer {
    /// The full config a partial one becomes (preset of its dataset plus the
    /// given fields), validated; throws like `create` would.
    pub fn resolve(config: JsValue) -> Result<JsValue, JsError> {
        install_panic_hook();
        Ok(to_js(&read_config(&config).map_err(js_error)?))
    }

    /// The preset config of a dataset (one of `Trainer.datasets()`'s names):
    /// the tuned recipe, or the one `preset` names ("tuned" or "reference").
    pub fn defaults(dataset: JsValue, preset: JsValue) -> Result<JsValue, JsError> {
        install_panic_hook();
        let dataset = short_string(&dataset, "defaults(dataset): dataset").map_err(js_error)?;
        let kind = DatasetKind::from_name(&dataset).ok_or_else(|| {
            js_error(format!(
                "unknown dataset `{dataset}`; one of {}",
                DatasetKind::names().join(", ")
            ))
        })?;
        let preset = if preset.is_undefined() {
            Preset::default()
        } else {
            let name = short_string(&preset, "defaults(dataset, preset): preset").map_err(js_error)?;
            Preset::from_name(&name).ok_or_else(|| {
                js_error(format!(
                    "unknown preset `{name}`; one of {}",
                    Preset::NAMES.join(", ")
                ))
            })?
        };
        Ok(to_js(&Config::preset(kind, preset)))
    }

    /// Every config field, in order: `{field, type, live, …range}` with
    /// type "int" (`min`, `max`), "float" (`min`, `minIncluded`, `max`,
    /// `maxIncluded`), "widths" (`maxLayers`, `min`, `max`) or "choice"
    /// (`values`); `live` fields change without a new model. Pages build
    /// their controls and read links from this, not from a copy.
    pub fn schema() -> JsValue {
        install_panic_hook();
        to_js(&Config::schema())
    }

    /// Every dataset: `{name, title, sampleWidth, classes, modes}` (modes:
    /// the Gaussian mixture's mode count, 0 for other data).
    pub fn datasets() -> JsValue {
        install_panic_hook();
        let list: Vec<_> = DatasetKind::ALL
            .iter()
            .map(|kind| {
                let info = kind.info();
                serde_json::json!({
                    "name": info.name,
                    "title": info.title,
                    "sampleWidth": info.sample_width,
                    "classes": info.classes,
                    "modes": info.mixture.map_or(0, |mixture| mixture().modes.len()),
                })
            })
            .collect();
        to_js(&list)
    }

    /// Encodes `iterations` iterations (a whole number from 0 to
    /// `Trainer.maxIterationsPerCall`) and submits them; returns at once.
    /// Throws if `iterations` is anything else, if the GPU reported an
    /// error, or if the device was lost.
    pub fn train(&self, iterations: JsValue) -> Result<(), JsError> {
        let n = whole_number(&iterations)
            .filter(|&n| n <= f64::from(MAX_ITERATIONS_PER_CALL))
            .ok_or_else(|| {
                js_error(Error::TooManyIterations {
                    asked: describe(&iterations),
                })
            })?;
        self.inner.borrow_mut().train(n as u32).map_err(js_error)
    }

    /// The most iterations one `train` call takes.
    #[wasm_bindgen(getter = maxIterationsPerCall)]
    pub fn max_iterations_per_call() -> u32 {
        MAX_ITERATIONS_PER_CALL
    }

    /// The newest iteration's stats that have arrived from the GPU,
    /// `{iteration, discLoss, genLoss, discReal, discFake}`, or null.
    pub fn stats(&self) -> JsValue {
        match self.inner.borrow_mut().stats() {
            Some(stats) => to_js(&stats),
            None => JsValue::NULL,
        }
    }

    /// Every iteration's stats that arrived since the last call, oldest
    /// first, flattened as [iteration, discLoss, genLoss, discReal, discFake, …].
    #[wasm_bindgen(js_name = takeHistory)]
    pub fn take_history(&self) -> js_sys::Float64Array {
        let history = self.inner.borrow_mut().take_history();
        let flat: Vec<f64> = history
            .iter()
            .flat_map(|s| {
                [
                    s.iteration as f64,
                    f64::from(s.disc_loss),
                    f64::from(s.gen_loss),
                    f64::from(s.disc_real),
                    f64::from(s.disc_fake),
                ]
            })
            .collect();
        js_sys::Float64Array::from(flat.as_slice())
    }

    /// Resolves to a Float32Array of `sampleCount` × X generated samples
    /// from the fixed latent vectors, in data coordinates.
    pub fn samples(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        let pending = inner.borrow().start_samples();
        wasm_bindgen_futures::future_to_promise(async move {
            let raw = pending.floats().await.map_err(|e| JsValue::from(js_error(e)))?;
            let values = inner.borrow().to_data_coordinates(raw);
            Ok(js_sys::Float32Array::from(values.as_slice()).into())
        })
    }

    /// Gives an MNIST trainer the classifier that judges its digits: the
    /// bytes of `www/models/mnist-classifier.bin` (a `Uint8Array` or
    /// `ArrayBuffer`). A damaged or foreign file, or a trainer on other
    /// data, throws with what is wrong and leaves the trainer as it was.
    #[wasm_bindgen(js_name = attachClassifier)]
    pub fn attach_classifier(&self, classifier: JsValue) -> Result<(), JsError> {
        let bytes = byte_array(&classifier, "classifier")
            .map_err(js_error)?
            .ok_or_else(|| js_error("attachClassifier(classifier): classifier is missing; pass the bytes of mnist-classifier.bin"))?;
        let judge = DigitJudge::for_trainer(&self.inner.borrow(), &bytes).map_err(js_error)?;
        *self.judge.borrow_mut() = Some(judge);
        Ok(())
    }

    /// Resolves to how good the `sampleCount` fixed samples are. 2-D data:
    /// how they cover the modes (the PacGAN protocol), `{modesCovered,
    /// modeCount, highQuality, reverseKl, perMode}`. MNIST, once a
    /// classifier is attached: `{samples, inceptionScore, classHistogram,
    /// confidentShare, frechetDistance}`; without one, null.
    pub fn quality(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        let judge = self.judge.clone();
        let mixture = inner.borrow().config().dataset.info().mixture;
        let Some(mixture) = mixture else {
            let pending = judge.borrow().as_ref().map(|judge| judge.start(&inner.borrow()));
            return wasm_bindgen_futures::future_to_promise(async move {
                let Some(pending) = pending else {
                    return Ok(JsValue::NULL);
                };
                let readout = pending.readout().await.map_err(|e| JsValue::from(js_error(e)))?;
                let verdict = judge.borrow().as_ref().map(|judge| judge.verdict(&readout));
                Ok(verdict.map_or(JsValue::NULL, |verdict| to_js(&verdict)))
            });
        };
        let pending = inner.borrow().start_samples();
        wasm_bindgen_futures::future_to_promise(async move {
            let raw = pending.floats().await.map_err(|e| JsValue::from(js_error(e)))?;
            let samples = inner.borrow().to_data_coordinates(raw);
            Ok(to_js(&mode_coverage(&mixture(), &samples)))
        })
    }

    /// Draws into `canvas` from now on (it gets a WebGPU context; size it
    /// in device pixels with `canvas.width`/`height`).
    #[wasm_bindgen(js_name = attachCanvas)]
    pub fn attach_canvas(&self, canvas: JsValue) -> Result<(), JsError> {
        let canvas = canvas.dyn_into::<web_sys::HtmlCanvasElement>().map_err(|other| {
            js_error(format!(
                "attachCanvas(canvas): canvas must be an HTMLCanvasElement, not {}",
                describe(&other)
            ))
        })?;
        let trainer = self.inner.borrow();
        let target =
            CanvasTarget::new(trainer.context(), trainer.frame_sources(), canvas).map_err(js_error)?;
        *self.canvas.borrow_mut() = Some(target);
        Ok(())
    }

    /// Renders the samples into the attached canvas, on the GPU.
    /// `options`: `{heatmap, arrows, updateField, dark}` (2-D views use all).
    pub fn draw(&self, options: JsValue) -> Result<(), JsError> {
        let options: DrawOptions = options_object(&options, "draw options")
            .and_then(|value| serde_json::from_value(value).map_err(|e| format!("draw options: {e}")))
            .map_err(js_error)?;
        let trainer = self.inner.borrow();
        let mut canvas = self.canvas.borrow_mut();
        let target = canvas
            .as_mut()
            .ok_or_else(|| js_error("no canvas: call attachCanvas(canvas) first"))?;
        trainer
            .capture_errors(|| target.draw(trainer.context(), trainer.frame_sources(), options))
            .map_err(js_error)?;
        match trainer.take_error() {
            Some(error) => Err(js_error(error)),
            None => Ok(()),
        }
    }

    /// Changes the learning rates from the next `train` on (no new model).
    #[wasm_bindgen(js_name = setLearningRates)]
    pub fn set_learning_rates(&self, gen_lr: JsValue, disc_lr: JsValue) -> Result<(), JsError> {
        let gen_lr = number(&gen_lr, "setLearningRates(genLr, discLr): genLr").map_err(js_error)?;
        let disc_lr = number(&disc_lr, "setLearningRates(genLr, discLr): discLr").map_err(js_error)?;
        // f32 is what the GPU trains with; the config's ranges are checked
        // on the rounded values.
        self.inner
            .borrow_mut()
            .set_learning_rates(gen_lr as f32, disc_lr as f32)
            .map_err(js_error)
    }

    /// Measured GPU milliseconds per iteration (drawing included), or
    /// undefined until the first measurement arrives.
    #[wasm_bindgen(getter, js_name = gpuMsPerIteration)]
    pub fn gpu_ms_per_iteration(&self) -> Option<f64> {
        self.inner.borrow().gpu_ms_per_iteration()
    }

    /// Iterations submitted so far.
    #[wasm_bindgen(getter)]
    pub fn iteration(&self) -> f64 {
        self.inner.borrow().iterations() as f64
    }

    /// The resolved config this trainer runs.
    #[wasm_bindgen(getter)]
    pub fn config(&self) -> JsValue {
        to_js(self.inner.borrow().config())
    }

    /// X: values per sample (784 for MNIST, 2 for the 2-D datasets).
    #[wasm_bindgen(getter, js_name = sampleWidth)]
    pub fn sample_width(&self) -> u32 {
        self.inner.borrow().config().sample_width() as u32
    }

    /// The GPU adapter, e.g. "SwiftShader Device (Subzero) (BrowserWebGpu, Cpu)".
    #[wasm_bindgen(getter, js_name = adapterName)]
    pub fn adapter_name(&self) -> String {
        self.inner.borrow().context().adapter_name()
    }

    /// GPU objects (buffers, textures, bind groups, layouts, modules,
    /// pipelines, query sets) created so far on this trainer's device, by
    /// every trainer that shares it. Flat once training and drawing are
    /// under way: a long-running page can watch it for leaks.
    #[wasm_bindgen(getter, js_name = gpuObjectsCreated)]
    pub fn gpu_objects_created(&self) -> f64 {
        self.inner.borrow().context().census().total() as f64
    }

    /// The engine's wasm memory in bytes (it grows and never shrinks).
    #[wasm_bindgen(getter = wasmMemoryBytes)]
    pub fn wasm_memory_bytes() -> f64 {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64
    }

    /// Dispatches one iteration encodes.
    #[wasm_bindgen(getter, js_name = dispatchesPerIteration)]
    pub fn dispatches_per_iteration(&self) -> u32 {
        self.inner.borrow().dispatches_per_iteration() as u32
    }
}
