import { describe, expect, it } from 'vitest';
import {
  bestF1Threshold,
  classify,
  expectedRank,
  placeTarget,
  RankAccumulator,
  stepMetrics,
} from '../../bench/quality/metrics';
import { auc } from '../../src/site/auc';

describe('quality metrics: ranking', () => {
  it('scores a clear top-1 target as a perfect hit', () => {
    const p = placeTarget([0.1, 0.9, 0.3], 1);
    expect(p).toEqual({ greater: 0, ties: 0 });
    const m = stepMetrics(p);
    expect(m['HR@1']).toBe(1);
    expect(m['NDCG@10']).toBe(1);
    expect(m.MRR).toBe(1);
  });

  it('uses 1/log2(rank+1) discounts and 1/rank reciprocal ranks', () => {
    const m = stepMetrics({ greater: 2, ties: 0 }); // rank 3
    expect(m['HR@1']).toBe(0);
    expect(m['HR@5']).toBe(1);
    expect(m['NDCG@5']).toBeCloseTo(0.5, 12);
    expect(m.MRR).toBeCloseTo(1 / 3, 12);
    const far = stepMetrics({ greater: 10, ties: 0 }); // rank 11
    expect(far['HR@10']).toBe(0);
    expect(far['NDCG@10']).toBe(0);
  });

  it('never resolves ties optimistically: constant scores equal the random-ranker expectation', () => {
    const p = placeTarget(new Float64Array(100), 0);
    expect(p).toEqual({ greater: 0, ties: 99 });
    expect(expectedRank(p)).toBe(50.5);
    const m = stepMetrics(p);
    expect(m['HR@10']).toBeCloseTo(0.1, 12);
    let mrr = 0;
    let ndcg = 0;
    for (let r = 1; r <= 100; r++) {
      mrr += 1 / r / 100;
      if (r <= 10) ndcg += 1 / Math.log2(r + 1) / 100;
    }
    expect(m.MRR).toBeCloseTo(mrr, 12);
    expect(m['NDCG@10']).toBeCloseTo(ndcg, 12);
    expect(m['NDCG@10']).toBeCloseTo(0.0454, 4);
  });

  it('spreads a partial tie uniformly over the tied positions', () => {
    const m = stepMetrics({ greater: 0, ties: 1 }); // rank 1 or 2, each with probability 1/2
    expect(m['HR@1']).toBe(0.5);
    expect(m.MRR).toBeCloseTo(0.75, 12);
  });

  it('treats NaN scores as the lowest possible', () => {
    expect(placeTarget([Number.NaN, 0, -5], 1)).toEqual({ greater: 0, ties: 0 });
    expect(placeTarget([Number.NaN, 0, Number.NaN], 0)).toEqual({ greater: 1, ties: 1 });
  });

  it('averages per step (micro) and per user (macro)', () => {
    const a = new RankAccumulator();
    a.add({ greater: 0, ties: 0 });
    a.add({ greater: 1, ties: 0 });
    expect(a.mean().MRR).toBeCloseTo(0.75, 12);
    expect(a.mean().steps).toBe(2);
    const b = new RankAccumulator();
    b.add({ greater: 3, ties: 0 });
    const macro = new RankAccumulator();
    macro.addMean(a);
    macro.addMean(b);
    expect(macro.mean().MRR).toBeCloseTo((0.75 + 0.25) / 2, 12);
  });
});

describe('quality metrics: classification', () => {
  it('computes AUC with ties as one half', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [false, false, true, true])).toBe(0);
    expect(auc([1, 1, 1, 1], [false, true, false, true])).toBe(0.5);
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(auc([1, 2], [true, true])).toBeNaN();
  });

  it('computes precision, recall and F1 at a threshold', () => {
    const c = classify([0.9, 0.8, 0.3, 0.1], [true, false, true, false], 0.5);
    expect(c).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, predictedPositive: 2 });
  });

  it('picks the F1-maximizing threshold among observed scores', () => {
    const scores = [0.9, 0.8, 0.7, 0.2, 0.1];
    const labels = [true, true, false, false, false];
    expect(bestF1Threshold(scores, labels)).toBe(0.8);
    expect(classify(scores, labels, 0.8).f1).toBe(1);
  });
});
