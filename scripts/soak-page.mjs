// The page left training for a long time in headless Chromium (WebGPU on
// SwiftShader): after a warm-up, no GPU object may be created, the wasm
// memory and the JS heap (after a forced garbage collection) must stay
// flat within the margins below, and the stats must stay finite while
// iterations advance.
//
//   node scripts/soak-page.mjs [minutes=10] [hash=dataset=ring8]
//
// The e2e suite runs a short version (tests/e2e/soak.test.mjs).

import { fileURLToPath } from 'node:url';
import { launch, startServer } from './chromium.mjs';

// JS heap growth allowed after warm-up. The page keeps bounded state (the
// charts thin their history to 3,000 points, one checkpoint is kept); what
// a forced collection leaves still moves by a few hundred KiB between
// samples, so 2 MiB separates that from a leak of even a few bytes per
// frame over ten minutes (36,000 frames).
export const HEAP_MARGIN = 2 << 20;
// wasm memory only grows, in 64 KiB pages; once warm the engine allocates
// nothing that lives, so growth past a few pages would be a leak.
export const WASM_MARGIN = 1 << 20;

async function sample(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const engine = await page.evaluate(() => {
    const demo = window.ganDemo;
    const stats = demo.trainer?.stats();
    return {
      state: document.querySelector('.gan-demo').dataset.state,
      iteration: demo.trainer?.iteration ?? 0,
      gpuObjects: demo.trainer?.gpuObjectsCreated ?? null,
      wasmBytes: demo.Trainer?.wasmMemoryBytes ?? null,
      finite: stats ? [stats.discLoss, stats.genLoss, stats.discReal, stats.discFake].every(Number.isFinite) : null,
    };
  });
  return { ...engine, heapBytes: usedSize };
}

// Runs the page at `url` for `seconds`, sampling every `every` seconds;
// the first sample after `warmup` seconds, and after the page's first two
// automatic checkpoints (their readbacks fill the staging pool; on a busy
// CPU adapter the first one can come late), is the baseline. Returns the
// samples and the problems found (empty when the run was sound).
export async function soakPage(page, { seconds, warmup, every, log = () => {} }) {
  const cdp = await page.context().newCDPSession(page);
  await page.waitForFunction(() => document.querySelector('.gan-demo')?.dataset.state === 'ready', null, {
    timeout: 120_000,
  });
  const start = Date.now();
  const elapsed = () => (Date.now() - start) / 1000;
  await page.waitForTimeout(warmup * 1000);
  await page.waitForFunction(() => window.ganDemo.lastGood, null, { timeout: 120_000 });
  const first = await page.evaluate(() => window.ganDemo.lastGood.iteration);
  await page.waitForFunction((iteration) => window.ganDemo.lastGood?.iteration > iteration, first, {
    timeout: 120_000,
  });
  const samples = [{ at: elapsed(), ...(await sample(page, cdp)) }];
  log(samples[0]);
  while (elapsed() < seconds) {
    await page.waitForTimeout(Math.min(every, Math.max(0, seconds - elapsed())) * 1000);
    const next = { at: elapsed(), ...(await sample(page, cdp)) };
    samples.push(next);
    log(next);
  }
  const base = samples[0];
  const end = samples.at(-1);
  const problems = [];
  for (const s of samples) {
    if (s.state !== 'ready') problems.push(`at ${s.at.toFixed(0)} s the demo was ${s.state}`);
    if (s.finite !== true) problems.push(`at ${s.at.toFixed(0)} s the stats were not finite`);
  }
  if (!(end.iteration > base.iteration)) problems.push(`iterations did not advance: ${base.iteration} → ${end.iteration}`);
  const objects = samples.filter((s) => s.gpuObjects !== base.gpuObjects);
  if (objects.length) problems.push(`GPU objects created after warm-up: ${base.gpuObjects} → ${objects[0].gpuObjects}`);
  const peakWasm = Math.max(...samples.map((s) => s.wasmBytes));
  if (peakWasm > base.wasmBytes + WASM_MARGIN) problems.push(`wasm memory grew: ${base.wasmBytes} → ${peakWasm} bytes`);
  if (end.heapBytes > base.heapBytes + HEAP_MARGIN) problems.push(`JS heap grew: ${base.heapBytes} → ${end.heapBytes} bytes`);
  return { samples, problems };
}

async function main() {
  const minutes = Number(process.argv[2] ?? 10);
  const hash = process.argv[3] ?? 'dataset=ring8';
  const server = await startServer();
  const browser = await launch(true);
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`${server.url}#${hash}`);
    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
    const { samples, problems } = await soakPage(page, {
      seconds: minutes * 60,
      warmup: 30,
      every: 30,
      log: (s) =>
        console.log(
          `${s.at.toFixed(0).padStart(5)} s  iteration ${String(s.iteration).padStart(7)}  GPU objects ${s.gpuObjects}` +
            `  wasm ${mib(s.wasmBytes)}  JS heap ${mib(s.heapBytes)}  ${s.state}`,
        ),
    });
    const adapter = await page.evaluate(() => window.ganDemo.trainer.adapterName);
    const [base, end] = [samples[0], samples.at(-1)];
    console.log(`\n#${hash} on ${adapter}, ${minutes} min (baseline after 30 s of warm-up):`);
    console.log(`iterations    ${base.iteration} → ${end.iteration}`);
    console.log(`GPU objects   ${base.gpuObjects} → ${end.gpuObjects}`);
    console.log(`wasm memory   ${mib(base.wasmBytes)} → ${mib(end.wasmBytes)} (margin ${mib(WASM_MARGIN)})`);
    console.log(`JS heap       ${mib(base.heapBytes)} → ${mib(end.heapBytes)} (margin ${mib(HEAP_MARGIN)})`);
    if (problems.length) {
      console.error(`not sound:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log('sound: no GPU object created, memory flat, stats finite');
    }
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
