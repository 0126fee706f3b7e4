/**
 * Category affinity: time-decayed, type-weighted counts of the shopper's categories (Taobao) or
 * attributes (Beauty tags); optionally also of the items themselves (repeat interest).
 */
import type { ProtocolName, ReplayPolicy } from '../types';
import { DecayedCounts, TYPE_WEIGHT, categoryKeys, serverTiebreak } from './util';

const DAY_MS = 86_400_000;

export interface AffinityOptions {
  name?: string;
  /** Half-life of category/attribute affinity (default 3 days). */
  halfLifeMs?: number;
  /** Per-protocol overrides of {@link halfLifeMs} (sessions and days have different time scales). */
  halfLifeByProtocol?: Partial<Record<ProtocolName, number>>;
  /** Weight of the item's own decayed count; 0 = categories only (default 0). */
  itemWeight?: number;
  /** Half-life of item affinity (default 1 day). */
  itemHalfLifeMs?: number;
}

export function categoryAffinityPolicy(o: AffinityOptions = {}): ReplayPolicy {
  let halfLife = o.halfLifeMs ?? 3 * DAY_MS;
  const itemWeight = o.itemWeight ?? 0;
  const itemHalfLife = o.itemHalfLifeMs ?? DAY_MS;
  return {
    name: o.name ?? 'category-affinity',
    ...(itemWeight > 0 ? { protocols: ['taobao-replay'] as const } : {}),
    prepare: (site) => {
      halfLife = o.halfLifeByProtocol?.[site.protocol] ?? o.halfLifeMs ?? 3 * DAY_MS;
    },
    newShopper: () => {
      const cats = new DecayedCounts(halfLife);
      const items = new DecayedCounts(itemHalfLife);
      return {
        observe: (e) => {
          if (!e.item) return;
          const w = TYPE_WEIGHT[e.type];
          for (const k of categoryKeys(e.item)) cats.add(k, w, e.ts);
          if (itemWeight > 0) items.add(e.item.id, w, e.ts);
        },
        rank: (candidates, now) =>
          Float64Array.from(candidates, (c, i) => {
            const keys = categoryKeys(c);
            let s = 0;
            for (const k of keys) s += cats.get(k, now);
            if (keys.length > 1) s /= Math.sqrt(keys.length);
            if (itemWeight > 0) s += itemWeight * items.get(c.id, now);
            return s + serverTiebreak(i, candidates.length);
          }),
      };
    },
  };
}
