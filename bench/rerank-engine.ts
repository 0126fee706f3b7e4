/**
 * The engine's own rerank, in Node: `npx tsx bench/rerank-engine.ts [--quick] [--ref=DIR] [--hashes]`.
 *
 * 1. **Determinism.** A seeded grid of shoppers (fresh, 40 events, 300 events with the product learner
 *    trained on clicked lists, the same with removed interests, 2,000 events) × candidate lists (20, 200
 *    and 1,000 of the browser benchmark's catalogue, unseen items, a messy list with duplicates and bad
 *    fields, frozen objects) × options (defaults, a limit, no diversity, a category cap, full
 *    exploration, an exclude list), every list but the frozen one passed as owned (as the worker passes
 *    its structured clone). Every result's order, scores, positions, reasons and `fellBack`, and
 *    `explain()` of a few of its items, is hashed (SHA-256 of the JSON; numbers exactly). Run on two
 *    trees, the hashes must match: a faster engine that ranks differently is not this bench's goal.
 *    `--hashes` prints one hash per case, to find the first that differs.
 * 2. **Speed.** The browser benchmark's shopper (300 events, learner attached) reranks the first 200
 *    and all 1,000 candidates of its catalogue, each call on a fresh list as the worker receives it:
 *    packed by the tree's own `packCandidates`, structured-cloned and unpacked by its `unpackCandidates`
 *    (`--objects`: a structured clone of the objects, as a list that could not be packed arrives), passed
 *    as owned, with the learner trained between calls as the worker does; p50 / p99 of the whole `Engine.rerank` call (wall clock; and the process's CPU time per
 *    call, which other jobs on a shared machine inflate less, though it counts the collector's helper
 *    threads too).
 *
 * `--check`: determinism only (with `--ref`, exits 1 when the two trees differ). `--options=JSON`: rerank
 * options for the speed part (`--options='{"exploration":0,"diversity":0}'`: the engine without those stages).
 * `--ref=DIR`: a second source tree (e.g. `git worktree add /tmp/ref main`, with a `node_modules`
 * link) run in the same process, interleaved call by call with this one, so both see the same machine.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine as EngineClass } from '../src/core/engine';
import type { createLearner as CreateLearner } from '../src/core/model/learner';
import type { createRng as CreateRng } from '../src/core/util/rng';
import type { Candidate, RerankOptions, ShopperEvent } from '../src/core/types';
import { benchCandidates, benchEvents, messyCandidates } from './browser/fixtures';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const printHashes = args.includes('--hashes');
const checkOnly = args.includes('--check');
const asObjects = args.includes('--objects');
const refArg = args.find((a) => a.startsWith('--ref='));
/** `--options=JSON`: rerank options for the speed part (e.g. `{"exploration":0}`), to time the engine without a stage. */
const speedOptions = JSON.parse(args.find((a) => a.startsWith('--options='))?.slice('--options='.length) ?? '{}') as RerankOptions;
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = Date.UTC(2026, 10, 30, 12);
const ITERS = quick ? 300 : 2000;
const WARMUP = quick ? 50 : 200;

interface Tree {
  name: string;
  Engine: typeof EngineClass;
  createLearner: typeof CreateLearner;
  createRng: typeof CreateRng;
  featureSchemaVersion: number;
  /** A list as the tree's worker receives it (see the speed part above). */
  arrive: (list: readonly Candidate[]) => unknown;
}

async function loadTree(root: string, name: string): Promise<Tree> {
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  const engine = (await import(url('src/core/engine.ts'))) as typeof import('../src/core/engine');
  const learner = (await import(url('src/core/model/learner.ts'))) as typeof import('../src/core/model/learner');
  const rng = (await import(url('src/core/util/rng.ts'))) as typeof import('../src/core/util/rng');
  const features = (await import(url('src/core/model/features.ts'))) as typeof import('../src/core/model/features');
  const packed = (await import(url('src/core/input/packed.ts'))) as typeof import('../src/core/input/packed');
  const arrive = asObjects
    ? (list: readonly Candidate[]) => structuredClone(list)
    : (list: readonly Candidate[]) => {
        const p = packed.packCandidates(list);
        if (!p) throw new Error(`${name}: the bench list could not be packed`);
        return packed.unpackCandidates(structuredClone(p));
      };
  return { name, Engine: engine.Engine, createLearner: learner.createLearner, createRng: rng.createRng, featureSchemaVersion: features.FEATURE_SCHEMA_VERSION, arrive };
}

const catalogue = benchCandidates(1000, 1);

const clicked = (list: readonly Candidate[], listId: string, picks: readonly number[], ts: number): ShopperEvent[] =>
  picks.map((k, j) => {
    const { pinned: _p, available: _a, ...item } = list[k]!;
    return { id: `click-${listId}-${k}`, type: j === picks.length - 1 ? 'add_to_cart' : 'click', item, ts: ts + j * 1000, listId, ...(j === picks.length - 1 ? { value: 1 } : {}) };
  });

/** One shopper: its events ingested, optionally the product learner trained on lists it clicked in. */
function shopper(t: Tree, kind: 'fresh' | 'light' | 'learner' | 'removed' | 'heavy'): EngineClass {
  const start = NOW - 8 * 86_400_000;
  const e = new t.Engine({}, start);
  const rng = t.createRng(11);
  const counts = { fresh: 0, light: 40, learner: 300, removed: 300, heavy: 2000 };
  const events = benchEvents(kind === 'heavy' ? catalogue : catalogue.slice(0, 200), counts[kind], NOW - 3_600_000, 7, kind === 'heavy' ? 4 : 2);
  if (kind === 'learner' || kind === 'removed' || kind === 'heavy') {
    const base = { weights: e.scoringWeights(), version: 'bench', featureSchemaVersion: t.featureSchemaVersion };
    e.attachLearner(t.createLearner(base).ranker);
  }
  for (const ev of events) {
    const r = e.ingestRaw(ev, ev.ts ?? NOW);
    if (!r.ok) throw new Error(r.error);
  }
  if (e.hasLearner()) {
    // Lists shown and clicked in, so the taste model has weights too.
    for (let k = 0; k < 6; k++) {
      const list = catalogue.slice(40 * k, 40 * k + 40);
      const ts = NOW - 3_000_000 + k * 60_000;
      const res = e.rerank(structuredClone(list), { slot: 'grid' }, rng, ts, () => 0);
      const order = res.items.map((it) => list.findIndex((c) => c.id === it.id));
      for (const ev of clicked(list, res.listId!, [order[3]!, order[9]!], ts + 5000)) e.ingestRaw(ev, ev.ts!);
      e.train(1000);
    }
    e.rerank(structuredClone(catalogue.slice(0, 10)), { slot: 'grid' }, rng, NOW - 1_000_000, () => 0);
    e.train(1000);
  }
  if (kind === 'removed') e.applyRemoved([{ kind: 'brand', key: 'acme', at: NOW - 500_000 }, { kind: 'category', key: 'home', at: NOW - 500_000 }]);
  return e;
}

const LISTS: [string, () => unknown][] = [
  ['first 20', () => structuredClone(catalogue.slice(0, 20))],
  ['first 200', () => structuredClone(catalogue.slice(0, 200))],
  ['all 1000', () => structuredClone(catalogue)],
  ['unseen 200', () => benchCandidates(200, 7)],
  ['messy', () => messyCandidates()],
  ['frozen 200', (() => {
    const frozen = catalogue.slice(200, 400).map((c) => Object.freeze({ ...c }));
    return () => frozen;
  })()],
];

const OPTIONS: [string, RerankOptions][] = [
  ['defaults', {}],
  ['limit 12', { limit: 12 }],
  ['no diversity', { diversity: 0 }],
  ['cap 2 in 8', { maxPerCategory: 2, diversityWindow: 8, diversity: 0.3 }],
  ['explore 0.2', { exploration: 0.2, personalization: 1 }],
  ['exclude', { exclude: ['sku-1-0', 'sku-1-5', 5], exploration: 0 }],
];

const SHOPPERS = ['fresh', 'light', 'learner', 'removed', 'heavy'] as const;

/** Hashes of every case, in order, and the hash of them all. */
function determinism(t: Tree): { cases: string[]; all: string } {
  const cases: string[] = [];
  for (const kind of SHOPPERS) {
    const e = shopper(t, kind);
    let k = 0;
    for (const [listName, make] of LISTS) {
      for (const [optName, opts] of OPTIONS) {
        k++;
        const rng = t.createRng(1000 + k);
        const ts = NOW + k * 1000;
        // A fresh list is the caller's own, as the worker's structured clone is; the frozen one is shared.
        const r = e.rerank(make(), { ...opts, slot: `s${k % 3}` }, rng, ts, () => 0, listName !== 'frozen 200');
        const explained = [0, 1, 2, 5, 11, 40, 150].filter((p) => p < r.items.length).map((p) => e.explain(r.items[p]!.id, ts));
        const record = { kind, listName, optName, fellBack: r.fellBack, items: r.items.map((it) => [it.id, it.score, it.from, it.to, it.reason ?? null]), explained };
        cases.push(`${kind} / ${listName} / ${optName}: ${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 16)}`);
        e.train(1000);
      }
    }
  }
  return { cases, all: createHash('sha256').update(cases.join('\n')).digest('hex').slice(0, 16) };
}

function stats(xs: number[]): { p50: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

/** p50 / p99 of `Engine.rerank` of the first `n` catalogue items, each tree's calls interleaved with the others'. */
function speed(trees: Tree[], n: number): Map<string, { wall: { p50: number; p99: number }; cpu: { p50: number; p99: number } }> {
  const list = catalogue.slice(0, n);
  const engines = trees.map((t) => {
    const e = shopper(t, 'learner');
    return { t, e, rng: t.createRng(3), times: [] as number[], cpu: [] as number[] };
  });
  for (let i = 0; i < WARMUP + ITERS; i++) {
    for (const x of i % 2 === 0 ? engines : [...engines].reverse()) {
      const input = x.t.arrive(list);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      x.e.rerank(input, { ...speedOptions, slot: 'bench' }, x.rng, NOW, () => performance.now(), true);
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      x.e.train(256);
      if (i >= WARMUP) {
        x.times.push(ms);
        x.cpu.push((c.user + c.system) / 1000);
      }
    }
  }
  return new Map(engines.map((x) => [x.t.name, { wall: stats(x.times), cpu: stats(x.cpu) }]));
}

async function main(): Promise<void> {
  const trees = [await loadTree(here, 'this tree')];
  if (refArg) trees.push(await loadTree(resolve(refArg.slice('--ref='.length)), 'ref'));
  console.log(`rerank-engine bench: Node ${process.version}, ${quick ? 'quick' : 'full'} run, lists ${asObjects ? 'as structured-cloned objects' : 'packed and unpacked'}, options ${JSON.stringify(speedOptions)}, load ${loadavg()[0]!.toFixed(1)}`);
  const hashes = trees.map((t) => {
    const d = determinism(t);
    console.log(`determinism (${t.name}): ${d.cases.length} cases, hash ${d.all}`);
    if (printHashes) for (const c of d.cases) console.log(`  ${c}`);
    return d;
  });
  if (hashes.length === 2) {
    const [a, b] = hashes as unknown as [{ cases: string[] }, { cases: string[] }];
    const differ = a.cases.filter((c, i) => c !== b.cases[i]);
    console.log(differ.length === 0 ? 'identical output in both trees' : `DIFFERENT in ${differ.length} cases, first: ${differ[0]}`);
    if (differ.length) process.exitCode = 1;
  }
  if (checkOnly) return;
  for (const n of [200, 1000]) {
    const s = speed(trees, n);
    for (const [name, { wall, cpu }] of s) {
      console.log(`Engine.rerank(${n}) ${name}: p50 ${wall.p50.toFixed(3)} ms, p99 ${wall.p99.toFixed(3)} ms (process CPU time p50 ${cpu.p50.toFixed(3)} ms)`);
    }
  }
  console.log(`load at the end ${loadavg()[0]!.toFixed(1)}`);
}

await main();
