// The JavaScript API in the browser with arguments no well-meant caller
// passes: each is refused with an Error that names it, and the engine
// stays usable. Also: trainers created at once share one GPU device.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';

const session = useBrowser();

// A blank page of the server's origin (no demo, so no device yet) that
// counts the GPU devices requested.
async function blankPage() {
  const page = await session.browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route(`${session.server.url}blank.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><body></body>' }),
  );
  await page.addInitScript(() => {
    window.devicesRequested = 0;
    const requestDevice = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = function (...args) {
      window.devicesRequested += 1;
      return requestDevice.apply(this, args);
    };
  });
  await page.goto(`${session.server.url}blank.html`);
  await page.evaluate(async () => {
    const { loadEngine } = await import('/www/engine.js');
    window.Trainer = await loadEngine();
  });
  return { page, errors };
}

test('trainers created at once share one device, and odd arguments are refused by name', { timeout: 180_000 }, async () => {
  const { page, errors } = await blankPage();
  const result = await page.evaluate(async () => {
    const { Trainer } = window;
    const small = (seed) => ({ dataset: 'ring8', seed, batchSize: 16, genHidden: [8], discHidden: [8] });
    const trainers = await Promise.all([1, 2, 3].map((seed) => Trainer.create(small(seed))));
    const devices = window.devicesRequested;

    // What each odd call threw: its message, or "returned" if it did not.
    const outcome = async (call) => {
      try {
        await call();
        return 'returned';
      } catch (error) {
        return error instanceof Error ? error.message : `a non-Error: ${String(error)}`;
      }
    };
    const cyclic = { dataset: 'ring8' };
    cyclic.self = cyclic;
    const throwing = Object.defineProperty({}, 'heatmap', {
      enumerable: true,
      get() {
        throw new Error('getter says no');
      },
    });
    const trapping = new Proxy({}, { ownKeys: () => { throw new Error('ownKeys says no'); } });
    const [t] = trainers;
    const calls = {
      'train(-1)': () => t.train(-1),
      'train(2**32 + 1)': () => t.train(2 ** 32 + 1),
      'train(5n)': () => t.train(5n),
      'train({})': () => t.train({}),
      "setLearningRates('fast', 1e-4)": () => t.setLearningRates('fast', 1e-4),
      'setLearningRates(undefined, 1e-4)': () => t.setLearningRates(undefined, 1e-4),
      'setLearningRates(1e-4, 1n)': () => t.setLearningRates(1e-4, 1n),
      'setLearningRates(NaN, 1e-4)': () => t.setLearningRates(Number.NaN, 1e-4),
      'setLearningRates(1e-300, 1e-4)': () => t.setLearningRates(1e-300, 1e-4),
      'draw() before attachCanvas': () => t.draw(),
      'attachCanvas(5)': () => t.attachCanvas(5),
      "attachCanvas('canvas')": () => t.attachCanvas('canvas'),
      'attachCanvas(<div>)': () => t.attachCanvas(document.createElement('div')),
      'attachCanvas()': () => t.attachCanvas(),
      'create(cyclic)': () => Trainer.create(cyclic),
      'create(trapping proxy)': () => Trainer.create(trapping),
      'create({seed: 5n})': () => Trainer.create({ dataset: 'ring8', seed: 5n }),
      "create({dataset: 'mnist'}, 5)": () => Trainer.create({ dataset: 'mnist' }, 5),
      'restore({})': () => Trainer.restore({}),
      'defaults(5)': () => Trainer.defaults(5),
    };
    const refused = {};
    for (const [name, call] of Object.entries(calls)) refused[name] = await outcome(call);

    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    document.body.append(canvas);
    t.attachCanvas(canvas);
    for (const [name, options] of [
      ['draw(cyclic)', cyclic],
      ['draw(throwing getter)', throwing],
      ["draw({heatmap: 'yes'})", { heatmap: 'yes' }],
      ['draw(7)', 7],
    ]) {
      refused[name] = await outcome(() => t.draw(options));
    }
    // After all that, the same trainer trains, changes rates and draws.
    t.setLearningRates(2e-4, 3e-4);
    t.train(20);
    t.draw({ heatmap: true, arrows: true, updateField: true });
    const freed = trainers[2];
    freed.free();
    refused['train after free()'] = await outcome(() => freed.train(1));
    trainers[1].train(20);
    // Stats arrive when the GPU has finished (seconds on SwiftShader).
    let stats = [null, null];
    for (let waited = 0; waited < 30_000 && !stats.every((s) => s?.iteration === 19); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stats = [t.stats() ?? stats[0], trainers[1].stats() ?? stats[1]];
    }
    const fresh = await Trainer.create(small(9));
    fresh.train(5);
    return {
      devices,
      devicesAfter: window.devicesRequested,
      refused,
      rates: [t.config.genLr, t.config.discLr],
      iterations: [t.iteration, trainers[1].iteration, fresh.iteration],
      statsFinite: stats.map((s) => s !== null && Number.isFinite(s.discLoss) && Number.isFinite(s.genLoss)),
    };
  });
  assert.equal(result.devices, 1, 'three trainers created at once asked for one device');
  assert.equal(result.devicesAfter, 1, 'and a later one used it too');
  const expected = {
    'train(-1)': /n is -1; allowed: a whole number from 0 to 4096/,
    'train(2**32 + 1)': /n is 4294967297; allowed/,
    'train(5n)': /n is bigint; allowed/,
    'train({})': /n is object; allowed/,
    "setLearningRates('fast', 1e-4)": /genLr must be a number, not the string "fast"/,
    'setLearningRates(undefined, 1e-4)': /genLr must be a number, not undefined/,
    'setLearningRates(1e-4, 1n)': /discLr must be a number, not bigint/,
    'setLearningRates(NaN, 1e-4)': /genLr/,
    'setLearningRates(1e-300, 1e-4)': /genLr/,
    'draw() before attachCanvas': /attachCanvas/,
    'attachCanvas(5)': /HTMLCanvasElement, not 5/,
    "attachCanvas('canvas')": /HTMLCanvasElement, not the string "canvas"/,
    'attachCanvas(<div>)': /HTMLCanvasElement, not object/,
    'attachCanvas()': /HTMLCanvasElement, not undefined/,
    'create(cyclic)': /config\.self must be a number, a string, a boolean or a list of numbers, not object/,
    'create(trapping proxy)': /config's fields could not be listed: ownKeys says no/,
    'create({seed: 5n})': /config\.seed must be a number.*bigint/,
    "create({dataset: 'mnist'}, 5)": /mnistImages must be a Uint8Array or an ArrayBuffer, not 5/,
    'restore({})': /checkpoint must be a Uint8Array or an ArrayBuffer, not object/,
    'defaults(5)': /dataset must be a string, not 5/,
    'draw(cyclic)': /draw options/,
    'draw(throwing getter)': /draw options\.heatmap could not be read: getter says no/,
    "draw({heatmap: 'yes'})": /draw options.*boolean/,
    'draw(7)': /draw options must be a plain object/,
    // wasm-bindgen's own words for a freed object; an Error all the same.
    'train after free()': /null pointer passed to rust/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    assert.match(result.refused[name], pattern, `${name}: ${result.refused[name]}`);
  }
  assert.deepEqual(Object.keys(result.refused).toSorted(), Object.keys(expected).toSorted());
  assert.deepEqual(result.rates, [2e-4, 3e-4]);
  assert.deepEqual(result.iterations, [20, 20, 5]);
  assert.deepEqual(result.statsFinite, [true, true]);
  assert.deepEqual(errors, []);
  await page.close();
});
