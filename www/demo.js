// One demo mounted in one element: a GAN training on the reader's GPU, its
// lifecycle (loading, building a model, the frame loop, settings and
// links). What it shows lives in demo-view.js.

import { loadEngine, webgpuSupport } from './engine.js';
import { loadClassifier, loadMnist } from './mnist.js';
import { DemoView } from './demo-view.js';
import { chooseSteps } from './steps.js';
import { checkHealth } from './health.js';
import { DEFAULT_DATASET, formatState, needsNewModel, parseState, VIEW_FIELDS, viewDefaults } from './state.js';

// How often an automatic in-memory checkpoint is taken while training is
// healthy: what a diverged run or a lost GPU device goes back to, so at
// most this much training is lost. Taking one starts GPU copies and reads
// them back later: no frame waits for it.
const AUTOSAVE_INTERVAL_MS = 5000;

// Re-evaluate D over the plane at most this often (it is a whole forward
// and backward pass of D on 1,600 points; slow on CPU adapters).
const FIELD_INTERVAL_MS = 150;
// Mode coverage is measured on a readback of the samples this often.
const QUALITY_INTERVAL_MS = 1000;
const DARK = window.matchMedia('(prefers-color-scheme: dark)');

export class GanDemo {
  // options: { model: {...config fields}, view: {...}, urlState: bool,
  //            link: settings as in a link ('dataset=grid25&steps=10'),
  //            keyboard: 'document' | 'element', linkBase: URL string }
  // `model` and `view` override what the link (the page's hash with
  // urlState, else `link`) says.
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
    // Until start() has read the link (it needs the engine's schema).
    this.model = { dataset: DEFAULT_DATASET, ...options.model };
    this.view = { ...viewDefaults(), ...options.view };
    this.trainer = null;
    this.playing = false;
    this.frameHandle = 0;
    this.destroyed = false;
    this.ui = new DemoView(root, {
      onAction: (action) => this.action(action),
      onModel: (changes) => this.changeModel(changes),
      onView: (changes) => this.changeView(changes),
      onRestart: () => this.recover(),
      onResize: () => this.layout(),
      onFile: (file) => this.loadFile(file),
    });
    // Fed by the frame loop; also read by scripts and the end-to-end tests.
    this.charts = this.ui.charts;
    this.ui.showControls(this.view.controls);
    this.listen();
    this.ready = this.start();
  }

  listen() {
    this.onKey = (event) => {
      if (event.code !== 'Space' || event.target.closest?.('input, select, textarea, button')) return;
      event.preventDefault();
      this.action(this.playing ? 'pause' : 'play');
    };
    const keyTarget = this.options.keyboard === 'document' ? document : this.root;
    keyTarget.addEventListener('keydown', this.onKey);
    this.keyTarget = keyTarget;
    // requestAnimationFrame stops in a hidden tab; frame() then stops asking.
    this.onVisibility = () => {
      if (!document.hidden && this.playing) this.schedule();
    };
    document.addEventListener('visibilitychange', this.onVisibility);
    this.onHash = () => this.applyHash();
    if (this.options.urlState) window.addEventListener('hashchange', this.onHash);
  }

  layout() {
    // A paused demo draws nothing by itself: redraw at the new size.
    if (this.ui.fitCanvas() && this.trainer && !this.playing) this.drawOnce();
    this.ui.fitCharts();
  }

  fail(title, detail, restartLabel = 'Restart') {
    this.stop();
    this.ui.fail(title, detail, restartLabel);
  }

  notice(text) {
    this.ui.notice(text);
  }

  async start() {
    this.ui.setState('loading');
    this.ui.status('checking for WebGPU…');
    const support = await webgpuSupport();
    if (!support.ok) {
      this.fail(
        'This demo needs WebGPU.',
        `It trains the GAN on your GPU through WebGPU, but ${support.reason}. ` +
          'Open it in a browser with WebGPU on (Chrome or Edge 113+ on most systems, ' +
          'Safari 26, Firefox 141+ on Windows), or start Chromium with --enable-unsafe-webgpu.',
        false,
      );
      this.ui.showNoWebgpu();
      return;
    }
    let Trainer;
    try {
      Trainer = await loadEngine();
    } catch (error) {
      this.fail('The engine did not load.', error.message ?? String(error));
      return;
    }
    if (this.destroyed) return;
    this.Trainer = Trainer;
    // What every setting may hold: links and controls are read against it.
    this.schema = Trainer.schema();
    this.datasets = Trainer.datasets();
    this.readLink();
    this.ui.buildControls(this.schema, this.datasets);
    this.ui.showControls(this.view.controls);
    await this.reset();
  }

  // The link's settings under the options' own; one notice for all of its
  // bad values, since a notice replaces the one before.
  readLink() {
    const text = this.options.urlState ? location.hash : this.options.link;
    if (!text) return;
    const { model, view, errors } = parseState(text, this.schema);
    this.model = { ...model, ...this.options.model };
    this.view = { ...view, ...this.options.view };
    if (errors.length) this.notice(errors.join('; '));
  }

  // Builds a trainer for the current model config (a new model).
  // `saved` (from loadFile): a checked checkpoint, { bytes, config,
  // iteration, name }, to build the model from instead of the settings.
  async reset(reason, saved) {
    // The newest request wins: each await below is followed by a check that
    // no later reset (another dataset picked meanwhile) has replaced this one.
    const token = (this.buildToken = (this.buildToken ?? 0) + 1);
    const replaced = () => this.destroyed || token !== this.buildToken;
    const wasPlaying = this.playing || (this.trainer === null && this.view.autoplay);
    this.stop();
    this.trainer?.free();
    this.trainer = null;
    this.charts.clear();
    let config;
    try {
      // A checkpoint's config wins: it is the model the file holds.
      if (saved) this.model = { ...saved.config };
      config = this.Trainer.resolve(this.model);
    } catch (error) {
      this.fail('The settings are not valid.', error.message, false);
      this.ui.controls.setValues(this.model, this.view);
      return;
    }
    this.config = config;
    this.ui.controls.setValues(config, this.view);
    this.ui.showDataset(config.dataset);
    let images;
    let classifier = null;
    if (config.dataset === 'mnist') {
      // Alongside the images; the digits' quality waits for it, training does not.
      classifier = loadClassifier();
      classifier.catch(() => {});
      try {
        images = await loadMnist(({ phase, fraction }) => replaced() || this.ui.status(`${phase}…`, fraction));
      } catch (error) {
        if (!replaced()) this.fail('MNIST could not be loaded.', error.message);
        return;
      }
      if (replaced()) return;
      this.ui.showRealDigits(images, config.seed);
    }
    this.ui.status('building the model on the GPU…');
    let trainer;
    try {
      trainer = await (saved ? this.Trainer.restore(saved.bytes, images) : this.Trainer.create(config, images));
    } catch (error) {
      const title = saved ? 'The checkpoint could not be restored.' : 'The trainer could not start.';
      if (!replaced()) this.fail(title, error.message);
      return;
    }
    if (replaced()) {
      trainer.free();
      return;
    }
    this.trainer = trainer;
    // Before the first draw, which layout() may trigger: render() reads them.
    this.stepsPerFrame = 1;
    // A new model's health; a restored one's checkpoint is its last good state.
    this.diverged = false;
    this.runs = undefined;
    this.healthy = false;
    this.lastAutosave = -Infinity;
    this.lastGood = saved ? { bytes: saved.bytes, config: saved.config, iteration: saved.iteration } : null;
    // Rates set after a divergence apply to the restored model.
    if (saved && (trainer.config.genLr !== config.genLr || trainer.config.discLr !== config.discLr)) {
      trainer.setLearningRates(config.genLr, config.discLr);
    }
    // A restored model starts where its checkpoint stopped.
    this.completed = trainer.iteration;
    this.lastField = -Infinity;
    this.lastQuality = -Infinity;
    this.ui.showQuality(null);
    this.rate = { time: performance.now(), completed: this.completed, frames: 0 };
    try {
      trainer.attachCanvas(this.ui.canvas);
      this.layout();
    } catch (error) {
      this.fail('The canvas could not be drawn.', error.message);
      return;
    }
    this.ui.showModel(config.dataset, trainer.adapterName);
    this.ui.clearStatus();
    this.ui.setState('ready');
    this.writeUrl();
    if (saved) this.notice(saved.notice ?? `Loaded ${saved.name}: training goes on from iteration ${saved.iteration}.`);
    else if (reason) this.notice(`New model: training restarted (${reason}).`);
    this.drawOnce();
    if (classifier) this.attachClassifier(trainer, classifier);
    this.measureQuality(performance.now());
    if (wasPlaying) this.play();
    else this.ui.setPlaying(false);
  }

  play() {
    if (!this.trainer) return;
    this.playing = true;
    this.ui.setPlaying(true);
    this.schedule();
  }

  stop() {
    this.playing = false;
    this.ui.setPlaying(false);
    cancelAnimationFrame(this.frameHandle);
    this.frameHandle = 0;
  }

  schedule() {
    if (!this.frameHandle) this.frameHandle = requestAnimationFrame((time) => this.frame(time));
  }

  frame(time) {
    this.frameHandle = 0;
    if (!this.playing || !this.trainer || document.hidden) return;
    try {
      const { steps, target } = chooseSteps({
        setting: this.view.steps,
        backlog: this.trainer.iteration - this.completed,
        msPerIteration: this.trainer.gpuMsPerIteration,
        previous: this.stepsPerFrame,
      });
      this.stepsPerFrame = target;
      if (steps > 0) this.trainer.train(steps);
      this.render(time);
      this.ui.showSteps(this.view.steps, this.stepsPerFrame, steps);
    } catch (error) {
      this.gpuError('Training stopped on a GPU error.', error);
      return;
    }
    if (this.diverged) return;
    this.autosave(time);
    this.measureQuality(time);
    this.schedule();
  }

  // Gives an MNIST trainer its judge once the classifier has arrived; the
  // digits train on without one, and the page says why quality is missing.
  attachClassifier(trainer, download) {
    download
      .then((bytes) => {
        if (trainer !== this.trainer) return;
        trainer.attachClassifier(bytes);
        this.lastQuality = -Infinity;
        this.measureQuality(performance.now());
      })
      .catch((error) => {
        if (trainer === this.trainer) this.notice(`Digit quality is not shown: ${error.message}`);
      });
  }

  // Reads the samples back (no frame waits for it) and shows how good they
  // are: mode coverage for 2-D data, the classifier's verdict for digits.
  measureQuality(time) {
    if (this.measuring || time - this.lastQuality < QUALITY_INTERVAL_MS) return;
    this.lastQuality = time;
    const trainer = this.trainer;
    this.measuring = trainer
      .quality()
      .then((quality) => {
        if (trainer === this.trainer) this.ui.showQuality(quality);
      })
      .catch(() => {})
      .finally(() => {
        this.measuring = null;
      });
  }

  // Keeps the newest healthy state in memory (see AUTOSAVE_INTERVAL_MS).
  autosave(time) {
    if (this.saving || !this.healthy || time - this.lastAutosave < AUTOSAVE_INTERVAL_MS) return;
    this.lastAutosave = time;
    const trainer = this.trainer;
    const config = this.config;
    // The checkpoint holds every iteration submitted so far.
    const iteration = trainer.iteration;
    this.saving = trainer
      .checkpoint()
      .then((bytes) => {
        // Kept only if the model is still the one it was taken from.
        if (trainer === this.trainer) this.lastGood = { bytes, config, iteration };
      })
      .catch(() => {})
      .finally(() => {
        this.saving = null;
      });
  }

  // A lost device is recovered from: a new device, the newest automatic
  // checkpoint. Any other GPU error stops training with its message.
  gpuError(title, error) {
    const message = error.message ?? String(error);
    if (!/device was lost/.test(message) || this.recovering) {
      this.fail(title, message);
      return;
    }
    this.recovering = true;
    const saved = this.lastGood;
    const from = saved ? `iteration ${saved.iteration}` : 'the start (no checkpoint was taken yet)';
    const notice = `The GPU device was lost; training goes on from ${from} on a new device.`;
    this.reset('the GPU device was lost', saved && { ...saved, notice }).finally(() => {
      this.recovering = false;
    });
  }

  // Training went where it cannot come back from: stop, say what to change,
  // and offer the newest healthy checkpoint.
  diverge(problem) {
    this.diverged = true;
    const rates = `G ${this.config.genLr}, D ${this.config.discLr}`;
    const back = this.lastGood ? `, then restore iteration ${this.lastGood.iteration}` : ', then reset';
    this.fail(
      `Training diverged at iteration ${problem.iteration + 1}.`,
      `${problem.reason[0].toUpperCase()}${problem.reason.slice(1)}. Lower the learning rates (now ${rates})${back}.`,
      this.lastGood ? `Restore iteration ${this.lastGood.iteration}` : 'Reset',
    );
  }

  // The status box's button: load the engine again if it failed to load,
  // go back to the newest healthy checkpoint after a divergence (with the
  // learning rates as they are set now), or restart.
  recover() {
    if (!this.Trainer) {
      this.ready = this.start();
    } else if (this.diverged && this.lastGood) {
      const { config, iteration } = this.lastGood;
      const rates = { genLr: this.config.genLr, discLr: this.config.discLr };
      const notice = `Restored iteration ${iteration}.`;
      this.reset('restored', { ...this.lastGood, config: { ...config, ...rates }, notice });
    } else {
      this.reset('restarted');
    }
  }

  drawOnce() {
    if (!this.trainer) return;
    try {
      this.render(performance.now(), true);
    } catch (error) {
      this.gpuError('Drawing failed on a GPU error.', error);
    }
  }

  render(time, forceField = false) {
    const updateField = forceField || time - this.lastField >= FIELD_INTERVAL_MS;
    if (updateField) this.lastField = time;
    this.trainer.draw({
      heatmap: this.view.heatmap,
      arrows: this.view.arrows,
      updateField,
      dark: DARK.matches,
    });
    const history = this.trainer.takeHistory();
    if (history.length) {
      this.charts.append(history);
      this.charts.render();
      const health = checkHealth(history, this.runs);
      this.runs = health;
      this.healthy = health.healthy;
      if (health.problem && !this.diverged) this.diverge(health.problem);
    }
    const stats = this.trainer.stats();
    if (stats) {
      this.completed = stats.iteration + 1;
      this.ui.showStats(this.completed, stats);
    }
    this.rate.frames += 1;
    const elapsed = time - this.rate.time;
    if (elapsed >= 1000) {
      const iterationsPerSecond = ((this.completed - this.rate.completed) * 1000) / elapsed;
      const framesPerSecond = (this.rate.frames * 1000) / elapsed;
      this.ui.showRates(iterationsPerSecond, framesPerSecond);
      this.rate = { time, completed: this.completed, frames: 0 };
    }
  }

  action(action) {
    switch (action) {
      case 'play':
        this.play();
        break;
      case 'pause':
        this.stop();
        break;
      case 'step':
        this.stop();
        if (this.trainer) {
          try {
            this.trainer.train(1);
            this.drawOnce();
          } catch (error) {
            this.fail('Training stopped on a GPU error.', error.message);
          }
        }
        break;
      case 'reset':
        this.reset('reset');
        break;
      case 'copy-link':
        this.copyLink();
        break;
      case 'save':
        this.save();
        break;
      case 'load':
        this.ui.pickFile();
        break;
      default:
        break;
    }
  }

  changeModel(changes) {
    const next = { ...this.model, ...changes };
    const newBase = ['dataset', 'preset'].some((key) => changes[key] && changes[key] !== (this.config ?? this.model)[key]);
    if (newBase) {
      // A new dataset or recipe starts from its preset: drop the other fields.
      for (const key of Object.keys(next)) if (!['dataset', 'preset', 'seed'].includes(key)) delete next[key];
    }
    const previous = this.config ?? {};
    this.model = next;
    const resolved = (() => {
      try {
        return this.Trainer?.resolve(next);
      } catch (error) {
        this.notice(error.message);
        return null;
      }
    })();
    if (!resolved) return;
    if (needsNewModel(previous, resolved, this.schema)) {
      const changed = Object.keys(changes).join(', ');
      this.reset(`${changed} changed`);
    } else {
      try {
        this.trainer?.setLearningRates(resolved.genLr, resolved.discLr);
        this.config = resolved;
        this.notice('Learning rates changed: training goes on.');
      } catch (error) {
        this.notice(error.message);
      }
      this.writeUrl();
    }
  }

  changeView(changes) {
    this.view = { ...this.view, ...changes };
    if ('controls' in changes) this.ui.showControls(this.view.controls);
    this.writeUrl();
    if (!this.playing) this.drawOnce();
  }

  // The current state as a link; once started (it is written against the
  // engine's schema).
  link() {
    const defaults = this.Trainer && this.config ? this.Trainer.defaults(this.config.dataset, this.config.preset) : {};
    const hash = formatState(this.config ?? this.model, this.view, defaults, this.schema);
    const base = this.options.linkBase ?? location.href;
    const url = new URL(base);
    url.hash = hash;
    return url.href;
  }

  writeUrl() {
    // Before the engine has loaded there is no schema to write a link with;
    // the URL is then still the one start() will read.
    if (!this.options.urlState || !this.schema) return;
    const url = this.link();
    if (url !== location.href) history.replaceState(null, '', url);
  }

  applyHash() {
    // Before the engine has loaded, start() reads the hash when it gets there.
    if (!this.schema) return;
    const { model, view, errors } = parseState(location.hash, this.schema);
    if (errors.length) this.notice(errors.join('; '));
    const viewChanged = VIEW_FIELDS.some((spec) => view[spec.key] !== this.view[spec.key]);
    if (viewChanged) this.changeView(view);
    const resolved = this.Trainer?.resolve(model);
    if (resolved && this.config && JSON.stringify(resolved) !== JSON.stringify(this.config)) {
      this.model = model;
      this.reset('the link changed');
    }
  }

  // Downloads the model as a checkpoint file (Load or a drop restores it).
  async save() {
    if (!this.trainer) return;
    const iteration = this.trainer.iteration;
    const name = `livegan-${this.config.dataset}-${iteration}.ckpt`;
    try {
      this.ui.download(await this.trainer.checkpoint(), name);
      this.notice(`Saved ${name}.`);
    } catch (error) {
      this.notice(`Saving failed: ${error.message}`);
    }
  }

  // Restores a checkpoint file. It is read and checked whole first: a bad
  // file leaves the model on screen as it was.
  async loadFile(file) {
    if (!this.Trainer) return;
    let bytes;
    let contents;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      contents = this.Trainer.readCheckpoint(bytes);
    } catch (error) {
      this.notice(`${file.name} was not loaded: ${error.message}`);
      return;
    }
    await this.reset(`loaded ${file.name}`, { bytes, ...contents, name: file.name });
  }

  async copyLink() {
    const url = this.link();
    try {
      await navigator.clipboard.writeText(url);
      this.notice('Link copied.');
    } catch {
      this.notice(`Copy this link: ${url}`);
    }
  }

  destroy() {
    this.destroyed = true;
    this.stop();
    this.trainer?.free();
    this.trainer = null;
    this.keyTarget.removeEventListener('keydown', this.onKey);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('hashchange', this.onHash);
    this.ui.destroy();
  }
}
