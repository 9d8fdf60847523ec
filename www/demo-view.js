// What a demo shows: its elements, the status box, notices and the numbers
// panel. It writes the page and reports input; the demo (demo.js) decides
// what happens. The root's data-* attributes mirror what is shown, for
// scripts and the end-to-end tests to read.

import { drawRealDigits } from './mnist.js';
import { StatsCharts } from './charts.js';
import { buildControls } from './controls.js';

const NOTICE_MS = 6000;
const REAL_DIGITS = 8;

// Numbers panel: key, label (in this order on the page).
const NUMBERS = [
  ['iteration', 'iteration'],
  ['rate', 'iterations/s'],
  ['fps', 'frames/s'],
  ['steps', 'steps/frame'],
  ['discLoss', 'D loss'],
  ['genLoss', 'G loss'],
  ['discReal', 'D(x)'],
  ['discFake', 'D(G(z))'],
];
const STAT_KEYS = ['discLoss', 'genLoss', 'discReal', 'discFake'];

const LEGEND_2D =
  '<span class="gd-key gd-key-real">real</span> <span class="gd-key gd-key-fake">generated</span>' +
  ' <span class="gd-key gd-key-field">D(x): fake → real</span>';

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

export class DemoView {
  // handlers: onAction(action), onModel(changes), onView(changes) (from the
  // controls), onRestart() (the status box's button), onResize() (the
  // sample view changed size).
  constructor(root, { onAction, onModel, onView, onRestart, onResize, onFile }) {
    this.root = root;
    root.classList.add('gan-demo');
    // Focusable, so that an embedded demo can take Space without the page.
    root.tabIndex = root.tabIndex >= 0 ? root.tabIndex : 0;

    this.statusBox = element('div', 'gd-status', root);
    this.statusBox.hidden = true;
    this.statusText = element('p', 'gd-status-text', this.statusBox);
    this.progress = element('progress', 'gd-progress', this.statusBox);
    this.progress.max = 1;
    this.restartButton = element('button', 'gd-restart', this.statusBox, 'Restart');
    this.restartButton.hidden = true;
    this.restartButton.addEventListener('click', () => onRestart());

    const body = element('div', 'gd-body', root);
    const view = element('div', 'gd-view', body);
    this.canvas = element('canvas', 'gd-canvas', view);
    this.canvas.setAttribute('aria-label', 'generated samples');
    this.legend = element('div', 'gd-legend', view);
    const realStrip = element('div', 'gd-real', view);
    element('span', 'gd-real-label', realStrip, 'real digits');
    this.realCanvas = element('canvas', 'gd-real-canvas', realStrip);

    const side = element('div', 'gd-side', body);
    const numbers = element('dl', 'gd-numbers', side);
    this.numberCells = {};
    for (const [key, label] of NUMBERS) {
      const item = element('div', `gd-number gd-number-${key}`, numbers);
      element('dt', null, item, label);
      this.numberCells[key] = element('dd', null, item, '–');
    }
    // 2-D data: how the samples cover the modes (PacGAN's protocol).
    this.qualityBox = element('figure', 'gd-quality', side);
    this.qualityBox.hidden = true;
    this.qualityText = element('figcaption', 'gd-quality-text', this.qualityBox);
    this.modeBars = element('div', 'gd-mode-bars', this.qualityBox);
    this.modeBars.setAttribute('aria-hidden', 'true');
    this.qualityNote = element('p', 'gd-quality-note', this.qualityBox);
    const chartsBox = element('div', 'gd-charts', side);
    this.chartsBox = chartsBox;
    this.charts = new StatsCharts(element('div', 'gd-chart', chartsBox), element('div', 'gd-chart', chartsBox));
    this.adapterLine = element('p', 'gd-adapter', side);

    // Filled by buildControls once the engine says what the settings are.
    this.controlsBox = element('div', 'gd-controls', root);
    this.controls = null;
    this.controlHandlers = { onAction, onModel, onView };
    this.notices = element('p', 'gd-notice', root);
    this.notices.setAttribute('role', 'status');

    this.resizeObserver = new ResizeObserver(() => onResize());
    this.resizeObserver.observe(view);

    // A checkpoint comes from the Load button's picker or is dropped onto
    // the demo; either way `onFile(file)` gets it.
    this.filePicker = element('input', 'gd-file', root);
    this.filePicker.type = 'file';
    this.filePicker.accept = '.ckpt,application/octet-stream';
    this.filePicker.hidden = true;
    this.filePicker.addEventListener('change', () => {
      const file = this.filePicker.files?.[0];
      this.filePicker.value = '';
      if (file) onFile(file);
    });
    this.onDragOver = (event) => {
      if (!event.dataTransfer?.types?.includes('Files')) return;
      event.preventDefault();
      root.classList.add('gd-dropping');
    };
    this.onDragLeave = () => root.classList.remove('gd-dropping');
    this.onDrop = (event) => {
      root.classList.remove('gd-dropping');
      const file = event.dataTransfer?.files?.[0];
      if (!file) return;
      event.preventDefault();
      onFile(file);
    };
    root.addEventListener('dragover', this.onDragOver);
    root.addEventListener('dragleave', this.onDragLeave);
    root.addEventListener('drop', this.onDrop);
  }

  // Opens the file picker (the Load button).
  pickFile() {
    this.filePicker.click();
  }

  // Offers `bytes` as a file download named `name`.
  download(bytes, name) {
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const link = element('a', null, this.root);
    link.href = url;
    link.download = name;
    link.hidden = true;
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  // Lifecycle: 'loading', 'ready', 'error' or 'no-webgpu'.
  setState(state) {
    this.root.dataset.state = state;
  }

  // schema: `Trainer.schema()`; datasets: `Trainer.datasets()`.
  buildControls(schema, datasets) {
    this.controlsBox.replaceChildren();
    this.controls = buildControls(this.controlsBox, { schema, datasets, ...this.controlHandlers });
  }

  setPlaying(playing) {
    this.root.dataset.playing = String(playing);
    this.controls?.setPlaying(playing);
  }

  // Hidden until built: an empty panel would show while the engine loads.
  showControls(visible) {
    this.controlsBox.hidden = !(visible && this.controls);
  }

  showNoWebgpu() {
    this.setState('no-webgpu');
    this.root.classList.add('gd-no-webgpu');
  }

  // A progress bar for `fraction` (0–1), an indeterminate one for null,
  // none when it is left out.
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

  // Restarting cannot help every error (no WebGPU, settings that are not
  // valid): `canRestart` says whether to offer it.
  // restartLabel: the status box's button (false: none).
  fail(title, detail, restartLabel = 'Restart') {
    this.statusBox.hidden = false;
    this.statusBox.classList.add('gd-error');
    this.statusText.textContent = '';
    element('strong', null, this.statusText, title);
    if (detail) element('span', 'gd-error-detail', this.statusText, ` ${detail}`);
    this.progress.hidden = true;
    this.restartButton.hidden = !restartLabel;
    if (restartLabel) this.restartButton.textContent = restartLabel;
    this.setState('error');
  }

  // One line at a time, gone after a while: notices report, they are not a log.
  notice(text) {
    this.notices.textContent = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notices.textContent = '';
    }, NOTICE_MS);
  }

  // Set as soon as the dataset is known, before its model is built.
  showDataset(dataset) {
    this.root.dataset.dataset = dataset;
    this.root.classList.toggle('gd-mnist', dataset === 'mnist');
  }

  showRealDigits(images, seed) {
    drawRealDigits(this.realCanvas, images, REAL_DIGITS, seed);
  }

  // Digits need no legend; the 2-D views do.
  showModel(dataset, adapterName) {
    this.adapterLine.textContent = `GPU: ${adapterName}`;
    this.legend.innerHTML = dataset === 'mnist' ? '' : LEGEND_2D;
  }

  // Matches the canvas's pixels to its size on screen; true when they
  // changed (the engine then needs to draw again).
  fitCanvas() {
    const width = this.canvas.clientWidth;
    const pixels = Math.max(1, Math.round(width * (window.devicePixelRatio || 1)));
    if (this.canvas.width === pixels && this.canvas.height === pixels) return false;
    this.canvas.width = pixels;
    this.canvas.height = pixels;
    return true;
  }

  fitCharts() {
    this.charts.resize(Math.max(200, this.chartsBox.clientWidth));
  }

  showStats(completed, stats) {
    this.numberCells.iteration.textContent = String(completed);
    for (const key of STAT_KEYS) this.numberCells[key].textContent = formatNumber(stats[key]);
    this.root.dataset.iteration = String(completed);
  }

  showRates(iterationsPerSecond, framesPerSecond) {
    this.numberCells.rate.textContent = formatNumber(iterationsPerSecond, 1);
    this.numberCells.fps.textContent = formatNumber(framesPerSecond, 1);
    this.root.dataset.iterationsPerSecond = iterationsPerSecond.toFixed(2);
    this.root.dataset.framesPerSecond = framesPerSecond.toFixed(2);
  }

  // `quality`: `trainer.quality()`'s answer (mode coverage for 2-D data,
  // the classifier's verdict for digits); null hides the panel.
  showQuality(quality) {
    this.qualityBox.hidden = !quality;
    if (!quality) return;
    if (quality.classHistogram) {
      this.showDigitQuality(quality);
      return;
    }
    const { modesCovered, modeCount, highQuality, reverseKl, perMode } = quality;
    const kl = reverseKl === null ? '–' : reverseKl.toFixed(3);
    this.qualityText.textContent =
      `Modes ${modesCovered}/${modeCount} · ${(100 * highQuality).toFixed(1)} % high quality · reverse KL ${kl}`;
    this.qualityNote.textContent = 'High quality: within 3σ of the nearest mode. Bars: high-quality samples per mode.';
    this.showBars(perMode, (count, index) => `mode ${index + 1}: ${count} high-quality samples`);
    this.root.dataset.modesCovered = String(modesCovered);
    this.root.dataset.highQuality = highQuality.toFixed(4);
  }

  showDigitQuality({ samples, inceptionScore, classHistogram, confidentShare, frechetDistance }) {
    this.qualityText.textContent =
      `Inception Score ${inceptionScore.toFixed(2)} · ${(100 * confidentShare).toFixed(0)} % confident · ` +
      `Fréchet distance ${frechetDistance.toFixed(1)}`;
    this.qualityNote.textContent =
      `Read by an MNIST classifier on the ${samples} samples. Inception Score: 1 to 10, higher is better; ` +
      `confident: top class ≥ 90 %; Fréchet distance from the test digits' features: lower is better. ` +
      `Bars: samples read as 0 to 9.`;
    this.showBars(classHistogram, (count, digit) => `${digit}: ${count} samples`, true);
    this.root.dataset.inceptionScore = inceptionScore.toFixed(3);
  }

  // One bar per entry of `counts`, scaled to the largest; `labelled` writes
  // each bar's index under it (the digits).
  showBars(counts, title, labelled = false) {
    this.modeBars.classList.toggle('gd-labelled-bars', labelled);
    while (this.modeBars.children.length > counts.length) this.modeBars.lastChild.remove();
    while (this.modeBars.children.length < counts.length) element('span', 'gd-mode-bar', this.modeBars);
    const most = Math.max(1, ...counts);
    counts.forEach((count, index) => {
      const bar = this.modeBars.children[index];
      bar.style.height = `${(100 * count) / most}%`;
      bar.classList.toggle('gd-mode-missed', count === 0);
      bar.title = title(count, index);
      bar.dataset.label = String(index);
    });
  }

  // The panel shows the setting (auto with its current target); the
  // attribute, what this frame queued (none while the GPU is behind).
  showSteps(setting, target, steps) {
    this.numberCells.steps.textContent = setting === 'auto' ? `auto (${target})` : String(setting);
    this.root.dataset.stepsPerFrame = String(steps);
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.root.removeEventListener('dragover', this.onDragOver);
    this.root.removeEventListener('dragleave', this.onDragLeave);
    this.root.removeEventListener('drop', this.onDrop);
    clearTimeout(this.noticeTimer);
    this.charts.destroy();
    this.root.replaceChildren();
  }
}
