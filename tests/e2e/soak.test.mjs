// The short version of `node scripts/soak-page.mjs` (ten minutes or more):
// the page trains for a minute after warming up, and creates no GPU
// object, keeps its wasm memory and JS heap flat and its stats finite.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakPage } from '../../scripts/soak-page.mjs';
import { openPage, useBrowser } from './harness.mjs';

const session = useBrowser();

test('a minute of training creates no GPU object and holds memory flat', { timeout: 240_000 }, async () => {
  const { page, errors } = await openPage(session.browser, `${session.server.url}#dataset=ring8`);
  // Warm-up covers the first automatic checkpoints (every 5 s).
  const { samples, problems } = await soakPage(page, { seconds: 60, warmup: 15, every: 10 });
  const [base, end] = [samples[0], samples.at(-1)];
  console.log(JSON.stringify({ base, end }));
  assert.ok(base.gpuObjects > 0, `the engine counts its GPU objects: ${base.gpuObjects}`);
  assert.ok(base.wasmBytes > 0 && base.heapBytes > 0, 'memory is measured');
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await page.close();
});
