// Subresource Integrity: sha384 of every built file a page or the worker loads, written to
// dist/integrity.json ({ "pz.js": "sha384-…", … }), for <script integrity="…"> and for auditors.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const LOADED = /\.(js|mjs|css|json|wasm)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

/** The integrity value of a file's bytes. */
export const integrityOf = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** Writes `dist/integrity.json` for every loadable file under `dist` (itself excluded); returns the map. */
export function writeIntegrity(dist) {
  const out = {};
  for (const p of [...files(dist)].sort()) {
    const rel = relative(dist, p).split(sep).join('/');
    if (rel === 'integrity.json' || rel.endsWith('.map') || !LOADED.test(rel)) continue;
    out[rel] = integrityOf(readFileSync(p));
  }
  writeFileSync(join(dist, 'integrity.json'), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
