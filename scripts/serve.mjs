#!/usr/bin/env node
// A small static server for the demo and the end-to-end tests (no dependencies).
//   node scripts/serve.mjs [--port 5173] [--tests]
// Serves dist/ at /, and with --tests the fixture pages test/e2e/pages/ at /test/.
// Files are served as a production static host would (scripts/static-files.mjs): compressed, with ETags,
// hashed chunk names cached forever, and a strict Content-Security-Policy on every HTML page, so the
// demo and the tests prove that the personalizer runs under one.
// Test-only routes (with --tests): /__slow/<file>?ms=N delays a dist file by N ms (files it loads
// relative to itself, such as pz.js's client file and elements, come from /__slow/ too, undelayed);
// /__seen/<key>/<file> serves a dist file and notes its path under <key> (so do the files it loads
// relative to itself), and /__seen/<key> answers the paths noted since the last ask, as JSON, and
// forgets them: what a page asked the server for, cache hits left out. The two combine as
// /__seen/<key>/__slow/<file>?ms=N (noted when asked, then delayed). /__head/<key>?ms=N is a page whose
// <head> is the build's dist/pz-head.html with its URLs under /__seen/<key>/__slow/ and pz.js N ms late.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSP, resolveFile, sendFile } from './static-files.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 5173) || 5173;
const withTests = args.includes('--tests');
const dist = join(root, 'dist');
const pages = join(root, 'test/e2e/pages');

/** `/__seen/` keys → the paths asked under them since the last read. */
const seen = new Map();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path = url.pathname;
  const head = withTests ? /^\/__head\/([\w-]+)$/.exec(path) : null;
  if (head) {
    const [, key] = head;
    const lines = readFileSync(join(dist, 'pz-head.html'), 'utf8')
      .replaceAll('="/', `="/__seen/${key}/__slow/`)
      .replace('/pz.js"', `/pz.js?ms=${Number(url.searchParams.get('ms') ?? 0)}" data-db="pz-e2e-${key}"`);
    const body = '<ul data-pz-rerank="head"><li data-pz-item="a">A</li><li data-pz-item="b">B</li></ul>';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CSP });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The build's head lines</title><link rel="icon" href="data:,">\n${lines}</head><body>${body}</body></html>`);
    return;
  }
  const noted = withTests ? /^\/__seen\/([\w-]+)(\/.*)?$/.exec(path) : null;
  if (noted) {
    const [, key, rest] = noted;
    if (!rest) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(seen.get(key) ?? []));
      seen.delete(key);
      return;
    }
    seen.set(key, [...(seen.get(key) ?? []), rest]);
    path = rest;
  }
  let delay = 0;
  if (withTests && path.startsWith('/__slow/')) {
    delay = Number(url.searchParams.get('ms') ?? 0);
    path = path.slice('/__slow'.length);
  }
  const file = withTests && path.startsWith('/test/') ? resolveFile(pages, path.slice(6)) : resolveFile(dist, path);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // The demo's pages and the Trusted Types fixtures: the same policy plus require-trusted-types-for 'script';
  // the second fixture also names the policies it allows, as the README tells a site to (`trusted-types pz`).
  const trusted = !path.startsWith('/test/') || (withTests && path === '/test/trusted-types.html');
  const named = withTests && path === '/test/trusted-types-named.html';
  const extra = trusted || named ? { 'content-security-policy': `${CSP}; require-trusted-types-for 'script'${named ? '; trusted-types pz' : ''}` } : {};
  setTimeout(() => sendFile(req, res, file, path, extra), delay);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`serving ${dist}${withTests ? ` and ${pages} at /test/` : ''} on http://localhost:${port}/`);
});
