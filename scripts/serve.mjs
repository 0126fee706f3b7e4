#!/usr/bin/env node
// A small static server for the demo and the end-to-end tests (no dependencies).
//   node scripts/serve.mjs [--port 5173] [--tests]
// Serves dist/ at /, and with --tests the fixture pages test/e2e/pages/ at /test/.
// Every HTML page gets a strict Content-Security-Policy, so the demo and the tests prove that the
// personalizer runs under one. Test-only routes (with --tests): /__slow/<file>?ms=N delays a dist file.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 5173) || 5173;
const withTests = args.includes('--tests');
const dist = join(root, 'dist');
const pages = join(root, 'test/e2e/pages');

export const CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm', '': 'text/plain; charset=utf-8',
};

function resolveFile(base, urlPath) {
  const p = normalize(join(base, decodeURIComponent(urlPath)));
  if (!p.startsWith(base)) return undefined;
  if (existsSync(p) && statSync(p).isDirectory()) return existsSync(join(p, 'index.html')) ? join(p, 'index.html') : undefined;
  return existsSync(p) ? p : undefined;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path = url.pathname;
  let delay = 0;
  if (withTests && path.startsWith('/__slow/')) {
    delay = Number(url.searchParams.get('ms') ?? 3000);
    path = path.slice('/__slow'.length);
  }
  const file = withTests && path.startsWith('/test/') ? resolveFile(pages, path.slice(6)) : resolveFile(dist, path);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const headers = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = CSP;
  setTimeout(() => {
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  }, delay);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`serving ${dist}${withTests ? ` and ${pages} at /test/` : ''} on http://localhost:${port}/`);
});
