// One demo mounted in one element: a GAN training on the reader's GPU,
// its samples drawn each frame, its statistics charted, its controls.

import { loadEngine, webgpuSupport } from './engine.js';
import { loadMnist, drawRealDigits } from './mnist.js';
import { StatsCharts } from './charts.js';
import { buildControls } from './controls.js';
import { formatState, needsNewModel, parseState, VIEW_FIELDS } from './state.js';

// GPU time a frame may spend training when steps per frame is "auto".
const FRAME_BUDGET_MS = 12;
const MAX_STEPS_PER_FRAME = 2000;
// Re-evaluate D over the plane at most this often (it is a whole forward
// and backward pass of D on 1,600 points; slow on CPU adapters).
const FIELD_INTERVAL_MS = 150;
const DARK = window.matchMedia('(prefers-color-scheme: dark)');

function element(tag, className, parent, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.append(node);
  return node;
}

function formatNumber(value, digits = 3) {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

export class GanDemo {
  // options: { model: {...config fields}, view: {...}, urlState: bool,
  //            keyboard: 'document' | 'element', linkBase: URL string }
  constructor(root, options = {}) {
    this.root = root;
    this.options = options;
    const fromUrl = options.urlState ? parseState(location.hash) : null;
    this.model = { ...(fromUrl?.model ?? {}), ...(options.model ?? {}) };
    if (!this.model.dataset) this.model.dataset = 'ring8';
    this.view = {
      ...Object.fromEntries(VIEW_FIELDS.map((spec) => [spec.key, spec.default])),
      ...(fromUrl?.view ?? {}),
      ...(options.view ?? {}),
    };
    this.trainer = null;
    this.playing = false;
    this.frameHandle = 0;
    this.destroyed = false;
    this.build();
    for (const message of fromUrl?.errors ?? []) this.notice(message);
    this.ready = this.start();
  }

  build() {
    const root = this.root;
    root.classList.add('gan-demo');
    root.tabIndex = root.tabIndex >= 0 ? root.tabIndex : 0;
    this.statusBox = element('div', 'gd-status', root);
    this.statusBox.hidden = true;
    this.statusText = element('p', 'gd-status-text', this.statusBox);
    this.progress = element('progress', 'gd-progress', this.statusBox);
    this.progress.max = 1;
    this.restartButton = element('button', 'gd-restart', this.statusBox, 'Restart');
    this.restartButton.hidden = true;
    this.restartButton.addEventListener('click', () => this.reset('restarted'));

    const body = element('div', 'gd-body', root);
    const view = element('div', 'gd-view', body);
    this.canvas = element('canvas', 'gd-canvas', view);
    this.canvas.setAttribute('aria-label', 'generated samples');
    this.legend = element('div', 'gd-legend', view);
    this.realStrip = element('div', 'gd-real', view);
    element('span', 'gd-real-label', this.realStrip, 'real digits');
    this.realCanvas = element('canvas', 'gd-real-canvas', this.realStrip);

    const side = element('div', 'gd-side', body);
    this.numbers = element('dl', 'gd-numbers', side);
    this.numberCells = {};
    for (const [key, label] of [
      ['iteration', 'iteration'],
      ['rate', 'iterations/s'],
      ['fps', 'frames/s'],
      ['steps', 'steps/frame'],
      ['discLoss', 'D loss'],
      ['genLoss', 'G loss'],
      ['discReal', 'D(x)'],
      ['discFake', 'D(G(z))'],
    ]) {
      const item = element('div', `gd-number gd-number-${key}`, this.numbers);
      element('dt', null, item, label);
      this.numberCells[key] = element('dd', null, item, '–');
    }
    const charts = element('div', 'gd-charts', side);
    this.charts = new StatsCharts(element('div', 'gd-chart', charts), element('div', 'gd-chart', charts));
    this.adapterLine = element('p', 'gd-adapter', side);

    this.controls = buildControls(element('div', 'gd-controls', root), {
      onAction: (action) => this.action(action),
      onModel: (changes) => this.changeModel(changes),
      onView: (changes) => this.changeView(changes),
    });
    this.controlsRoot = this.controls.root;
    this.controlsRoot.hidden = !this.view.controls;
    this.notices = element('p', 'gd-notice', root);
    this.notices.setAttribute('role', 'status');

    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(view);
    this.onKey = (event) => {
      if (event.code !== 'Space' || event.target.closest?.('input, select, textarea, button')) return;
      event.preventDefault();
      this.action(this.playing ? 'pause' : 'play');
    };
    const keyTarget = this.options.keyboard === 'document' ? document : root;
    keyTarget.addEventListener('keydown', this.onKey);
    this.keyTarget = keyTarget;
    this.onVisibility = () => {
      if (!document.hidden && this.playing) this.schedule();
    };
    document.addEventListener('visibilitychange', this.onVisibility);
    this.onHash = () => this.applyHash();
    if (this.options.urlState) window.addEventListener('hashchange', this.onHash);
  }

  layout() {
    const width = this.canvas.clientWidth;
    const pixels = Math.max(1, Math.round(width * (window.devicePixelRatio || 1)));
    if (this.canvas.width !== pixels || this.canvas.height !== pixels) {
      this.canvas.width = pixels;
      this.canvas.height = pixels;
      if (this.trainer && !this.playing) this.drawOnce();
    }
    const side = this.root.querySelector('.gd-charts');
    if (side) this.charts.resize(Math.max(200, side.clientWidth));
  }

  status(text, fraction) {
    this.statusBox.hidden = false;
    this.statusBox.classList.remove('gd-error');
    this.statusText.textContent = text;
    this.progress.hidden = fraction === undefined;
    if (fraction === null) this.progress.removeAttribute('value');
    else if (fraction !== undefined) this.progress.value = fraction;
    this.restartButton.hidden = true;
  }

  clearStatus() {
    this.statusBox.hidden = true;
  }

  fail(title, detail, canRestart = true) {
    this.stop();
    this.statusBox.hidden = false;
    this.statusBox.classList.add('gd-error');
    this.statusText.textContent = '';
    element('strong', null, this.statusText, title);
    if (detail) element('span', 'gd-error-detail', this.statusText, ` ${detail}`);
    this.progress.hidden = true;
    this.restartButton.hidden = !canRestart;
    this.root.dataset.state = 'error';
  }

  notice(text) {
    this.notices.textContent = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notices.textContent = '';
    }, 6000);
  }

  async start() {
    this.root.dataset.state = 'loading';
    this.status('checking for WebGPU…');
    const support = await webgpuSupport();
    if (!support.ok) {
      this.fail(
        'This demo needs WebGPU.',
        `It trains the GAN on your GPU through WebGPU, but ${support.reason}. ` +
          'Open it in a browser with WebGPU on (Chrome or Edge 113+ on most systems, ' +
          'Safari 26, Firefox 141+ on Windows), or start Chromium with --enable-unsafe-webgpu.',
        false,
      );
      this.root.dataset.state = 'no-webgpu';
      this.root.classList.add('gd-no-webgpu');
      return;
    }
    try {
      this.Trainer = await loadEngine();
    } catch (error) {
      this.fail('The engine did not load.', error.message ?? String(error));
      return;
    }
    await this.reset();
  }

  // Builds a trainer for the current model config (a new model).
  async reset(reason) {
    const wasPlaying = this.playing || (this.trainer === null && this.view.autoplay);
    this.stop();
    this.trainer?.free();
    this.trainer = null;
    this.charts.clear();
    let config;
    try {
      config = this.Trainer.resolve(this.model);
    } catch (error) {
      this.fail('The settings are not valid.', error.message, false);
      this.controls.setValues(this.model, this.view, null);
      return;
    }
    this.config = config;
    this.controls.setValues(config, this.view, this.Trainer.defaults(config.dataset));
    this.root.dataset.dataset = config.dataset;
    this.root.classList.toggle('gd-mnist', config.dataset === 'mnist');
    let images;
    if (config.dataset === 'mnist') {
      try {
        images = await loadMnist(({ phase, fraction }) => this.status(`${phase}…`, fraction));
      } catch (error) {
        this.fail('MNIST could not be loaded.', error.message);
        return;
      }
      drawRealDigits(this.realCanvas, images, 8, config.seed);
    }
    this.status('building the model on the GPU…');
    const token = (this.buildToken = (this.buildToken ?? 0) + 1);
    let trainer;
    try {
      trainer = await this.Trainer.create(config, images);
    } catch (error) {
      this.fail('The trainer could not start.', error.message);
      return;
    }
    if (this.destroyed || token !== this.buildToken) {
      trainer.free();
      return;
    }
    this.trainer = trainer;
    try {
      this.layout();
      trainer.attachCanvas(this.canvas);
    } catch (error) {
      this.fail('The canvas could not be drawn.', error.message);
      return;
    }
    this.adapterLine.textContent = `GPU: ${trainer.adapterName}`;
    this.legend.innerHTML =
      config.dataset === 'mnist'
        ? ''
        : '<span class="gd-key gd-key-real">real</span> <span class="gd-key gd-key-fake">generated</span>' +
          ' <span class="gd-key gd-key-field">D(x): fake → real</span>';
    this.clearStatus();
    this.root.dataset.state = 'ready';
    this.stepsPerFrame = 1;
    this.completed = 0;
    this.lastField = -Infinity;
    this.rate = { time: performance.now(), completed: 0, frames: 0 };
    this.writeUrl();
    if (reason) this.notice(`New model: training restarted (${reason}).`);
    this.drawOnce();
    if (wasPlaying) this.play();
    else this.controls.setPlaying(false);
  }

  play() {
    if (!this.trainer) return;
    this.playing = true;
    this.root.dataset.playing = 'true';
    this.controls.setPlaying(true);
    this.schedule();
  }

  stop() {
    this.playing = false;
    this.root.dataset.playing = 'false';
    cancelAnimationFrame(this.frameHandle);
    this.frameHandle = 0;
    this.controls?.setPlaying(false);
  }

  schedule() {
    if (!this.frameHandle) this.frameHandle = requestAnimationFrame((time) => this.frame(time));
  }

  // Iterations this frame: fixed, or (auto) as many as fit the GPU budget
  // by the measured GPU time per iteration; none while the GPU is more
  // than two frames behind, so a slow GPU never builds a queue.
  chooseSteps() {
    const backlog = this.trainer.iteration - this.completed;
    if (this.view.steps !== 'auto') {
      return backlog > 4 * this.view.steps ? 0 : this.view.steps;
    }
    const msPerIteration = this.trainer.gpuMsPerIteration;
    if (msPerIteration === undefined) return backlog > 0 ? 0 : 1;
    const target = Math.max(1, Math.min(MAX_STEPS_PER_FRAME, Math.floor(FRAME_BUDGET_MS / msPerIteration)));
    // Move towards the target gradually: measurements are noisy.
    this.stepsPerFrame = Math.max(1, Math.round(0.7 * this.stepsPerFrame + 0.3 * target));
    return backlog > 2 * this.stepsPerFrame ? 0 : this.stepsPerFrame;
  }

  frame(time) {
    this.frameHandle = 0;
    if (!this.playing || !this.trainer || document.hidden) return;
    try {
      const steps = this.chooseSteps();
      if (steps > 0) this.trainer.train(steps);
      this.render(time);
      // Auto shows its current target (a frame skips training while the GPU is behind).
      this.numberCells.steps.textContent =
        this.view.steps === 'auto' ? `auto (${this.stepsPerFrame})` : String(this.view.steps);
      this.root.dataset.stepsPerFrame = String(steps);
    } catch (error) {
      this.fail('Training stopped on a GPU error.', error.message);
      return;
    }
    this.schedule();
  }

  drawOnce() {
    if (!this.trainer) return;
    try {
      this.render(performance.now(), true);
    } catch (error) {
      this.fail('Drawing failed on a GPU error.', error.message);
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
    }
    const stats = this.trainer.stats();
    if (stats) {
      this.completed = stats.iteration + 1;
      this.numberCells.iteration.textContent = String(this.completed);
      for (const key of ['discLoss', 'genLoss', 'discReal', 'discFake']) {
        this.numberCells[key].textContent = formatNumber(stats[key]);
      }
      this.root.dataset.iteration = String(this.completed);
    }
    this.rate.frames += 1;
    const elapsed = time - this.rate.time;
    if (elapsed >= 1000) {
      const iterationsPerSecond = ((this.completed - this.rate.completed) * 1000) / elapsed;
      const framesPerSecond = (this.rate.frames * 1000) / elapsed;
      this.numberCells.rate.textContent = formatNumber(iterationsPerSecond, 1);
      this.numberCells.fps.textContent = formatNumber(framesPerSecond, 1);
      this.root.dataset.iterationsPerSecond = iterationsPerSecond.toFixed(2);
      this.root.dataset.framesPerSecond = framesPerSecond.toFixed(2);
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
      default:
        break;
    }
  }

  changeModel(changes) {
    const next = { ...this.model, ...changes };
    if (changes.dataset && changes.dataset !== this.model.dataset) {
      // A new dataset starts from its own preset: drop the other fields.
      for (const key of Object.keys(next)) if (key !== 'dataset' && key !== 'seed') delete next[key];
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
    if (needsNewModel(previous, resolved)) {
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
    if ('controls' in changes) this.controlsRoot.hidden = !this.view.controls;
    this.writeUrl();
    if (!this.playing) this.drawOnce();
  }

  link() {
    const defaults = this.Trainer && this.config ? this.Trainer.defaults(this.config.dataset) : {};
    const hash = formatState(this.config ?? this.model, this.view, defaults);
    const base = this.options.linkBase ?? location.href;
    const url = new URL(base);
    url.hash = hash;
    return url.href;
  }

  writeUrl() {
    if (!this.options.urlState) return;
    const url = this.link();
    if (url !== location.href) history.replaceState(null, '', url);
  }

  applyHash() {
    const { model, view, errors } = parseState(location.hash);
    for (const message of errors) this.notice(message);
    const viewChanged = VIEW_FIELDS.some((spec) => view[spec.key] !== this.view[spec.key]);
    if (viewChanged) this.changeView(view);
    const resolved = this.Trainer?.resolve(model);
    if (resolved && this.config && JSON.stringify(resolved) !== JSON.stringify(this.config)) {
      this.model = model;
      this.reset('the link changed');
    }
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
    this.resizeObserver.disconnect();
    this.keyTarget.removeEventListener('keydown', this.onKey);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('hashchange', this.onHash);
    this.charts.destroy();
    this.root.replaceChildren();
  }
}
