import { describe, expect, it } from 'vitest';
import { applyEventMut, decayTo, emptyProfile, PROFILE_CAPS } from '../../src/core/profile/profile';
import { randomEvents, T0 } from './profile-helpers';

const LIMIT = 64 * 1024;

function check(hostile: boolean, seed: number, n: number, nasty = false): number {
  const p = emptyProfile(T0);
  let max = 0;
  for (const [i, e] of randomEvents(n, seed, { hostile, nasty }).entries()) {
    applyEventMut(p, e, e.ts);
    if (i % 5000 === 4999) max = Math.max(max, new TextEncoder().encode(JSON.stringify(p)).length);
  }
  expect(p.eventCount + p.duplicates).toBe(n);
  expect(p.items.size).toBeLessThanOrEqual(PROFILE_CAPS.items);
  expect(p.categories.long.size).toBeLessThanOrEqual(PROFILE_CAPS.categories);
  expect(p.categories.short.size).toBeLessThanOrEqual(PROFILE_CAPS.categoriesShort);
  expect(p.brands.long.size).toBeLessThanOrEqual(PROFILE_CAPS.brands);
  expect(p.brands.short.size).toBeLessThanOrEqual(PROFILE_CAPS.brandsShort);
  expect(p.tags.long.size).toBeLessThanOrEqual(PROFILE_CAPS.tags);
  expect(p.tags.short.size).toBeLessThanOrEqual(PROFILE_CAPS.tagsShort);
  expect(p.prices.byCategory.size).toBeLessThanOrEqual(PROFILE_CAPS.priceBands);
  // Full maps are really used: eviction keeps at least 75 % of the cap.
  expect(p.items.size).toBeGreaterThanOrEqual(0.75 * PROFILE_CAPS.items);
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

  it('stays under 64 KB when keys are made of escapes, lone surrogates and multi-byte characters', () => {
    const size = check(true, 3, 10_000, true) + 32 * (32 + 64 + 6);
    expect(size).toBeLessThan(LIMIT);
  }, 120_000);
});
