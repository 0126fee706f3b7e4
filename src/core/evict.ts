/**
 * Batch eviction for capped profile maps: when a map is full, drop the quarter of its entries with
 * the lowest score (|current decayed value|). Evicting a batch makes the amortised cost per insert
 * O(1) (one linear selection every cap/4 inserts) instead of a scan per insert.
 */

/** Share of a full map evicted at once; a full map keeps between 75 % and 100 % of its cap. */
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
 * Removes the lowest-scoring entries so that at most `floor(cap * (1 - EVICT_FRACTION))` remain,
 * and returns the new size. Ties at the threshold are broken by key order (insertion order), so
 * the result is deterministic.
 */
export function evictLowest<T>(d: Record<string, T>, cap: number, score: (v: T) => number): number {
  const keys = Object.keys(d);
  const keep = Math.floor(cap * (1 - EVICT_FRACTION));
  const remove = keys.length - keep;
  if (remove <= 0) return keys.length;
  const scores = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) scores[i] = score(d[keys[i] as string] as T);
  const threshold = select(scores.slice(), remove - 1);
  let removed = 0;
  for (let i = 0; i < keys.length && removed < remove; i++) {
    if ((scores[i] as number) < threshold) {
      delete d[keys[i] as string];
      removed++;
    }
  }
  for (let i = 0; i < keys.length && removed < remove; i++) {
    if (scores[i] === threshold) {
      delete d[keys[i] as string];
      removed++;
    }
  }
  return keys.length - removed;
}
