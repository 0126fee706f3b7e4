/**
 * Latency of the on-device learner: tfjs (cpu backend) vs the plain-TS reference, side by side in
 * one run. `npx tsx bench/learner.ts [--quick] [--d=48] [--k=8]`. Node timings; the browser worker
 * is in the same ballpark for the plain path and slower for tfjs (NOTES.md).
 */
import { performance } from 'node:perf_hooks';
import { type FmWeights, type PairExample, fmScoreBatch, fmSgdStep } from '../src/core/model/fm';
import { FmRanker } from '../src/core/model/model';
import { TasteModel } from '../src/core/model/taste';
import { TASTE_SETTINGS } from '../src/core/settings';
import type { Candidate } from '../src/core/types';
import { createRng, gaussian } from '../src/core/util/rng';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const num = (name: string, def: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const d = num('d', 48);
const k = num('k', 8);
const iters = quick ? 200 : 2000;
const rng = createRng(1);

// Rows shaped like real features: a few one-hot groups plus some dense standardised numbers.
function row(): Float32Array {
  const x = new Float32Array(d);
  for (let g = 0; g + 8 <= d - 8; g += 8) x[g + Math.floor(rng() * 8)] = 1;
  for (let i = Math.max(0, d - 8); i < d; i++) x[i] = 0.5 * gaussian(rng);
  return x;
}
const rows = (n: number) => {
  const X = new Float32Array(n * d);
  for (let r = 0; r < n; r++) X.set(row(), r * d);
  return X;
};
const pair = (): PairExample => ({ pos: row(), neg: row(), weight: 1 });

function time(fn: () => void, n: number): { median: number; p99: number } {
  for (let i = 0; i < Math.min(50, n); i++) fn(); // warm up the JIT and tfjs kernels
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn();
    t[i] = performance.now() - s;
  }
  t.sort();
  return { median: t[Math.floor(n / 2)]!, p99: t[Math.min(n - 1, Math.floor(n * 0.99))]! };
}

const prior: FmWeights = {
  d,
  k,
  w0: 0,
  w: Float32Array.from({ length: d }, () => 0.3 * gaussian(rng)),
  V: Float32Array.from({ length: d * k }, () => 0.05 * gaussian(rng)),
};
const ranker = new FmRanker({ d, k, seed: 1, prior: { version: 'bench', featureSchemaVersion: 0, weights: prior } });
const ref = ranker.weights();
const lr = 0.1;
const lossOpts = { l2: 0.01, prior };
const pairs = Array.from({ length: 64 }, pair);
const X200 = rows(200);
const X1000 = rows(1000);
let p = 0;
const next = (m: number) => {
  const out = pairs.slice(p % 56, (p % 56) + m);
  p++;
  return out;
};

const cases: [string, () => void, () => void, number][] = [
  ['update, 1 pair', () => ranker.learn(next(1)), () => fmSgdStep(ref, next(1), lr, lossOpts), iters],
  ['update, batch of 8', () => ranker.learn(next(8)), () => fmSgdStep(ref, next(8), lr, lossOpts), iters],
  ['score 200', () => ranker.scoreTf(X200, 200), () => fmScoreBatch(ref, X200, 200), iters],
  ['score 1,000', () => ranker.scoreTf(X1000, 1000), () => fmScoreBatch(ref, X1000, 1000), quick ? 100 : 500],
];

console.log(`learner bench: d=${d}, k=${k}, ${quick ? 'quick' : 'full'} run, Node ${process.version}, ms`);
console.log('case                 | tfjs median | tfjs p99 | plain median | plain p99 | ratio median | ratio p99');
for (const [name, tfFn, plainFn, n] of cases) {
  const a = time(tfFn, n);
  const b = time(plainFn, n);
  const f = (x: number) => x.toFixed(4).padStart(8);
  console.log(
    `${name.padEnd(20)} | ${f(a.median)}    | ${f(a.p99)} | ${f(b.median)}     | ${f(b.p99)}  | ${(a.median / b.median).toFixed(0).padStart(6)}×      | ${(a.p99 / b.p99).toFixed(0).padStart(5)}×`,
  );
}
console.log('tfjs update includes the plain-TS Laplace precision update (as FmRanker.learn does); plain = fmSgdStep.');
ranker.dispose();

// The taste model (plain TypeScript, in the learner chunk): one shown list learnt from, and one list scored.
// Items shaped like a shop's: a category path, a brand, 8 tags, a 64-d embedding and a price.
const item = (i: number): Candidate => ({
  id: `sku-${i}`,
  category: `beauty/${['lips', 'eyes', 'skin'][i % 3]}/${i % 17}`,
  brand: `brand-${i % 40}`,
  tags: Array.from({ length: 8 }, (_, t) => `tag-${(i * 7 + t * 13) % 300}`),
  embedding: Array.from({ length: 64 }, () => gaussian(rng)),
  price: Math.exp(2 + rng() * 2),
});
const catalogue = Array.from({ length: 5000 }, (_, i) => item(i));
const listOf = (n: number): Candidate[] => Array.from({ length: n }, () => catalogue[Math.floor(rng() * catalogue.length)]!);
console.log('\n| taste model (plain TS) | median ms | p99 ms |\n| --- | ---: | ---: |');
for (const n of [20, 100]) {
  const taste = new TasteModel(TASTE_SETTINGS);
  const learnt = time(() => {
    const items = listOf(n);
    taste.observe([{ items, positions: items.map((_, k) => k), clicked: items.map((_, k) => k === 3 || k === n - 2), offsets: items.map(() => gaussian(rng)) }]);
  }, quick ? 200 : 1000);
  const scored = time(() => taste.score(listOf(n)), quick ? 200 : 1000);
  console.log(`| learn from one shown list of ${n} | ${learnt.median.toFixed(3)} | ${learnt.p99.toFixed(3)} |`);
  console.log(`| score ${n} candidates | ${scored.median.toFixed(3)} | ${scored.p99.toFixed(3)} |`);
}
