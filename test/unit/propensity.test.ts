import { describe, expect, it } from 'vitest';
import { applyEvents, emptyProfile } from '../../src/core/profile/profile';
import {
  checkLogisticModel,
  churnRisk,
  DEFAULT_CHURN_RISK,
  DEFAULT_PURCHASE_INTENT,
  fitLogistic,
  InvalidModelError,
  PROPENSITY_FEATURE_VERSION,
  PROPENSITY_FEATURES,
  predictLogistic,
  propensityFeatures,
  purchaseIntent,
} from '../../src/core/profile/propensity';
import { createRng, gaussian } from '../../src/core/util/rng';
import { DAY, ev, HOUR, T0 } from './profile-helpers';

const shopper = () =>
  applyEvents(
    emptyProfile(T0),
    [
      ev('purchase', T0, { id: 'old', price: 20 }),
      ev('view', T0 + 20 * DAY, { id: 'a', price: 20 }),
      ev('click', T0 + 20 * DAY + 60_000, { id: 'b', price: 20 }),
      ev('add_to_cart', T0 + 20 * DAY + 120_000, { id: 'b', price: 20 }),
    ],
    T0 + 20 * DAY + 120_000,
  );

describe('propensity features', () => {
  it('has one value per documented feature, in order', () => {
    const p = shopper();
    const f = propensityFeatures(p, T0 + 20 * DAY + 180_000);
    expect(f.length).toBe(PROPENSITY_FEATURES.length);
    expect(PROPENSITY_FEATURE_VERSION).toBe('pz-propensity-2');
    const by = Object.fromEntries(PROPENSITY_FEATURES.map((n, i) => [n, f[i]]));
    expect(by.open_cart).toBe(1);
    expect(by.has_purchased).toBe(1);
    expect(by.cart_rate).toBe(0.5);
    expect(by.log_orders).toBeCloseTo(Math.log(2), 12);
    // In the last 24 h: a viewed, and b carted (not bought); the old purchase is 20 days back.
    expect(by.log_items_24h).toBeCloseTo(Math.log(3), 12);
    expect(by.log_cart_items_24h).toBeCloseTo(Math.log(2), 12);
    expect(by.log_fav_items_24h).toBe(0);
    const later = Object.fromEntries(PROPENSITY_FEATURES.map((n, i) => [n, propensityFeatures(p, T0 + 22 * DAY)[i]]));
    expect([later.log_items_24h, later.log_cart_items_24h]).toEqual([0, 0]);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(propensityFeatures(emptyProfile(T0), T0).every(Number.isFinite)).toBe(true);
  });
});

describe('default models are sane', () => {
  it('an active shopper with an open cart is likelier to buy and less likely to churn than a lapsed one', () => {
    const p = shopper();
    const hot = T0 + 20 * DAY + 180_000;
    const cold = T0 + 80 * DAY;
    expect(purchaseIntent(p, hot)).toBeGreaterThan(0.5);
    expect(purchaseIntent(p, cold)).toBeLessThan(0.05);
    expect(churnRisk(p, hot)).toBeLessThan(0.2);
    expect(churnRisk(p, cold)).toBeGreaterThan(0.8);
    const fresh = emptyProfile(T0);
    for (const x of [purchaseIntent(fresh, T0), churnRisk(fresh, T0)]) expect(x > 0 && x < 1).toBe(true);
  });

  it('accept site models over a subset of features, in any order', () => {
    const m = { version: PROPENSITY_FEATURE_VERSION, features: ['open_cart'], intercept: -1, weights: [2] };
    expect(purchaseIntent(shopper(), T0 + 20 * DAY + 180_000, m)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(checkLogisticModel(DEFAULT_CHURN_RISK).weights).toEqual(DEFAULT_CHURN_RISK.weights);
    expect(predictLogistic(DEFAULT_PURCHASE_INTENT, [])).toBeCloseTo(1 / (1 + Math.exp(4)), 12);
  });

  it('reject malformed models naming the field', () => {
    expect(() => checkLogisticModel({ version: 'x', features: ['nope'], intercept: 0, weights: [1] })).toThrow(
      /features\[0\]|unknown feature "nope"/,
    );
    expect(() => checkLogisticModel({ version: 'x', features: ['open_cart'], intercept: 0, weights: [] })).toThrow(InvalidModelError);
    expect(() => checkLogisticModel({ version: 'x', features: [], intercept: Number.NaN, weights: [] })).toThrow(/intercept/);
  });
});

describe('fitLogistic', () => {
  function synthetic(n: number, w: number[], b: number, scale: number[], seed: number) {
    const rng = createRng(seed);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = w.map(() => gaussian(rng));
      const z = b + x.reduce((s, xi, j) => s + xi * (w[j] as number), 0);
      labels.push(rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
      rows.push(x.map((xi, j) => xi * (scale[j] as number)));
    }
    return { rows, labels };
  }

  it('recovers the signs of known weights on synthetic data, whatever the feature scales', () => {
    const scale = [1, 100, 0.01, 1];
    const { rows, labels } = synthetic(3000, [2, -1.5, 1, 0], -0.5, scale, 7);
    const fit = fitLogistic(rows, labels, { l2: 0.001, epochs: 400 });
    const w = fit.weights.map((x, j) => x * (scale[j] as number)); // back to unit-scale features
    expect(Math.sign(w[0] ?? 0)).toBe(1);
    expect(Math.sign(w[1] ?? 0)).toBe(-1);
    expect(Math.sign(w[2] ?? 0)).toBe(1);
    expect(Math.abs(w[3] ?? 0)).toBeLessThan(0.2);
    expect(w[0]).toBeGreaterThan(1.5);
    expect(w[1]).toBeLessThan(-1);
    expect(fit.intercept).toBeLessThan(0);
    expect(fit.loss).toBeLessThan(Math.log(2));
  });

  it('is deterministic and shrinks with a stronger L2 penalty', () => {
    const { rows, labels } = synthetic(500, [1, -1], 0, [1, 1], 9);
    expect(fitLogistic(rows, labels)).toEqual(fitLogistic(rows, labels));
    const weak = fitLogistic(rows, labels, { l2: 0 });
    const strong = fitLogistic(rows, labels, { l2: 1 });
    expect(Math.abs(strong.weights[0] ?? 0)).toBeLessThan(Math.abs(weak.weights[0] ?? 0));
  });

  it('rejects empty or mismatched input', () => {
    expect(() => fitLogistic([], [])).toThrow(RangeError);
    expect(() => fitLogistic([[1]], [1, 0])).toThrow(RangeError);
  });

  it('fits propensity features from profiles end to end', () => {
    const rng = createRng(5);
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 200; i++) {
      const cart = rng() < 0.5;
      const p = applyEvents(
        emptyProfile(T0),
        [ev('view', T0, { id: `v${i}` }), ...(cart ? [ev('add_to_cart', T0 + 60_000, { id: `v${i}` })] : [])],
        T0 + HOUR,
      );
      rows.push(propensityFeatures(p, T0 + 120_000));
      labels.push(cart === rng() < 0.8 ? 1 : 0);
    }
    const fit = fitLogistic(rows, labels);
    expect(fit.weights[PROPENSITY_FEATURES.indexOf('open_cart')]).toBeGreaterThan(0);
  });
});

describe('public surface', () => {
  it('locks the export list of core/propensity', async () => {
    const mod = await import('../../src/core/profile/propensity');
    expect(Object.keys(mod).sort()).toEqual([
      'DEFAULT_CHURN_RISK',
      'DEFAULT_PURCHASE_INTENT',
      'InvalidModelError',
      'PROPENSITY_FEATURES',
      'PROPENSITY_FEATURE_VERSION',
      'checkLogisticModel',
      'churnRisk',
      'fitLogistic',
      'predictLogistic',
      'propensityFeatures',
      'purchaseIntent',
    ]);
  });
});
