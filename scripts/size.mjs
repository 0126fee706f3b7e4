#!/usr/bin/env node
// Bundle sizes (gzip -9) against the budget. `--check` exits non-zero when a budget is exceeded, or when
// the worker's first load is more than one file (a static import would be a request waterfall).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sourceBytes } from './source-bytes.mjs';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const KB = 1024;
const chunk = (prefix) => {
  const files = readdirSync(join(dist, 'pz-chunks')).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'));
  if (files.length !== 1) throw new Error(`expected one pz-chunks/${prefix}-*.js, found ${files.length}`);
  return join(dist, 'pz-chunks', files[0]);
};
// comlink (the worker boundary, a required part of the stack) costs about 1.1 KB gzip on each side.
const rows = [
  { what: 'loader pz.js (the attributes that start it, command queue, stand-in API, the worker\'s start)', file: join(dist, 'pz.js'), budget: 2.45 * KB },
  { what: 'pz-chunks/client-*.js (the tag\'s other attributes, client, capture, slots, the stand-in\'s hand-over: imported by pz.js at once, beside the worker)', file: chunk('client'), budget: 10 * KB },
  { what: 'pz-chunks/pz-widget-*.js (= pz-widget.js; loaded when the page has a <pz-recommendations>)', file: chunk('pz-widget'), budget: 7 * KB },
  { what: 'pz-chunks/pz-panel-*.js (= pz-panel.js; loaded when the page has a <pz-privacy-panel>)', file: chunk('pz-panel'), budget: 8 * KB },
  { what: 'worker pz-chunks/pz-worker-*.js (= pz-worker.js; its whole first load)', file: chunk('pz-worker'), budget: 30 * KB },
  { what: 'pz-chunks/learner-*.js (tfjs, after ready)', file: chunk('learner'), budget: 40 * KB },
  { what: 'pz-chunks/reports-*.js (only with data-report)', file: chunk('reports'), budget: 6 * KB },
  { what: 'pz-chunks/view-*.js (segments and propensities, when the panel or an export reads the profile)', file: chunk('view'), budget: 6 * KB },
  { what: 'pz-chunks/site-files-*.js (reads the prior, segment and messages files; only when the site names one)', file: chunk('site-files'), budget: 5 * KB },
  { what: 'pz-chunks/retention-*.js (log retention, after ready)', file: chunk('retention'), budget: 1 * KB },
  { what: 'pz-chunks/readouts-*.js (exportData, explainLast, requests, profile)', file: chunk('readouts'), budget: 1.5 * KB },
  { what: 'pz-chunks/corrections-*.js (removeInterest, restoreInterest)', file: chunk('corrections'), budget: 1.5 * KB },
];
let ok = true;
console.log('| file | gzip KB | budget KB | |\n| --- | ---: | ---: | --- |');
for (const r of rows) {
  const bytes = gz(r.file);
  const pass = bytes <= r.budget;
  ok &&= pass;
  console.log(`| ${r.what} | ${(bytes / KB).toFixed(2)} | ${+(r.budget / KB).toFixed(2)} | ${pass ? 'ok' : 'OVER BUDGET'} |`);
}
for (const file of [join(dist, 'pz-worker.js'), chunk('pz-worker')]) {
  const worker = readFileSync(file, 'utf8');
  if (/(^|[;}])\s*import\s*[{*\w]/.test(worker) || /\bimport\s*["']/.test(worker)) {
    console.log(`${file} has a static import: its first load is more than one file`);
    ok = false;
  }
}
// `--by-source pz.js`: what each source file costs in that built file (from its source map).
const bySource = process.argv.indexOf('--by-source');
if (bySource >= 0) {
  const name = process.argv[bySource + 1] ?? 'pz.js';
  const { total, bytes, rows: parts } = sourceBytes(join(dist, name));
  console.log(`\n${name}: ${bytes} bytes minified, ${total} gzip -9\n\n| source | minified bytes | gzip bytes it adds |\n| --- | ---: | ---: |`);
  for (const p of parts) console.log(`| ${p.source} | ${p.bytes} | ${p.gzipMarginal} |`);
}
if (process.argv.includes('--check') && !ok) process.exit(1);
