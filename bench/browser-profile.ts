/**
 * `npx tsx bench/browser-profile.ts <rerank N | ingest | burst | heap | start>`: where the worker's time (or
 * heap) goes, in the same page and with the same shopper as `npm run bench:browser`. A CPU profile of
 * pz-worker.js is taken through Playwright's CDP session (the worker is reached with
 * `Target.sendMessageToTarget`), written to bench/results/quick/worker.cpuprofile (open it in Chrome's
 * DevTools) and summarised: total time per function, and the longest stretches of work without a break.
 *
 * - `rerank N [--calls=K]`: K (default 400) `pz.rerank` of N candidates in a row (after 50 warm-up calls).
 * - `ingest`: reranks of 200 while 5,000 events are ingested.
 * - `burst`: 10,000 `track()` in one loop until all are acknowledged, after a 5,000-event ingest.
 * - `start [--cold] [--demo]`: the timeline of one navigation up to the slot's first personalized rerank (see
 *   {@link startTimeline}).
 * - `heap`: the worker's heap in use (after a forced collection) at each stage: ready, learner loaded,
 *   50 reranks, a 5,000-event ingest, training caught up.
 *
 * `heap --snapshot`: also take a heap snapshot after the ingest and list what the worker holds by kind.
 * `--page`: profile the page's main thread instead of the worker. `--trace`: also record a Chromium trace
 * of the measured part (bench/results/quick/trace.json, open it in DevTools' Performance panel) and list
 * (for `ingest`, every task of the burst's first 100 ms, then)
 * the tasks of 5 ms or more on the worker and page threads, with what ran inside them, then the worker's
 * longest tasks by CPU time with the JS functions sampled inside each; for `rerank`, also the reranks by their
 * place after the worker's last mark-compact (V8's full collection), see {@link afterMarkCompact}.
 * `--no-profile`: no CPU profile (with `--trace`: the trace alone). The sampling profiler changes what
 * it measures here: with it on, the first rerank after a mark-compact took 1.8 ms of CPU against 1.0
 * for the others; without it, about 4 against 0.95 (200 candidates, load 2).
 *
 * Needs a built dist/ (`node scripts/build.mjs`; set `minify: false` in its worker build for readable names).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type CDPSession, type Page, chromium } from '@playwright/test';
// @ts-expect-error: plain ESM helper without types
import { CHROMIUM_ARGS, findBrowser } from '../scripts/find-browser.mjs';
// @ts-expect-error: plain ESM helper without types
import { listenLocal, resolveFile, sendFile } from '../scripts/static-files.mjs';
import { openDemoShopper, watchDemoRerank } from './browser/demo-page';
import { benchCandidates, benchEvents } from './browser/fixtures';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'rerank', arg = '200'] = process.argv.slice(2);

type Pz = {
  track(e: unknown): void;
  flush(): Promise<unknown>;
  profile(): Promise<{ model?: { learning?: boolean; pendingExamples?: number } } | undefined>;
  rerank(c: unknown, o?: unknown): Promise<{ tookMs: number }>;
  on(name: string, fn: (d: unknown) => void): () => void;
};
type W = { pz: Pz };
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Sends CDP commands to the page's pz-worker.js through the page's own session. */
/** CDP events from the worker (e.g. heap snapshot chunks), by method. */
const workerEvents = new Map<string, (params: Record<string, unknown>) => void>();

async function workerSession(cdp: CDPSession): Promise<(method: string, params?: object) => Promise<Record<string, unknown>>> {
  let sessionId = '';
  let seq = 0;
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker' && e.targetInfo.url.includes('pz-worker')) sessionId = e.sessionId;
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, unknown>; method?: string; params?: Record<string, unknown> };
    if (m.method !== undefined) workerEvents.get(m.method)?.(m.params ?? {});
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? {});
    if (m.id !== undefined) waiting.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let i = 0; i < 100 && !sessionId; i++) await new Promise((r) => setTimeout(r, 50));
  if (!sessionId) throw new Error('pz-worker.js not found');
  return (method, params = {}) =>
    new Promise((done) => {
      const id = ++seq;
      waiting.set(id, done);
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => done({}));
    });
}

/** Total time per function (each function counted once per sample) and the longest busy stretches. */
function summarise(p: CpuProfile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  const idle = (id: number) => ['(idle)', '(program)', '(root)'].includes(byId.get(id)!.callFrame.functionName);
  const total = new Map<string, number>();
  const runs: { start: number; ms: number; top: Map<string, number> }[] = [];
  let run: (typeof runs)[number] | undefined;
  let t = p.startTime;
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    const s = p.samples[i]!;
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    if (idle(s)) {
      run = undefined;
      continue;
    }
    busy += dt;
    if (!run) runs.push((run = { start: t, ms: 0, top: new Map() }));
    run.ms += dt;
    const seen = new Set<string>();
    for (let x: number | undefined = s; x !== undefined; x = parent.get(x)) {
      const k = name(byId.get(x)!);
      if (seen.has(k) || k.startsWith('(root)')) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
      run.top.set(k, (run.top.get(k) ?? 0) + dt);
    }
  }
  console.log(`worker busy ${busy.toFixed(1)} ms\n\ntotal ms per function (top 30):`);
  for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${v.toFixed(1).padStart(9)}  ${k}`);
  console.log('\nlongest stretches without a break (ms: where the time went):');
  for (const r of runs.sort((a, b) => b.ms - a.ms).slice(0, 5)) {
    const top = [...r.top].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`${r.ms.toFixed(1).padStart(9)}  ${top.map(([k, v]) => `${k.split(' ')[0]} ${v.toFixed(1)}`).join(', ')}`);
  }
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** CPU time of the thread (µs). */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

/** The kinds of trace event {@link workInside} names. */
const WORK_KINDS = new Set(['ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.evaluateModule', 'FunctionCall', 'HandlePostMessage', 'TimerFire', 'EventDispatch', 'MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'Receive mojo reply', 'Receive mojo message']);

/** What ran inside `task` (events of {@link WORK_KINDS} of at least `minUs` on its thread): "name [file or function] ms". */
function workInside(events: TraceEvent[], task: TraceEvent, minUs: number): string[] {
  return events
    .filter((e) => e !== task && e.ph === 'X' && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur! && (e.dur ?? 0) >= minUs && WORK_KINDS.has(e.name))
    .map((e) => {
      const d = e.args?.data;
      const where = d?.url ? ` ${d.url.split('/').pop()}` : d?.functionName ? ` ${d.functionName}` : '';
      return `${e.name}${where} ${(e.dur! / 1000).toFixed(1)}`;
    });
}

/**
 * The worker's messages (`HandlePostMessage`, one per rerank in `rerank N`) by their place after the
 * worker's last mark-compact (`V8.GC_MARK_COMPACTOR`; 1 = the first message handled after it): how many
 * mark-compacts ran, the median wall and thread CPU ms at each place, and how many of the 10 slowest
 * messages by CPU came first after one.
 */
function afterMarkCompact(events: TraceEvent[], threads: Map<string, string>): void {
  const key = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const handled = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'HandlePostMessage' || !/DedicatedWorker/.test(threads.get(key(e)) ?? '')) continue;
    handled.set(key(e), [...(handled.get(key(e)) ?? []), e]);
  }
  // pz-worker.js is the worker that handles the most messages.
  const [thread, messages] = [...handled].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  const marks = events.filter((e) => e.ph === 'X' && e.name === 'V8.GC_MARK_COMPACTOR' && key(e) === thread).map((e) => e.ts).sort((a, b) => a - b);
  const places: { place: number; wall: number; cpu: number }[] = [];
  let m = 0;
  let since = 0;
  for (const h of messages.sort((a, b) => a.ts - b.ts)) {
    if (m < marks.length && marks[m]! <= h.ts) {
      while (m < marks.length && marks[m]! <= h.ts) m++;
      since = 0;
    }
    since++;
    if (m > 0) places.push({ place: since, wall: h.dur! / 1000, cpu: (h.tdur ?? h.dur!) / 1000 });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
  const at = (test: (p: number) => boolean) => places.filter((p) => test(p.place));
  const row = (label: string, xs: typeof places) =>
    `${label.padStart(8)}: ${String(xs.length).padStart(4)} messages, wall ${median(xs.map((x) => x.wall)).toFixed(2)} ms, CPU ${median(xs.map((x) => x.cpu)).toFixed(2)} ms`;
  console.log(`
the worker's messages by place after its last mark-compact (${marks.length} mark-compacts; medians):`);
  for (const k of [1, 2, 3]) console.log(row(String(k), at((p) => p === k)));
  console.log(row('4-10', at((p) => p >= 4 && p <= 10)));
  console.log(row('> 10', at((p) => p > 10)));
  const slowest = [...places].sort((a, b) => b.cpu - a.cpu).slice(0, 10);
  console.log(`  of the 10 slowest by CPU, ${slowest.filter((p) => p.place === 1).length} came first after a mark-compact (CPU ${slowest.map((p) => p.cpu.toFixed(1)).join(', ')} ms)`);
}

/** Tasks of at least 5 ms on the worker and page threads, in time order, with the work inside each. */
function summariseTrace(events: TraceEvent[], profile: CpuProfile): void {
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const wanted = (e: TraceEvent) => /DedicatedWorker|CrRendererMain/.test(threads.get(`${e.pid}:${e.tid}`) ?? '');
  const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined && wanted(e));
  const tasks = complete.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const t0 = Math.min(...tasks.map((e) => e.ts));
  const isWorker = (e: TraceEvent) => /DedicatedWorker/.test(threads.get(`${e.pid}:${e.tid}`) ?? '');
  const cpu = (e: TraceEvent) => (e.tdur ?? e.dur!) / 1000;
  const inside = (task: TraceEvent) => workInside(complete, task, 500);
  // The ingest's start (a mark the page sets before its track() loop): every task of its first 100 ms.
  const burst = events.find((e) => e.name === 'pz-burst');
  if (burst) {
    console.log('\nthe first 100 ms of the burst (ms since the track() loop began, thread, wall / CPU ms: what ran inside):');
    taskTimeline(events, threads, burst.ts, burst.ts + 100_000);
  }
  console.log('\ntasks of 5 ms or more of wall time (start ms, thread, ms: what ran inside, ≥ 0.5 ms):');
  for (const task of tasks.filter((e) => e.dur! >= 5000).sort((a, b) => a.ts - b.ts)) {
    const thread = isWorker(task) ? 'worker' : 'page';
    console.log(`${((task.ts - t0) / 1000).toFixed(1).padStart(8)}  ${thread.padEnd(6)} ${(task.dur! / 1000).toFixed(1).padStart(6)}: ${inside(task).slice(0, 6).join(', ')}`);
  }
  // CPU time (the thread's own, so a loaded machine stretches it far less than wall time), with the
  // worker's JS functions sampled inside each task (the CPU profile and the trace share one clock).
  const work = tasks.filter(isWorker).sort((a, b) => cpu(b) - cpu(a));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sampleAt: { ts: number; id: number; ms: number }[] = [];
  let ts = profile.startTime;
  profile.samples.forEach((id, i) => {
    ts += profile.timeDeltas[i]!;
    sampleAt.push({ ts, id, ms: (profile.timeDeltas[i + 1] ?? 0) / 1000 });
  });
  const functionsIn = (task: TraceEvent) => {
    const ms = new Map<string, number>();
    for (const s of sampleAt) {
      if (s.ts < task.ts || s.ts >= task.ts + task.dur!) continue;
      const seen = new Set<string>();
      for (let n: number | undefined = s.id; n !== undefined; n = parent.get(n)) {
        const name = byId.get(n)!.callFrame.functionName || '(anonymous)';
        if (seen.has(name) || name === '(root)' || name === '(program)' || name === '(idle)') continue;
        seen.add(name);
        ms.set(name, (ms.get(name) ?? 0) + s.ms);
      }
    }
    return [...ms].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  };
  if (mode === 'rerank') afterMarkCompact(events, threads);
  const total = work.reduce((a, e) => a + cpu(e), 0);
  console.log(`\nworker tasks: ${work.length}, ${total.toFixed(0)} ms of CPU; ${work.filter((e) => cpu(e) >= 4).length} of 4 ms or more; the longest by CPU (ms CPU / wall: trace events; JS functions sampled):`);
  for (const task of work.slice(0, 10)) {
    console.log(`${cpu(task).toFixed(1).padStart(8)} / ${(task.dur! / 1000).toFixed(1).padStart(5)}: ${inside(task).slice(0, 3).join(', ')}`);
    const fns = functionsIn(task);
    if (fns) console.log(`${''.padStart(17)}${fns}`);
  }
}

/**
 * Prints every task of 0.3 ms or more on the page's main thread and the worker's thread between `from`
 * and `to` (trace µs), in ms since `from`: wall / thread CPU ms and what ran inside. Returns CPU ms per thread.
 */
function taskTimeline(events: TraceEvent[], threads: Map<string, string>, from: number, to: number): Map<string, number> {
  const cpuBy = new Map<string, number>();
  for (const task of events.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X' && e.ts >= from && e.ts <= to && (e.dur ?? 0) >= 300).sort((a, b) => a.ts - b.ts)) {
    const name = threads.get(`${task.pid}:${task.tid}`) ?? '';
    const thread = /DedicatedWorker/.test(name) ? 'worker' : name === 'CrRendererMain' ? 'page' : '';
    if (!thread) continue;
    const label = workInside(events, task, 50);
    const cpu = (task.tdur ?? task.dur!) / 1000;
    cpuBy.set(thread, (cpuBy.get(thread) ?? 0) + cpu);
    console.log(`${((task.ts - from) / 1000).toFixed(1).padStart(7)}  ${thread.padEnd(6)} ${(task.dur! / 1000).toFixed(1).padStart(5)} / ${cpu.toFixed(1).padStart(5)}: ${label.slice(0, 5).join(', ')}`);
  }
  return cpuBy;
}

/**
 * `start [--cold]`: one navigation to the benchmark's shop page (after five to settle the caches) under a
 * trace: when each of the library's files was requested and arrived, and every task of 0.3 ms or more on
 * the page's main thread and the worker's thread until the slot's first personalized rerank, in ms since
 * navigation start, with the thread's own CPU time and what ran inside. `--cold`: the HTTP cache is
 * cleared first (IndexedDB is kept), as in `npm run bench:browser`'s cold row.
 */
async function startTimeline(browser: Browser, page: Page, cdp: CDPSession, url: string, cold: boolean): Promise<void> {
  const nav = async () => {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as unknown as { __shop: { firstRerank: number | null } }).__shop.firstRerank !== null, undefined, { timeout: 15_000 });
    return page.evaluate(() => {
      const s = (window as unknown as { __shop: { firstRerank: number; fellBack: false | string } }).__shop;
      return { firstRerank: s.firstRerank, fellBack: s.fellBack, load: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart };
    });
  };
  for (let i = 0; i < 5; i++) await nav();
  if (cold) await cdp.send('Network.clearBrowserCache');
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'v8', 'blink.user_timing', 'loading', '__metadata'] });
  const r = await nav();
  const events = (JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const origin = events.filter((e) => e.name === 'navigationStart').map((e) => e.ts).at(-1);
  if (origin === undefined) throw new Error('no navigationStart in the trace');
  const at = (ts: number) => ((ts - origin) / 1000).toFixed(1).padStart(7);
  const end = origin + r.firstRerank * 1000;
  console.log(`${cold ? 'cold' : 'warm'} navigation: load ${r.load.toFixed(1)} ms, first personalized rerank ${r.firstRerank.toFixed(1)} ms (${r.fellBack === false ? 'personal' : `fell back: ${r.fellBack}`})\n`);
  console.log('files (ms since navigation start: requested → finished):');
  const sent = new Map<string, { url: string; ts: number }>();
  for (const e of events) {
    const d = (e.args as { data?: { requestId?: string; url?: string } } | undefined)?.data;
    if (e.name === 'ResourceSendRequest' && d?.requestId && d.url) sent.set(d.requestId, { url: d.url, ts: e.ts });
    if (e.name === 'ResourceFinish' && d?.requestId && sent.has(d.requestId)) {
      const s0 = sent.get(d.requestId)!;
      console.log(`${at(s0.ts)} → ${at(e.ts)}  ${new URL(s0.url).pathname}`);
    }
  }
  console.log('\ntasks of 0.3 ms or more until the first personalized rerank (ms since navigation start, thread, wall / CPU ms: what ran inside):');
  const cpuBy = taskTimeline(events, threads, origin, end);
  console.log(`\nCPU in those tasks: ${[...cpuBy].map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}`);
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Takes a heap snapshot of the worker and prints its self sizes by kind: object constructor, string,
 * array, code… (what a forced collection leaves, i.e. what the worker holds).
 */
async function heapByKind(worker: (method: string, params?: object) => Promise<Record<string, unknown>>): Promise<void> {
  const chunks: string[] = [];
  workerEvents.set('HeapProfiler.addHeapSnapshotChunk', (p) => chunks.push(String(p.chunk)));
  await worker('HeapProfiler.enable');
  await worker('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  workerEvents.delete('HeapProfiler.addHeapSnapshotChunk');
  const snap = JSON.parse(chunks.join('')) as HeapSnapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [fType, fName, fSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const bySize = new Map<string, { bytes: number; count: number }>();
  let all = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + fType]!]!;
    const bytes = snap.nodes[i + fSize]!;
    const key = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${snap.strings[snap.nodes[i + fName]!]}` : type;
    const e = bySize.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += bytes;
    e.count++;
    bySize.set(key, e);
    all += bytes;
  }
  console.log(`  heap snapshot: ${(all / 1048576).toFixed(2)} MB in all; largest kinds (KB, count):`);
  for (const [k, v] of [...bySize].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 25)) {
    console.log(`${(v.bytes / 1024).toFixed(0).padStart(9)}  ${String(v.count).padStart(7)}  ${k.slice(0, 80)}`);
  }
}

async function waitForLearner(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const pz = (window as unknown as W).pz;
    for (let i = 0; i < 200; i++) {
      const v = await pz.profile();
      if (v?.model?.learning && v.model.pendingExamples === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

async function main(): Promise<void> {
  if (!resolveFile(join(root, 'dist'), '/pz.js')) throw new Error('no dist/: run `node scripts/build.mjs` first');
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const file = path.startsWith('/bench/') ? resolveFile(join(root, 'bench/browser'), path.slice('/bench/'.length)) : resolveFile(join(root, 'dist'), path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    sendFile(req, res, file, path, {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
    });
  });
  const srv = await listenLocal(server);
  const found = await findBrowser();
  const browser = await chromium.launch({ executablePath: found.executablePath, args: CHROMIUM_ARGS });
  const context = await browser.newContext();
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  const catalogue = benchCandidates(1000, 1);
  const history = benchEvents(catalogue.slice(0, 200), 300, Date.now());
  const ingest = benchEvents(catalogue, 5000, Date.now(), 1, 5).map((e, i) => ({ ...e, id: `ingest-${i}` }));
  const trackAll = (evs: unknown[]) =>
    page.evaluate(async (list) => {
      const pz = (window as unknown as W).pz;
      for (const e of list) pz.track(e);
      await pz.flush();
    }, evs);
  await page.goto(`${srv.url}/bench/shop.html`);
  await page.waitForFunction(() => typeof (window as unknown as W).pz?.rerank === 'function');
  const cdp = await context.newCDPSession(page);
  const worker = await workerSession(cdp);
  // `--page`: profile the page's main thread instead of the worker.
  const profiled = process.argv.includes('--page') ? (method: string, params?: object) => cdp.send(method as 'Profiler.start', params) as Promise<Record<string, unknown>> : worker;
  try {
    if (mode === 'start') {
      await trackAll(history);
      await waitForLearner(page);
      // `--demo`: the demo shop's home page (its own shopper, 60 events there) instead of the bench's page.
      const demo = process.argv.includes('--demo');
      if (demo) {
        await context.addInitScript(watchDemoRerank);
        await openDemoShopper(page, `${srv.url}/`);
      }
      await startTimeline(browser, page, cdp, demo ? `${srv.url}/` : `${srv.url}/bench/shop.html`, process.argv.includes('--cold'));
      return;
    }
    if (mode === 'heap') {
      const heap = async (label: string) => {
        await worker('HeapProfiler.collectGarbage');
        const u = (await worker('Runtime.getHeapUsage')) as { usedSize: number };
        console.log(`${(u.usedSize / 1048576).toFixed(2).padStart(6)} MB  ${label}`);
      };
      await heap('ready, empty profile, no learner');
      await trackAll(history);
      await waitForLearner(page);
      await heap('300 events, learner loaded');
      await page.evaluate(async (list) => {
        for (let k = 0; k < 50; k++) await (window as unknown as W).pz.rerank(list, { slot: `s${k % 20}` });
      }, catalogue.slice(0, 200));
      await heap('after 50 reranks of 200 in 20 slots');
      await trackAll(ingest);
      await heap('after a 5,000-event ingest');
      if (process.argv.includes('--snapshot')) await heapByKind(worker);
      await waitForLearner(page);
      await heap('training caught up');
      return;
    }
    await trackAll(history);
    await waitForLearner(page);
    if (mode === 'burst') await trackAll(ingest);
    // As in `npm run bench:browser`, the reranks before the ingest have compiled the hot path.
    await page.evaluate(async (list) => {
      for (let k = 0; k < 50; k++) await (window as unknown as W).pz.rerank(list, { slot: 'warm-up' });
    }, catalogue.slice(0, 200));
    const tracing = process.argv.includes('--trace');
    if (tracing) await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'blink.user_timing'] });
    const profiling = !process.argv.includes('--no-profile');
    if (profiling) {
      await profiled('Profiler.enable');
      await profiled('Profiler.setSamplingInterval', { interval: 100 });
      await profiled('Profiler.start');
    }
    let out: unknown;
    if (mode === 'rerank') {
      const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.slice('--calls='.length) ?? 400);
      out = await page.evaluate(
        async ([list, calls]) => {
          const pz = (window as unknown as W).pz;
          for (let k = 0; k < 50; k++) await pz.rerank(list, { slot: 'profile' });
          const rt: number[] = [];
          const took: number[] = [];
          for (let k = 0; k < calls; k++) {
            const t = performance.now();
            const r = await pz.rerank(list, { slot: 'profile' });
            rt.push(performance.now() - t);
            took.push(r.tookMs);
          }
          const at = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1];
          return { roundTripP50: at(rt, 0.5), roundTripP99: at(rt, 0.99), engineP50: at(took, 0.5), engineP99: at(took, 0.99) };
        },
        [catalogue.slice(0, Number(arg)), calls] as const,
      );
    } else if (mode === 'ingest' || mode === 'burst') {
      // The events reach the page first, in a call of their own (as in bench:browser).
      await page.evaluate((evs) => {
        (window as unknown as { __ingest: unknown[] }).__ingest = evs;
      }, ingest);
      out = await page.evaluate(
        async ({ list, burst }) => {
          const pz = (window as unknown as W).pz;
          const evs = (window as unknown as { __ingest: unknown[] }).__ingest;
          let acked = 0;
          const off = pz.on('tracked', (a) => {
            acked += (a as { accepted: unknown[] }).accepted.length;
          });
          const n = burst ? 10_000 : evs.length;
          const t0 = performance.now();
          if (burst) for (let i = 0; i < n; i++) pz.track({ id: `burst-${i}`, type: 'view', item: { id: `b${i % 500}`, category: 'home/kitchen' }, ts: Date.now() - (n - i) * 2000 });
          else {
            performance.mark('pz-burst');
            for (const e of evs) pz.track(e);
          }
          const lat: number[] = [];
          const took: number[] = [];
          while (acked < n && performance.now() - t0 < 60_000) {
            if (burst) {
              await new Promise((r) => setTimeout(r, 5));
              continue;
            }
            const t = performance.now();
            const r = await pz.rerank(list, { slot: 'during-ingest' });
            lat.push(performance.now() - t);
            took.push(r.tookMs);
          }
          off();
          const ms = performance.now() - t0;
          const r1 = (x: number) => Math.round(x * 10) / 10;
          // The slowest reranks: place in the sequence, round trip, time inside the engine.
          const slowest = lat
            .map((x, i) => ({ at: i, ms: r1(x), engineMs: r1(took[i] ?? 0) }))
            .sort((a, b) => b.ms - a.ms)
            .slice(0, 5);
          const first = lat.slice(0, 5).map(r1);
          lat.sort((a, b) => a - b);
          return { ms, eventsPerSecond: Math.round((n / ms) * 1000), reranks: lat.length, p50: lat[lat.length >> 1], max: lat.at(-1), first, slowest };
        },
        { list: catalogue.slice(0, 200), burst: mode === 'burst' },
      );
    } else throw new Error(`unknown mode ${mode}: rerank N | ingest | burst | heap | start`);
    const none: CpuProfile = { nodes: [], startTime: 0, samples: [], timeDeltas: [] };
    const { profile } = profiling ? ((await profiled('Profiler.stop')) as { profile: CpuProfile }) : { profile: none };
    const dir = join(root, 'bench/results/quick');
    mkdirSync(dir, { recursive: true });
    if (tracing) {
      const trace = (await browser.stopTracing()).toString('utf8');
      writeFileSync(join(dir, 'trace.json'), trace);
      summariseTrace((JSON.parse(trace) as { traceEvents: TraceEvent[] }).traceEvents, profile);
    }
    console.log(out);
    if (profiling) {
      writeFileSync(join(dir, 'worker.cpuprofile'), JSON.stringify(profile));
      summarise(profile);
      console.log(`\nwrote ${join(dir, 'worker.cpuprofile')}`);
    }
  } finally {
    await browser.close();
    await srv.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
