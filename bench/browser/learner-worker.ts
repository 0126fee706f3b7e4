/**
 * Bench-only module worker (built by bench/learner-browser.ts with vite into a temp dir, never shipped):
 * times the learner where it runs in production, inside a browser module worker, with the real
 * feature dimension (FEATURE_DIM) and latent size (FM_K). Feature rows are real `features()` output
 * for a shopper with history, so their sparsity is the product's.
 *
 * Protocol: the page posts `{ quick }`; the worker answers one {@link WorkerBenchMessage}.
 */
import { FM_K } from '../../src/core/model/default-weights';
import { Engine, type Learner } from '../../src/core/engine';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION, features } from '../../src/core/model/features';
import { type FmWeights, type PairExample, cloneWeights, fmSgdStep } from '../../src/core/model/fm';
import { FmRanker } from '../../src/core/model/model';
import { ShopperLearner } from '../../src/core/model/learner';
import { TasteModel } from '../../src/core/model/taste';
import { TASTE_SETTINGS } from '../../src/core/settings';
import { createRng } from '../../src/core/util/rng';
import { memory } from '../../src/core/model/tf';
import { benchCandidates, benchEvents } from './fixtures';

/** Latency summary of one timed function, in ms. */
export interface Timing {
  p50: number;
  p99: number;
  /** Total loop time / n (not quantised by the timer resolution: use it for sub-10 µs cases). */
  mean: number;
  n: number;
}

/** One row of the worker table: the tfjs path and the plain-TS path of the same operation. */
export interface WorkerCase {
  name: string;
  tfjs: Timing;
  plain: Timing;
  tfjsLabel: string;
  plainLabel: string;
}

export interface WorkerBenchResult {
  d: number;
  k: number;
  crossOriginIsolated: boolean;
  /** Smallest non-zero step of performance.now() seen in the worker, ms. */
  timerResolutionMs: number;
  /** tfjs live tensors before and after all timed loops (a leak shows as growth). */
  tensors: { before: number; after: number };
  /** Fraction of non-zero entries in the real feature rows. */
  featureDensity: number;
  rerank: { fellBack: false | string; items: number; tookMs: number };
  cases: WorkerCase[];
  /** Features only (part of the rerank), for the breakdown. */
  features200: Timing;
  /** Engine constructor + FmRanker construction (tfjs variables), once, cold-ish. */
  rankerConstructMs: number;
}

export type WorkerBenchMessage = { ok: true; result: WorkerBenchResult } | { ok: false; error: string };

function time(fn: () => void, n: number): Timing {
  for (let i = 0; i < Math.min(50, n); i++) fn(); // warm up the JIT and the tfjs kernels
  const t = new Float64Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn();
    t[i] = performance.now() - s;
  }
  const total = performance.now() - start;
  t.sort();
  return { p50: t[Math.floor(n / 2)]!, p99: t[Math.min(n - 1, Math.floor(n * 0.99))]!, mean: total / n, n };
}

function timerResolution(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    best = Math.min(best, b - a);
  }
  return best;
}

function run(quick: boolean): WorkerBenchResult {
  const iters = quick ? 200 : 2000;
  const d = FEATURE_DIM;
  const k = FM_K;
  const now = Date.now();
  const cands200 = benchCandidates(200, 1);
  const cands1000 = benchCandidates(1000, 3);

  // A shopper with a week of history, as the worker holds one.
  const engine = new Engine({}, now - 8 * 86_400_000);
  for (const e of benchEvents(cands200, 120, now)) engine.ingestRaw(e, e.ts ?? now);

  const X200 = features(engine.profile, cands200, { now });
  const X1000 = features(engine.profile, cands1000, { now });
  let nz = 0;
  for (const v of X200) if (v !== 0) nz++;

  const rng = createRng(5);
  const row = (X: Float32Array, n: number) => {
    const r = Math.floor(rng() * n);
    return X.slice(r * d, r * d + d);
  };
  const pairs: PairExample[] = Array.from({ length: 64 }, () => ({ pos: row(X200, 200), neg: row(X200, 200), weight: 1 }));

  const base = engine.scoringWeights();
  const c0 = performance.now();
  const ranker = new FmRanker({
    d,
    k,
    prior: { version: 'bench', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights: base },
    featureSchemaVersion: FEATURE_SCHEMA_VERSION,
    seed: 7,
  });
  const rankerConstructMs = performance.now() - c0;
  // Reference for the plain-TS update: same start, same loss options as FmRanker's defaults.
  const ref: FmWeights = ranker.weights();
  const prior: FmWeights = cloneWeights(ref);
  const lossOpts = { l2: 0.01, prior };
  let p = 0;
  const next = (m: number) => {
    const out = pairs.slice(p % 56, (p % 56) + m);
    p++;
    return out;
  };

  const before = memory().numTensors;
  const cases: WorkerCase[] = [];
  const add = (name: string, tfjsLabel: string, tfFn: () => void, plainLabel: string, plainFn: () => void, n: number) =>
    cases.push({ name, tfjsLabel, plainLabel, tfjs: time(tfFn, n), plain: time(plainFn, n) });

  add('update, 1 pair', 'FmRanker.learn', () => ranker.learn(next(1)), 'fmSgdStep', () => fmSgdStep(ref, next(1), 0.1, lossOpts), iters);
  add('update, batch of 8', 'FmRanker.learn', () => ranker.learn(next(8)), 'fmSgdStep', () => fmSgdStep(ref, next(8), 0.1, lossOpts), iters);
  add('score 200', 'scoreTf', () => ranker.scoreTf(X200, 200), 'score', () => ranker.score(X200, 200), iters);
  add('score 1,000', 'scoreTf', () => ranker.scoreTf(X1000, 1000), 'score', () => ranker.score(X1000, 1000), quick ? 100 : 500);

  // The whole Engine.rerank (validation, features, scoring, policy, reasons) with the product's learner
  // attached (the FM and a taste model that has learnt from 20 shown lists): once as the product runs it
  // (FmRanker.score = plain TS), once with tfjs scoring swapped in.
  const taste = new TasteModel(TASTE_SETTINGS);
  for (let l = 0; l < 20; l++) {
    const items = cands200.slice((l * 7) % 180, ((l * 7) % 180) + 20);
    taste.observe([{ items, positions: items.map((_, i) => i), clicked: items.map((_, i) => i === l % 5 || i === 12) }]);
  }
  const product = new ShopperLearner(ranker, taste);
  const clock = () => performance.now();
  const eng = (scoreWith: 'plain' | 'tf') => {
    const e = new Engine({}, now - 8 * 86_400_000);
    e.profile = engine.profile;
    const learner: Learner =
      scoreWith === 'plain'
        ? (product as Learner)
        : {
            scoreItems: (c) => taste.score(c),
            score: (X, n) => ranker.scoreTf(X, n),
            scoreSampled: (X, n, r, s) => ranker.scoreSampled(X, n, r, s),
            learn: (ps) => ranker.learn(ps),
            contributions: (x) => ranker.contributions(x),
            weights: () => ranker.weights(),
          };
    e.attachLearner(learner);
    return e;
  };
  const engPlain = eng('plain');
  const engTf = eng('tf');
  const rerankRng = createRng(9);
  const opts = { slot: 'bench' };
  const rerankIters = quick ? 100 : 500;
  add(
    'Engine.rerank 200',
    'tfjs scoring',
    () => engTf.rerank(cands200, opts, rerankRng, now, clock),
    'product (plain)',
    () => engPlain.rerank(cands200, opts, rerankRng, now, clock),
    rerankIters,
  );
  const features200 = time(() => features(engine.profile, cands200, { now }), rerankIters);
  const after = memory().numTensors;
  const sample = engPlain.rerank(cands200, opts, rerankRng, now, clock);
  ranker.dispose();
  return {
    d,
    k,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    timerResolutionMs: timerResolution(),
    tensors: { before, after },
    featureDensity: nz / X200.length,
    rerank: { fellBack: sample.fellBack, items: sample.items.length, tookMs: sample.tookMs },
    cases,
    features200,
    rankerConstructMs,
  };
}

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<{ quick?: boolean }>) => void) | null;
  postMessage(message: WorkerBenchMessage): void;
};
scope.onmessage = (ev) => {
  try {
    scope.postMessage({ ok: true, result: run(ev.data?.quick === true) });
  } catch (err) {
    scope.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) });
  }
};
