/** The baseline policies the harness runs by default, by name. */
import type { IntentPolicy, ReplayPolicy } from '../types';
import { categoryAffinityPolicy } from './affinity';
import { itemKnnPolicy } from './item-knn';
import { recencyPolicy } from './recency';
import { recencyFrequencyIntent } from './recency-frequency';
import { popularityPolicy, randomPolicy, serverOrderPolicy } from './simple';

/** Fresh instances of every baseline ranking policy. */
export function baselineReplayPolicies(): ReplayPolicy[] {
  return [
    randomPolicy(),
    serverOrderPolicy(),
    popularityPolicy(),
    recencyPolicy(),
    categoryAffinityPolicy(),
    categoryAffinityPolicy({ name: 'item-category-affinity', itemWeight: 10 }),
    itemKnnPolicy(),
    itemKnnPolicy({ decay: 0.7 }),
    // Tuned on the beauty-loo validation split only.
    itemKnnPolicy({ name: 'item-knn-blend', decay: 0.7, tagWeight: 0.003, embeddingWeight: 0.01 }),
  ];
}

/** Fresh instances of every baseline intent policy. */
export function baselineIntentPolicies(): IntentPolicy[] {
  return [recencyFrequencyIntent()];
}
