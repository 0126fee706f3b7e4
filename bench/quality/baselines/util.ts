/** Small helpers shared by the baseline policies. */
import type { Candidate, EventType } from '../../../src/core/types';

/**
 * A tiny bonus by server position, far below any real score difference, so candidates a policy
 * scores equally keep the server order ("fall back to the server order").
 */
export const serverTiebreak = (i: number, n: number): number => ((n - i) / n) * 1e-9;

/** How much each event type says about interest (shared by the heuristics). */
export const TYPE_WEIGHT: Record<EventType, number> = {
  view: 1,
  click: 1,
  search: 0,
  add_to_cart: 3,
  remove_from_cart: 0,
  favorite: 2,
  rating: 2,
  purchase: 4,
};

/** Exponentially decayed per-key sums, decayed lazily (no per-event pass over all keys). */
export class DecayedCounts {
  private readonly value = new Map<string, number>();
  private readonly at = new Map<string, number>();
  /** @param halfLifeMs time for a contribution to halve. */
  constructor(private readonly halfLifeMs: number) {}

  add(key: string, weight: number, ts: number): void {
    this.value.set(key, this.get(key, ts) + weight);
    this.at.set(key, ts);
  }

  get(key: string, now: number): number {
    const v = this.value.get(key);
    if (v === undefined) return 0;
    const age = Math.max(0, now - this.at.get(key)!);
    return v * 0.5 ** (age / this.halfLifeMs);
  }
}

/** The keys a heuristic treats as the candidate's "category": the category id, else its tags. */
export function categoryKeys(item: Candidate | undefined): readonly string[] {
  if (!item) return [];
  if (item.category !== undefined) return [item.category];
  return item.tags ?? [];
}
