// Serves the demo on http://127.0.0.1:8000 (PORT overrides): index.html and
// www/ from the project root, nothing else, with the MIME types modules
// and wasm need. No network beyond loopback.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? '127.0.0.1';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.gz': 'application/gzip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

function resolvePath(urlPath) {
  const path = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^([/\\])+/, '');
  if (path === '' || path === '.') return join(root, 'index.html');
  if (path === 'index.html' || path.startsWith('www/') || path.startsWith('www\\')) {
    const full = resolve(root, path);
    if (full.startsWith(root)) return full;
  }
  return null;
}

// A file, or a folder's index.html (www/bench/).
function statFile(path) {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return statFile(join(path, 'index.html'));
    return { path, stat };
  } catch {
    return null;
  }
}

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const server = createServer((request, response) => {
  const requested = resolvePath(request.url ?? '/');
  const found = requested && statFile(requested);
  const path = found?.path;
  const stat = found?.stat;
  if (!stat || !stat.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found\n');
    return;
  }
  response.writeHead(200, {
    'content-type': types[extname(path)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': 'no-cache',
    // A demo framed with sandbox="allow-scripts" has an opaque origin, so
    // its module scripts, wasm and data are cross-origin requests to us.
    'access-control-allow-origin': '*',
    // The benchmark page is cross-origin isolated so that TF.js's wasm
    // backend may use threads (SharedArrayBuffer), as it would at its best.
    ...(request.url?.startsWith('/www/bench/') ? ISOLATED : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(path).pipe(response);
});

server.listen(port, host, () => {
  console.log(`livegan demo: http://${host}:${server.address().port}/`);
  console.log(`embedding example: http://${host}:${server.address().port}/www/embed-example.html`);
  console.log(`benchmark against TensorFlow.js: http://${host}:${server.address().port}/www/bench/`);
});
