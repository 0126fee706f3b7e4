/** Recency: items the shopper saw most recently first, then items of recently seen categories. */
import type { ReplayPolicy } from '../types';
import { categoryKeys, serverTiebreak } from './util';

export function recencyPolicy(): ReplayPolicy {
  return {
    name: 'recency',
    newShopper: () => {
      const itemLast = new Map<string, number>();
      const catLast = new Map<string, number>();
      let n = 0;
      return {
        observe: (e) => {
          if (!e.item) return;
          n++;
          itemLast.set(e.item.id, n);
          for (const k of categoryKeys(e.item)) catLast.set(k, n);
        },
        rank: (candidates) =>
          Float64Array.from(candidates, (c, i) => {
            const tb = serverTiebreak(i, candidates.length);
            const it = itemLast.get(c.id);
            if (it !== undefined) return 2e6 + it + tb;
            let best = 0;
            for (const k of categoryKeys(c)) best = Math.max(best, catLast.get(k) ?? 0);
            return best > 0 ? 1e6 + best + tb : tb;
          }),
      };
    },
  };
}
