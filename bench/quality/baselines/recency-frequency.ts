/**
 * Recency-frequency purchase-intent baseline: time-decayed, type-weighted activity, with carts and
 * favourites counting most and recent purchases lowering the need to buy again.
 */
import type { EventType } from '../../../src/core/types';
import type { IntentPolicy } from '../types';

const HOUR_MS = 3_600_000;
const W: Partial<Record<EventType, number>> = { view: 0.05, click: 0.05, add_to_cart: 1, favorite: 0.4, purchase: 0.5 };

export function recencyFrequencyIntent(halfLifeMs = 24 * HOUR_MS): IntentPolicy {
  return {
    name: 'recency-frequency',
    newShopper: () => {
      let value = 0;
      let at = 0;
      let lastTs = Number.NEGATIVE_INFINITY;
      return {
        observe: (e) => {
          value = value * 0.5 ** (Math.max(0, e.ts - at) / halfLifeMs) + (W[e.type] ?? 0);
          at = e.ts;
          lastTs = Math.max(lastTs, e.ts);
        },
        intent: (now) => {
          const decayed = value * 0.5 ** (Math.max(0, now - at) / halfLifeMs);
          // Recency of any activity: a shopper active today is likelier to come back tomorrow.
          const recency = Number.isFinite(lastTs) ? Math.exp(-(now - lastTs) / (24 * HOUR_MS)) : 0;
          return Math.log1p(decayed) + 0.1 * recency;
        },
      };
    },
  };
}
