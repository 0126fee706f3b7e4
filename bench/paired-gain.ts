/**
 * The difference in NDCG@10 between two rows of one protocol, paired by user, with a 95 % bootstrap
 * interval over users, from the per-step ranks a `bench:quality` run writes:
 *   npx tsx bench/paired-gain.ts bench/results/beauty-loo-pz-prior-learner.ranks.jsonl.gz \
 *     bench/results/beauty-loo-pz-prior.ranks.jsonl.gz [--split test]
 * Prints the mean per-user difference (first − second), its interval, and how many users each row wins.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRng } from '../src/core/util/rng';
import { stepMetrics } from './quality/metrics';
import { bootstrap } from './quality/protocols/shown-lists';
import type { StepRecord } from './quality/records';

const [a, b] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
const i = process.argv.indexOf('--split');
const split = i >= 0 ? process.argv[i + 1] : 'test';
if (!a || !b) throw new Error('usage: npx tsx bench/paired-gain.ts A.ranks.jsonl.gz B.ranks.jsonl.gz [--split test]');

/** Mean NDCG@10 per user over the split's steps. */
function perUser(file: string): Map<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as StepRecord;
    if (r.split !== split) continue;
    const ties = r.ties ?? 0;
    const ndcg = stepMetrics({ greater: r.rank - 1 - ties / 2, ties })['NDCG@10'];
    const e = sums.get(r.user) ?? { s: 0, n: 0 };
    e.s += ndcg;
    e.n++;
    sums.set(r.user, e);
  }
  return new Map([...sums].map(([u, e]) => [u, e.s / e.n]));
}

const A = perUser(a);
const B = perUser(b);
const diff = [...A].filter(([u]) => B.has(u)).map(([u, x]) => x - B.get(u)!);
if (!diff.length) throw new Error(`no user of split "${split}" in both files`);
const g = bootstrap(diff, createRng(601), 2000);
const up = diff.filter((x) => x > 1e-12).length;
const down = diff.filter((x) => x < -1e-12).length;
const f = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(5)}`;
console.log(`${split}: ${diff.length} users; NDCG@10 first − second ${f(g.mean)} [${f(g.lo)}, ${f(g.hi)}] (95 % bootstrap over users); first higher for ${up}, lower for ${down}`);
