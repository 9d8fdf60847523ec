// Loads the wasm engine once per page (every demo shares it, and with it
// one GPU device) and tells whether this browser can run it at all.

import init, { Trainer } from './pkg/livegan.js';

let engine = null;

// A failed load is forgotten, so that Restart (or another demo) can try again.
export function loadEngine() {
  engine ??= init({ module_or_path: new URL('./pkg/livegan_bg.wasm', import.meta.url) })
    .then(() => Trainer)
    .catch((error) => {
      engine = null;
      throw error;
    });
  return engine;
}

// { ok: true } or { ok: false, reason } where reason says what is missing.
export async function webgpuSupport() {
  if (!('gpu' in navigator) || !navigator.gpu) {
    return { ok: false, reason: 'this browser does not expose WebGPU (navigator.gpu is missing)' };
  }
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: 'WebGPU is present but offered no GPU adapter' };
  } catch (error) {
    return { ok: false, reason: `asking for a GPU adapter failed: ${error.message}` };
  }
  return { ok: true };
}
