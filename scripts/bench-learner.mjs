#!/usr/bin/env node
// `npm run bench:learner [-- --quick]`: the learner benchmark in Node, then in a real Chromium worker.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
for (const script of ['bench/learner.ts', 'bench/learner-browser.ts']) {
  const r = spawnSync(resolve(root, 'node_modules/.bin/tsx'), [script, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
