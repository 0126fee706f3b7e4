#!/usr/bin/env node
// Builds the four outputs into dist/: the demo storefront (index.html + assets + public/),
// the script-tag loader pz.js (IIFE, no tfjs, no idb), the module worker pz-worker.js (+ lazy chunks),
// and the npm library (dist/lib: ESM + .d.ts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const r = (p) => resolve(root, p);
const quiet = { logLevel: process.env.PZ_BUILD_VERBOSE ? 'info' : 'warn', configFile: r('vite.config.ts') };
const define = { __PZ_VERSION__: JSON.stringify(process.env.npm_package_version ?? '0.1.0') };

// 1. Demo storefront (HTML app) with the static files from public/.
await build({
  ...quiet,
  root: r('src/demo'),
  publicDir: r('public'),
  define,
  build: { outDir: r('dist'), emptyOutDir: true, target: 'es2022', sourcemap: true },
});
// The demo's non-personal "server": the same candidate lists for everyone, as static JSON in dist/api/.
const { tsImport } = await import('tsx/esm/api');
const { writeApi } = await tsImport(r('src/demo/build-api.ts'), import.meta.url);
writeApi(r('public/catalog/products.json'), r('dist'));

// 2. Script-tag loader: one classic script.
await build({
  ...quiet,
  publicDir: false,
  define,
  build: {
    outDir: r('dist'),
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: true,
    minify: true,
    lib: { entry: r('src/client/loader.ts'), formats: ['iife'], name: '__pzLoader', fileName: () => 'pz.js' },
  },
});

// 2b. The privacy panel's own file, imported by pz.js when a <pz-privacy-panel> appears.
await build({
  ...quiet,
  publicDir: false,
  define,
  build: {
    outDir: r('dist'),
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: true,
    minify: true,
    lib: { entry: r('src/client/panel-entry.ts'), formats: ['es'], fileName: () => 'pz-panel.js' },
  },
});

// 3. Module worker: ES module, tfjs split into a lazily imported chunk.
const workerBuild = (outDir, fileName) =>
  build({
    ...quiet,
    publicDir: false,
    define,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      sourcemap: true,
      minify: true,
      lib: { entry: r('src/worker/index.ts'), formats: ['es'], fileName: () => fileName },
      rolldownOptions: { output: { chunkFileNames: 'pz-chunks/[name]-[hash].js' } },
    },
  });
await workerBuild(r('dist'), 'pz-worker.js');

// 4. npm library: ESM entries (client API and pure core), the worker beside them, and declarations.
await build({
  ...quiet,
  publicDir: false,
  define,
  build: {
    outDir: r('dist/lib'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: { entry: { index: r('src/client/index.ts'), core: r('src/core/index.ts') }, formats: ['es'] },
    rolldownOptions: { external: [/^@tensorflow\//, 'idb'] },
  },
});
await workerBuild(r('dist/lib'), 'pz-worker.js');
mkdirSync(r('dist/lib/types'), { recursive: true });
execFileSync(process.execPath, [r('node_modules/typescript/bin/tsc'), '-p', r('tsconfig.build.json')], { stdio: 'inherit' });
copyFileSync(r('README.md'), r('dist/lib/README.md'));
console.log('built dist/ (demo, pz.js, pz-worker.js) and dist/lib (npm library)');
