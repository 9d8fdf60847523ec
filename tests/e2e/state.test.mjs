// The URL state module on its own (no browser): parsing, writing, and
// which changes need a new model, against the real engine's schema (the
// wasm package in www/pkg, loaded in Node: the schema needs no GPU). Links
// and the engine must agree on every field and every bound.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './engine-node.mjs';
import {
  DEFAULT_DATASET,
  DEFAULT_PRESET,
  MODEL_KEYS,
  VIEW_FIELDS,
  describeRange,
  formatState,
  needsNewModel,
  parseState,
  viewDefaults,
} from '../../www/state.js';

const Trainer = await loadEngine();
const schema = Trainer.schema();
const datasets = Trainer.datasets();

// The float32 next to `x` in the direction of `toward`: the engine keeps
// floats as f32, so a bound's f32 neighbour is the nearest value it can
// tell apart from the bound.
function nextFloat32(x, toward) {
  const value = new Float32Array([x]);
  const bits = new Int32Array(value.buffer);
  if (x === 0) {
    bits[0] = 1;
    return toward > 0 ? value[0] : -value[0];
  }
  bits[0] += x < toward === x > 0 ? 1 : -1;
  return value[0];
}

// The values of a field at its bounds (for an excluded float bound, the
// nearest value inside) and just past them.
function edges(spec) {
  switch (spec.type) {
    case 'int':
      return { inside: [spec.min, spec.max], outside: [spec.min - 1, spec.max + 1] };
    case 'float':
      return {
        inside: [
          spec.minIncluded ? spec.min : nextFloat32(spec.min, spec.max),
          spec.maxIncluded ? spec.max : nextFloat32(spec.max, spec.min),
        ],
        outside: [
          spec.minIncluded ? nextFloat32(spec.min, -Infinity) : spec.min,
          spec.maxIncluded ? nextFloat32(spec.max, Infinity) : spec.max,
        ],
      };
    case 'widths':
      return {
        inside: [[], [spec.min], Array(spec.maxLayers).fill(spec.max)],
        outside: [[spec.min - 1], [spec.max + 1], Array(spec.maxLayers + 1).fill(spec.min)],
      };
    case 'choice':
      return { inside: spec.values, outside: ['nope', ''] };
    default:
      throw new Error(`a field of an unknown type: ${JSON.stringify(spec)}`);
  }
}

// A config the engine checks with just this field changed.
function withField(spec, value) {
  return spec.field === 'dataset' ? { dataset: value } : { dataset: DEFAULT_DATASET, [spec.field]: value };
}

test('a link round-trips through parse and format', () => {
  const hash = '#dataset=grid25&seed=5&batch=64&lrG=0.0003&gHidden=32,32&steps=10&arrows=1&controls=0';
  const { model, view, errors } = parseState(hash, schema);
  assert.deepEqual(errors, []);
  assert.deepEqual(model, { dataset: 'grid25', seed: 5, batchSize: 64, genLr: 0.0003, genHidden: [32, 32] });
  assert.equal(view.steps, 10);
  assert.equal(view.arrows, true);
  assert.equal(view.controls, false);
  assert.equal(view.heatmap, true, 'absent keys take their defaults');
  assert.deepEqual(parseState(formatState(model, view, {}, schema), schema).model, model);
});

test('values equal to the preset are left out of links', () => {
  const defaults = { dataset: 'ring8', batchSize: 256, genLr: 1e-4 };
  const hash = formatState({ dataset: 'ring8', batchSize: 256, genLr: 2e-4 }, { steps: 'auto' }, defaults, schema);
  assert.equal(hash, '#dataset=ring8&lrG=0.0002');
});

test('a link names the preset only when it is not the default one', () => {
  assert.equal(Trainer.defaults(DEFAULT_DATASET).preset, DEFAULT_PRESET, 'the page and the engine agree');
  const reference = Trainer.defaults('ring8', 'reference');
  const tuned = Trainer.defaults('ring8');
  assert.equal(reference.preset, 'reference');
  assert.notDeepEqual(tuned, reference, 'ring 8 has a tuned recipe');
  // The reference recipe, one setting changed: the link says which recipe
  // the rest comes from, and only what differs from it.
  const config = { ...reference, genLr: 3e-4 };
  const hash = formatState(config, { steps: 'auto' }, reference, schema);
  assert.equal(hash, '#dataset=ring8&preset=reference&lrG=0.0003');
  const { model, errors } = parseState(hash, schema);
  assert.deepEqual(errors, []);
  assert.deepEqual(Trainer.resolve(model), config, 'the link opens the same config');
  assert.equal(formatState(tuned, { steps: 'auto' }, tuned, schema), '#dataset=ring8');
  assert.deepEqual(Trainer.resolve(parseState('#dataset=ring8', schema).model), tuned);
  assert.match(parseState('#preset=best', schema).errors[0], /preset=best.*one of tuned, reference/);
  assert.throws(() => Trainer.defaults('ring8', 'best'), /unknown preset `best`; one of tuned, reference/);
});

test('bad values are reported with what is expected and fall back', () => {
  const { model, view, errors } = parseState('#dataset=cifar&batch=0&steps=fast&gHidden=0,5&flag=1', schema);
  assert.equal(model.dataset, 'ring8');
  assert.equal(model.batchSize, undefined);
  assert.equal(view.steps, 'auto');
  assert.equal(errors.length, 5);
  assert.match(errors[0], /dataset=cifar.*one of mnist/);
  assert.match(errors[1], /batch=0.*1 to 4096/);
  assert.match(errors.join(' '), /unknown setting "flag"/);
});

test('learning rates change live, the rest needs a new model', () => {
  const base = { dataset: 'ring8', batchSize: 256, genLr: 1e-4, discLr: 1e-4, genHidden: [64] };
  assert.equal(needsNewModel(base, { ...base, genLr: 3e-4, discLr: 5e-4 }, schema), false);
  assert.equal(needsNewModel(base, { ...base, batchSize: 128 }, schema), true);
  assert.equal(needsNewModel(base, { ...base, genHidden: [64, 64] }, schema), true);
  assert.equal(needsNewModel(base, { ...base, dataset: 'mnist' }, schema), true);
});

test('every config field has exactly one link key and every model key names a field', () => {
  const fields = schema.map((spec) => spec.field);
  assert.deepEqual(
    Object.keys(MODEL_KEYS).toSorted(),
    fields.toSorted(),
    'www/state.js MODEL_KEYS and Trainer.schema() name the same fields',
  );
  const keys = [...Object.values(MODEL_KEYS), ...VIEW_FIELDS.map((spec) => spec.key)];
  assert.equal(new Set(keys).size, keys.length, `no key is used twice: ${keys}`);
  // The keys links shared before the schema must keep their meaning.
  const kept = {
    dataset: 'dataset',
    seed: 'seed',
    batchSize: 'batch',
    genLr: 'lrG',
    discLr: 'lrD',
    discSteps: 'dSteps',
    latentSize: 'latent',
    genHidden: 'gHidden',
    discHidden: 'dHidden',
    labelSmoothing: 'smooth',
  };
  for (const [field, key] of Object.entries(kept)) assert.equal(MODEL_KEYS[field], key, field);
});

test('the dataset list, the default dataset and the live fields are the engine’s', () => {
  const choices = schema.find((spec) => spec.field === 'dataset').values;
  assert.deepEqual(datasets.map((d) => d.name), choices, 'the controls list what links accept');
  assert.ok(choices.includes(DEFAULT_DATASET), `${DEFAULT_DATASET} is a dataset`);
  assert.deepEqual(parseState('', schema).model, { dataset: DEFAULT_DATASET });
  assert.deepEqual(schema.filter((spec) => spec.live).map((spec) => spec.field), ['genLr', 'discLr']);
  // A change to any other field, whether links carried it before or not, needs a new model.
  const preset = Trainer.defaults(DEFAULT_DATASET);
  for (const spec of schema) {
    const changed = edges(spec).inside.find((value) => JSON.stringify(value) !== JSON.stringify(preset[spec.field]));
    const next = { ...preset, [spec.field]: changed };
    assert.equal(needsNewModel(preset, next, schema), !spec.live, `${spec.field} = ${JSON.stringify(changed)}`);
  }
});

test('every field round-trips through a link at its bounds, and the engine takes those values', () => {
  for (const spec of schema) {
    for (const value of edges(spec).inside) {
      const what = `${spec.field} = ${JSON.stringify(value)}`;
      const hash = formatState({ [spec.field]: value }, viewDefaults(), {}, schema);
      const { model, errors } = parseState(hash, schema);
      assert.deepEqual(errors, [], `${what} (${hash})`);
      if (spec.field === 'preset' && value === DEFAULT_PRESET) {
        // The default recipe goes without saying.
        assert.equal(model.preset, undefined, `${what} (${hash})`);
        assert.equal(Trainer.resolve(model).preset, value, what);
      } else {
        assert.deepEqual(model[spec.field], value, `${what} (${hash})`);
      }
      assert.doesNotThrow(() => Trainer.resolve(withField(spec, value)), what);
    }
  }
});

test('a value just past each bound is refused with a message naming its key', () => {
  for (const spec of schema) {
    const key = MODEL_KEYS[spec.field];
    for (const value of edges(spec).outside) {
      const text = Array.isArray(value) ? value.join(',') : String(value);
      const what = `${spec.field} = ${JSON.stringify(value)}`;
      const { model, errors } = parseState(`#${key}=${encodeURIComponent(text)}`, schema);
      assert.equal(errors.length, 1, `${what}: ${errors}`);
      assert.ok(
        errors[0].startsWith(`link setting ${key}=${text} is not valid: expected `),
        `${what}: ${errors[0]}`,
      );
      assert.ok(errors[0].endsWith(describeRange(spec)), `${what}: ${errors[0]}`);
      assert.equal(model[spec.field], spec.field === 'dataset' ? DEFAULT_DATASET : undefined, what);
      assert.throws(() => Trainer.resolve(withField(spec, value)), undefined, `the engine refuses ${what} too`);
    }
  }
});

test('float messages state which bounds are included', () => {
  const message = (hash) => parseState(hash, schema).errors[0];
  assert.match(message('#lrG=0'), /lrG=0 is not valid: expected a number from 0 to 1 \(0 excluded\)$/);
  assert.match(message('#smooth=0.5'), /smooth=0\.5 is not valid: expected a number from 0 to 0\.5 \(0\.5 excluded\)$/);
  assert.match(message('#lrD=fast'), /lrD=fast is not valid: expected a number from 0 to 1 \(0 excluded\)$/);
  const ranges = schema.filter((spec) => spec.type === 'float').map((spec) => describeRange(spec));
  assert.ok(ranges.includes('a number from 0 to 1 (0 excluded)'), ranges.join('; '));
});

test('each bad value in one link gives its own message', () => {
  const { model, errors } = parseState('#act=tanh&slope=1&b1=-0.1&b2=0.9&eps=0&samples=0', schema);
  assert.deepEqual(model, { dataset: DEFAULT_DATASET, beta2: 0.9 });
  assert.equal(errors.length, 5, errors.join('\n'));
  for (const key of ['act', 'slope', 'b1', 'eps', 'samples']) {
    assert.ok(errors.some((e) => e.startsWith(`link setting ${key}=`)), `${key}: ${errors}`);
  }
});
