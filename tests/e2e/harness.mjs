// Shared by the end-to-end tests: pages with their errors recorded,
// screenshots and pixel statistics (server and browser: scripts/chromium.mjs).

import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { PNG } from 'pngjs';
import { ROOT, launch, startServer } from '../../scripts/chromium.mjs';

export { launch };
export const OUTPUT = `${ROOT}test-output/e2e`;
mkdirSync(OUTPUT, { recursive: true });

// The demo's server and a WebGPU Chromium for one test file: started
// before its tests, closed after them (`onClose` first, e.g. to save what
// was measured). Read `.server` and `.browser` inside tests.
export function useBrowser(onClose) {
  const session = { server: null, browser: null };
  before(async () => {
    session.server = await startServer();
    session.browser = await launch(true);
  });
  after(async () => {
    await onClose?.();
    await session.browser?.close();
    session.server?.close();
  });
  return session;
}

// A page that records console errors and uncaught exceptions.
export async function openPage(browser, url, viewport = { width: 1100, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

// The first demo's dataset attributes (state, iteration, rates).
export async function demoState(page, selector = '.gan-demo') {
  return page.locator(selector).first().evaluate((demo) => ({ ...demo.dataset }));
}

// Waits until the demo has completed at least `iterations` iterations.
export async function waitForIterations(page, iterations, selector = '.gan-demo', timeout = 90_000) {
  await page.waitForFunction(
    ([sel, n]) => Number(document.querySelector(sel)?.dataset.iteration ?? 0) >= n,
    [selector, iterations],
    { timeout },
  );
}

// Luminance standard deviation (0–255) of a PNG screenshot: a blank or
// single-colour canvas has 0.
export function pixelSpread(png) {
  const image = PNG.sync.read(png);
  let sum = 0;
  let sumSquares = 0;
  const count = image.width * image.height;
  for (let i = 0; i < image.data.length; i += 4) {
    const y = 0.2126 * image.data[i] + 0.7152 * image.data[i + 1] + 0.0722 * image.data[i + 2];
    sum += y;
    sumSquares += y * y;
  }
  const mean = sum / count;
  return Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
}

export function save(name, data) {
  writeFileSync(`${OUTPUT}/${name}`, data);
}
