#!/usr/bin/env node
// Bundle sizes (gzip -9) against the budget. `--check` exits non-zero when a budget is exceeded.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const chunks = (() => {
  try {
    return readdirSync(join(dist, 'pz-chunks')).filter((f) => f.endsWith('.js')).map((f) => join(dist, 'pz-chunks', f));
  } catch {
    return [];
  }
})();
const rows = [
  { what: 'loader pz.js (main thread)', bytes: gz(join(dist, 'pz.js')), budget: 12 * 1024 },
  { what: 'privacy panel pz-panel.js (loaded when the page has one)', bytes: gz(join(dist, 'pz-panel.js')), budget: 8 * 1024 },
  { what: 'worker pz-worker.js (before tfjs)', bytes: gz(join(dist, 'pz-worker.js')), budget: 32 * 1024 },
  { what: 'worker lazy chunks (tfjs learner)', bytes: chunks.reduce((s, f) => s + gz(f), 0), budget: 48 * 1024 },
];
let ok = true;
console.log('| bundle | gzip KB | budget KB | |\n| --- | ---: | ---: | --- |');
for (const r of rows) {
  const pass = r.bytes <= r.budget;
  ok &&= pass;
  console.log(`| ${r.what} | ${(r.bytes / 1024).toFixed(1)} | ${(r.budget / 1024).toFixed(0)} | ${pass ? 'ok' : 'OVER BUDGET'} |`);
}
void statSync;
if (process.argv.includes('--check') && !ok) process.exit(1);
