/**
 * Batch eviction for capped profile maps: when a map is full, drop a fixed share of its entries
 * with the lowest score (|current decayed value|). Evicting a batch makes the amortised cost per
 * insert O(1) (one linear selection every `cap × fraction` inserts) instead of a scan per insert.
 */

/** Default share of a full map evicted at once; such a map keeps between 75 % and 100 % of its cap. */
export const EVICT_FRACTION = 0.25;

/** k-th smallest (0-based) of `a` by in-place quickselect (Hoare partition, middle pivot: deterministic). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

/**
 * Removes the lowest-scoring entries so that `floor(cap * (1 - fraction))` remain.
 * Ties at the threshold are broken by insertion order, so the result is deterministic.
 */
export function evictLowest<T>(
  m: Map<string, T>,
  cap: number,
  score: (v: T) => number,
  fraction = EVICT_FRACTION,
): void {
  const keep = Math.floor(cap * (1 - fraction));
  const remove = m.size - keep;
  if (remove <= 0) return;
  const scores = new Float64Array(m.size);
  let i = 0;
  for (const v of m.values()) scores[i++] = score(v);
  // select() reorders `scores`; the deletion pass recomputes scores from the map instead of copying.
  const threshold = select(scores, remove - 1);
  let removed = 0;
  const ties: string[] = [];
  for (const [k, v] of m) {
    const sc = score(v);
    if (sc < threshold) {
      m.delete(k);
      removed++;
    } else if (sc === threshold) ties.push(k);
  }
  for (let j = 0; j < ties.length && removed < remove; j++, removed++) m.delete(ties[j] as string);
}
