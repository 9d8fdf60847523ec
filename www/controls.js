// The control panel of a demo: buttons, the model's settings (a change
// that needs a new model restarts training; learning rates apply live) and
// the view's. It only reports changes; the demo decides what they mean.

import { DATASETS } from './state.js';

const DATASET_NAMES = {
  mnist: 'MNIST digits',
  ring8: 'ring of 8 Gaussians',
  grid25: 'grid of 25 Gaussians',
  spiral: 'spiral',
  circle: 'circle',
};

const STEP_CHOICES = ['auto', 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

// Model settings: config field, label, input kind.
const MODEL_INPUTS = [
  { field: 'genLr', label: 'G learning rate', kind: 'float', step: 'any', min: 0 },
  { field: 'discLr', label: 'D learning rate', kind: 'float', step: 'any', min: 0 },
  { field: 'batchSize', label: 'batch size', kind: 'int', min: 1, max: 4096 },
  { field: 'discSteps', label: 'D steps per G step', kind: 'int', min: 1, max: 16 },
  { field: 'latentSize', label: 'latent size', kind: 'int', min: 1, max: 1024 },
  { field: 'genHidden', label: 'G hidden widths', kind: 'widths' },
  { field: 'discHidden', label: 'D hidden widths', kind: 'widths' },
  { field: 'seed', label: 'seed', kind: 'int', min: 0 },
];

function create(tag, attributes = {}, parent, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  if (parent) parent.append(node);
  return node;
}

function labelled(parent, text, input) {
  const label = create('label', { class: 'gd-field' }, parent);
  create('span', {}, label, text);
  label.append(input);
  return label;
}

// Reads an input as its config value, or throws a message naming it.
function readInput(spec, input) {
  const text = input.value.trim();
  if (spec.kind === 'widths') {
    const parts = text === '' ? [] : text.split(/[\s,]+/);
    if (parts.length > 8 || !parts.every((p) => /^\d+$/.test(p) && +p >= 1 && +p <= 4096)) {
      throw new Error(`${spec.label}: up to 8 widths of 1 to 4096, separated by commas`);
    }
    return parts.map(Number);
  }
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) throw new Error(`${spec.label}: enter a number`);
  if (spec.kind === 'int' && !Number.isInteger(value)) throw new Error(`${spec.label}: enter a whole number`);
  return value;
}

export function buildControls(root, { onAction, onModel, onView }) {
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'controls');
  const buttons = create('div', { class: 'gd-buttons' }, root);
  const play = create('button', { class: 'gd-play', 'data-action': 'play', type: 'button' }, buttons, 'Play');
  const button = (action, text) => create('button', { 'data-action': action, type: 'button' }, buttons, text);
  button('step', 'Step');
  button('reset', 'Reset');
  button('copy-link', 'Copy link');
  play.addEventListener('click', () => onAction(play.dataset.action));
  for (const other of buttons.querySelectorAll('button:not(.gd-play)')) {
    other.addEventListener('click', () => onAction(other.dataset.action));
  }

  const settings = create('div', { class: 'gd-settings' }, root);
  const dataset = create('select', { 'data-field': 'dataset' });
  for (const name of DATASETS) create('option', { value: name }, dataset, DATASET_NAMES[name]);
  labelled(settings, 'dataset', dataset);
  dataset.addEventListener('change', () => onModel({ dataset: dataset.value }));

  const steps = create('select', { 'data-view': 'steps' });
  for (const choice of STEP_CHOICES) create('option', { value: String(choice) }, steps, String(choice));
  labelled(settings, 'steps per frame', steps);
  steps.addEventListener('change', () =>
    onView({ steps: steps.value === 'auto' ? 'auto' : Number(steps.value) }),
  );

  const inputs = {};
  for (const spec of MODEL_INPUTS) {
    const attributes = { 'data-field': spec.field, type: spec.kind === 'widths' ? 'text' : 'number' };
    if (spec.min !== undefined) attributes.min = String(spec.min);
    if (spec.max !== undefined) attributes.max = String(spec.max);
    attributes.step = spec.step ?? '1';
    if (spec.kind === 'widths') attributes.inputmode = 'numeric';
    const input = create('input', attributes);
    labelled(settings, spec.label, input);
    input.addEventListener('change', () => {
      try {
        input.setCustomValidity('');
        onModel({ [spec.field]: readInput(spec, input) });
      } catch (error) {
        input.setCustomValidity(error.message);
        input.reportValidity();
      }
    });
    inputs[spec.field] = input;
  }

  const view = create('div', { class: 'gd-view-options' }, root);
  const checkbox = (key, text) => {
    const box = create('input', { type: 'checkbox', 'data-view': key });
    const label = create('label', { class: 'gd-check' }, view);
    label.append(box, ` ${text}`);
    box.addEventListener('change', () => onView({ [key]: box.checked }));
    return box;
  };
  const heatmap = checkbox('heatmap', 'D heat map');
  const arrows = checkbox('arrows', 'D gradient arrows');

  return {
    root,
    setValues(config, viewState) {
      dataset.value = config.dataset;
      steps.value = String(viewState.steps);
      for (const spec of MODEL_INPUTS) {
        const value = config[spec.field];
        if (value !== undefined) inputs[spec.field].value = Array.isArray(value) ? value.join(',') : String(value);
      }
      heatmap.checked = viewState.heatmap;
      arrows.checked = viewState.arrows;
      view.hidden = config.dataset === 'mnist';
    },
    setPlaying(playing) {
      play.textContent = playing ? 'Pause' : 'Play';
      play.dataset.action = playing ? 'pause' : 'play';
      play.setAttribute('aria-pressed', String(playing));
    },
  };
}
