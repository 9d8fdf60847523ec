// The browser half of `make bench`: opens www/bench/ in headless Chromium
// (Debian's, WebGPU on, WebGL through SwiftShader's Vulkan) where the engine
// and TensorFlow.js train the same GAN in turn (the engine also under
// MNIST's tuned preset, R1 included), then prints the table and the ratios
// and writes results/browser-<date>.json.
//
//   node scripts/bench-browser.mjs [seconds per run] [batch]

import { mkdirSync, writeFileSync } from 'node:fs';
import { ROOT, launch, startServer } from './chromium.mjs';

const seconds = Number(process.argv[2] ?? 20);
const batch = Number(process.argv[3] ?? 64);
const server = await startServer();
const browser = await launch(true);
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  const runs = process.argv[4] ? `&runs=${process.argv[4]}` : '';
  page.on('console', (message) => console.error(`page: ${message.text()}`));
  page.on('crash', () => console.error('the page crashed'));
  await page.goto(`${server.url}www/bench/?seconds=${seconds}&batch=${batch}${runs}`);
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 0, polling: 1000 });
  const results = await page.evaluate(() => window.benchResults);
  const chromium = browser.version();
  const ours = results.find((r) => r.run === 'livegan');
  console.log(`Chromium ${chromium}, WebGPU adapter: ${ours?.adapter ?? 'unknown'}`);
  console.log(`default MNIST GAN, batch ${batch}, ${seconds} s per run\n`);
  console.log(`${'run'.padEnd(22)}${'iterations/s'.padStart(14)}${'iterations'.padStart(12)}${'livegan ÷ run'.padStart(16)}`);
  for (const r of results) {
    const name = r.run.startsWith('livegan') ? `${r.run} (wasm)` : `TF.js ${r.run}`;
    if (r.error) {
      console.log(`${name.padEnd(22)}  failed: ${r.error}`);
      continue;
    }
    const ratio = ours && r !== ours ? `${(ours.iterationsPerSecond / r.iterationsPerSecond).toFixed(2)}×` : '';
    console.log(
      `${name.padEnd(22)}${r.iterationsPerSecond.toFixed(3).padStart(14)}${String(r.iterations).padStart(12)}${ratio.padStart(16)}`,
    );
  }
  const tuned = results.find((r) => r.run === 'livegan-tuned' && !r.error);
  if (ours && !ours.error && tuned) {
    const share = (100 * tuned.iterationsPerSecond) / ours.iterationsPerSecond;
    console.log(`\nthe tuned preset (R1 γ ${tuned.r1Gamma}) runs at ${share.toFixed(0)} % of the reference recipe's rate`);
  }
  const tfjs = results.filter((r) => !r.run.startsWith('livegan') && !r.error);
  if (ours && tfjs.length) {
    const fastest = tfjs.reduce((a, b) => (a.iterationsPerSecond > b.iterationsPerSecond ? a : b));
    console.log(
      `\nagainst the fastest TF.js backend (${fastest.run}): ${(ours.iterationsPerSecond / fastest.iterationsPerSecond).toFixed(2)}×`,
    );
  }
  mkdirSync(`${ROOT}results`, { recursive: true });
  const path = `${ROOT}results/browser-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(path, `${JSON.stringify({ chromium, batch, seconds, results }, null, 2)}\n`);
  console.log(`wrote ${path}`);
} finally {
  await browser.close();
  server.close();
}
