import { describe, expect, test } from 'vitest';
import { type PairExample, fmScore } from '../../src/core/model/fm';
import { FmRanker } from '../../src/core/model/model';
import { InvalidPriorError, parsePrior, toPriorFile } from '../../src/core/model/prior';
import { fitPrior } from '../../src/core/model/prior-fit';
import { createRng, gaussian, type Rng } from '../../src/core/util/rng';
import * as tf from '../../src/core/model/tf';

const valid = () => ({
  version: '2025-01-01',
  featureSchemaVersion: 1,
  d: 2,
  k: 1,
  w0: 0.5,
  w: [0.1, -0.2],
  V: [0.01, 0.02],
});

describe('prior file', () => {
  test('a valid file parses to typed arrays and serialises back', () => {
    const r = parsePrior(valid(), { d: 2, featureSchemaVersion: 1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.prior.weights.w).toBeInstanceOf(Float32Array);
    expect(r.prior.weights.V).toEqual(new Float32Array([0.01, 0.02]));
    const again = parsePrior(JSON.parse(JSON.stringify(toPriorFile(r.prior))));
    expect(again).toEqual(r);
  });

  test.each([
    ['not an object', [], 'prior'],
    ['missing version', { ...valid(), version: undefined }, 'version'],
    ['fractional d', { ...valid(), d: 2.5 }, 'd'],
    ['w of the wrong length', { ...valid(), w: [1] }, 'w'],
    ['a non-finite weight', { ...valid(), V: [0.1, 'x'] }, 'V[1]'],
    ['a zero variance', { ...valid(), variance: [1, 1, 0, 1] }, 'variance[2]'],
    ['a variance of the wrong length', { ...valid(), variance: [1] }, 'variance'],
  ])('refuses %s with an error naming the field', (_, input, field) => {
    const r = parsePrior(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(InvalidPriorError);
    expect(r.error.name).toBe('InvalidPriorError');
    expect(r.error.field).toBe(field);
    expect(r.error.message).toContain(field);
  });

  test('refuses a prior built for other features', () => {
    const d = parsePrior(valid(), { d: 48 });
    expect(!d.ok && d.error.field).toBe('d');
    const s = parsePrior(valid(), { featureSchemaVersion: 2 });
    expect(!s.ok && s.error.message).toMatch(/featureSchemaVersion is 1, the feature extractor is 2/);
  });
});

describe('fitPrior', () => {
  const d = 24;
  // Many shoppers share a population taste (linear + one interaction) plus their own noise.
  function pooled(shoppers: number, perShopper: number, rng: Rng) {
    const pop = Float32Array.from({ length: d }, () => gaussian(rng));
    const item = () => {
      const x = new Float32Array(d);
      for (let g = 0; g < 4; g++) x[g * 6 + Math.floor(rng() * 6)] = 1;
      return x;
    };
    const like = (own: Float32Array, x: Float32Array) => {
      let u = 2 * x[0]! * x[6]!; // a pairwise taste the linear part cannot express
      for (let i = 0; i < d; i++) u += (pop[i]! + own[i]!) * x[i]!;
      return u;
    };
    const examples: PairExample[] = [];
    for (let s = 0; s < shoppers; s++) {
      const own = Float32Array.from({ length: d }, () => 0.7 * gaussian(rng));
      for (let e = 0; e < perShopper; e++) {
        const a = item();
        const b = item();
        const [pos, neg] = like(own, a) + gaussian(rng) > like(own, b) ? [a, b] : [b, a];
        examples.push({ pos, neg, weight: 1 });
      }
    }
    return { examples, heldOut: (n: number) => pooledPairs(n), item, like };
    function pooledPairs(n: number) {
      const zero = new Float32Array(d);
      return Array.from({ length: n }, () => {
        const a = item();
        const b = item();
        return like(zero, a) > like(zero, b) ? { pos: a, neg: b, weight: 1 } : { pos: b, neg: a, weight: 1 };
      });
    }
  }

  test('learns the population taste from pooled pairs, deterministically, without leaking tensors', () => {
    const sim = pooled(40, 25, createRng(61));
    tf.ensureTf();
    const before = tf.memory().numTensors;
    const opts = { d, k: 4, seed: 3, version: 't', featureSchemaVersion: 1, epochs: 4, varianceShoppers: 40 };
    const prior = fitPrior(sim.examples, opts);
    expect(tf.memory().numTensors).toBe(before);

    const test = sim.heldOut(500);
    const accuracy = test.filter((p) => fmScore(prior.weights, p.pos) > fmScore(prior.weights, p.neg)).length / 500;
    expect(accuracy).toBeGreaterThan(0.8);

    expect(fitPrior(sim.examples, opts).weights).toEqual(prior.weights);
    expect(prior.variance).toHaveLength(d + d * 4);
    const file = JSON.parse(JSON.stringify(toPriorFile(prior)));
    const parsed = parsePrior(file, { d, k: 4, featureSchemaVersion: 1 });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    // A fresh shopper's ranker starts exactly at the published prior.
    const r = new FmRanker({ d, prior: parsed.prior, seed: 1 });
    expect(r.weights().w).toEqual(parsed.prior.weights.w);
    expect(r.featureSchemaVersion).toBe(1);
    r.dispose();
  });

  test('the plain-TypeScript trainer follows the tfjs trainer step for step', () => {
    const sim = pooled(20, 20, createRng(62));
    const opts = { d, k: 4, seed: 5, version: 't', featureSchemaVersion: 1, epochs: 2, batchSize: 16, lr: 0.2, l2: 1e-3 };
    const viaTf = fitPrior(sim.examples, opts).weights;
    const plain = fitPrior(sim.examples, { ...opts, trainer: 'plain' }).weights;
    // Float32 tensors versus float64 accumulation: equal to rounding, over 50 steps.
    for (let i = 0; i < d; i++) expect(plain.w[i]).toBeCloseTo(viaTf.w[i]!, 3);
    for (let j = 0; j < plain.V.length; j++) expect(plain.V[j]).toBeCloseTo(viaTf.V[j]!, 3);
    expect(Math.max(...plain.w.map(Math.abs))).toBeGreaterThan(0.05);
    expect(() => fitPrior(sim.examples, { ...opts, trainer: 'plain', varianceShoppers: 10 })).toThrow(/tfjs/);
  });
});
