/**
 * `npm run bench:browser [-- --quick] [--navs N]`: the product's latencies in real headless Chromium, with the
 * built bundles, a real worker and real IndexedDB, each against a baseline measured in the same page
 * and run. Prints a Markdown table and writes bench/results/browser.json (--quick: bench/results/quick/).
 *
 * 1. Navigation → first personalized rerank of a 24-tile slot, for a shopper with history: cold (cache
 *    cleared before the load; IndexedDB kept) and then warm (revalidated by ETag), against the
 *    page's own `load` event and against the platform's floor: the same page whose async script starts
 *    a bare module worker that opens IndexedDB, reads one profile-sized record and answers; also the page
 *    with the build's `<head>` lines (dist/pz-head.html) instead of its loader tag. And the warm
 *    navigations again with every request 100 ms away (Chromium's network emulation), where each file
 *    the page revalidates costs a round trip, also with `pz.js` served stale-while-revalidate, and cold
 *    (with the floor page cold beside them, and the page with the build's `<head>` lines instead of its
 *    loader tag: the worker and the client file preloaded beside `pz.js`).
 * 2. `await pz.rerank(n)` for n = 200 and 1,000 against two same-shape no-op round trips to an echo
 *    worker: candidate objects in and result objects back (structured clones), and the packed form
 *    `pz.rerank` sends (packed on the page with the client's own code, typed arrays transferred, the
 *    packed result unpacked on the page). Under those, the platform's floor: the list packed once
 *    beforehand, its columns posted with the embeddings transferred and a packed-result-shaped answer
 *    posted back (the ids it was sent, positions transferred), with a bare `postMessage` and one
 *    standing listener; the same through comlink (`wrap` on the page, `expose` in a module worker);
 *    and a bare `postMessage` round trip of an empty call.
 * 3. Reranks asked while a 5,000-event burst is ingested: latency and fallbacks. Before it, the platform's
 *    floor for that row: the same events stored durably by a bare worker (bench/browser/ingest-floor-worker.js)
 *    while the page asks the floor round trip of 200 meanwhile.
 * 4. `track()`: time per call, and 10,000 calls in one loop → events acknowledged as durable per second.
 * 5. Over the whole run: long animation frames (≥ 50 ms) in which the library's page-side files ran,
 *    by script source URL (Long Animation Frames API), and those its own scripts made long.
 *
 * `--only ingest [--reps N]` runs parts 3 (with its floor) and 4 alone, N times (default 5), each in a fresh browser context
 * (fresh IndexedDB) with the same shopper and 230 warm-up reranks before it, and prints each repetition and
 * the pooled figures (bench/results/quick/ingest.json): cheap enough to alternate two builds. `--dist DIR`
 * serves the built bundles of another tree (e.g. `--dist /work/main/dist`) for such A/B runs.
 * `--only rerank` runs part 2 alone (both sizes, with their baselines; bench/results/quick/rerank.json), also
 * with `--dist`.
 *
 * Pages are served by scripts/static-files.mjs (compression, ETags, cache headers, the strict CSP),
 * cross-origin isolated so performance.now() has 5 µs resolution. Needs a built dist/.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from '@playwright/test';
// @ts-expect-error: plain ESM helper without types
import { CHROMIUM_ARGS, findBrowser } from '../scripts/find-browser.mjs';
// @ts-expect-error: plain ESM helper without types
import { listenLocal, resolveFile, sendFile } from '../scripts/static-files.mjs';
import type { PackedCandidates } from '../src/core/input/packed';
import type { Candidate, ShopperEvent } from '../src/core/types';
import { openDemoShopper, watchDemoRerank } from './browser/demo-page';
import { benchCandidates, benchEvents } from './browser/fixtures';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const ITERS = quick ? 200 : 1000;
const WARMUP = quick ? 30 : 100;
/** Warm-up reranks of each size before the ingest in `--only ingest`: as many as `--quick` runs (round trips and their warm-up). */
const QUICK_WARMUP = 230;
/** `--navs N`: navigations per kind (warm, cold, and the floor's), for comparing start-up alone with less noise. */
const navsArg = process.argv.indexOf('--navs');
const NAVS = navsArg >= 0 ? Math.max(1, Number(process.argv[navsArg + 1]) || 1) : quick ? 3 : 20;
const BURST = 10_000;
/** The round trip emulated for the warm navigations "over a network" (ms). */
const RTT_MS = 100;
const INGEST = 5_000;
/** `--only ingest`: just the reranks during an ingest and the 10,000-event loop, `--reps N` times. */
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg >= 0 ? Math.max(1, Number(process.argv[repsArg + 1]) || 1) : 5;
/** `--dist DIR`: the built bundles to serve (default this tree's dist/). */
const distArg = process.argv.indexOf('--dist');
const DIST = distArg >= 0 ? resolve(process.argv[distArg + 1] ?? '') : join(root, 'dist');

/** Median and 99th percentile (nearest rank) of a sample. */
function stats(xs: number[]): { p50: number; p99: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
  return { p50: round(at(0.5)), p99: round(at(0.99)), n: s.length };
}

const med = (xs: number[]): number => stats(xs).p50;
const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Serves the build at `/` (dist/, or `--dist`) and bench/browser/ at `/bench/`; `built` maps further `/bench/` paths to files built for the run.
 * Under `/swr/` it serves all of that again, with `pz.js` cached `max-age=0, stale-while-revalidate` (a
 * week): the hosting a site may choose to run a cached `pz.js` at once and fetch the next one meanwhile.
 * `/head/bench/shop.html` is the shop page with its loader tag replaced by the build's `<head>` lines
 * (dist/pz-head.html: the worker and the client file preloaded beside `pz.js`); `/head/bench/floor.html`
 * the floor's page with its worker preloaded the same way (and cached as a hashed file is).
 */
function startServer(built: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const dist = DIST;
  const pages = join(root, 'bench/browser');
  const server = createServer((req, res) => {
    let path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const swr = path.startsWith('/swr/');
    if (swr) path = path.slice('/swr'.length);
    if (path === '/head/bench/shop.html' || path === '/head/bench/floor.html') {
      const page = readFileSync(join(pages, path.slice('/head/bench/'.length)), 'utf8');
      const head = readFileSync(join(dist, 'pz-head.html'), 'utf8').replace('src="/pz.js"', 'src="/pz.js" data-db="pz-browser-bench"');
      // The floor's page the same way: its worker preloaded, its script at high priority.
      const html = page
        .replace(/<script async src="\.\.\/pz\.js"[^>]*><\/script>/, head)
        .replace(
          '<script async src="/bench/floor-page.js"></script>',
          '<link rel="modulepreload" href="/head/bench/floor-worker.js">\n<script async fetchpriority="high" src="/bench/floor-page.js" data-worker="/head/bench/floor-worker.js"></script>',
        );
      if (html === page) throw new Error(`${path}: no loader tag to replace`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }).end(html);
      return;
    }
    // The floor's worker under /head/ is cached as the build's hashed files are.
    const immutable = path === '/head/bench/floor-worker.js';
    if (immutable) path = path.slice('/head'.length);
    const file = built[path] ?? (path.startsWith('/bench/') ? resolveFile(pages, path.slice('/bench/'.length)) : resolveFile(dist, path));
    if (!file || (path.startsWith('/bench/') && !/\.(html|js)$/.test(file))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    sendFile(req, res, file, path, {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      ...(swr && path === '/pz.js' ? { 'cache-control': 'max-age=0, stale-while-revalidate=604800' } : {}),
      ...(immutable ? { 'cache-control': 'public, max-age=31536000, immutable' } : {}),
    });
  });
  return listenLocal(server);
}

type Pz = {
  track(e: unknown): void;
  flush(): Promise<unknown>;
  profile(): Promise<unknown>;
  rerank(c: unknown, o?: unknown): Promise<{ fellBack: false | string; items: unknown[]; tookMs: number }>;
  on(name: string, fn: (d: unknown) => void): () => void;
};
type W = { pz: Pz; __shop: { firstRerank: number | null; fellBack: false | string | null } };

/**
 * Long animation frames (the Long Animation Frames API: frames of 50 ms or more, with the scripts that
 * ran in them by source URL) in which the library's own page-side files ran: counted in every page.
 */
function watchLibraryFrames(): void {
  type Script = { sourceURL: string; duration: number; invoker: string; sourceFunctionName: string };
  const t = { all: 0, frames: 0, caused: 0, maxMs: 0, worst: '' };
  (window as unknown as { __pzFrames: typeof t }).__pzFrames = t;
  const ours = /\/(pz\.js|pz-widget\.js|pz-panel\.js|pz-chunks\/client-[^/?]+\.js)([?#]|$)/;
  try {
    new PerformanceObserver((list) => {
      for (const f of list.getEntries() as unknown as { scripts: Script[] }[]) {
        t.all++;
        const mine = f.scripts.filter((s) => ours.test(s.sourceURL));
        const ms = mine.reduce((sum, s) => sum + s.duration, 0);
        if (ms === 0) continue;
        t.frames++;
        if (ms >= 50) t.caused++;
        if (ms > t.maxMs) {
          t.maxMs = ms;
          t.worst = mine.map((s) => `${s.invoker} ${s.sourceFunctionName} @${s.sourceURL.split('/').pop()} ${Math.round(s.duration)} ms`).join('; ');
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // A browser without the Long Animation Frames API counts nothing.
  }
}
type Frames = { all: number; frames: number; caused: number; maxMs: number; worst: string };
const frames: Frames = { all: 0, frames: 0, caused: 0, maxMs: 0, worst: '' };
/** Adds the page's count of long frames with library scripts to {@link frames} (before it navigates away). */
async function countFrames(page: Page): Promise<void> {
  const t = await page.evaluate(() => (window as unknown as { __pzFrames: Frames }).__pzFrames);
  frames.all += t.all;
  frames.frames += t.frames;
  frames.caused += t.caused;
  if (t.maxMs > frames.maxMs) {
    frames.maxMs = t.maxMs;
    frames.worst = t.worst;
  }
}

/** One navigation: when the slot got its first rerank, whether it was personal, and the page's load. */
async function navigate(page: Page, url: string): Promise<{ firstRerankMs: number; loadMs: number; fellBack: false | string }> {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as unknown as W).__shop.firstRerank !== null, undefined, { timeout: 15_000 });
  await countFrames(page);
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const s = (window as unknown as W).__shop;
    return { firstRerankMs: s.firstRerank!, loadMs: nav.loadEventStart, fellBack: s.fellBack! };
  });
}

/** Navigations of one kind, as {@link navigate} measures them. */
type Navs = Awaited<ReturnType<typeof navigate>>[];

/**
 * The client's packing code (bench/browser/packing.ts) built for the page as a script defining
 * `__pzPacking`, so the packed echo packs and unpacks exactly as `pz.rerank` does.
 */
async function packingScript(): Promise<string> {
  return benchBundle('bench/browser/packing.ts', 'iife');
}

/** A file of bench/browser/ built (minified, one file) as an IIFE defining `__pzPacking`, or as an ES module. */
async function benchBundle(entry: string, format: 'iife' | 'es'): Promise<string> {
  const { build } = await import('vite');
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, target: 'es2020', lib: { entry: join(root, entry), formats: [format], name: '__pzPacking' } },
  });
  const chunk = (Array.isArray(out) ? out[0] : out) as { output: { type: string; code?: string }[] };
  const code = chunk.output.find((o) => o.type === 'chunk')?.code;
  if (!code) throw new Error(`${entry} did not build`);
  return code;
}

/** bench/browser/comlink-echo-worker.ts built as a module worker into a temporary file, for the server's `built` map. */
async function comlinkEchoWorker(): Promise<Record<string, string>> {
  const file = join(mkdtempSync(join(tmpdir(), 'pz-bench-')), 'comlink-echo-worker.js');
  writeFileSync(file, await benchBundle('bench/browser/comlink-echo-worker.ts', 'es'));
  return { '/bench/comlink-echo-worker.js': file };
}

type Packing = {
  packCandidates(list: unknown): PackedCandidates | undefined;
  copyPacked(p: PackedCandidates): PackedCandidates;
  unpackResult(r: unknown): unknown;
  wrap(w: Worker): { rerankPacked(p: unknown, o: unknown): Promise<unknown> };
  transfer<T>(v: T, t: Transferable[]): T;
};

type RoundTrips = { pz: number[]; echo: number[]; packedEcho: number[]; floor: number[]; comlinkFloor: number[]; nothing: number[]; inWorker: number[]; fellBack: number };

async function roundTrips(page: Page, candidates: Candidate[]): Promise<RoundTrips> {
  return page.evaluate(
    async ({ list, iters, warmup }) => {
      const pz = (window as unknown as W).pz;
      const packing = (window as unknown as { __pzPacking: Packing }).__pzPacking;
      const echo = new Worker('/bench/echo-worker.js');
      let seq = 0;
      const echoCall = (m: string, c: unknown, transfer: Transferable[] = []) =>
        new Promise<{ r: unknown }>((done) => {
          const i = ++seq;
          const on = (ev: MessageEvent<{ i: number; r: unknown }>) => {
            if (ev.data.i !== i) return;
            echo.removeEventListener('message', on);
            done(ev.data);
          };
          echo.addEventListener('message', on);
          echo.postMessage({ i, m, a: [c, { slot: 'bench' }] }, transfer);
        });
      const packedEchoCall = async (c: unknown) => {
        const packed = packing.packCandidates(c);
        if (!packed) throw new Error('the bench list did not pack');
        return packing.unpackResult((await echoCall('rerankPacked', packed, [packed.lists[1].buffer])).r);
      };
      // The floor: a worker of its own with one standing listener, the list packed once beforehand and
      // a fresh copy of its embeddings made before each timed call (the last one was transferred).
      const packedOnce = packing.packCandidates(list);
      if (!packedOnce) throw new Error('the bench list did not pack');
      const bare = new Worker('/bench/echo-worker.js');
      let answered: (r: unknown) => void = () => undefined;
      bare.onmessage = (ev: MessageEvent<{ r?: unknown }>) => answered(ev.data.r);
      const bareCall = (m: string, a: unknown[], transfer: Transferable[]) =>
        new Promise<unknown>((done) => {
          answered = done;
          bare.postMessage({ i: ++seq, m, a }, transfer);
        });
      const viaComlink = packing.wrap(new Worker('/bench/comlink-echo-worker.js', { type: 'module' }));
      const out: RoundTrips = { pz: [], echo: [], packedEcho: [], floor: [], comlinkFloor: [], nothing: [], inWorker: [], fellBack: 0 };
      // Interleaved, so all of them see the same machine state.
      for (let k = 0; k < warmup + iters; k++) {
        let t = performance.now();
        const r = await pz.rerank(list, { slot: 'bench' });
        const a = performance.now() - t;
        t = performance.now();
        await echoCall('rerank', list);
        const b = performance.now() - t;
        t = performance.now();
        await packedEchoCall(list);
        const c = performance.now() - t;
        let p = packing.copyPacked(packedOnce);
        t = performance.now();
        await bareCall('floor', [p, { slot: 'bench' }], [p.lists[1].buffer]);
        const d = performance.now() - t;
        p = packing.copyPacked(packedOnce);
        t = performance.now();
        await viaComlink.rerankPacked(packing.transfer(p, [p.lists[1].buffer]), { slot: 'bench' });
        const e = performance.now() - t;
        t = performance.now();
        await bareCall('nothing', [], []);
        const f = performance.now() - t;
        if (k < warmup) continue;
        out.pz.push(a);
        out.echo.push(b);
        out.packedEcho.push(c);
        out.floor.push(d);
        out.comlinkFloor.push(e);
        out.nothing.push(f);
        out.inWorker.push((r as unknown as { tookMs: number }).tookMs);
        if (r.fellBack) out.fellBack++;
      }
      echo.terminate();
      bare.terminate();
      return out;
    },
    { list: candidates, iters: ITERS, warmup: WARMUP },
  );
}

/**
 * Part 3: reranks of 200 asked one after another while {@link INGEST} events are tracked in one loop,
 * until all are acknowledged. The events reach the page in a call of their own: the protocol message
 * that carries them (2.5 MB) is decoded in the page's task after the function has run, which would
 * otherwise count as the first rerank's wait. `tag` keeps event ids apart between repetitions.
 */
async function ingestWithReranks(page: Page, catalogue: Candidate[], tag = '') {
  await loadIngest(page, catalogue, tag);
  return page.evaluate(
    async ({ list }) => {
      const pz = (window as unknown as W).pz;
      const evs = (window as unknown as { __ingest: unknown[] }).__ingest;
      let acked = 0;
      const off = pz.on('tracked', (a) => {
        acked += (a as { accepted: unknown[] }).accepted.length;
      });
      const t0 = performance.now();
      for (const e of evs) pz.track(e);
      const lat: number[] = [];
      const took: number[] = [];
      const asked: number[] = [];
      let fellBack = 0;
      while (acked < evs.length && performance.now() - t0 < 60_000) {
        const t = performance.now();
        const r = await pz.rerank(list, { slot: 'during-ingest' });
        lat.push(performance.now() - t);
        took.push(r.tookMs);
        asked.push(t - t0);
        if (r.fellBack) fellBack++;
      }
      off();
      const r1 = (x: number) => Math.round(x * 10) / 10;
      // The three slowest: place in the sequence, when asked (ms into the burst), round trip and time inside the engine (ms).
      const slowest = lat
        .map((x, i) => ({ at: i, askedMs: r1(asked[i] ?? 0), ms: r1(x), engineMs: r1(took[i] ?? 0) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3);
      return { lat, fellBack, ingestMs: performance.now() - t0, acked, slowest };
    },
    { list: catalogue.slice(0, 200) },
  );
}

/** Puts the {@link INGEST} events on the page as `__ingest`, in a call of their own (see {@link ingestWithReranks}). */
async function loadIngest(page: Page, catalogue: Candidate[], tag: string): Promise<void> {
  await page.evaluate((evs) => {
    (window as unknown as { __ingest: unknown[] }).__ingest = evs;
  }, benchEvents(catalogue, INGEST, Date.now(), 1, 5).map((e, i) => ({ ...e, id: `ingest-${tag}${i}` })));
}

/**
 * Part 3's floor: the same events and round trips with no library code (bench/browser/ingest-floor-worker.js).
 * The page writes the events as JSON lines, 500 per call, the first call at once and one more per task
 * (as the client drains), to a worker that parses and stores each call in one strict transaction and
 * acknowledges it when it commits; meanwhile it asks the platform's floor round trip of 200 (the list
 * packed beforehand, its embeddings transferred; see {@link roundTrips}) one after another until every
 * event is acknowledged. The pz worker is idle meanwhile. Its p99 is what this machine gives any
 * worker that ingests durably while it answers.
 */
async function ingestFloor(page: Page, catalogue: Candidate[], tag = ''): Promise<{ lat: number[]; ingestMs: number; acked: number }> {
  await loadIngest(page, catalogue, `floor-${tag}`);
  return page.evaluate(
    async ({ list, batch }) => {
      const packing = (window as unknown as { __pzPacking: Packing }).__pzPacking;
      const evs = (window as unknown as { __ingest: unknown[] }).__ingest;
      const packedOnce = packing.packCandidates(list);
      if (!packedOnce) throw new Error('the bench list did not pack');
      const w = new Worker('/bench/ingest-floor-worker.js');
      let seq = 0;
      let acked = 0;
      let answered: (r: unknown) => void = () => undefined;
      const ready = new Promise((done) => {
        answered = done;
      });
      w.onmessage = (ev: MessageEvent<{ r?: { accepted?: number } }>) => {
        if (ev.data.r?.accepted === undefined) answered(ev.data.r);
        else acked += ev.data.r.accepted;
      };
      await ready;
      const t0 = performance.now();
      let at = 0;
      const send = () => {
        const lines = evs.slice(at, at + batch).map((e) => JSON.stringify(e));
        at += batch;
        w.postMessage({ i: ++seq, m: 'track', a: [lines.join('\n')] });
        if (at >= evs.length) return;
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          ch.port1.close();
          send();
        };
        ch.port2.postMessage(0);
      };
      send();
      const lat: number[] = [];
      while (acked < evs.length && performance.now() - t0 < 60_000) {
        const p = packing.copyPacked(packedOnce);
        const t = performance.now();
        await new Promise<unknown>((done) => {
          answered = done;
          w.postMessage({ i: ++seq, m: 'floor', a: [p, { slot: 'floor' }] }, [p.lists[1].buffer]);
        });
        lat.push(performance.now() - t);
      }
      const ingestMs = performance.now() - t0;
      w.terminate();
      return { lat, ingestMs, acked };
    },
    { list: catalogue.slice(0, 200), batch: 500 },
  );
}

/** Part 4: `track()` cost per call, and {@link BURST} calls in one loop until every event is acknowledged. */
function trackBurst(page: Page, tag = '') {
  return page.evaluate(
    async ({ n, tag }) => {
      const pz = (window as unknown as W).pz;
      let acked = 0;
      let durable = true;
      const off = pz.on('tracked', (a) => {
        acked += (a as { accepted: unknown[] }).accepted.length;
        durable &&= (a as { durable: boolean }).durable;
      });
      const per: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        pz.track({ id: `burst-${tag}${i}`, type: 'view', item: { id: `b${i % 500}`, category: 'home/kitchen' }, ts: Date.now() - (n - i) * 2000 });
        per.push(performance.now() - t);
      }
      const loopMs = performance.now() - t0;
      while (acked < n && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 5));
      off();
      return { per, loopMs, ackMs: performance.now() - t0, acked, durable };
    },
    { n: BURST, tag },
  );
}

/** Opens the shop page (`shop`: its URL) and gives it the bench's shopper: 300 past events, stored. */
async function openShopper(page: Page, shop: string, catalogue: Candidate[]): Promise<void> {
  await page.goto(shop);
  await page.waitForFunction(() => typeof (window as unknown as W).pz?.rerank === 'function');
  await page.evaluate(async (evs) => {
    const pz = (window as unknown as W).pz;
    for (const e of evs) pz.track(e);
    await pz.flush();
  }, benchEvents(catalogue.slice(0, 200), 300, Date.now()) as ShopperEvent[]);
}

/** Waits (up to 10 s) until the learner is attached and has nothing queued, as before the round trips. */
async function learnerIdle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const pz = (window as unknown as W).pz;
    for (let i = 0; i < 100; i++) {
      const v = (await pz.profile()) as { model?: { learning?: boolean; pendingExamples?: number } } | undefined;
      if (v?.model?.learning && v.model.pendingExamples === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/**
 * `--only ingest`: parts 3 and 4, {@link REPS} times, each in a fresh context (fresh storage) after the
 * shopper's history, the learner's start and {@link QUICK_WARMUP} reranks of 200 and of 1,000 (as many
 * as `--quick` runs before its ingest, so the hot path is compiled).
 */
async function onlyIngest(browser: Browser, url: string, catalogue: Candidate[]): Promise<void> {
  type Rep = {
    floor: Awaited<ReturnType<typeof ingestFloor>>;
    ingest: Awaited<ReturnType<typeof ingestWithReranks>>;
    burst: Awaited<ReturnType<typeof trackBurst>>;
    load1: number;
  };
  const reps: Rep[] = [];
  const packing = await packingScript();
  for (let k = 0; k < REPS; k++) {
    const context = await browser.newContext();
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    await openShopper(page, `${url}/bench/shop.html`, catalogue);
    await learnerIdle(page);
    await page.evaluate(
      async ({ small, large, n }) => {
        const pz = (window as unknown as W).pz;
        for (let i = 0; i < n; i++) await pz.rerank(small, { slot: 'bench' });
        for (let i = 0; i < n; i++) await pz.rerank(large, { slot: 'bench' });
      },
      { small: catalogue.slice(0, 200), large: catalogue, n: QUICK_WARMUP },
    );
    await page.evaluate(packing);
    const floor = await ingestFloor(page, catalogue, `${k}-`);
    const ingest = await ingestWithReranks(page, catalogue, `${k}-`);
    const burst = await trackBurst(page, `${k}-`);
    await context.close();
    const rep = { floor, ingest, burst, load1: round(loadavg()[0] ?? 0) };
    reps.push(rep);
    const s = stats(ingest.lat);
    const f = stats(floor.lat);
    const rate = Math.round((burst.acked / burst.ackMs) * 1000);
    console.log(
      `rep ${k + 1}: floor during its ingest p50 ${f.p50} / p99 ${f.p99} ms over ${f.n}, ingest ${Math.round(floor.ingestMs)} ms; ` +
        `during the ingest p50 ${s.p50} / p99 ${s.p99} ms over ${s.n}, ${ingest.fellBack} fell back, ingest ${Math.round(ingest.ingestMs)} ms; ` +
        `slowest ${ingest.slowest.map((x) => `${x.ms} (#${x.at} at ${x.askedMs} ms, engine ${x.engineMs})`).join(', ')}; ` +
        `10,000 track(): ${burst.acked} acked at ${rate}/s, per call p50 / p99 ${stats(burst.per).p50} / ${stats(burst.per).p99} ms; load ${rep.load1}`,
    );
  }
  const all = reps.flatMap((r) => r.ingest.lat);
  const p99s = reps.map((r) => stats(r.ingest.lat).p99);
  const floorP99s = reps.map((r) => stats(r.floor.lat).p99);
  const rates = reps.map((r) => Math.round((r.burst.acked / r.burst.ackMs) * 1000));
  const result = {
    date: new Date().toISOString(),
    dist: DIST,
    machine: { cpus: cpus().length, load1: reps.map((r) => r.load1) },
    duringIngest: {
      pooled: stats(all),
      p99PerRep: p99s,
      medianP99: stats(p99s).p50,
      fellBack: reps.reduce((n, r) => n + r.ingest.fellBack, 0),
      acked: reps.map((r) => r.ingest.acked),
      floor: { pooled: stats(reps.flatMap((r) => r.floor.lat)), p99PerRep: floorP99s, medianP99: stats(floorP99s).p50 },
    },
    track: {
      perCallMs: stats(reps.flatMap((r) => r.burst.per)),
      eventsPerSecond: rates,
      medianEventsPerSecond: stats(rates).p50,
      acked: reps.map((r) => r.burst.acked),
      durable: reps.every((r) => r.burst.durable),
    },
  };
  const outDir = join(root, 'bench/results/quick');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'ingest.json'), `${JSON.stringify(result, null, 2)}\n`);
  const d = result.duringIngest;
  console.log(
    `\n${REPS} ingests (${DIST}): reranks pooled p50 ${d.pooled.p50} / p99 ${d.pooled.p99} ms over ${d.pooled.n}; p99 per rep ${p99s.join(' ')} (median ${d.medianP99}); ` +
      `${d.fellBack} fell back; the floor pooled p50 ${d.floor.pooled.p50} / p99 ${d.floor.pooled.p99} over ${d.floor.pooled.n}, p99 per rep ${floorP99s.join(' ')} (median ${d.floor.medianP99}); ` +
      `10,000 track(): ${result.track.acked.join(' ')} acked, ${rates.join(' ')} events/s (median ${result.track.medianEventsPerSecond}), ` +
      `per call p50 / p99 ${result.track.perCallMs.p50} / ${result.track.perCallMs.p99} ms; load ${result.machine.load1.join(' ')}\nwrote ${join(outDir, 'ingest.json')}`,
  );
}

/**
 * `ratio`: to the object echo (the same-shape structured clone); `packedRatio`: to the packed echo;
 * `floorRatio`: to the platform's floor (the packed payload over a bare postMessage).
 */
function roundTripResult(rt: RoundTrips) {
  return {
    pz: stats(rt.pz),
    echo: stats(rt.echo),
    packedEcho: stats(rt.packedEcho),
    floor: stats(rt.floor),
    comlinkFloor: stats(rt.comlinkFloor),
    nothing: stats(rt.nothing),
    inWorker: stats(rt.inWorker),
    ratio: round(med(rt.pz) / med(rt.echo)),
    packedRatio: round(med(rt.pz) / med(rt.packedEcho)),
    floorRatio: round(med(rt.pz) / med(rt.floor)),
    fellBack: rt.fellBack,
  };
}

/**
 * `--only rerank`: part 2 alone (round trips of 200 and 1,000 with their baselines, {@link ITERS} each after
 * {@link WARMUP}), in a fresh context with the same shopper; prints one line per size and writes
 * bench/results/quick/rerank.json. With `--dist`, cheap enough to alternate two builds.
 */
async function onlyRerank(browser: Browser, url: string, catalogue: Candidate[]): Promise<void> {
  const context = await browser.newContext();
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  await openShopper(page, `${url}/bench/shop.html`, catalogue);
  await learnerIdle(page);
  await page.evaluate(await packingScript());
  const result: Record<string, ReturnType<typeof roundTripResult>> = {};
  for (const n of [200, 1000]) {
    const r = (result[`rerank${n}`] = roundTripResult(await roundTrips(page, catalogue.slice(0, n))));
    console.log(
      `rerank(${n}) (${DIST}): pz ${r.pz.p50} / ${r.pz.p99}; engine ${r.inWorker.p50}; packed echo ${r.packedEcho.p50}; floor ${r.floor.p50} / ${r.floor.p99}; ` +
        `comlink floor ${r.comlinkFloor.p50}; object echo ${r.echo.p50}; ${r.fellBack} fell back; load ${round(loadavg()[0] ?? 0)}`,
    );
  }
  await context.close();
  const outDir = join(root, 'bench/results/quick');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'rerank.json'), `${JSON.stringify({ date: new Date().toISOString(), dist: DIST, ...result }, null, 2)}\n`);
}

async function main(): Promise<void> {
  if (!resolveFile(DIST, '/pz.js')) throw new Error(`no ${DIST}/pz.js: run \`node scripts/build.mjs\` first`);
  if (ONLY !== undefined && ONLY !== 'ingest' && ONLY !== 'rerank') throw new Error(`--only ${ONLY}: \`--only ingest\` and \`--only rerank\` are known`);
  const found = await findBrowser();
  // Eager memory measurement: measureUserAgentSpecificMemory() answers at once instead of at the next GC.
  const browser = await chromium.launch({
    executablePath: found.executablePath,
    args: [...CHROMIUM_ARGS, '--enable-blink-features=ForceEagerMeasureMemory', '--js-flags=--expose-gc'],
  });
  const server = await startServer(ONLY === 'ingest' ? {} : await comlinkEchoWorker());
  if (ONLY !== undefined) {
    try {
      await (ONLY === 'ingest' ? onlyIngest : onlyRerank)(browser, server.url, benchCandidates(1000, 1));
    } finally {
      await browser.close();
      await server.close();
    }
    return;
  }
  const context = await browser.newContext();
  // tsx keeps function names with a `__name` helper that the page does not have.
  await context.addInitScript('globalThis.__name = (f) => f;');
  await context.addInitScript(watchLibraryFrames);
  await context.addInitScript(watchDemoRerank);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const shop = `${server.url}/bench/shop.html`;
  const catalogue = benchCandidates(1000, 1);

  // A shopper with history: 300 events on the first visit; and on the demo shop, 60 events.
  const demo = `${server.url}/`;
  await openDemoShopper(page, demo);
  await openShopper(page, shop, catalogue);

  // 1. Navigation → first personalized rerank.
  // The floor: the same page with a worker that only opens IndexedDB and reads one record (floor.html).
  const warm: Navs = [];
  const cold: Navs = [];
  const floorWarm: Navs = [];
  const floorCold: Navs = [];
  // The demo shop's home page: a page as heavy as a real storefront's (100 products with photos, the
  // demo's own script fetching its lists), where the page's load is not that of a bench page.
  const demoWarm: Navs = [];
  const demoCold: Navs = [];
  // The shop page with the build's <head> lines instead of its loader tag (see startServer).
  const headWarm: Navs = [];
  const headCold: Navs = [];
  const shopHead = `${server.url}/head/bench/shop.html`;
  const floor = `${server.url}/bench/floor.html`;
  const cdp = await context.newCDPSession(page);
  await navigate(page, floor); // writes the floor's record
  // Each page cold (HTTP cache cleared; IndexedDB kept), then warm: the page of a shopper coming back, its
  // files cached by the cold navigation and the one after it (which V8's code cache needs; unmeasured).
  // The shop page last: the next steps use it.
  const coldThenWarm = async (url: string, coldRuns: Navs, warmRuns: Navs) => {
    await cdp.send('Network.clearBrowserCache');
    coldRuns.push(await navigate(page, url));
    await navigate(page, url);
    warmRuns.push(await navigate(page, url));
  };
  for (let i = 0; i < NAVS; i++) {
    await coldThenWarm(demo, demoCold, demoWarm);
    await coldThenWarm(floor, floorCold, floorWarm);
    await coldThenWarm(shopHead, headCold, headWarm);
    await coldThenWarm(shop, cold, warm);
  }
  // Over a network: the same warm navigations with every request delayed by an emulated round trip,
  // where each file the page must revalidate costs one before it can run.
  // And with pz.js served stale-while-revalidate: the same page under /swr/, whose relative loader URL is /swr/pz.js.
  const overRtt: Navs = [];
  const overRttSwr: Navs = [];
  const overRttCold: Navs = [];
  const overRttFloorCold: Navs = [];
  const overRttColdHead: Navs = [];
  const overRttFloorColdHead: Navs = [];
  const shopSwr = `${server.url}/swr/bench/shop.html`;
  await navigate(page, shopSwr); // caches its pz.js
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT_MS, downloadThroughput: -1, uploadThroughput: -1 });
  for (let i = 0; i < Math.min(NAVS, 10); i++) {
    overRtt.push(await navigate(page, shop));
    overRttSwr.push(await navigate(page, shopSwr));
  }
  // Cold after warm: clearing the cache would leave the next warm navigation of the other page cold.
  for (let i = 0; i < Math.min(NAVS, 10); i++) {
    await cdp.send('Network.clearBrowserCache');
    overRttFloorCold.push(await navigate(page, floor));
    await cdp.send('Network.clearBrowserCache');
    overRttFloorColdHead.push(await navigate(page, `${server.url}/head/bench/floor.html`));
    await cdp.send('Network.clearBrowserCache');
    overRttColdHead.push(await navigate(page, `${server.url}/head/bench/shop.html`));
    await cdp.send('Network.clearBrowserCache');
    overRttCold.push(await navigate(page, shop));
  }
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // 2. Round trips against the echo baseline (the learner attached first, so no training runs meanwhile).
  await learnerIdle(page);
  await page.evaluate(await packingScript());
  const rt200 = await roundTrips(page, catalogue.slice(0, 200));
  const rt1000 = await roundTrips(page, catalogue);

  // 3. Reranks during a 5,000-event ingest, after the floor's own ingest (the pz worker idle meanwhile).
  const ingestFloorRun = await ingestFloor(page, catalogue);
  const ingest = await ingestWithReranks(page, catalogue);

  // Worker heap after the 5,000 events (this page's cross-origin isolation allows the measurement).
  const workerHeap = await page.evaluate(async () => {
    const perf = performance as Performance & {
      measureUserAgentSpecificMemory?: () => Promise<{ breakdown: { bytes: number; attribution: { url: string; scope: string }[] }[] }>;
    };
    if (!perf.measureUserAgentSpecificMemory) return null;
    const m = await perf.measureUserAgentSpecificMemory();
    let bytes = 0;
    for (const b of m.breakdown) if (b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope' && /\/pz-worker[-.]/.test(a.url))) bytes += b.bytes;
    return bytes;
  });

  // 4. track(): cost per call, and a 10,000-event loop until every event is acknowledged.
  const burst = await trackBurst(page);
  await countFrames(page);

  await context.close();
  await browser.close();
  await server.close();

  /** A row of navigations: first personalized rerank and page `load` (p50 / p99), how many fell back, of how many. */
  const navStats = (runs: Navs) => ({
    firstRerankMs: stats(runs.map((r) => r.firstRerankMs)),
    loadMs: stats(runs.map((r) => r.loadMs)),
    fellBack: runs.filter((r) => r.fellBack).length,
    n: runs.length,
  });
  /** The floor page's navigations: its worker's first answer and the page's `load`. */
  const floorStats = (runs: Navs) => ({ firstReplyMs: stats(runs.map((r) => r.firstRerankMs)), loadMs: stats(runs.map((r) => r.loadMs)) });
  /** Median first rerank over median `load`. */
  const ratioToLoad = (runs: Navs) => round(med(runs.map((r) => r.firstRerankMs)) / med(runs.map((r) => r.loadMs)));
  const result = {
    date: new Date().toISOString(),
    quick,
    machine: { cpus: cpus().length, load1: round(loadavg()[0] ?? 0) },
    navigation: {
      warm: navStats(warm),
      cold: navStats(cold),
      coldRatioToLoad: ratioToLoad(cold),
      head: { warm: navStats(headWarm), cold: navStats(headCold) },
      overRtt: {
        rttMs: RTT_MS,
        ...navStats(overRtt),
        cold: { ...navStats(overRttCold), ratioToLoad: ratioToLoad(overRttCold), floor: floorStats(overRttFloorCold) },
        coldHead: { ...navStats(overRttColdHead), ratioToLoad: ratioToLoad(overRttColdHead), floor: floorStats(overRttFloorColdHead) },
        swr: navStats(overRttSwr),
      },
      floor: { warm: floorStats(floorWarm), cold: floorStats(floorCold) },
      demo: { warm: navStats(demoWarm), cold: navStats(demoCold), coldRatioToLoad: ratioToLoad(demoCold) },
    },
    rerank200: roundTripResult(rt200),
    rerank1000: roundTripResult(rt1000),
    duringIngest: {
      rerank: stats(ingest.lat),
      slowest: ingest.slowest,
      fellBack: ingest.fellBack,
      ingestMs: round(ingest.ingestMs),
      events: INGEST,
      acked: ingest.acked,
      floor: { roundTrip: stats(ingestFloorRun.lat), ingestMs: round(ingestFloorRun.ingestMs), acked: ingestFloorRun.acked },
    },
    workerHeapMB: workerHeap === null ? null : round(workerHeap / 1048576),
    track: {
      perCallMs: stats(burst.per),
      loopMs: round(burst.loopMs),
      acked: burst.acked,
      durable: burst.durable,
      eventsPerSecond: Math.round((burst.acked / burst.ackMs) * 1000),
    },
    /** Long animation frames (≥ 50 ms) in which the library's page-side files ran; `caused`: their scripts alone took ≥ 50 ms. */
    longFrames: { ...frames, maxMs: round(frames.maxMs) },
    errors,
  };
  const outDir = join(root, quick ? 'bench/results/quick' : 'bench/results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'browser.json'), `${JSON.stringify(result, null, 2)}\n`);

  const n = result.navigation;
  const rows: [string, string, string][] = [
    ['navigation → first personalized rerank, warm cache (ms, p50 / p99)', `${n.warm.firstRerankMs.p50} / ${n.warm.firstRerankMs.p99}`, `load ${n.warm.loadMs.p50}; ${n.warm.fellBack}/${n.warm.n} fell back`],
    ['navigation → first personalized rerank, cold cache (ms, p50 / p99)', `${n.cold.firstRerankMs.p50} / ${n.cold.firstRerankMs.p99}`, `load ${n.cold.loadMs.p50} (ratio ${n.coldRatioToLoad}); ${n.cold.fellBack}/${n.cold.n} fell back`],
    [
      "the same page with the build's `<head>` lines instead of its loader tag (ms, p50 warm / cold)",
      `${n.head.warm.firstRerankMs.p50} / ${n.head.cold.firstRerankMs.p50}`,
      `load ${n.head.warm.loadMs.p50} / ${n.head.cold.loadMs.p50}; ${n.head.warm.fellBack + n.head.cold.fellBack}/${n.head.warm.n + n.head.cold.n} fell back`,
    ],
    [
      `navigation → first personalized rerank, warm cache, every request ${RTT_MS} ms away (emulated; ms, p50 / p99)`,
      `${n.overRtt.firstRerankMs.p50} / ${n.overRtt.firstRerankMs.p99}`,
      `load ${n.overRtt.loadMs.p50}; ${n.overRtt.fellBack}/${n.overRtt.n} fell back`,
    ],
    [
      `the same (warm) with \`pz.js\` served \`max-age=0, stale-while-revalidate\` (ms, p50 / p99)`,
      `${n.overRtt.swr.firstRerankMs.p50} / ${n.overRtt.swr.firstRerankMs.p99}`,
      `load ${n.overRtt.swr.loadMs.p50}; ${n.overRtt.swr.fellBack}/${n.overRtt.swr.n} fell back`,
    ],
    [
      `the same on a cold cache, ${RTT_MS} ms away (ms, p50 / p99)`,
      `${n.overRtt.cold.firstRerankMs.p50} / ${n.overRtt.cold.firstRerankMs.p99}`,
      `load ${n.overRtt.cold.loadMs.p50} (ratio ${n.overRtt.cold.ratioToLoad}); the floor's first answer ${n.overRtt.cold.floor.firstReplyMs.p50} (load ${n.overRtt.cold.floor.loadMs.p50}); ${n.overRtt.cold.fellBack}/${n.overRtt.cold.n} fell back`,
    ],
    [
      "the same (cold) with the build's `<head>` lines (dist/pz-head.html: worker and client file preloaded) (ms, p50 / p99)",
      `${n.overRtt.coldHead.firstRerankMs.p50} / ${n.overRtt.coldHead.firstRerankMs.p99}`,
      `load ${n.overRtt.coldHead.loadMs.p50} (ratio ${n.overRtt.coldHead.ratioToLoad}); the floor's first answer, its worker preloaded, ${n.overRtt.coldHead.floor.firstReplyMs.p50} (load ${n.overRtt.coldHead.floor.loadMs.p50}); ${n.overRtt.coldHead.fellBack}/${n.overRtt.coldHead.n} fell back`,
    ],
    [
      'the floor: navigation → first answer of a bare module worker that reads one IndexedDB record (ms, p50 warm / cold)',
      `${n.floor.warm.firstReplyMs.p50} / ${n.floor.cold.firstReplyMs.p50}`,
      `load ${n.floor.warm.loadMs.p50} / ${n.floor.cold.loadMs.p50}; cold ratio ${round(n.floor.cold.firstReplyMs.p50 / n.floor.cold.loadMs.p50)}`,
    ],
    [
      "the demo shop's home page (100 products with photos): navigation → first personalized rerank (ms, p50 warm / cold)",
      `${n.demo.warm.firstRerankMs.p50} / ${n.demo.cold.firstRerankMs.p50}`,
      `load ${n.demo.warm.loadMs.p50} / ${n.demo.cold.loadMs.p50}; cold ratio ${n.demo.coldRatioToLoad}; ${n.demo.warm.fellBack + n.demo.cold.fellBack}/${n.demo.warm.n + n.demo.cold.n} fell back`,
    ],
    ...([['200', result.rerank200], ['1000', result.rerank1000]] as const).map(([n, r]): [string, string, string] => [
      `\`await pz.rerank(${n})\` (ms, p50 / p99)`,
      `${r.pz.p50} / ${r.pz.p99}`,
      `object echo ${r.echo.p50} / ${r.echo.p99} (ratio ${r.ratio}); packed echo ${r.packedEcho.p50} / ${r.packedEcho.p99} (ratio ${r.packedRatio}); engine in the worker ${r.inWorker.p50} / ${r.inWorker.p99}`,
    ]),
    ...([['200', result.rerank200], ['1000', result.rerank1000]] as const).map(([n, r]): [string, string, string] => [
      `the platform's floor: the packed ${n} over a bare \`postMessage\`, packed beforehand (ms, p50 / p99)`,
      `${r.floor.p50} / ${r.floor.p99}`,
      `through comlink ${r.comlinkFloor.p50} / ${r.comlinkFloor.p99}; an empty call ${r.nothing.p50} / ${r.nothing.p99}; pz.rerank / floor ${r.floorRatio}`,
    ]),
    ['rerank(200) during a 5,000-event ingest (ms, p50 / p99)', `${result.duringIngest.rerank.p50} / ${result.duringIngest.rerank.p99}`, `${result.duringIngest.fellBack}/${result.duringIngest.rerank.n} fell back; ingest ${result.duringIngest.ingestMs} ms`],
    [
      "the platform's floor: the floor round trip of 200 while a bare worker stores the same 5,000 events (ms, p50 / p99)",
      `${result.duringIngest.floor.roundTrip.p50} / ${result.duringIngest.floor.roundTrip.p99}`,
      `over ${result.duringIngest.floor.roundTrip.n}; its ingest ${result.duringIngest.floor.ingestMs} ms, ${result.duringIngest.floor.acked} acknowledged`,
    ],
    ['worker heap after the 5,000-event ingest (MB)', `${result.workerHeapMB ?? 'n/a'}`, "measureUserAgentSpecificMemory, the worker's scope"],
    ['`track()` per call (ms, p50 / p99)', `${result.track.perCallMs.p50} / ${result.track.perCallMs.p99}`, `10,000 in one loop: ${result.track.loopMs} ms`],
    ['10,000 `track()` → acknowledged as durable', `${result.track.acked}`, `${result.track.eventsPerSecond} events/s`],
    [
      'long animation frames caused by the library (its page-side scripts ≥ 50 ms in one frame), whole run',
      `${result.longFrames.caused}`,
      `of ${result.longFrames.all} long frames, its scripts ran in ${result.longFrames.frames}; its longest share of one ${result.longFrames.maxMs} ms${result.longFrames.worst ? ` (${result.longFrames.worst})` : ''}`,
    ],
  ];
  console.log(`\nBrowser benchmark (${quick ? 'quick' : 'full'}: ${ITERS} round trips per size, ${NAVS} navigations each; ${cpus().length} cores, load ${result.machine.load1})\n`);
  console.log('| measure | result | baseline / detail |\n| --- | ---: | --- |');
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
  if (errors.length) console.log(`\npage errors: ${errors.join('; ')}`);
  console.log(`\nwrote ${join(outDir, 'browser.json')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
