/**
 * Adapters from the benchmark datasets to {@link PriorShopper}s, for fitting the prior on the tuning
 * data only: Beauty's training split (every user's s[:n-2]) and the first half of each Taobao
 * shopper's steps. Lists mimic the protocols (target + uniformly sampled negatives, in the protocol's
 * server order), so the prior learns the same task the shopper's device faces.
 */
import { beautyPriorShoppers as beautyLevelShoppers } from '../../src/site/beauty-prior';
import { taobaoEvent } from '../../src/site/logs/taobao';
import type { PriorShopper } from '../../src/site/prior-examples';
import type { BeautyLooSetup } from './protocols/beauty-loo';
import { TAOBAO_CANDIDATES, type TaobaoReplaySetup } from './protocols/taobao-replay';

/** Beauty: `beautyPriorShoppers` (src/site/beauty-prior.ts) over the setup's prior levels (see there). */
export function beautyPriorShoppers(setup: BeautyLooSetup, userIndices: readonly number[], seed: number): PriorShopper[] {
  return beautyLevelShoppers(setup.data, setup.prior, userIndices, seed);
}

/** Taobao: the protocol's own lists for the first half of each shopper's steps (the tuning split). */
export function taobaoPriorShoppers(setup: TaobaoReplaySetup): PriorShopper[] {
  const { log, features } = setup;
  return setup.userIndices.map((ui, j) => {
    const u = log.users[ui]!;
    const m = u.items.length - 1;
    const half = Math.floor(m / 2);
    // Only events up to the end of the first half: nothing from the reported half is seen.
    const events = Array.from({ length: half + 1 }, (_, t) => taobaoEvent(log, features, ui, t));
    return {
      events,
      listFor(t: number) {
        const k = t - 1;
        if (k < 0 || k >= half) return undefined;
        const step = setup.stepOffset[j]! + k;
        const candidates = Array.from({ length: TAOBAO_CANDIDATES }, (_, c) => features[setup.candidateIndex[step * TAOBAO_CANDIDATES + c]!]!);
        return { candidates, target: setup.targetPos[step]! };
      },
    };
  });
}
