#!/usr/bin/env node
// `npm test`: lint, typecheck, unit tests (vitest), build, size budget, end-to-end tests (Playwright in
// real Chromium) and the quick quality benchmark. Stops at the first failure.
//   --e2e-only   build and run only the Playwright tests
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './find-browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const e2eOnly = process.argv.includes('--e2e-only');
const bin = (name) => resolve(root, 'node_modules/.bin', name);

function step(title, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${title} failed (${s} s)`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${title} (${s} s)`);
}

let browser;
try {
  browser = await findBrowser({ install: true });
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err));
  process.exit(1);
}
const browserEnv = browser.executablePath ? { CHROMIUM_PATH: browser.executablePath } : { PZ_PLAYWRIGHT_OWN: '1' };

if (!e2eOnly) {
  step('lint (biome)', bin('biome'), ['check', 'src', 'test', 'bench', 'scripts']);
  step('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  step('unit tests (vitest)', bin('vitest'), ['run']);
}
step('build', process.execPath, ['scripts/build.mjs']);
if (!e2eOnly) step('size budget', process.execPath, ['scripts/size.mjs', '--check']);
step('end-to-end tests (Playwright, Chromium)', bin('playwright'), ['test'], browserEnv);
if (!e2eOnly) {
  // The benchmark reads third-party data kept outside the repository (../shared/data or $PZ_DATA_DIR).
  const dataDir = process.env.PZ_DATA_DIR ?? resolve(root, '..', 'shared', 'data');
  if (existsSync(resolve(dataDir, 'amazon-beauty-s3rec')) && existsSync(resolve(dataDir, 'taobao-userbehavior'))) {
    step('quality benchmark (quick sample, checked)', bin('tsx'), ['bench/quality.ts', '--quick', '--check', '--no-ranks', '--out', 'bench/results/quick']);
  } else {
    console.log(`\n▶ quality benchmark skipped: no benchmark data in ${dataDir} (set PZ_DATA_DIR)`);
  }
}
console.log('\nAll checks passed.');
