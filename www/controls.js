// The control panel of a demo: buttons, the model's settings (a change
// that needs a new model restarts training; live ones apply at once) and
// the view's. It only reports changes; the demo decides what they mean.
// What each setting may hold comes from the engine (`Trainer.schema()`,
// `Trainer.datasets()`), so the inputs refuse just what the engine would.

import { describeRange, inRange } from './state.js';

const STEP_CHOICES = ['auto', 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
// How a choice field's values read in a menu (others read as they are).
const CHOICE_TITLES = {
  tuned: 'tuned',
  reference: 'reference (no stabilisers)',
  bce: 'BCE (reference)', least_squares: 'least squares', leaky_relu: 'LeakyReLU', relu: 'ReLU' };

// Model settings shown, in this order: config field and label. Their kind
// and range are the schema's.
const MODEL_INPUTS = [
  { field: 'preset', label: 'recipe' },
  { field: 'genLr', label: 'G learning rate' },
  { field: 'discLr', label: 'D learning rate' },
  { field: 'lrDecayStart', label: 'rates decay after iteration' },
  { field: 'lrHalfLife', label: 'rates’ half-life (iterations; 0: constant)' },
  { field: 'batchSize', label: 'batch size' },
  { field: 'discSteps', label: 'D steps per G step' },
  { field: 'loss', label: 'loss' },
  { field: 'genEma', label: 'G average decay' },
  { field: 'discDropout', label: 'D dropout' },
  { field: 'pack', label: 'PacGAN pack' },
  { field: 'r1Gamma', label: 'R1 penalty γ' },
  { field: 'latentSize', label: 'latent size' },
  { field: 'genHidden', label: 'G hidden widths' },
  { field: 'discHidden', label: 'D hidden widths' },
  { field: 'seed', label: 'seed' },
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

// Reads an input as its config value (`spec`: the field's schema entry),
// or throws a message naming it.
function readInput(label, spec, input) {
  const text = input.value.trim();
  let value;
  if (spec.type === 'choice') {
    value = text;
  } else if (spec.type === 'widths') {
    const parts = text === '' ? [] : text.split(/[\s,]+/);
    value = parts.every((part) => /^\d+$/.test(part)) ? parts.map(Number) : null;
  } else {
    value = Number(text);
    if (text === '' || !Number.isFinite(value)) throw new Error(`${label}: enter a number`);
    if (spec.type === 'int' && !Number.isInteger(value)) throw new Error(`${label}: enter a whole number`);
  }
  if (!inRange(spec, value)) throw new Error(`${label}: ${describeRange(spec)}`);
  return value;
}

// schema: `Trainer.schema()`; datasets: `Trainer.datasets()`.
export function buildControls(root, { schema, datasets, onAction, onModel, onView }) {
  root.setAttribute('role', 'group');
  root.setAttribute('aria-label', 'controls');
  const buttons = create('div', { class: 'gd-buttons' }, root);
  const play = create('button', { class: 'gd-play', 'data-action': 'play', type: 'button' }, buttons, 'Play');
  const button = (action, text) => create('button', { 'data-action': action, type: 'button' }, buttons, text);
  button('step', 'Step');
  button('reset', 'Reset');
  button('copy-link', 'Copy link');
  button('save', 'Save');
  button('load', 'Load…');
  play.addEventListener('click', () => onAction(play.dataset.action));
  for (const other of buttons.querySelectorAll('button:not(.gd-play)')) {
    other.addEventListener('click', () => onAction(other.dataset.action));
  }

  const settings = create('div', { class: 'gd-settings' }, root);
  const dataset = create('select', { 'data-field': 'dataset' });
  for (const { name, title } of datasets) create('option', { value: name }, dataset, title);
  labelled(settings, 'dataset', dataset);
  dataset.addEventListener('change', () => onModel({ dataset: dataset.value }));

  const steps = create('select', { 'data-view': 'steps' });
  for (const choice of STEP_CHOICES) create('option', { value: String(choice) }, steps, String(choice));
  labelled(settings, 'steps per frame', steps);
  steps.addEventListener('change', () =>
    onView({ steps: steps.value === 'auto' ? 'auto' : Number(steps.value) }),
  );

  const inputs = {};
  for (const { field, label } of MODEL_INPUTS) {
    // A field the engine no longer has gets no input (the state test
    // reports the disagreement).
    const spec = schema.find((s) => s.field === field);
    if (!spec) continue;
    let attributes;
    if (spec.type === 'choice') {
      attributes = {};
    } else if (spec.type === 'widths') {
      attributes = { type: 'text', inputmode: 'numeric' };
    } else {
      // min and max are always inclusive in HTML; an excluded bound is
      // refused by readInput.
      attributes = { type: 'number', min: String(spec.min), max: String(spec.max) };
      attributes.step = spec.type === 'int' ? '1' : 'any';
    }
    const input = create(spec.type === 'choice' ? 'select' : 'input', { 'data-field': field, ...attributes });
    if (spec.type === 'choice') {
      for (const value of spec.values) create('option', { value }, input, CHOICE_TITLES[value] ?? value);
    }
    labelled(settings, label, input);
    input.addEventListener('change', () => {
      try {
        input.setCustomValidity('');
        onModel({ [field]: readInput(label, spec, input) });
      } catch (error) {
        input.setCustomValidity(error.message);
        input.reportValidity();
      }
    });
    inputs[field] = input;
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
      for (const [field, input] of Object.entries(inputs)) {
        const value = config[field];
        if (value !== undefined) input.value = Array.isArray(value) ? value.join(',') : String(value);
      }
      heatmap.checked = viewState.heatmap;
      arrows.checked = viewState.arrows;
      // The heat map and arrows are drawn over the plane: 2-D samples only.
      const info = datasets.find((d) => d.name === config.dataset);
      view.hidden = info?.sampleWidth !== 2;
    },
    setPlaying(playing) {
      play.textContent = playing ? 'Pause' : 'Play';
      play.dataset.action = playing ? 'pause' : 'play';
      play.setAttribute('aria-pressed', String(playing));
    },
  };
}
