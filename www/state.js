// Everything a link carries, in the URL hash: the model (a change means a
// new model, so training restarts) and the view (a change applies live).
// Keys are short and stable; only values that differ from the defaults are
// written, so links stay readable.

export const DATASETS = ['mnist', 'ring8', 'grid25', 'spiral', 'circle'];

// key in the URL → config field of the engine (camelCase, as Trainer.create takes it).
export const MODEL_FIELDS = [
  { key: 'dataset', field: 'dataset', type: 'enum', values: DATASETS },
  { key: 'seed', field: 'seed', type: 'int', min: 0, max: 4294967295 },
  { key: 'batch', field: 'batchSize', type: 'int', min: 1, max: 4096 },
  // Learning rates change live, without a new model.
  { key: 'lrG', field: 'genLr', type: 'float', min: 1e-7, max: 1, live: true },
  { key: 'lrD', field: 'discLr', type: 'float', min: 1e-7, max: 1, live: true },
  { key: 'dSteps', field: 'discSteps', type: 'int', min: 1, max: 16 },
  { key: 'latent', field: 'latentSize', type: 'int', min: 1, max: 1024 },
  { key: 'gHidden', field: 'genHidden', type: 'widths' },
  { key: 'dHidden', field: 'discHidden', type: 'widths' },
  { key: 'smooth', field: 'labelSmoothing', type: 'float', min: 0, max: 0.49 },
];

export const VIEW_FIELDS = [
  // Iterations per frame: "auto" keeps a frame's GPU work near the budget.
  { key: 'steps', type: 'steps', default: 'auto' },
  { key: 'heatmap', type: 'bool', default: true },
  { key: 'arrows', type: 'bool', default: false },
  { key: 'controls', type: 'bool', default: true },
  { key: 'autoplay', type: 'bool', default: true },
];

export const DEFAULT_DATASET = 'ring8';

function parseValue(spec, text) {
  switch (spec.type) {
    case 'enum':
      if (!spec.values.includes(text)) throw new Error(`one of ${spec.values.join(', ')}`);
      return text;
    case 'int': {
      if (!/^\d+$/.test(text)) throw new Error('a whole number');
      const value = Number(text);
      if (value < spec.min || value > spec.max) throw new Error(`${spec.min} to ${spec.max}`);
      return value;
    }
    case 'float': {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value) || value < spec.min || value > spec.max) {
        throw new Error(`a number from ${spec.min} to ${spec.max}`);
      }
      return value;
    }
    case 'widths': {
      const parts = text === '' ? [] : text.split(/[,-]/);
      if (parts.length > 8 || !parts.every((p) => /^\d+$/.test(p) && +p >= 1 && +p <= 4096)) {
        throw new Error('up to 8 widths of 1 to 4096, like 64,64,64');
      }
      return parts.map(Number);
    }
    case 'steps': {
      if (text === 'auto') return 'auto';
      if (!/^\d+$/.test(text) || +text < 1 || +text > 10000) throw new Error('auto or 1 to 10000');
      return Number(text);
    }
    case 'bool':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      throw new Error('0 or 1');
    default:
      throw new Error(`unknown type ${spec.type}`);
  }
}

function formatValue(spec, value) {
  switch (spec.type) {
    case 'widths':
      return value.join(',');
    case 'bool':
      return value ? '1' : '0';
    default:
      return String(value);
  }
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Reads a hash (or query) string. Returns the model overrides (engine field
// names), the view, and a message per bad key; bad keys fall back to
// their defaults so a mistyped link still opens a working demo.
export function parseState(hash) {
  const params = new URLSearchParams(hash.replace(/^[#?]/, ''));
  const model = {};
  const view = Object.fromEntries(VIEW_FIELDS.map((spec) => [spec.key, spec.default]));
  const errors = [];
  for (const [key, text] of params) {
    const spec = MODEL_FIELDS.find((s) => s.key === key) ?? VIEW_FIELDS.find((s) => s.key === key);
    if (!spec) {
      errors.push(`unknown setting "${key}" in the link (ignored)`);
      continue;
    }
    try {
      const value = parseValue(spec, text);
      if (spec.field) model[spec.field] = value;
      else view[key] = value;
    } catch (error) {
      errors.push(`link setting ${key}=${text} is not valid: expected ${error.message}`);
    }
  }
  if (!model.dataset) model.dataset = DEFAULT_DATASET;
  return { model, view, errors };
}

// Writes the state as a hash, leaving out values equal to `defaults`
// (the dataset's preset config) and to the view defaults.
export function formatState(model, view, defaults = {}) {
  const params = new URLSearchParams();
  for (const spec of MODEL_FIELDS) {
    const value = model[spec.field];
    if (value === undefined) continue;
    if (spec.field !== 'dataset' && defaults[spec.field] !== undefined && sameValue(value, defaults[spec.field])) {
      continue;
    }
    params.set(spec.key, formatValue(spec, value));
  }
  for (const spec of VIEW_FIELDS) {
    const value = view[spec.key];
    if (value !== undefined && !sameValue(value, spec.default)) params.set(spec.key, formatValue(spec, value));
  }
  return `#${params.toString().replace(/%2C/g, ',')}`;
}

// Whether moving from config `a` to config `b` needs a new model (every
// model field but the live ones).
export function needsNewModel(a, b) {
  return MODEL_FIELDS.some((spec) => !spec.live && !sameValue(a[spec.field], b[spec.field]));
}
