// Everything a link carries, in the URL hash: the model (a change means a
// new model, so training restarts, unless the field is live) and the view
// (a change applies live). Only values that differ from the defaults are
// written, so links stay readable.
//
// This module owns the link's own vocabulary: the short key of each field
// and the view. What a model field may hold (its type, range, choices,
// whether it is live) is the engine's, from `Trainer.schema()`, passed in
// as `schema`; a copy here could drift from what the engine accepts.

import { MAX_STEPS_PER_FRAME } from './steps.js';

// Config field of the engine (camelCase, as Trainer.create takes it) → its
// key in the URL, in the order links write them. Keys are short and stable:
// links already shared use them. tests/e2e/state.test.mjs checks that this
// names every field of the schema once and nothing else.
export const MODEL_KEYS = {
  dataset: 'dataset',
  preset: 'preset',
  seed: 'seed',
  batchSize: 'batch',
  genLr: 'lrG',
  discLr: 'lrD',
  discSteps: 'dSteps',
  latentSize: 'latent',
  genHidden: 'gHidden',
  discHidden: 'dHidden',
  labelSmoothing: 'smooth',
  activation: 'act',
  leakySlope: 'slope',
  beta1: 'b1',
  beta2: 'b2',
  eps: 'eps',
  lrDecayStart: 'decayFrom',
  lrHalfLife: 'halfLife',
  sampleCount: 'samples',
  loss: 'loss',
  genEma: 'ema',
  discDropout: 'dropout',
  pack: 'pack',
  r1Gamma: 'r1',
  coordinateScale: 'scale',
};

export const VIEW_FIELDS = [
  // Iterations per frame: "auto" keeps a frame's GPU work near the budget.
  { key: 'steps', type: 'steps', default: 'auto' },
  { key: 'heatmap', type: 'bool', default: true },
  { key: 'arrows', type: 'bool', default: false },
  { key: 'controls', type: 'bool', default: true },
  { key: 'autoplay', type: 'bool', default: true },
];

// What a link that names no dataset (or a bad one) opens: part of what
// links mean, so that links shared without `dataset=` keep opening it.
export const DEFAULT_DATASET = 'ring8';

// The recipe a link that names none trains: the engine's default preset
// (tests/e2e/state.test.mjs checks that they agree).
export const DEFAULT_PRESET = 'tuned';

// Decimal numbers as String() writes them ("0.0003", "1e-7"); Number()
// alone would also take "0x10" or " 1".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

// Whether `value` is one the engine accepts for the field `spec` (an entry
// of the schema).
export function inRange(spec, value) {
  switch (spec.type) {
    case 'int':
      return Number.isInteger(value) && value >= spec.min && value <= spec.max;
    case 'float': {
      // The engine keeps floats as f32: 5e-324 is above 0 here but 0 there.
      const kept = Math.fround(value);
      return (
        typeof value === 'number' &&
        (spec.minIncluded ? kept >= spec.min : kept > spec.min) &&
        (spec.maxIncluded ? kept <= spec.max : kept < spec.max)
      );
    }
    case 'widths':
      return (
        Array.isArray(value) &&
        value.length <= spec.maxLayers &&
        value.every((width) => Number.isInteger(width) && width >= spec.min && width <= spec.max)
      );
    case 'choice':
      return spec.values.includes(value);
    default:
      return false;
  }
}

// What the field `spec` takes, in words: the end of "expected …".
export function describeRange(spec) {
  switch (spec.type) {
    case 'int':
      return `${spec.min} to ${spec.max}`;
    case 'float': {
      const excluded = [!spec.minIncluded && spec.min, !spec.maxIncluded && spec.max].filter((b) => b !== false);
      const note = excluded.length ? ` (${excluded.join(' and ')} excluded)` : '';
      return `a number from ${spec.min} to ${spec.max}${note}`;
    }
    case 'widths':
      return `up to ${spec.maxLayers} widths of ${spec.min} to ${spec.max}, separated by commas`;
    case 'choice':
      return `one of ${spec.values.join(', ')}`;
    default:
      return `a value of the unknown type ${spec.type}`;
  }
}

// The schema's entries that links carry, each with its URL key, in link
// order. A field the table above does not name is left out of links (and
// a key whose field the schema lacks is unknown): the page still works,
// and the state test fails.
function modelSpecs(schema) {
  return Object.entries(MODEL_KEYS).flatMap(([field, key]) => {
    const spec = schema.find((s) => s.field === field);
    return spec ? [{ ...spec, key }] : [];
  });
}

function parseModelValue(spec, text) {
  let value;
  switch (spec.type) {
    case 'int':
      if (!/^-?\d+$/.test(text)) throw new Error('a whole number');
      // + 0: "-0" reads as 0, which is what a link writes back.
      value = Number(text) + 0;
      break;
    case 'float':
      value = DECIMAL.test(text) ? Number(text) + 0 : NaN;
      break;
    case 'widths': {
      // A comma or a dash between widths (a dash survives more link mangling).
      const parts = text === '' ? [] : text.split(/[,-]/);
      value = parts.every((part) => /^\d+$/.test(part)) ? parts.map(Number) : null;
      break;
    }
    default:
      value = text;
  }
  if (!inRange(spec, value)) throw new Error(describeRange(spec));
  return value;
}

function parseViewValue(spec, text) {
  switch (spec.type) {
    case 'steps':
      if (text === 'auto') return 'auto';
      // A frame's iterations are one GPU submission: more than the frame
      // loop itself ever picks could run for seconds (a driver timeout).
      if (!/^\d+$/.test(text) || +text < 1 || +text > MAX_STEPS_PER_FRAME) {
        throw new Error(`auto or 1 to ${MAX_STEPS_PER_FRAME}`);
      }
      return Number(text);
    case 'bool':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      throw new Error('0 or 1');
    default:
      throw new Error(`unknown type ${spec.type}`);
  }
}

function formatValue(value) {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function viewDefaults() {
  return Object.fromEntries(VIEW_FIELDS.map((spec) => [spec.key, spec.default]));
}

// Reads a hash (or query) string against the engine's `schema`. Returns
// the model overrides (engine field names), the view, and a message per
// bad key; bad keys fall back to their defaults so a mistyped link still
// opens a working demo.
export function parseState(hash, schema) {
  const specs = modelSpecs(schema);
  const params = new URLSearchParams(hash.replace(/^[#?]/, ''));
  const model = {};
  const view = viewDefaults();
  const errors = [];
  for (const [key, text] of params) {
    const modelSpec = specs.find((s) => s.key === key);
    const viewSpec = VIEW_FIELDS.find((s) => s.key === key);
    if (!modelSpec && !viewSpec) {
      errors.push(`unknown setting "${key}" in the link (ignored)`);
      continue;
    }
    try {
      if (modelSpec) model[modelSpec.field] = parseModelValue(modelSpec, text);
      else view[key] = parseViewValue(viewSpec, text);
    } catch (error) {
      errors.push(`link setting ${key}=${text} is not valid: expected ${error.message}`);
    }
  }
  if (!model.dataset) model.dataset = DEFAULT_DATASET;
  return { model, view, errors };
}

// Writes the state as a hash, leaving out values equal to `defaults` (the
// config of the dataset and preset, `Trainer.defaults`) and to the view
// defaults. The dataset is always written and the preset when it is not
// the default one: they decide what the rest defaults to.
export function formatState(model, view, defaults, schema) {
  const params = new URLSearchParams();
  for (const spec of modelSpecs(schema)) {
    const value = model[spec.field];
    if (value === undefined) continue;
    if (spec.field === 'preset') {
      if (value !== DEFAULT_PRESET) params.set(spec.key, formatValue(value));
      continue;
    }
    if (spec.field !== 'dataset' && defaults?.[spec.field] !== undefined && sameValue(value, defaults[spec.field])) {
      continue;
    }
    params.set(spec.key, formatValue(value));
  }
  for (const spec of VIEW_FIELDS) {
    const value = view[spec.key];
    if (value !== undefined && !sameValue(value, spec.default)) params.set(spec.key, formatValue(value));
  }
  return `#${params.toString().replace(/%2C/g, ',')}`;
}

// Whether moving from config `a` to config `b` needs a new model: a change
// to any field the schema does not mark live.
export function needsNewModel(a, b, schema) {
  return schema.some((spec) => !spec.live && !sameValue(a[spec.field], b[spec.field]));
}
