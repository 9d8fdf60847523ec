// The URL state module on its own (no browser): parsing, writing, and
// which changes need a new model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatState, needsNewModel, parseState } from '../../www/state.js';

test('a link round-trips through parse and format', () => {
  const hash = '#dataset=grid25&seed=5&batch=64&lrG=0.0003&gHidden=32,32&steps=10&arrows=1&controls=0';
  const { model, view, errors } = parseState(hash);
  assert.deepEqual(errors, []);
  assert.deepEqual(model, { dataset: 'grid25', seed: 5, batchSize: 64, genLr: 0.0003, genHidden: [32, 32] });
  assert.equal(view.steps, 10);
  assert.equal(view.arrows, true);
  assert.equal(view.controls, false);
  assert.equal(view.heatmap, true, 'absent keys take their defaults');
  assert.deepEqual(parseState(formatState(model, view)).model, model);
});

test('values equal to the preset are left out of links', () => {
  const defaults = { dataset: 'ring8', batchSize: 256, genLr: 1e-4 };
  const hash = formatState({ dataset: 'ring8', batchSize: 256, genLr: 2e-4 }, { steps: 'auto' }, defaults);
  assert.equal(hash, '#dataset=ring8&lrG=0.0002');
});

test('bad values are reported with what is expected and fall back', () => {
  const { model, view, errors } = parseState('#dataset=cifar&batch=0&steps=fast&gHidden=0,5&flag=1');
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
  assert.equal(needsNewModel(base, { ...base, genLr: 3e-4, discLr: 5e-4 }), false);
  assert.equal(needsNewModel(base, { ...base, batchSize: 128 }), true);
  assert.equal(needsNewModel(base, { ...base, genHidden: [64, 64] }), true);
  assert.equal(needsNewModel(base, { ...base, dataset: 'mnist' }), true);
});
