/**
 * Slot filling for the rerank policy: turns per-candidate relevance into an output order while
 * honouring the business rules (pins, never promoting unavailable items) and diversity
 * (maximal marginal relevance and a per-category cap near the top).
 *
 * Positions are filled one at a time, top first. Only the first few positions run the diversity
 * selection, over a bounded pool, so the cost is O(n log n + window · pool) rather than O(n²).
 */
import { type DiversityKeys, similarity } from './mmr';

/**
 * What {@link placeItems} needs; every array is indexed by a candidate's server position.
 * @example { relevance, pinned, unavailable, keys, lambda: 0.15, maxPerCategory: 3, capWindow: 10, mmrPositions: 50, mmrPool: 150 }
 */
export interface PlacementInput {
  /** Higher is better; must be finite. */
  relevance: Float64Array;
  /** 1 = pinned: the candidate is placed exactly at its server position. */
  pinned: Uint8Array;
  /** 1 = unavailable: the candidate is never placed above its server position. */
  unavailable: Uint8Array;
  /** Interned categories and brands; needed when `lambda > 0` or the cap is on. */
  keys?: DiversityKeys | undefined;
  /** MMR trade-off in [0, 1]; 0 turns MMR off. */
  lambda: number;
  /** At most this many items of one full category path in the first `capWindow` positions; `Infinity` = off. */
  maxPerCategory: number;
  capWindow: number;
  /** How many top positions MMR fills. */
  mmrPositions: number;
  /** How many of the most relevant candidates MMR chooses from (extended when the cap needs more). */
  mmrPool: number;
  /** {@link relevanceOrder} of `relevance`, when the caller already has it (saves a sort). */
  order?: readonly number[] | undefined;
  /** Checked before every 8th diversity step; returning true abandons the placement. */
  overBudget?: () => boolean;
}

/** A binary min-heap of candidate indices keyed by `key[i]`. */
class IndexHeap {
  private readonly items: number[] = [];
  constructor(private readonly key: Int32Array) {}
  get size(): number {
    return this.items.length;
  }
  peek(): number {
    return this.items[0] ?? -1;
  }
  push(i: number): void {
    const a = this.items;
    a.push(i);
    let c = a.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (this.k(a[p]) <= this.k(a[c])) break;
      this.swap(p, c);
      c = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0] ?? -1;
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < a.length && this.k(a[l]) < this.k(a[m])) m = l;
        if (r < a.length && this.k(a[r]) < this.k(a[m])) m = r;
        if (m === p) break;
        this.swap(p, m);
        p = m;
      }
    }
    return top;
  }
  private k(i: number | undefined): number {
    return this.key[i ?? 0] ?? 0;
  }
  private swap(x: number, y: number): void {
    const a = this.items;
    const t = a[x] as number;
    a[x] = a[y] as number;
    a[y] = t;
  }
}

/**
 * The non-pinned candidates by relevance, highest first, ties by server position.
 * @example relevanceOrder(Float64Array.of(0, 2, 1), new Uint8Array(3)); // [1, 2, 0]
 */
export function relevanceOrder(relevance: Float64Array, pinned: Uint8Array): number[] {
  const order: number[] = [];
  for (let i = 0; i < relevance.length; i++) if (pinned[i] !== 1) order.push(i);
  return order.sort((a, b) => (relevance[b] as number) - (relevance[a] as number) || a - b);
}

/**
 * Computes the output order: `order[t]` is the server position of the candidate shown at position `t`.
 * Returns `undefined` when `overBudget` reported true.
 *
 * Rules, strongest first: a pinned candidate sits at its server position; an unavailable candidate
 * never sits above its server position; within the first `capWindow` positions no full category path
 * exceeds `maxPerCategory` (pins still win, and the cap is relaxed only when no other candidate is
 * left); the first `mmrPositions` positions maximise `(1-λ)·relevance - λ·max similarity to what is
 * already above`; everything else follows relevance, ties by server position.
 *
 * @example
 * const order = placeItems({ relevance: Float64Array.of(0, 1, 2), pinned: Uint8Array.of(1, 0, 0),
 *   unavailable: new Uint8Array(3), lambda: 0, maxPerCategory: Infinity, capWindow: 0, mmrPositions: 0, mmrPool: 0 });
 * // Int32Array [0, 2, 1]: the pin stays first, the rest by relevance
 */
export function placeItems(input: PlacementInput): Int32Array | undefined {
  const { relevance, pinned, unavailable, keys, lambda, maxPerCategory, capWindow } = input;
  const n = relevance.length;
  const order = input.order ?? relevanceOrder(relevance, pinned);
  const rankOf = new Int32Array(n);
  for (let r = 0; r < order.length; r++) rankOf[order[r] as number] = r;

  const out = new Int32Array(n);
  const placed = new Uint8Array(n);
  let t = 0;

  const capOn = keys !== undefined && Number.isFinite(maxPerCategory) && capWindow > 0;
  const mmrOn = keys !== undefined && lambda > 0;
  const selectEnd = Math.min(n, Math.max(mmrOn ? input.mmrPositions : 0, capOn ? capWindow : 0));

  if (selectEnd > 0 && keys !== undefined) {
    const { category, group, groupMember } = keys;
    const catCount = new Int32Array(keys.categoryCount);
    // Highest similarity of each group to anything placed so far; groups enter as the pool grows.
    const maxSim = new Float64Array(keys.groupCount);
    const groupInPool = new Uint8Array(keys.groupCount);
    const poolGroups: number[] = [];
    // Similarity depends on the group only, and a max is unchanged by a value it already took: one
    // placed item per group is enough to compare with.
    const groupPlaced = new Uint8Array(keys.groupCount);
    const selectedGroups: number[] = [];
    let poolEnd = Math.min(order.length, Math.max(input.mmrPool, 1));
    const pool = order.slice(0, poolEnd);
    // Relevance rescaled over the pool so that λ means the same on any score scale.
    const hi = order.length > 0 ? (relevance[order[0] as number] as number) : 0;
    const lo = poolEnd > 0 ? (relevance[order[poolEnd - 1] as number] as number) : 0;
    const scale = hi - lo > 0 ? hi - lo : 1;
    // Per pool member: the relevance part of its MMR value, (1-λ)·rescaled relevance, computed once.
    const base = new Float64Array(mmrOn ? n : 0);
    const enter = (y: number): void => {
      base[y] = (1 - lambda) * (((relevance[y] as number) - lo) / scale);
      const g = group[y] as number;
      if (groupInPool[g] === 1) return;
      groupInPool[g] = 1;
      poolGroups.push(g);
      let m = 0;
      for (const h of selectedGroups) m = Math.max(m, similarity(keys, groupMember[h] as number, y));
      maxSim[g] = m;
    };
    if (mmrOn) for (const y of pool) enter(y);

    const place = (x: number): void => {
      out[t] = x;
      placed[x] = 1;
      const c = category[x] as number;
      if (capOn && t < capWindow && c >= 0) catCount[c] = (catCount[c] as number) + 1;
      t++;
      if (!mmrOn) return;
      const gx = group[x] as number;
      if (groupPlaced[gx] === 1) return;
      groupPlaced[gx] = 1;
      selectedGroups.push(gx);
      for (const g of poolGroups) {
        const s = similarity(keys, x, groupMember[g] as number);
        if (s > (maxSim[g] as number)) maxSim[g] = s;
      }
    };
    const eligible = (y: number, ignoreCap: boolean): boolean => {
      if (placed[y] === 1 || (unavailable[y] === 1 && y > t)) return false;
      if (ignoreCap || !capOn || t >= capWindow) return true;
      const c = category[y] as number;
      return c < 0 || (catCount[c] as number) < maxPerCategory;
    };
    const bestIn = (ignoreCap: boolean): number => {
      const capActive = !ignoreCap && capOn && t < capWindow;
      let best = -1;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < pool.length; k++) {
        const y = pool[k] as number;
        if (placed[y] === 1 || (unavailable[y] === 1 && y > t)) continue;
        if (capActive) {
          const c = category[y] as number;
          if (c >= 0 && (catCount[c] as number) >= maxPerCategory) continue;
        }
        const v = mmrOn ? (base[y] as number) - lambda * (maxSim[group[y] as number] as number) : (relevance[y] as number);
        if (best < 0 || v > bestValue || (v === bestValue && (rankOf[y] as number) < (rankOf[best] as number))) {
          best = y;
          bestValue = v;
        }
      }
      return best;
    };

    while (t < selectEnd) {
      // The clock is read every 8th position: a read costs about as much as a step.
      if ((t & 7) === 0 && input.overBudget?.()) return undefined;
      if (pinned[t] === 1) {
        place(t);
        continue;
      }
      let best = bestIn(false);
      // The pool ran dry (the cap or unavailability excluded all of it): pull in the next eligible one.
      while (best < 0 && poolEnd < order.length) {
        const y = order[poolEnd++] as number;
        pool.push(y);
        if (mmrOn) enter(y);
        if (eligible(y, false)) best = y;
      }
      // Nothing else is left anywhere: the cap cannot be met, so it yields rather than leave a hole.
      if (best < 0) best = bestIn(true);
      if (best < 0) throw new Error('placement found no candidate for a free position');
      place(best);
    }
  }

  // The rest in relevance order; unavailable candidates wait in a heap until their server position.
  const waiting = new IndexHeap(rankOf);
  for (let i = 0; i < t; i++) if (unavailable[i] === 1 && pinned[i] !== 1 && placed[i] !== 1) waiting.push(i);
  let a = 0;
  while (t < n) {
    if (pinned[t] === 1) {
      out[t] = t;
      placed[t] = 1;
      t++;
      continue;
    }
    if (unavailable[t] === 1 && placed[t] !== 1) waiting.push(t);
    while (a < order.length && (placed[order[a] as number] === 1 || unavailable[order[a] as number] === 1)) a++;
    const next = a < order.length ? (order[a] as number) : -1;
    const held = waiting.size > 0 ? waiting.peek() : -1;
    let pick: number;
    if (held >= 0 && (next < 0 || (rankOf[held] as number) < (rankOf[next] as number))) pick = waiting.pop();
    else if (next >= 0) pick = next;
    else throw new Error('placement found no candidate for a free position');
    out[t] = pick;
    placed[pick] = 1;
    t++;
  }
  return out;
}
