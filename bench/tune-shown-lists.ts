/**
 * Learner search on the shown-lists protocol, on TUNING SHOPPERS ONLY: the protocol's simulated
 * shoppers drawn with a different seed ({@link TUNE_SEED}) from the reported run's, so no reported
 * shopper, list or click is ever looked at. Chosen values go into `src/core/settings.ts` by hand.
 *   npx tsx bench/tune-shown-lists.ts [--shoppers 200] [--model informational]
 * Environment: PZ_TUNE_GRID (JSON array of ProductPolicyOptions without `name`).
 */
import { loadBeauty } from '../src/site/logs/beauty';
import { dataDir } from './quality/paths';
import { productPolicy, type ProductPolicyOptions } from './quality/product';
import { setupBeautyLoo } from './quality/protocols/beauty-loo';
import { type ClickModel, LIST_GROUPS, SHOWN_LISTS, DRIFT_GROUPS, runShownLists, setupShownLists, shownListsPriorShoppers, summarize, TUNE_SEED } from './quality/protocols/shown-lists';
import { clickedBeforePolicy } from './quality/baselines/simple';


const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const model = arg('model', 'informational') as ClickModel;
const grid: Omit<ProductPolicyOptions, 'name'>[] = JSON.parse(process.env.PZ_TUNE_GRID ?? 'null') ?? [
  { learn: false, prior: true, personalization: 1, exploration: 0 },
  { learn: true, prior: true, personalization: 1, exploration: 0 },
];

const data = loadBeauty(`${dataDir()}/amazon-beauty-s3rec`);
const beauty = setupBeautyLoo(data, { seed: TUNE_SEED, userIndices: [] });
// More than a quick run's shoppers needs the full setup (its drift shoppers are a quarter of them).
const shoppers = Number(arg('shoppers', '200'));
const setup = setupShownLists(beauty, { seed: TUNE_SEED, quick: shoppers <= SHOWN_LISTS.quickShoppers });
setup.shoppers.length = Math.min(setup.shoppers.length, shoppers);
setup.site.priorShoppers = () => shownListsPriorShoppers(setup, 'informational');
setup.site.quick = true;
const ref = runShownLists(setup, productPolicy({ name: 'pz-prior', learn: false, prior: true, personalization: 1, exploration: 0 }), model);
const groups = [...LIST_GROUPS, ...DRIFT_GROUPS].map((g) => g.label);
console.log(['row', ...groups].join('\t'));
const show = (name: string, r: ReturnType<typeof runShownLists>) => {
  const s = summarize(r, r === ref ? undefined : ref, setup, TUNE_SEED);
  console.log([name, ...groups.map((g) => `${s[g]!.ndcg10.toFixed(4)}${s[g]!.gain ? ` (${s[g]!.gain!.mean >= 0 ? '+' : ''}${s[g]!.gain!.mean.toFixed(4)})` : ''}`)].join('\t'));
};
show('pz-prior', ref);
show('oracle', runShownLists(setup, 'oracle', model));
show('clicked-before-first', runShownLists(setup, clickedBeforePolicy(), model));
for (const g of grid) {
  const r = runShownLists(setup, productPolicy({ name: 'tune', ...g }), model);
  show(`${JSON.stringify(g)} ${r.seconds.toFixed(0)}s`, r);
}
