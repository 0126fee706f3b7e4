import { describe, expect, it } from 'vitest';
import { applyEvents, emptyProfile, type Profile } from '../../src/core/profile/profile';
import {
  behaviourSegmentsOf,
  checkCentroidFile,
  fuzzyMemberships,
  InvalidCentroidsError,
  lifecycleOf,
  segmentFeature,
  segmentsOf,
  valueSegmentOf,
} from '../../src/core/profile/segments';
import { createRng } from '../../src/core/util/rng';
import type { StoredEvent } from '../../src/core/types';
import { DAY, ev, T0 } from './profile-helpers';

function build(events: StoredEvent[]): Profile {
  return applyEvents(emptyProfile(T0), events, events.at(-1)?.ts ?? T0);
}

/**
 * `n` clicks on distinct items at one instant aligned on the half-life grid, so every credit is
 * exactly 1 and shares are exact fractions (3 of 10 is exactly 0.3).
 */
const ALIGNED = Math.ceil(T0 / (14 * DAY)) * 14 * DAY;
function clicks(n: number, make: (i: number) => StoredEvent['item']): StoredEvent[] {
  return Array.from({ length: n }, (_, i) => ev('click', ALIGNED, make(i)));
}

const names = (p: Profile, cfg = {}) => behaviourSegmentsOf(p, ALIGNED + DAY, cfg).map((s) => s.name);

describe('lifecycle rules, at and just below each threshold', () => {
  const p = build([ev('view', T0, { id: 'a' }), ev('view', T0 + 10 * DAY, { id: 'b' })]);
  const last = T0 + 10 * DAY;

  it('new until 7 days after first seen', () => {
    const q = build([ev('view', T0, { id: 'a' })]);
    expect(lifecycleOf(q, T0 + 7 * DAY - 1).name).toBe('new');
    expect(lifecycleOf(q, T0 + 7 * DAY).name).toBe('active');
    expect(lifecycleOf(emptyProfile(T0), T0).name).toBe('new');
  });

  it('active below 21 days since the last visit, at-risk from 21, dormant from 60', () => {
    expect(lifecycleOf(p, last + 21 * DAY - 1).name).toBe('active');
    const atRisk = lifecycleOf(p, last + 21 * DAY);
    expect(atRisk.name).toBe('at-risk');
    expect(atRisk.evidence.values.daysSinceLastVisit).toBe(21);
    expect(atRisk.evidence.text).toBe('last visit 21.0 days ago (≥ 21)');
    expect(lifecycleOf(p, last + 60 * DAY - 1).name).toBe('at-risk');
    expect(lifecycleOf(p, last + 60 * DAY).name).toBe('dormant');
  });

  it('takes site thresholds', () => {
    expect(lifecycleOf(p, last + 3 * DAY, { lifecycle: { atRiskDays: 3 } }).name).toBe('at-risk');
  });
});

describe('value segment against site thresholds', () => {
  const buy = (price: number) => build([ev('purchase', T0, { id: 'a', price })]);
  it('high-value at the spend threshold, not just below', () => {
    expect(valueSegmentOf(buy(500), T0, { value: { spend: 500 } })?.name).toBe('high-value');
    expect(valueSegmentOf(buy(499.99), T0, { value: { spend: 500 } })).toBeNull();
    expect(valueSegmentOf(buy(120), T0, { value: { aov: 120 } })?.evidence.values.aovThreshold).toBe(120);
    expect(valueSegmentOf(buy(119.99), T0, { value: { aov: 120 } })).toBeNull();
    expect(valueSegmentOf(buy(1e6), T0, {})).toBeNull(); // no site thresholds, no value segment
  });
});

describe('behaviour tags', () => {
  it('bargain hunter at the deal-tag share threshold', () => {
    const p = build(clicks(10, (i) => ({ id: `i${i}`, tags: i < 3 ? ['SALE'] : ['plain'] })));
    expect(names(p)).toContain('bargain-hunter');
    expect(names(p, { behaviour: { bargainShare: 0.3001 } })).not.toContain('bargain-hunter');
    const s = behaviourSegmentsOf(p, ALIGNED + DAY).find((x) => x.name === 'bargain-hunter');
    expect(s?.evidence.values.dealShare).toBe(0.3);
  });

  it('brand loyal at the top-brand share threshold', () => {
    const p = build(clicks(10, (i) => ({ id: `i${i}`, brand: i < 5 ? 'Acme' : `other${i}` })));
    expect(names(p)).toContain('brand-loyal');
    expect(names(p, { behaviour: { brandLoyalShare: 0.5001 } })).not.toContain('brand-loyal');
  });

  it('window shopper from 20 item views and clicks without an order', () => {
    const p20 = build(clicks(20, (i) => ({ id: `i${i}` })));
    const p19 = build([...clicks(19, (i) => ({ id: `i${i}` })), ev('search', ALIGNED + 100_000, undefined, { query: 'x' })]);
    expect(names(p20)).toContain('window-shopper');
    expect(names(p19)).not.toContain('window-shopper');
    const bought = build([...clicks(20, (i) => ({ id: `i${i}` })), ev('purchase', ALIGNED + 100_000, { id: 'z' })]);
    expect(names(bought)).not.toContain('window-shopper');
  });

  it('explorer from 4 top-level categories with ≥ 5 % each', () => {
    const p4 = build(clicks(12, (i) => ({ id: `i${i}`, category: `top${i % 4}/sub` })));
    const p3 = build(clicks(12, (i) => ({ id: `i${i}`, category: `top${i % 3}/sub` })));
    expect(names(p4)).toContain('explorer');
    expect(names(p3)).not.toContain('explorer');
  });

  it('needs at least 10 events', () => {
    expect(names(build(clicks(9, (i) => ({ id: `i${i}`, brand: 'Acme' }))))).toEqual([]);
    expect(names(build(clicks(10, (i) => ({ id: `i${i}`, brand: 'Acme' }))))).toEqual(['brand-loyal']);
  });
});

describe('fuzzy c-means memberships', () => {
  it('matches hand-computed cases', () => {
    // d = 1 and 3, m = 2: u1 = 1 / (1 + (1/3)^2) = 0.9.
    const u = fuzzyMemberships([0, 0], [[1, 0], [3, 0]]);
    expect(u[0]).toBeCloseTo(0.9, 12);
    expect(u[1]).toBeCloseTo(0.1, 12);
    // m = 3: exponent 1, u1 = 1 / (1 + 1/3) = 0.75.
    expect(fuzzyMemberships([0, 0], [[1, 0], [3, 0]], 3)[0]).toBeCloseTo(0.75, 12);
    // d = 1, 2, 2: u1 = 1 / (1 + 1/4 + 1/4) = 2/3.
    const v = fuzzyMemberships([0, 0], [[1, 0], [0, 2], [-2, 0]]);
    expect(v[0]).toBeCloseTo(2 / 3, 12);
    expect(v[1]).toBeCloseTo(1 / 6, 12);
  });

  it('gives a point on a centroid full membership (shared between coinciding centroids)', () => {
    expect(fuzzyMemberships([1, 2], [[1, 2], [5, 5]])).toEqual([1, 0]);
    expect(fuzzyMemberships([1, 2], [[1, 2], [5, 5], [1, 2]])).toEqual([0.5, 0, 0.5]);
  });

  it('memberships are in [0, 1] and sum to 1 (random points, large m and distances)', () => {
    const rng = createRng(3);
    for (let t = 0; t < 500; t++) {
      const k = 1 + Math.floor(rng() * 6);
      const cs = Array.from({ length: k }, () => [rng() * 1e3, rng() * 10]);
      const m = 1.05 + rng() * 5;
      const u = fuzzyMemberships([rng() * 1e3, rng() * 10], cs, m);
      expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      for (const x of u) expect(x >= 0 && x <= 1).toBe(true);
    }
  });

  it('uses site centroid files over named profile features', () => {
    const p = build([
      ev('purchase', T0, { id: 'a', price: 60, category: 'shoes/running' }),
      ev('purchase', T0 + 2 * DAY, { id: 'b', price: 40, category: 'shoes' }),
    ]);
    expect(segmentFeature(p, 'frequency', T0 + 2 * DAY)).toBe(2);
    expect(segmentFeature(p, 'monetary', T0 + 2 * DAY)).toBe(100);
    expect(segmentFeature(p, 'cat:shoes', T0 + 2 * DAY)).toBeCloseTo(1, 5);
    expect(segmentFeature(p, 'no-such-feature', T0)).toBe(0);
    const r = segmentsOf(p, T0 + 2 * DAY, {
      centroids: { features: ['frequency', 'monetary'], centroids: [[2, 100], [0, 0]], names: ['loyal', 'casual'] },
    });
    expect(r.fuzzy).toEqual([
      { name: 'loyal', membership: 1 },
      { name: 'casual', membership: 0 },
    ]);
  });

  it('rejects malformed centroid files', () => {
    expect(() => checkCentroidFile({ features: ['a'], centroids: [[1, 2]] })).toThrow(InvalidCentroidsError);
    expect(() => checkCentroidFile({ features: ['a'], centroids: [] })).toThrow(/not be empty/);
    expect(() => checkCentroidFile({ features: ['a'], centroids: [[Number.NaN]] })).toThrow(InvalidCentroidsError);
    expect(() => checkCentroidFile({ features: ['a'], centroids: [[1]], m: 1 })).toThrow(/m must be/);
  });
});

describe('segmentsOf', () => {
  it('collects lifecycle, value, behaviour and propensity segments with thresholds inclusive', () => {
    const events = [
      ...clicks(12, (i) => ({ id: `i${i}`, brand: 'Acme', price: 30 })),
      ev('add_to_cart', ALIGNED + 60_000, { id: 'i1', brand: 'Acme', price: 30 }),
    ];
    const p = build(events);
    const now = ALIGNED + 61_000;
    const base = segmentsOf(p, now, { value: { spend: 1 } });
    expect(base.lifecycle.name).toBe('new');
    expect(base.value).toBeNull();
    expect(base.names).toContain('brand-loyal');
    const pi = base.propensity.purchaseIntent;
    expect(segmentsOf(p, now, { propensity: { threshold: pi } }).names).toContain('likely-to-buy');
    expect(segmentsOf(p, now, { propensity: { threshold: pi + 1e-9 } }).names).not.toContain('likely-to-buy');
  });
});

describe('public surface', () => {
  it('locks the export list of core/segments', async () => {
    const mod = await import('../../src/core/profile/segments');
    expect(Object.keys(mod).sort()).toEqual([
      'InvalidCentroidsError',
      'behaviourSegmentsOf',
      'checkCentroidFile',
      'fuzzyMemberships',
      'lifecycleOf',
      'segmentFeature',
      'segmentsOf',
      'valueSegmentOf',
    ]);
  });
});
