// The engine (the wasm package in www/pkg) loaded in Node: its static
// functions (schema, resolve, defaults, readCheckpoint) need no GPU.

import { readFile } from 'node:fs/promises';

const PKG = new URL('../../www/pkg/', import.meta.url);

export async function loadEngine() {
  let bytes;
  try {
    bytes = await readFile(new URL('livegan_bg.wasm', PKG));
  } catch (error) {
    throw new Error(
      `the engine is not built (${error.code ?? error.message} reading www/pkg/livegan_bg.wasm): ` +
        'run `make page` first, which builds www/pkg',
    );
  }
  const { default: init, Trainer } = await import(new URL('livegan.js', PKG).href);
  await init({ module_or_path: bytes });
  return Trainer;
}
