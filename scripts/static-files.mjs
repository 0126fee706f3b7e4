// How the demo server and the benchmarks serve files, as a production static host would: the one
// Content-Security-Policy and MIME table, compression (br or gzip, as the browser accepts), ETags with
// 304 answers, and cache headers that let hashed files be cached forever while the fixed entry names
// (pz.js, pz-worker.js, pz-widget.js, pz-panel.js, pages) revalidate.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The strict policy every HTML page gets: the personalizer must run under it. */
export const CSP =
  "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Content types by file extension. */
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '': 'text/plain; charset=utf-8',
};

/** Files whose names carry a content hash (`name-[hash].ext` under these folders) never change. */
const HASHED = /\/(pz-chunks|assets)\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z]+$/;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|wasm)|image\/svg)/;

/** The content type of a file name. */
export const contentType = (file) => TYPES[extname(file)] ?? 'application/octet-stream';

/** `base` + the URL path, or undefined when it leaves `base` or names nothing; a folder serves its index.html. */
export function resolveFile(base, urlPath) {
  let p;
  try {
    p = normalize(join(base, decodeURIComponent(urlPath)));
  } catch {
    return undefined;
  }
  if (!p.startsWith(base)) return undefined;
  if (existsSync(p) && statSync(p).isDirectory()) return existsSync(join(p, 'index.html')) ? join(p, 'index.html') : undefined;
  return existsSync(p) ? p : undefined;
}

const cache = new Map();

/** The file's bytes, ETag and compressed forms, recomputed when its size or mtime changes. */
function load(file) {
  const st = statSync(file);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit;
  const raw = readFileSync(file);
  const entry = { key, raw, etag: `"${createHash('sha1').update(raw).digest('base64url').slice(0, 20)}"`, br: undefined, gzip: undefined };
  cache.set(file, entry);
  return entry;
}

/**
 * Headers for `file` as served at `urlPath`: type, cache policy (immutable for hashed names,
 * revalidate otherwise), nosniff, and the CSP on HTML pages.
 */
export function headersFor(file, urlPath) {
  const type = contentType(file);
  const headers = {
    'content-type': type,
    'cache-control': HASHED.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (type.startsWith('text/html')) headers['content-security-policy'] = CSP;
  return headers;
}

/**
 * Answers `req` with `file`: 304 when the browser's ETag matches, else the body, compressed with br
 * or gzip when the browser accepts it and the type compresses. `extra` headers are added.
 */
export function sendFile(req, res, file, urlPath, extra = {}) {
  const entry = load(file);
  const headers = { ...headersFor(file, urlPath), etag: entry.etag, vary: 'accept-encoding', ...extra };
  if (req.headers['if-none-match'] === entry.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  let body = entry.raw;
  const accept = String(req.headers['accept-encoding'] ?? '');
  if (COMPRESSIBLE.test(headers['content-type']) && body.length > 512) {
    if (/\bbr\b/.test(accept)) {
      entry.br ??= brotliCompressSync(entry.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      body = entry.br;
      headers['content-encoding'] = 'br';
    } else if (/\bgzip\b/.test(accept)) {
      entry.gzip ??= gzipSync(entry.raw, { level: 9 });
      body = entry.gzip;
      headers['content-encoding'] = 'gzip';
    }
  }
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
}

/** Starts `server` on a free loopback port: resolves with its URL and a `close()` that drops open connections. */
export function listenLocal(server) {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      ok({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
