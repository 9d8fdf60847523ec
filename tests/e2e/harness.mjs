// Shared by the end-to-end tests: the served build, Debian's Chromium
// driven by playwright-core (never a downloaded browser), screenshots and
// pixel statistics.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const OUTPUT = `${root}test-output/e2e`;
mkdirSync(OUTPUT, { recursive: true });

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// WebGPU on SwiftShader; the Vulkan/ANGLE flags make a WebGPU canvas
// reach screenshots (without them frames render but screenshots are blank).
export const WEBGPU = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'];

export async function startServer() {
  const server = spawn(process.execPath, [`${root}scripts/serve.mjs`], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    server.stdout.on('data', (chunk) => {
      text += chunk;
      const match = text.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) resolve(match[0]);
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, close: () => server.kill() };
}

export async function launch(webgpu = true) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...QUIET, ...(webgpu ? WEBGPU : [])] });
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
