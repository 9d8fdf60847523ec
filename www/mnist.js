// MNIST for the page: the original training images, served gzipped and
// decompressed in the browser with DecompressionStream. One download per
// page however many demos ask for it.

const IMAGE_SIDE = 28;
const IMAGE_BYTES = IMAGE_SIDE * IMAGE_SIDE;
const downloads = new Map();

export const MNIST_URL = new URL('./data/train-images-idx3-ubyte.gz', import.meta.url).href;
// The classifier that judges generated digits (`livegan-cli classifier`).
export const CLASSIFIER_URL = new URL('./models/mnist-classifier.bin', import.meta.url).href;
let classifierDownload = null;

// Resolves to the classifier file's bytes (checked by the engine when a
// trainer takes them); one download per page.
export function loadClassifier(url = CLASSIFIER_URL) {
  if (!classifierDownload) {
    classifierDownload = fetch(url).then(async (response) => {
      if (!response.ok) {
        throw new Error(`the digit classifier could not be downloaded: ${response.status} ${response.statusText} for ${url}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    });
    classifierDownload.catch(() => {
      classifierDownload = null;
    });
  }
  return classifierDownload;
}

// Resolves to the IDX bytes. `onProgress({ phase, fraction })` is called
// while downloading (fraction of bytes, when the size is known) and
// decompressing.
export function loadMnist(onProgress = () => {}, url = MNIST_URL) {
  let entry = downloads.get(url);
  if (!entry) {
    entry = { listeners: new Set(), promise: null };
    const report = (progress) => entry.listeners.forEach((listener) => listener(progress));
    entry.promise = download(url, report);
    downloads.set(url, entry);
    entry.promise.catch(() => downloads.delete(url));
  }
  entry.listeners.add(onProgress);
  return entry.promise.finally(() => entry.listeners.delete(onProgress));
}

async function download(url, report) {
  report({ phase: 'downloading MNIST', fraction: 0 });
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`MNIST download failed: ${response.status} ${response.statusText} for ${url}`);
  }
  const total = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    report({ phase: 'downloading MNIST', fraction: total ? received / total : null });
  }
  report({ phase: 'decompressing MNIST', fraction: null });
  const bytes = await decodeMnist(new Uint8Array(await new Blob(chunks).arrayBuffer()), url);
  report({ phase: 'MNIST ready', fraction: 1 });
  return bytes;
}

const GZIP_MAGIC = [0x1f, 0x8b];
// IDX header of a 3-D array of unsigned bytes: 0x00000803, then the count,
// rows and columns.
const IDX_IMAGES_MAGIC = 0x00000803;
const IDX_HEADER_BYTES = 16;

// The IDX bytes of a payload: gunzipped, or as they are if a server has
// already decoded the gzip (Content-Encoding); anything that is not IDX
// images of 28×28 then, or is cut short, is refused with what it was.
export async function decodeMnist(payload, url = MNIST_URL) {
  let bytes = payload;
  if (payload.length >= 2 && payload[0] === GZIP_MAGIC[0] && payload[1] === GZIP_MAGIC[1]) {
    try {
      const stream = new Blob([payload]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw new Error(`MNIST from ${url} is a damaged gzip file (${payload.length} bytes): ${error.message}`);
    }
  }
  if (bytes.length < IDX_HEADER_BYTES) {
    throw new Error(`MNIST from ${url} is ${bytes.length} bytes, too short for an IDX file (16-byte header)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [magic, count, rows, columns] = [0, 4, 8, 12].map((offset) => view.getUint32(offset));
  if (magic !== IDX_IMAGES_MAGIC || rows !== IMAGE_SIDE || columns !== IMAGE_SIDE) {
    throw new Error(
      `MNIST from ${url} is not IDX images of 28×28 (header ${magic.toString(16)}, ${rows}×${columns})`,
    );
  }
  const expected = IDX_HEADER_BYTES + count * IMAGE_BYTES;
  if (count === 0 || bytes.length < expected) {
    throw new Error(`MNIST from ${url} is cut short: ${bytes.length} of ${expected} bytes for ${count} images`);
  }
  return bytes;
}

// Draws `count` real digits from the IDX bytes into a 2-D canvas, one row.
export function drawRealDigits(canvas, bytes, count = 8, offset = 0) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const images = view.getUint32(4);
  const context = canvas.getContext('2d');
  canvas.width = count * (IMAGE_SIDE + 2);
  canvas.height = IMAGE_SIDE + 2;
  const picture = context.createImageData(canvas.width, canvas.height);
  for (let n = 0; n < count; n++) {
    // Spread the picks over the file, away from its sorted start.
    const index = (offset + n * 7919) % images;
    const pixels = bytes.subarray(16 + index * IMAGE_BYTES, 16 + (index + 1) * IMAGE_BYTES);
    for (let y = 0; y < IMAGE_SIDE; y++) {
      for (let x = 0; x < IMAGE_SIDE; x++) {
        const at = ((y + 1) * canvas.width + n * (IMAGE_SIDE + 2) + x + 1) * 4;
        const level = pixels[y * IMAGE_SIDE + x];
        picture.data.set([level, level, level, 255], at);
      }
    }
  }
  context.putImageData(picture, 0, 0);
}
