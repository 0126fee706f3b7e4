/**
 * Where the online learner loses against the prior it starts from on Beauty, on the VALIDATION split
 * only (each user first shown a list at s[n-3] and buying s[n-3] from it, `warmList`, so the
 * validation step has what the test step has: one shown list with one purchase):
 *   npx tsx bench/diagnose-beauty.ts [--users 3000]
 * Runs `pz-prior` and `pz-prior-learner` (plus the variants in PZ_TUNE_GRID, JSON array of
 * `learner` experiments) on the same users and prints, per row, NDCG@10 on the validation step, its
 * difference from the prior with a 95 % bootstrap interval over users, how many users it moves up or
 * down, and the difference by where the warm list put the bought item (the skip-above pairs the FM
 * learnt from: position 1 gives one soft pair, position p > 1 gives min(p − 1, 10) pairs).
 */
import { SEQUENCES_BASE_TS, loadBeauty } from '../src/site/logs/beauty';
import { DAY_MS } from '../src/core/util/time';
import type { LearnerExperiment } from '../src/core/model/learner';
import { createRng } from '../src/core/util/rng';
import { stepMetrics } from './quality/metrics';
import { dataDir } from './quality/paths';
import { beautyPriorShoppers } from './quality/prior-shoppers';
import { productPolicy } from './quality/product';
import { beautyCandidates, runBeautyLoo, setupBeautyLoo } from './quality/protocols/beauty-loo';
import { bootstrap } from './quality/protocols/shown-lists';
import { mixSeed, sampleIndices } from './quality/seeds';
import type { ReplayPolicy } from './quality/types';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
// The tuning seed and user sample of bench/tune.ts.
const seed = 20_240_601;
const data = loadBeauty(`${dataDir()}/amazon-beauty-s3rec`);
const users = sampleIndices(data.users.length, arg('users', 3000), createRng(mixSeed(seed, 77)));
const setup = setupBeautyLoo(data, { seed, userIndices: users, priorLevels: 1 });
setup.site.priorShoppers = () => beautyPriorShoppers(setup, setup.data.users.map((_, i) => i), seed);

/** Validation NDCG@10 per evaluated user, in `users` order. */
function perUser(policy: ReplayPolicy): number[] {
  const r = runBeautyLoo(setup, policy, { warmList: true });
  const out: number[] = [];
  for (let i = 0; i < r.records.length; i++) {
    const rec = r.records.get(i);
    if (rec.split === 'valid') out[rec.userIndex] = stepMetrics(rec.placement)['NDCG@10'];
  }
  return out;
}

/** Where the warm list (ranked by the prior, which the learner still equals then) put the bought item. */
function warmPositions(): number[] {
  const pos: number[] = [];
  const policy = productPolicy({ name: 'probe', learn: false, prior: true, personalization: 1, exploration: 0 });
  policy.prepare?.(setup.site);
  users.forEach((ui, j) => {
    const u = data.users[ui]!;
    const session = policy.newShopper(u.id, mixSeed(seed, 13, ui));
    const n = u.items.length;
    for (let i = 0; i < n - 3; i++) session.observe({ id: `${u.id}:${i}`, type: 'purchase', item: setup.features.get(u.items[i]!)!, ts: SEQUENCES_BASE_TS + i * DAY_MS });
    const { candidates, target } = beautyCandidates(setup, ui, 'warm');
    const s = session.rank(candidates, SEQUENCES_BASE_TS + (n - 3) * DAY_MS);
    pos[j] = 1 + Array.from(s).filter((x) => x > s[target]!).length;
  });
  return pos;
}

const base = perUser(productPolicy({ name: 'pz-prior', learn: false, prior: true, personalization: 1, exploration: 0 }));
const variants: LearnerExperiment[] = [{}, ...(JSON.parse(process.env.PZ_TUNE_GRID ?? '[]') as LearnerExperiment[])];
const positions = warmPositions();
const bands: [string, (p: number) => boolean][] = [
  ['bought item shown 1st (1 soft pair)', (p) => p === 1],
  ['2nd–4th (1–3 pairs)', (p) => p >= 2 && p <= 4],
  ['5th–11th (4–10 pairs)', (p) => p >= 5 && p <= 11],
  ['12th or lower (10 pairs)', (p) => p >= 12],
];
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
console.log(`beauty validation (warm list), ${users.length} users: pz-prior NDCG@10 ${mean(base).toFixed(5)}`);
for (const v of variants) {
  const row = perUser(productPolicy({ name: 'pz-prior-learner', learn: true, prior: true, personalization: 1, exploration: 0, learner: v }));
  const diff = row.map((x, j) => x - base[j]!);
  const g = bootstrap(diff, createRng(mixSeed(seed, 601)));
  const up = diff.filter((x) => x > 1e-9).length;
  const down = diff.filter((x) => x < -1e-9).length;
  console.log(`\nlearner ${JSON.stringify(v)}: NDCG@10 ${mean(row).toFixed(5)}, − prior ${g.mean.toFixed(5)} [${g.lo.toFixed(5)}, ${g.hi.toFixed(5)}]; users up ${up}, down ${down}`);
  for (const [label, f] of bands) {
    const idx = positions.map((p, j) => (f(p) ? j : -1)).filter((j) => j >= 0);
    const d = idx.map((j) => diff[j]!);
    console.log(`  ${label}: ${idx.length} users, Σ diff ${d.reduce((a, b) => a + b, 0).toFixed(3)}, up ${d.filter((x) => x > 1e-9).length}, down ${d.filter((x) => x < -1e-9).length}`);
  }
}
