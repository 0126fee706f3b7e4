import { describe, expect, it } from 'vitest';
import { decayFactor, growth, pow2, quantize } from '../../src/core/profile/decay';
import {
  affinityTotals,
  applyEvent,
  brandAffinity,
  categoryAffinity,
  decayTo,
  emptyProfile,
  itemMemory,
  longValue,
  priceFit,
  tagAffinity,
} from '../../src/core/profile/profile';
import { DAY, ev, HOUR, randomEvents, T0 } from './profile-helpers';

/** Equal up to floating-point rounding. */
function expectRel(a: number | undefined, b: number | undefined): void {
  const x = a ?? 0;
  const y = b ?? 0;
  expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(x), Math.abs(y)));
}

const item = { id: 'sku-1', category: 'a/b', brand: 'Acme', tags: ['x'], price: 10 };

describe('forward decay', () => {
  it('halves a preference after exactly one half-life (long: 14 days, short: 1 hour)', () => {
    const p = applyEvent(emptyProfile(T0), ev('click', T0 + 12_345, item), T0 + 12_345);
    const now = T0 + 5 * HOUR + 777;
    const v = categoryAffinity(p, 'a/b', now, 'long').value;
    expect(categoryAffinity(p, 'a/b', now + 14 * DAY, 'long').value).toBe(v / 2);
    expect(categoryAffinity(p, 'a/b', now + 28 * DAY, 'long').value).toBe(v / 4);
    const s = brandAffinity(p, 'acme', now, 'short').value;
    expect(brandAffinity(p, 'acme', now + HOUR, 'short').value).toBe(s / 2);
    expect(categoryAffinity(p, 'a/b', T0 + 12_345, 'long').value).toBeCloseTo(1, 5);
  });

  it('uses the configured half-life', () => {
    const p = applyEvent(emptyProfile(T0, { halfLifeMs: 7 * DAY }), ev('click', T0, item), T0);
    expect(categoryAffinity(p, 'a', T0 + 7 * DAY).value).toBeCloseTo(0.5, 5);
  });

  it('is monotone non-increasing in time without new events', () => {
    let p = emptyProfile(T0);
    for (const e of randomEvents(200, 3)) p = applyEvent(p, e, e.ts);
    const start = p.lastTs ?? T0;
    let prev = Number.POSITIVE_INFINITY;
    let prevShort = Number.POSITIVE_INFINITY;
    for (let t = start; t < start + 60 * DAY; t += 7 * HOUR + 13) {
      const v = affinityTotals(p, t).categories.long;
      const s = affinityTotals(p, t).brands.short;
      expect(v).toBeLessThanOrEqual(prev);
      expect(s).toBeLessThanOrEqual(prevShort);
      prev = v;
      prevShort = s;
    }
  });

  it('splits factors into exact powers of two, so re-anchoring is exact', () => {
    expect(pow2(10)).toBe(1024);
    expect(pow2(-1074)).toBe(5e-324);
    const hl = 14 * DAY;
    for (const ts of [T0, T0 + 1, T0 + 123_456_789]) {
      expect(growth(ts, hl, 100) * pow2(-3)).toBe(growth(ts, hl, 103));
      expect(decayFactor(ts + hl, hl, 100)).toBe(decayFactor(ts, hl, 100) / 2);
    }
  });

  it('quantizes to 6 significant digits', () => {
    expect(quantize(1.23456789)).toBe(1.23457);
    expect(quantize(-123456789)).toBe(-123457000);
    expect(quantize(0.000123456789)).toBe(0.000123457);
    expect(quantize(0)).toBe(0);
  });

  it('re-anchors after long gaps, dropping credit that decayed to nothing but keeping item memory', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('purchase', T0, item), T0);
    const later = T0 + 300 * DAY;
    p = applyEvent(p, ev('view', later, { id: 'new', category: 'z', price: 10 }), later);
    // 300 days > 16 half-lives: the anchor moved and the old credit (5 · 2^(-300/14) ≈ 2e-6) was pruned.
    expect(p.anchorLong).toBe(Math.floor(later / (14 * DAY)));
    expect(categoryAffinity(p, 'a/b', later).depth).toBe(0);
    expect(itemMemory(p, 'sku-1', later)).toMatchObject({ strongest: 'purchase', bought: 1 });
    expect(itemMemory(p, 'sku-1', later)?.weight).toBeCloseTo(5 * 2 ** (-300 / 14), 7);
  });

  it('keeps accessor values through decayTo', () => {
    let p = emptyProfile(T0);
    for (const e of randomEvents(2000, 5)) p = applyEvent(p, e, e.ts);
    const now = (p.lastTs ?? T0) + 40 * DAY + 123;
    const d = decayTo(p, now);
    expect(d.anchorLong).toBe(Math.floor(now / (14 * DAY)));
    for (const c of ['c1', 'c1/c7', 'c2/c8/c8-3', 'c5']) {
      expectRel(categoryAffinity(d, c, now).value, categoryAffinity(p, c, now).value);
      expectRel(categoryAffinity(d, c, now).share, categoryAffinity(p, c, now).share);
    }
    expectRel(tagAffinity(d, ['t1', 't2', 't3'], now).sum, tagAffinity(p, ['t1', 't2', 't3'], now).sum);
    // The spread is a difference of large sums, so it carries more rounding than the shares.
    expect(Math.abs(priceFit(d, 'c1', 120) - priceFit(p, 'c1', 120))).toBeLessThan(1e-3);
    expectRel(longValue(d, d.sessions.weight, now), longValue(p, p.sessions.weight, now));
    expectRel(affinityTotals(d, now).brands.long, affinityTotals(p, now).brands.long);
  });

  it('drops short-term entries that decayed to nothing when re-anchoring', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('view', T0, { id: 'a', brand: 'old' }), T0);
    p = applyEvent(p, ev('view', T0 + 2 * DAY, { id: 'b', brand: 'new' }), T0 + 2 * DAY);
    expect([...p.brands.short.keys()]).toEqual(['new']);
    expect([...p.brands.long.keys()].sort()).toEqual(['new', 'old']);
  });
});
