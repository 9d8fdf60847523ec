// Trains the reference GAN with the engine and with TensorFlow.js (each
// backend in turn) in this browser and reports iterations per second. The
// engine also trains the same model under MNIST's tuned preset (what the
// page's MNIST view trains): the row says what its R1 penalty costs.
// Each run: two warm-up iterations, then chunks of iterations each about a
// second long, synchronised after each chunk, until `seconds` have passed.
// Results land in window.benchResults and the table; window.benchDone is
// set when all runs have finished.

import { loadEngine } from '../engine.js';
import { loadMnist } from '../mnist.js';
import { createTfjsGan } from './tfjs-gan.js';

const params = new URLSearchParams(location.search);
const seconds = Number(params.get('seconds') ?? 20);
const batch = Number(params.get('batch') ?? 64);
const runs = (params.get('runs') ?? 'livegan,livegan-tuned,webgpu,webgl,wasm').split(',');
// The engine's runs and the preset each trains.
const ENGINE_RUNS = { livegan: 'reference', 'livegan-tuned': 'tuned' };
const status = document.getElementById('status');
const rows = document.querySelector('#results tbody');
window.benchResults = [];

// `iterate(n)` queues n iterations; `sync()` resolves once they are done.
async function measure(iterate, sync) {
  const warmStart = performance.now();
  iterate(2);
  await sync();
  const perIteration = Math.max((performance.now() - warmStart) / 2, 0.05);
  const chunk = Math.max(1, Math.min(1000, Math.round(1000 / perIteration)));
  const start = performance.now();
  let iterations = 0;
  while (performance.now() - start < seconds * 1000) {
    iterate(chunk);
    await sync();
    iterations += chunk;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { iterationsPerSecond: iterations / elapsed, iterations, seconds: elapsed };
}

async function runLivegan(images, preset) {
  const Trainer = await loadEngine();
  const config = { ...Trainer.defaults('mnist', preset), batchSize: batch };
  const trainer = await Trainer.create(config, images);
  try {
    const result = await measure(
      (n) => trainer.train(n),
      () => trainer.samples(),
    );
    return {
      ...result,
      preset,
      r1Gamma: config.r1Gamma,
      adapter: trainer.adapterName,
      dispatchesPerIteration: trainer.dispatchesPerIteration,
    };
  } finally {
    trainer.free();
  }
}

async function runTfjs(backend, images) {
  const tf = window.tf;
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths(new URL('../vendor/tfjs/', import.meta.url).href);
    // Every core (TF.js defaults to half of them); threads need the
    // cross-origin isolation the server gives this page.
    tf.wasm.setThreadsCount(navigator.hardwareConcurrency || 1);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
  const gan = createTfjsGan(tf, images, { batch });
  try {
    const result = await measure(
      (n) => {
        for (let i = 0; i < n; i++) gan.iteration();
      },
      () => gan.sync(),
    );
    const detail = backend === 'wasm' ? { threads: tf.wasm.getThreadsCount() } : {};
    return { ...result, ...detail, tfjsVersion: tf.version_core };
  } finally {
    gan.dispose();
  }
}

// Progress on the page and on the console (the driver echoes it).
function say(text) {
  status.textContent = text;
  console.log(text);
}

function show(result) {
  const ours = window.benchResults.find((r) => r.run === 'livegan');
  const ratio = ours && result.iterationsPerSecond ? ours.iterationsPerSecond / result.iterationsPerSecond : null;
  const row = document.createElement('tr');
  for (const text of [
    result.run,
    result.error ? `failed: ${result.error}` : result.iterationsPerSecond.toFixed(3),
    result.iterations ?? '',
    ratio ? `${ratio.toFixed(2)}×` : '',
  ]) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.append(cell);
  }
  rows.append(row);
}

try {
  say('loading MNIST…');
  const images = await loadMnist();
  for (const run of runs) {
    say(`running ${run} for ${seconds} s…`);
    let result;
    try {
      const preset = ENGINE_RUNS[run];
      result = { run, ...(preset ? await runLivegan(images, preset) : await runTfjs(run, images)) };
    } catch (error) {
      result = { run, error: error.message ?? String(error) };
    }
    window.benchResults.push(result);
    console.log(JSON.stringify(result));
    show(result);
  }
  say(`done (batch ${batch}, ${seconds} s per run)`);
} catch (error) {
  say(`benchmark failed: ${error.message}`);
}
window.benchDone = true;
