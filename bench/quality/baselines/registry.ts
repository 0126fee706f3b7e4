/** The baseline policies the harness runs by default, by name. */
import type { IntentPolicy, ReplayPolicy } from '../types';
import { categoryAffinityPolicy } from './affinity';
import { itemKnnPolicy } from './item-knn';
import { recencyPolicy } from './recency';
import { recencyFrequencyIntent } from './recency-frequency';
import { clickedBeforePolicy, popularityPolicy, randomPolicy, serverOrderPolicy } from './simple';
import { productPolicies } from '../product';
import { productIntentPolicy } from '../product-intent';

const HOUR_MS = 3_600_000;

/** Fresh instances of every baseline ranking policy. */
export function baselineReplayPolicies(): ReplayPolicy[] {
  return [
    randomPolicy(),
    serverOrderPolicy(),
    popularityPolicy(),
    recencyPolicy(),
    // Taobao half-lives tuned on the first half of each shopper's steps only.
    categoryAffinityPolicy({ halfLifeByProtocol: { 'taobao-replay': HOUR_MS } }),
    categoryAffinityPolicy({
      name: 'item-category-affinity',
      halfLifeMs: 2 * HOUR_MS,
      itemWeight: 1000,
      itemHalfLifeMs: 72 * HOUR_MS,
    }),
    itemKnnPolicy(),
    itemKnnPolicy({ decay: 0.7 }),
    // Tuned on the beauty-loo validation split only.
    itemKnnPolicy({ name: 'item-knn-blend', decay: 0.7, tagWeight: 0.003, embeddingWeight: 0.01 }),
    clickedBeforePolicy(),
    ...productPolicies(),
  ];
}

/** Fresh instances of every baseline intent policy. */
export function baselineIntentPolicies(): IntentPolicy[] {
  return [recencyFrequencyIntent(), productIntentPolicy(false), productIntentPolicy(true)];
}
