import { describe, expect, it } from 'vitest';
import { applyEventMut, decayTo, emptyProfile, PROFILE_CAPS } from '../../src/core/profile';
import { randomEvents, T0 } from './profile-helpers';

const LIMIT = 64 * 1024;

function check(hostile: boolean, seed: number, n: number): number {
  const p = emptyProfile(T0);
  let max = 0;
  for (const [i, e] of randomEvents(n, seed, { hostile }).entries()) {
    applyEventMut(p, e, e.ts);
    if (i % 5000 === 4999) max = Math.max(max, new TextEncoder().encode(JSON.stringify(p)).length);
  }
  expect(p.eventCount + p.duplicates).toBe(n);
  expect(Object.keys(p.items.map).length).toBeLessThanOrEqual(PROFILE_CAPS.items);
  expect(Object.keys(p.categories.long).length).toBeLessThanOrEqual(PROFILE_CAPS.categories);
  expect(Object.keys(p.categories.short).length).toBeLessThanOrEqual(PROFILE_CAPS.categoriesShort);
  expect(Object.keys(p.brands.long).length).toBeLessThanOrEqual(PROFILE_CAPS.brands);
  expect(Object.keys(p.tags.long).length).toBeLessThanOrEqual(PROFILE_CAPS.tags);
  expect(Object.keys(p.prices.byCategory).length).toBeLessThanOrEqual(PROFILE_CAPS.priceBands);
  expect(p.items.size).toBe(Object.keys(p.items.map).length);
  expect(p.tags.sizeLong).toBe(Object.keys(p.tags.long).length);
  expect(p.recent.length).toBeLessThanOrEqual(PROFILE_CAPS.recentItems);
  const final = new TextEncoder().encode(JSON.stringify(decayTo(p, (p.lastTs ?? T0) + 1))).length;
  return Math.max(max, final);
}

describe('size bound', () => {
  it('stays under 64 KB of JSON for 100,000 random events', () => {
    expect(check(false, 1, 100_000)).toBeLessThan(LIMIT);
  }, 120_000);

  // Every map is full after a few thousand hostile events; 30,000 keep the test fast.
  it('stays under 64 KB for hostile events (max-length unique ids, categories, brands, 32 tags) plus 32 declared', () => {
    let size = check(true, 2, 30_000);
    // Worst-case declared attributes: 32 keys of 32 characters with 64-character values.
    size += 32 * (32 + 64 + 6);
    expect(size).toBeLessThan(LIMIT);
  }, 120_000);
});
