/**
 * A hand-made symmetric co-occurrence over items a, b, c, d, e (indices 0..4) on which the embedding
 * neighbour cap changes what is kept, shared by the reference's test (item-knowledge.test.ts) and the
 * SQL's (site-pipeline.test.ts): a–b 5, a–c 4, a–d 3, b–c 2, b–d 1, c–d 1 + 1e-13 (a near-tie with
 * b–d), d–e 0.5.
 */
export const HAND_PAIRS = {
  n: 5,
  lo: Int32Array.of(0, 0, 0, 1, 1, 2, 3),
  hi: Int32Array.of(1, 2, 3, 2, 3, 3, 4),
  w: Float64Array.of(5, 4, 3, 2, 1, 1 + 1e-13, 0.5),
};

/** Which pairs each cap keeps (1) or drops (0), in HAND_PAIRS order. */
export const HAND_PAIRS_KEPT: Record<number, number[]> = {
  // Everyone's strongest only: a–b (a, b), a–c (c), a–d (d), d–e (e).
  1: [1, 1, 1, 0, 0, 0, 1],
  // d ranks a–d, then b–d and c–d tie (within 1e-9), so the lower index b wins; c ranks a–c, b–c
  // first: c–d is nobody's top 2. e keeps its only pair.
  2: [1, 1, 1, 1, 1, 0, 1],
  // d's 4th (d–e) is e's 1st: nothing dropped.
  3: [1, 1, 1, 1, 1, 1, 1],
};
