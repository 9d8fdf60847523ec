// The browser benchmark page (www/bench/, driven by `make bench-browser`)
// keeps working: the engine (under the reference recipe and MNIST's tuned
// preset) and every pinned TensorFlow.js backend train the same MNIST model
// for a moment in headless Chromium and report a rate.
// No speed is asserted (BENCHMARKS.md holds the figures).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser();

test('the engine (both presets) and TF.js (WebGPU, WebGL, wasm) all train the MNIST GAN', { timeout: 600_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}www/bench/?seconds=1&batch=64`);
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 540_000, polling: 500 });
  const results = await page.evaluate(() => window.benchResults);
  assert.deepEqual(
    results.map((r) => r.run),
    ['livegan', 'livegan-tuned', 'webgpu', 'webgl', 'wasm'],
  );
  // The tuned run is there to price R1: it must carry it, the reference not.
  assert.deepEqual(
    results.slice(0, 2).map((r) => [r.preset, r.r1Gamma > 0]),
    [
      ['reference', false],
      ['tuned', true],
    ],
  );
  for (const result of results) {
    assert.equal(result.error, undefined, `${result.run}: ${result.error}`);
    assert.ok(result.iterations >= 1, `${result.run} ran ${result.iterations} iterations`);
    assert.ok(Number.isFinite(result.iterationsPerSecond) && result.iterationsPerSecond > 0, result.run);
  }
  assert.ok(results[0].adapter?.length > 0, 'the engine names its adapter');
  assert.deepEqual(errors, []);
  const rows = await page.locator('#results tbody tr').count();
  assert.equal(rows, 5);
});
