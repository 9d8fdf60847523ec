// Debian's Chromium driven by playwright-core (never a downloaded
// browser) and the demo's own server on a free port: shared by the
// end-to-end tests and the browser benchmark.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const QUIET = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// WebGPU on SwiftShader; the Vulkan/ANGLE flags make a WebGPU canvas
// reach screenshots (without them frames render but screenshots are blank).
export const WEBGPU = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader'];

export async function startServer() {
  const server = spawn(process.execPath, [`${ROOT}scripts/serve.mjs`], {
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

