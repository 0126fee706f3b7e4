/**
 * The built-in scoring weights: the "profile heuristics" a shopper starts from when the site publishes
 * no prior. Linear weights only (the pairwise FM factors start at zero and are learned); each weight
 * says how much a feature of `features.ts` should lift a candidate. Chosen by hand for their signs
 * and rough sizes, then checked on the benchmarks' validation splits (never on test data).
 */
import { FM_K } from '../settings';
import { FEATURE_INDEX, FEATURE_DIM, type FeatureName } from './features';
import type { FmWeights } from './fm';

const HAND: Partial<Record<FeatureName, number>> = {
  cat_long: 1.0,
  cat_short: 1.0,
  cat_depth: 0.3,
  cat_rank: 5.0,
  cat_known: 0.5,
  brand_long: 1.0,
  brand_short: 0.8,
  price_fit: 0.4,
  tag_mean: 1.0,
  tag_max: 1.0,
  tag_short: 0.5,
  tag_overlap: 0.8,
  item_seen: 10.0,
  item_recent: 1.5,
  item_rank: 4.0,
  item_day: 0.8,
  item_strength: 0.5,
  item_weight: 0.5,
  bought_oneoff: -2.0,
  bought_consumable: 10.0,
  emb_max: 1.5,
  emb_mean: 1.0,
  emb_last: 0.8,
  rel_sum: 2.0,
  rel_max: 1.0,
  rel_back: 2.0,
};

export { FM_K };

/**
 * Builds weights from a name → weight table (missing names weigh 0). Throws a RangeError on a name
 * that is not a feature, so a misspelt weight cannot vanish.
 */
export function weightsFromTable(table: Partial<Record<FeatureName, number>> | Record<string, number>, k = FM_K): FmWeights {
  const w = new Float32Array(FEATURE_DIM);
  for (const [name, value] of Object.entries(table)) {
    if (!Object.hasOwn(FEATURE_INDEX, name)) throw new RangeError(`weightsFromTable: ${name} is not a feature`);
    w[FEATURE_INDEX[name as FeatureName]] = value ?? 0;
  }
  return { d: FEATURE_DIM, k, w0: 0, w, V: new Float32Array(FEATURE_DIM * k) };
}

/** The built-in heuristic weights. */
export const DEFAULT_WEIGHTS: FmWeights = weightsFromTable(HAND);
