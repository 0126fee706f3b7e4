#!/usr/bin/env node
// Builds the four outputs into dist/: the demo storefront (index.html + assets + public/),
// the script-tag loader pz.js (IIFE, no tfjs, no idb), the module worker pz-worker.js (+ lazy chunks),
// and the npm library (dist/lib: ESM + .d.ts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { writeIntegrity } from './integrity.mjs';
import { kitPlugin } from './kit-plugin.mjs';
import { terserPass } from './terser-pass.mjs';

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

// Page-side bundles run on pages that may have replaced window.Promise (issue #15): every `Promise`
// in them, comlink's included, is the engine's own, taken from an async function's result.
const OWN_PROMISE = 'var Promise = (async () => {})().constructor;';

// 2. Page-side files: the script-tag loader pz.js (one classic script: configuration, the command
// queue, the worker's early start), the client file it imports at once (pz-chunks/client-[hash].js:
// client, capture, slots) and the two elements' own files, imported the first time their tag is in
// the page. The files pz.js and its client file load have content-hashed names (cached for good,
// never revalidated: no round trip to the server before they run); the fixed names (pz-worker.js,
// pz-widget.js, pz-panel.js) are the same code for sites that name a file themselves (`data-worker`,
// the npm API, a direct import).
const pageBuild = (entry, output, extra = {}, plugins = []) =>
  build({
    ...quiet,
    publicDir: false,
    plugins,
    define: { ...define, ...extra },
    build: {
      outDir: r('dist'),
      emptyOutDir: false,
      target: 'es2020',
      sourcemap: true,
      minify: true,
      modulePreload: false,
      rolldownOptions: { input: r(entry), preserveEntrySignatures: 'strict', optimization: { inlineConst: { mode: 'all', pass: 3 } }, output: { intro: OWN_PROMISE, ...output } },
    },
  });
/** The name of the one file a build wrote (it fails the build when there are more). */
const oneFile = (out, what) => {
  const files = (Array.isArray(out) ? out[0] : out).output.filter((c) => c.type === 'chunk');
  if (files.length !== 1) throw new Error(`${what} must be one file; got ${files.map((c) => c.fileName).join(', ')}`);
  return files[0].fileName;
};
/** An element's file at its fixed name and at a hashed one; the hashed name. */
const elementFile = async (entry, name) => {
  await pageBuild(entry, { format: 'es', entryFileNames: `${name}.js` });
  return oneFile(await pageBuild(entry, { format: 'es', entryFileNames: `pz-chunks/${name}-[hash].js` }), name);
};
const elementFiles = { __PZ_WIDGET_FILE__: JSON.stringify(await elementFile('src/client/widget-entry.ts', 'pz-widget')), __PZ_PANEL_FILE__: JSON.stringify(await elementFile('src/client/panel-entry.ts', 'pz-panel')) };
const clientFile = oneFile(
  await pageBuild('src/client/script-client.ts', { format: 'es', entryFileNames: 'pz-chunks/client-[hash].js' }, elementFiles, [kitPlugin(r('src/client/kit.ts'))]),
  'the client file',
);

// 3. Module worker: one minified ES module with no static imports (nothing to fetch before it runs),
// and lazy files in pz-chunks/ with content-hashed names: the tfjs learner, the reporter, the profile
// view (segments, propensities: read when the panel or an export asks), the reader of the site's
// files (only when the site names one), log retention (after ready), the readouts (export,
// explainLast, requests, profile) and the shopper's corrections (removing and restoring interests).
// None of them is needed before the first answer. Each lazy file is self-contained (it repeats the few
// small modules it shares with the worker), so loading it never re-imports the worker file, whatever
// URL or name the site gives that.
const LAZY = [
  { name: 'learner', entry: 'src/core/model/learner.ts', from: '../core/model/learner' },
  { name: 'reports', entry: 'src/worker/reports.ts', from: './reports' },
  { name: 'view', entry: 'src/core/profile/view.ts', from: '../core/profile/view' },
  { name: 'site-files', entry: 'src/worker/site-files.ts', from: './site-files' },
  { name: 'retention', entry: 'src/worker/retention.ts', from: './retention' },
  { name: 'readouts', entry: 'src/worker/readouts.ts', from: './readouts' },
  { name: 'corrections', entry: 'src/worker/corrections.ts', from: './corrections' },
];
const esModule = (input, outDir, entryFileNames, plugins = []) =>
  build({
    ...quiet,
    publicDir: false,
    define,
    plugins,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      sourcemap: true,
      minify: true,
      modulePreload: false,
      rolldownOptions: {
        input,
        preserveEntrySignatures: 'strict',
        output: { format: 'es', entryFileNames, chunkFileNames: 'pz-chunks/[name]-[hash].js' },
      },
    },
  });
/** The file name each lazy import of the worker points at, from that file's build. */
const lazyFile = (output) => (Array.isArray(output) ? output[0] : output).output.find((c) => c.type === 'chunk' && c.isEntry).fileName;
/**
 * Builds the lazy files into `outDir`/pz-chunks/, then the worker under each of `fileNames` (its lazy
 * imports relative to where that name puts it); returns the names written.
 */
const workerBuild = async (outDir, fileNames) => {
  const files = {};
  for (const l of LAZY) files[l.from] = lazyFile(await esModule(r(l.entry), outDir, `pz-chunks/${l.name}-[hash].js`));
  const written = [];
  for (const fileName of fileNames) written.push(await workerFile(outDir, fileName, files));
  return written;
};
const workerFile = async (outDir, fileName, files) => {
  const inChunks = fileName.startsWith('pz-chunks/');
  const lazyImports = {
    name: 'pz-lazy-chunks',
    enforce: 'pre',
    resolveDynamicImport(source, importer) {
      if (typeof source === 'string' && importer?.startsWith(r('src/worker/')) && files[source])
        return { id: `./${inChunks ? files[source].slice('pz-chunks/'.length) : files[source]}`, external: true };
      return null;
    },
  };
  // Vite wraps every dynamic import of a page build in its preload helper (about 0.7 KB gzip), which
  // looks for `document` and so never preloads anything in a worker; built as the worker it is, the
  // imports stay plain (https://github.com/vitejs/vite/issues/18551).
  const asWorker = { name: 'pz-worker-build', configResolved: (config) => Object.assign(config, { isWorker: true }) };
  return oneFile(await esModule(r('src/worker/index.ts'), outDir, fileName, [lazyImports, asWorker]), 'the worker');
};
const [, workerHashed] = await workerBuild(r('dist'), ['pz-worker.js', 'pz-chunks/pz-worker-[hash].js']);

// The loader last: it names the client file and the worker it starts.
await pageBuild(
  'src/client/loader.ts',
  { format: 'iife', entryFileNames: 'pz.js', name: '__pzLoader' },
  { __PZ_CLIENT_FILE__: JSON.stringify(clientFile), __PZ_WORKER_FILE__: JSON.stringify(workerHashed) },
);

// The lines a site puts in its pages' <head> (dist/pz-head.html, for a build served at the site's root):
// the worker and the client file preloaded beside pz.js, so on a first visit they are fetched at the same
// time as pz.js instead of after it has run (one round trip less before the first personalized rerank),
// and pz.js at high priority, which the preloads would otherwise hold back.
const preloads = `<link rel="modulepreload" href="/${workerHashed}">\n<link rel="modulepreload" href="/${clientFile}">\n`;
writeFileSync(r('dist/pz-head.html'), `${preloads}<script async fetchpriority="high" src="/pz.js"></script>\n`);
// The demo shop's page has them too, its own attributes kept on the tag.
const demoPage = readFileSync(r('dist/index.html'), 'utf8');
const demoTag = '<script async src="/pz.js"';
if (!demoPage.includes(demoTag)) throw new Error(`dist/index.html has no ${demoTag}>`);
writeFileSync(r('dist/index.html'), demoPage.replace(demoTag, `${preloads.trim().replaceAll('\n', '\n  ')}\n  <script async fetchpriority="high" src="/pz.js"`));

/** The shipped scripts of a build: the files in `dir` named by `names` and every file of its pz-chunks/. */
const shipped = (dir, names) =>
  [...names, ...readdirSync(resolve(dir, 'pz-chunks')).filter((f) => f.endsWith('.js')).map((f) => `pz-chunks/${f}`)].map((f) => ({
    file: resolve(dir, f),
    module: f !== 'pz.js',
  }));
await terserPass(shipped(r('dist'), ['pz.js', 'pz-panel.js', 'pz-widget.js', 'pz-worker.js']));

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
await workerBuild(r('dist/lib'), ['pz-worker.js']);
await terserPass(shipped(r('dist/lib'), ['pz-worker.js']));
mkdirSync(r('dist/lib/types'), { recursive: true });
execFileSync(process.execPath, [r('node_modules/typescript/bin/tsc'), '-p', r('tsconfig.build.json')], { stdio: 'inherit' });
copyFileSync(r('README.md'), r('dist/lib/README.md'));
writeIntegrity(r('dist'));
console.log('built dist/ (demo, pz.js, pz-worker.js) and dist/lib (npm library)');
