// Shared by the end-to-end tests: pages with their errors recorded,
// screenshots and pixel statistics (server and browser: scripts/chromium.mjs).

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { PNG } from 'pngjs';
import { ROOT, launch, startServer } from '../../scripts/chromium.mjs';

export const OUTPUT = `${ROOT}test-output/e2e`;
mkdirSync(OUTPUT, { recursive: true });

// The demo's server and a WebGPU Chromium for one test file: started
// before its tests, closed after them (`onClose` first, e.g. to save what
// was measured). Read `.server` and `.browser` inside tests; `.launch(false)`
// gives a browser without WebGPU, watched the same way.
//
// Every page either browser opens is watched: a request that leaves the
// server's origin, or anything the page's Content-Security-Policy refuses,
// fails the test during which it happened.
export function useBrowser(onClose) {
  const session = { server: null, browser: null, problems: [] };
  session.launch = async (webgpu) => watchBrowser(await launch(webgpu), session);
  before(async () => {
    session.server = await startServer();
    session.browser = await session.launch(true);
  });
  afterEach(() => {
    assert.deepEqual(session.problems.splice(0), [], 'requests outside the origin or CSP violations');
  });
  after(async () => {
    await onClose?.();
    await session.browser?.close();
    session.server?.close();
  });
  return session;
}

function watchPage(page, session) {
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(session.server.url) && !/^(data|blob):/.test(url)) {
      session.problems.push(`request outside ${session.server.url}: ${url}`);
    }
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) session.problems.push(`CSP: ${message.text()}`);
  });
}

// `browser` with every page it opens (directly or in a new context) watched.
function watchBrowser(browser, session) {
  const watchContext = (context) => {
    context.on('page', (page) => watchPage(page, session));
    return context;
  };
  return new Proxy(browser, {
    get(target, name) {
      if (name === 'newContext') return async (...args) => watchContext(await target.newContext(...args));
      if (name === 'newPage') {
        return async (...args) => {
          const page = await target.newPage(...args);
          watchPage(page, session);
          return page;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
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
