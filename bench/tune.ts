/**
 * Hyper-parameter search for the product rows of the quality benchmark, on TUNING DATA ONLY:
 * Beauty's validation split and the first half of each Taobao shopper's steps. It never reads a
 * test-split or second-half metric. The chosen values are written into bench/quality/product.ts by hand.
 *   npx tsx bench/tune.ts [--beauty-users 3000] [--taobao-users 300]
 * Environment: PZ_TUNE_GRID (JSON array of ProductPolicyOptions without `name`), PZ_TUNE_ONLY
 * (`beauty`, `taobao` or both), PZ_KNOWLEDGE (JSON ItemKnowledgeOptions for Beauty's site knowledge),
 * PZ_PRIOR_LEVELS (Beauty prior levels, default 1), PZ_BEAUTY_WARM=1 (each user is first shown a list at
 * s[n-3] and buys from it, so the validation step sees a learner with what the test step's has: one list).
 */
import { loadBeauty } from '../src/site/logs/beauty';
import { loadTaobao } from '../src/site/logs/taobao';
import { type ProductPolicyOptions, productPolicy } from './quality/product';
import { beautyPriorShoppers, taobaoPriorShoppers } from './quality/prior-shoppers';
import { runBeautyLoo, setupBeautyLoo } from './quality/protocols/beauty-loo';
import { runTaobaoReplay, setupTaobaoReplay, taobaoEligibleUsers } from './quality/protocols/taobao-replay';
import { mixSeed, sampleIndices } from './quality/seeds';
import { createRng } from '../src/core/util/rng';
import { dataDir } from './quality/paths';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const seed = 20_240_601;
const grid: Omit<ProductPolicyOptions, 'name'>[] = JSON.parse(process.env.PZ_TUNE_GRID ?? 'null') ?? [
  { learn: false, prior: false, personalization: 1, exploration: 0 },
  { learn: false, prior: true, personalization: 1, exploration: 0 },
  { learn: true, prior: true, personalization: 1, exploration: 0 },
];
const only = process.env.PZ_TUNE_ONLY ?? 'beauty,taobao';

if (only.includes('beauty')) {
  const data = loadBeauty(`${dataDir()}/amazon-beauty-s3rec`);
  const users = sampleIndices(data.users.length, arg('beauty-users', 3000), createRng(mixSeed(seed, 77)));
  const setup = setupBeautyLoo(data, { seed, userIndices: users, priorLevels: Number(process.env.PZ_PRIOR_LEVELS ?? 1), knowledge: JSON.parse(process.env.PZ_KNOWLEDGE ?? '{}') });
  // The prior learns from every user's training split (never a validation or test target).
  setup.site.priorShoppers = () => beautyPriorShoppers(setup, setup.data.users.map((_, i) => i), seed);
  for (const g of grid) {
    const r = runBeautyLoo(setup, productPolicy({ name: 'tune', ...g }), { warmList: process.env.PZ_BEAUTY_WARM === '1' });
    console.log(`beauty valid NDCG@10 ${r.slices.valid!['NDCG@10'].toFixed(4)} HR@10 ${r.slices.valid!['HR@10'].toFixed(4)} MRR ${r.slices.valid!.MRR.toFixed(4)} (${r.seconds.toFixed(1)} s)  ${JSON.stringify(g)}`);
  }
}
if (only.includes('taobao')) {
  const log = loadTaobao(`${dataDir()}/taobao-userbehavior/userbehavior_head_815users.csv.gz`);
  const eligible = taobaoEligibleUsers(log);
  const users = sampleIndices(eligible.length, arg('taobao-users', 300), createRng(mixSeed(seed, 78))).map((i) => eligible[i]!);
  const setup = setupTaobaoReplay(log, { seed, userIndices: users });
  setup.site.priorShoppers = () => taobaoPriorShoppers(setup);
  for (const g of grid) {
    const r = runTaobaoReplay(setup, productPolicy({ name: 'tune', ...g }));
    const f = r.slices['first-half']!;
    console.log(`taobao first-half NDCG@10 ${f['NDCG@10'].toFixed(4)}  ${JSON.stringify(g)}`);
  }
}
