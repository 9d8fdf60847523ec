// The MNIST loader's decoding on its own (no browser): gzip or an already
// decoded payload, and every way a payload can be wrong, refused by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { decodeMnist } from '../../www/mnist.js';

// A valid IDX file of `count` 28×28 images whose pixels count up.
function idx(count) {
  const bytes = new Uint8Array(16 + count * 784);
  const view = new DataView(bytes.buffer);
  [0x803, count, 28, 28].forEach((value, i) => view.setUint32(4 * i, value));
  for (let i = 16; i < bytes.length; i++) bytes[i] = i % 256;
  return bytes;
}

test('a gzipped file is decompressed', async () => {
  const file = idx(3);
  assert.deepEqual(await decodeMnist(new Uint8Array(gzipSync(file))), file);
});

test('a payload the server already decoded is taken as it is', async () => {
  const file = idx(2);
  assert.deepEqual(await decodeMnist(file), file);
});

test('short, foreign, cut or damaged payloads are refused with what they are', async () => {
  await assert.rejects(decodeMnist(new Uint8Array(5)), /5 bytes, too short for an IDX file/);
  await assert.rejects(decodeMnist(new TextEncoder().encode('<html>not found</html>')), /not IDX images of 28×28/);
  const labels = idx(1);
  new DataView(labels.buffer).setUint32(0, 0x801);
  await assert.rejects(decodeMnist(labels), /not IDX images/);
  await assert.rejects(decodeMnist(idx(4).subarray(0, 16 + 784 * 2)), /cut short: 1584 of 3152 bytes for 4 images/);
  const gzip = new Uint8Array(gzipSync(idx(2)));
  await assert.rejects(decodeMnist(gzip.subarray(0, 30)), /damaged gzip file/);
});
