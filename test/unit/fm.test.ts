import { describe, expect, test } from 'vitest';
import {
  type FmWeights,
  type PairExample,
  cloneWeights,
  fmContributions,
  fmScore,
  fmScoreBatch,
  fmSgdStep,
  marginGrad,
  pairLossGrad,
} from '../../src/core/model/fm';
import { createRng, gaussian, type Rng } from '../../src/core/util/rng';

function randomWeights(d: number, k: number, rng: Rng, scale = 0.3): FmWeights {
  return {
    d,
    k,
    w0: gaussian(rng),
    w: Float32Array.from({ length: d }, () => scale * gaussian(rng)),
    V: Float32Array.from({ length: d * k }, () => scale * gaussian(rng)),
  };
}
const randomX = (d: number, rng: Rng) => Float32Array.from({ length: d }, () => (rng() < 0.3 ? 0 : gaussian(rng)));

/** The FM by its definition, O(d²k): the oracle for the O(dk) reformulation. */
function naiveScore(wt: FmWeights, x: Float32Array): number {
  let s = wt.w0;
  for (let i = 0; i < wt.d; i++) {
    s += wt.w[i]! * x[i]!;
    for (let j = i + 1; j < wt.d; j++) {
      let dot = 0;
      for (let f = 0; f < wt.k; f++) dot += wt.V[i * wt.k + f]! * wt.V[j * wt.k + f]!;
      s += dot * x[i]! * x[j]!;
    }
  }
  return s;
}

describe('fm reference', () => {
  test('k = 8 (the shipped size, unrolled) scores bit for bit as the generic loop does', () => {
    const rng = createRng(8);
    for (let t = 0; t < 50; t++) {
      const wt = randomWeights(31, 8, rng);
      // The same model with a ninth, all-zero factor takes the generic loop and adds exact zeros.
      const padded: FmWeights = { ...wt, k: 9, V: new Float32Array(31 * 9) };
      for (let i = 0; i < 31; i++) padded.V.set(wt.V.subarray(i * 8, i * 8 + 8), i * 9);
      const X = Float32Array.from({ length: 31 * 20 }, () => (rng() < 0.4 ? 0 : gaussian(rng)));
      expect([...fmScoreBatch(wt, X, 20)]).toEqual([...fmScoreBatch(padded, X, 20)]);
      const q8 = new Float64Array(8);
      const q9 = new Float64Array(9);
      expect(fmScore(wt, X, 31 * 3, q8)).toBe(fmScore(padded, X, 31 * 3, q9));
      expect([...q8]).toEqual([...q9.subarray(0, 8)]);
      expect(fmScore(wt, X, 31 * 3)).toBeCloseTo(naiveScore(wt, X.subarray(31 * 3, 31 * 4)), 4);
    }
  });

  test('fast score equals the pairwise definition', () => {
    const rng = createRng(1);
    const wt = randomWeights(12, 4, rng);
    for (let t = 0; t < 20; t++) {
      const x = randomX(12, rng);
      expect(fmScore(wt, x)).toBeCloseTo(naiveScore(wt, x), 4);
    }
  });

  test('batched scores equal one-by-one scores', () => {
    const rng = createRng(2);
    const wt = randomWeights(10, 3, rng);
    const rows = Array.from({ length: 7 }, () => randomX(10, rng));
    const X = new Float32Array(70);
    rows.forEach((r, i) => {
      X.set(r, i * 10);
    });
    const s = fmScoreBatch(wt, X, 7);
    rows.forEach((r, i) => {
      expect(s[i]).toBeCloseTo(fmScore(wt, r), 5);
    });
    expect(() => fmScoreBatch(wt, X, 8)).toThrow(RangeError);
  });

  test('analytic gradient of the pairwise loss matches finite differences', () => {
    const rng = createRng(3);
    const d = 8;
    const k = 3;
    const wt = randomWeights(d, k, rng);
    const prior = randomWeights(d, k, rng);
    const pairs: PairExample[] = Array.from({ length: 4 }, () => ({
      pos: randomX(d, rng),
      neg: randomX(d, rng),
      weight: 0.5 + rng(),
    }));
    const opts = { l2: 0.3, prior };
    const { gw, gV } = pairLossGrad(wt, pairs, opts);
    // A large step: the weights are float32, so a tiny one would drown in rounding.
    const lossAt = (mutate: (w: FmWeights) => void) => {
      const c = cloneWeights(wt);
      mutate(c);
      return pairLossGrad(c, pairs, opts).loss;
    };
    const h = 1e-2;
    for (let i = 0; i < d; i++) {
      const fd =
        (lossAt((c) => (c.w[i]! += h)) - lossAt((c) => (c.w[i]! -= h))) / (2 * h);
      expect(gw[i]).toBeCloseTo(fd, 2);
    }
    for (let j = 0; j < d * k; j++) {
      const fd =
        (lossAt((c) => (c.V[j]! += h)) - lossAt((c) => (c.V[j]! -= h))) / (2 * h);
      expect(gV[j]).toBeCloseTo(fd, 2);
    }
  });

  test('margin gradient is the difference of score gradients', () => {
    const rng = createRng(4);
    const wt = randomWeights(6, 2, rng);
    const pos = randomX(6, rng);
    const neg = randomX(6, rng);
    const gw = new Float32Array(6);
    const gV = new Float32Array(12);
    const m = marginGrad(wt, pos, neg, gw, gV);
    expect(m).toBeCloseTo(fmScore(wt, pos) - fmScore(wt, neg), 5);
    for (let i = 0; i < 6; i++) expect(gw[i]).toBeCloseTo(pos[i]! - neg[i]!, 6);
  });

  test('contributions sum to the score minus w0 and split interactions evenly', () => {
    const rng = createRng(5);
    const wt = randomWeights(9, 4, rng);
    const x = randomX(9, rng);
    const c = fmContributions(wt, x);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(fmScore(wt, x) - wt.w0, 4);
    // Two active features with no linear weight: each gets half of their one interaction.
    const two: FmWeights = { d: 3, k: 1, w0: 0, w: new Float32Array(3), V: new Float32Array([2, 3, 5]) };
    const c2 = fmContributions(two, new Float32Array([1, 1, 0]));
    expect(Array.from(c2)).toEqual([3, 3, 0]);
  });

  test('an SGD step lowers the loss', () => {
    const rng = createRng(6);
    const wt = randomWeights(8, 3, rng);
    const pairs = Array.from({ length: 8 }, () => ({ pos: randomX(8, rng), neg: randomX(8, rng), weight: 1 }));
    const before = pairLossGrad(wt, pairs, { l2: 0.01 }).loss;
    fmSgdStep(wt, pairs, 0.05, { l2: 0.01 });
    expect(pairLossGrad(wt, pairs, { l2: 0.01 }).loss).toBeLessThan(before);
    expect(fmSgdStep(wt, [], 0.05, { l2: 0.01 })).toBe(0);
  });
});
