/**
 * The bound on the embedding's input: of the symmetric co-occurrence pairs, keep a pair only when it
 * is among the `cap` strongest of at least one of its two items. So the similarity matrix has at most
 * `cap · items` pairs however dense the co-occurrence gets (a real shop's bestsellers co-occur with
 * almost everything), while every item keeps its strongest pairs, and every item with a pair keeps at
 * least one. The DuckDB pipeline does the same in `pipeline/sql/similarity.sql`; both rank by
 * {@link rankKey} and break ties by the other item's index, so they keep the same pairs. Pure.
 */

/**
 * The ranking key of a pair weight: the weight in units of 1e-9, rounded. The two producers sum the
 * same terms in different orders, so weights can differ in their last digits; rounding first keeps
 * such near-ties from being ordered differently (`round(w * 1e9)` in the SQL).
 */
export function rankKey(w: number): number {
  return Math.round(w * 1e9);
}

/** Throws a RangeError naming the option unless `cap` is an integer ≥ 1 (both producers check it up front). */
export function checkEmbeddingNeighbours(cap: number): void {
  if (!(Number.isInteger(cap) && cap >= 1)) throw new RangeError(`embeddingNeighbours must be an integer ≥ 1, got ${cap}`);
}

/**
 * Which of the pairs `(lo[p], hi[p])` with weight `w[p] > 0` to keep (1) or drop (0) for a cap of
 * `cap` strongest pairs per item, over `n` items.
 * @example
 * // a–b 5, a–c 4, b–c 1: with cap 1, a keeps a–b, b keeps a–b, c keeps a–c; b–c is dropped.
 * keepStrongestPairs(Int32Array.of(0, 0, 1), Int32Array.of(1, 2, 2), Float64Array.of(5, 4, 1), 3, 1); // [1, 1, 0]
 */
export function keepStrongestPairs(lo: Int32Array, hi: Int32Array, w: Float64Array, n: number, cap: number): Uint8Array {
  checkEmbeddingNeighbours(cap);
  const pairs = lo.length;
  const keep = new Uint8Array(pairs);
  const start = new Int32Array(n + 1);
  for (let p = 0; p < pairs; p++) {
    start[lo[p]! + 1]! += 1;
    start[hi[p]! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const incident = new Int32Array(2 * pairs);
  for (let p = 0; p < pairs; p++) {
    incident[fill[lo[p]!]!++] = p;
    incident[fill[hi[p]!]!++] = p;
  }
  const key = Float64Array.from(w, rankKey);
  for (let i = 0; i < n; i++) {
    if (start[i + 1]! - start[i]! <= cap) {
      for (let j = start[i]!; j < start[i + 1]!; j++) keep[incident[j]!] = 1;
      continue;
    }
    const other = (p: number) => (lo[p] === i ? hi[p]! : lo[p]!);
    const mine = Array.from(incident.subarray(start[i]!, start[i + 1]!));
    mine.sort((x, y) => key[y]! - key[x]! || other(x) - other(y));
    for (let j = 0; j < cap; j++) keep[mine[j]!] = 1;
  }
  return keep;
}
