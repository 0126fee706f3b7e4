/**
 * Adapters from the benchmark datasets to {@link PriorShopper}s, for fitting the prior on the tuning
 * data only: Beauty's training split (every user's s[:n-2]) and the first half of each Taobao
 * shopper's steps. Lists mimic the protocols (target + uniformly sampled negatives, in the protocol's
 * server order), so the prior learns the same task the shopper's device faces.
 */
import { createRng } from '../../src/core/util/rng';
import type { Candidate, StoredEvent } from '../../src/core/types';
import type { PriorShopper } from '../../src/site/prior-examples';
import { TAOBAO_CANDIDATES, taobaoEvent, type TaobaoReplaySetup } from './protocols/taobao-replay';
import { BEAUTY_BASE_TS, DAY_MS, type BeautyLooSetup } from './protocols/beauty-loo';
import { mixSeed } from './seeds';

/**
 * Beauty: per user and per prior level h of `setup.prior` (see there), one step: target s[n-h] with
 * history s[:n-h], featurized with the site knowledge built from every s[:n-h], so no example's own
 * transition is in the related lists or embeddings it is scored with. Negatives uniform over items
 * the user never touched; popularity order (by that level's knowledge).
 */
export function beautyPriorShoppers(setup: BeautyLooSetup, userIndices: readonly number[], seed: number): PriorShopper[] {
  return setup.prior.flatMap(({ heldOut, knowledge, features }) => {
    const allIds = [...features.keys()];
    return userIndices.map((ui): PriorShopper => {
      const u = setup.data.users[ui]!;
      const t0 = u.items.length - heldOut;
      const seen = u.items.slice(0, Math.max(0, t0 + 1));
      const touched = new Set(u.items);
      const events: StoredEvent[] = seen.map((id, i) => ({
        id: `${u.id}:${i}`,
        type: 'purchase',
        item: features.get(id)!,
        ts: BEAUTY_BASE_TS + i * DAY_MS,
      }));
      const rng = createRng(mixSeed(seed, 31 + heldOut, ui));
      return {
        events,
        listFor(t: number) {
          if (t !== t0) return undefined;
          const target = u.items[t]!;
          const ids = new Set<string>([target]);
          while (ids.size < 100) {
            const id = allIds[Math.floor(rng() * allIds.length)]!;
            if (!touched.has(id)) ids.add(id);
          }
          const keyed = [...ids].map((id) => ({ id, pop: knowledge.popularity(id), key: rng() }));
          keyed.sort((a, b) => b.pop - a.pop || a.key - b.key);
          const candidates: Candidate[] = keyed.map((k) => features.get(k.id)!);
          return { candidates, target: keyed.findIndex((k) => k.id === target) };
        },
      };
    });
  });
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
