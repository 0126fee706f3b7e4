import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BRAND_WEIGHT, CATEGORY_TABLE_MAX, CATEGORY_WEIGHT, categorySimilarity, type DiversityKeys, diversityKeys, similarity } from '../../src/core/rank/mmr';
import { type PlacementInput, placeItems, relevanceOrder, sortByRelevance } from '../../src/core/rank/placement';

/**
 * The rules of `placeItems` written the slow, obvious way: every step recomputes each candidate's
 * highest similarity to everything placed so far, and the rest of the list takes, position by
 * position, the most relevant candidate allowed there. The product keeps running maxima per group.
 */
function slowPlacement(input: PlacementInput): Int32Array {
  const { relevance, pinned, unavailable, keys, lambda, maxPerCategory, capWindow } = input;
  const n = relevance.length;
  const order = relevanceOrder(relevance, pinned);
  const rankOf = new Int32Array(n);
  order.forEach((y, r) => {
    rankOf[y] = r;
  });
  const out = new Int32Array(n);
  const placed = new Uint8Array(n);
  const selected: number[] = [];
  const capOn = keys !== undefined && Number.isFinite(maxPerCategory) && capWindow > 0;
  const mmrOn = keys !== undefined && lambda > 0;
  const selectEnd = Math.min(n, Math.max(mmrOn ? input.mmrPositions : 0, capOn ? capWindow : 0));
  let poolEnd = Math.min(order.length, Math.max(input.mmrPool, 1));
  const lo = poolEnd > 0 ? relevance[order[poolEnd - 1]!]! : 0;
  const hi = order.length > 0 ? relevance[order[0]!]! : 0;
  const scale = hi - lo > 0 ? hi - lo : 1;
  const count = (k: DiversityKeys, c: number, t: number) => selected.slice(0, t).filter((x) => k.category[x] === c).length;
  const allowed = (y: number, t: number, ignoreCap: boolean): boolean => {
    if (placed[y] || (unavailable[y] && y > t)) return false;
    if (ignoreCap || !capOn || t >= capWindow || keys === undefined) return true;
    const c = keys.category[y]!;
    return c < 0 || count(keys, c, Math.min(t, capWindow)) < maxPerCategory;
  };
  const value = (y: number): number => {
    if (!mmrOn || keys === undefined) return relevance[y]!;
    const m = selected.reduce((a, x) => Math.max(a, similarity(keys, x, y)), 0);
    return (1 - lambda) * ((relevance[y]! - lo) / scale) - lambda * m;
  };
  const best = (t: number, ignoreCap: boolean): number => {
    let b = -1;
    for (const y of order.slice(0, poolEnd)) if (allowed(y, t, ignoreCap) && (b < 0 || value(y) > value(b))) b = y;
    return b;
  };
  for (let t = 0; t < n; t++) {
    let pick: number;
    if (pinned[t]) pick = t;
    else if (t < selectEnd) {
      pick = best(t, false);
      while (pick < 0 && poolEnd < order.length) {
        const y = order[poolEnd++]!;
        if (allowed(y, t, false)) pick = y;
      }
      if (pick < 0) pick = best(t, true);
    } else pick = order.filter((y) => allowed(y, t, true)).sort((a, b) => rankOf[a]! - rankOf[b]!)[0] ?? -1;
    out[t] = pick;
    placed[pick] = 1;
    selected.push(pick);
  }
  return out;
}

const CATEGORIES = ['a', 'a/b', 'a/b/c', 'a/d', 'e', 'e/f', ' A / B ', ''];
const BRANDS = ['x', 'y', 'X ', 'z'];

const placementCase = fc
  .array(
    fc.record({
      relevance: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, 1.5)),
      category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
      brand: fc.option(fc.constantFrom(...BRANDS), { nil: undefined }),
      pinned: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
      unavailable: fc.integer({ min: 0, max: 9 }).map((x) => x < 2),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .chain((items) =>
    fc.record({
      items: fc.constant(items),
      lambda: fc.constantFrom(0, 0.15, 0.5, 1),
      maxPerCategory: fc.constantFrom(Number.POSITIVE_INFINITY, 1, 2, 3),
      capWindow: fc.integer({ min: 0, max: 12 }),
      mmrPositions: fc.integer({ min: 0, max: 30 }),
      mmrPool: fc.integer({ min: 1, max: 40 }),
    }),
  );

describe('placeItems', () => {
  it('places exactly as the slow rules do: pins, unavailable items, the cap, MMR over a pool that may run dry (property)', () => {
    fc.assert(
      fc.property(placementCase, ({ items, ...rest }) => {
        const input: PlacementInput = {
          relevance: Float64Array.from(items, (x) => x.relevance),
          pinned: Uint8Array.from(items, (x) => (x.pinned ? 1 : 0)),
          unavailable: Uint8Array.from(items, (x) => (x.unavailable ? 1 : 0)),
          keys: diversityKeys(
            items.map((x, i) => ({ id: `i${i}`, ...(x.category === undefined ? {} : { category: x.category }), ...(x.brand === undefined ? {} : { brand: x.brand }) })),
          ),
          ...rest,
        };
        expect([...placeItems(input)!]).toEqual([...slowPlacement(input)]);
        // Past CATEGORY_TABLE_MAX paths there is no table: similarities come from the prefixes.
        const untabled: PlacementInput = { ...input, keys: { ...input.keys!, categorySim: undefined } };
        expect([...placeItems(untabled)!]).toEqual([...slowPlacement(untabled)]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('relevanceOrder', () => {
  /** The order as a comparison sort gives it. */
  const sorted = (relevance: Float64Array, pinned: Uint8Array): number[] =>
    [...relevance.keys()].filter((i) => pinned[i] !== 1).sort((a, b) => relevance[b]! - relevance[a]! || a - b);

  it('sorts by relevance, highest first, ties (0 and -0 alike) by server position, without the pinned (property)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, 1, -1, 1.5, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE),
      fc.integer({ min: -3, max: 3 }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ r: value, pinned: fc.integer({ min: 0, max: 9 }) }), { maxLength: 300, size: 'large' }), (items) => {
        const relevance = Float64Array.from(items, (x) => x.r);
        const pinned = Uint8Array.from(items, (x) => (x.pinned === 0 ? 1 : 0));
        expect([...relevanceOrder(relevance, pinned)]).toEqual(sorted(relevance, pinned));
      }),
      { numRuns: 500 },
    );
  });

  it('sortByRelevance keeps the given order of equal values, whatever that order, and takes runs already in order as they are (property)', () => {
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }), fc.constantFrom(0, -0));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200, size: 'large' }), fc.integer({ min: 0, max: 2 }), (values, shape) => {
        const relevance = Float64Array.from(values);
        const positions = [...relevance.keys()];
        // Shuffled by a fixed rule, already sorted, or reversed.
        const given = shape === 0 ? positions.map((_, i) => (i * 37) % positions.length).filter((x, i, a) => a.indexOf(x) === i) : positions;
        if (shape === 1) given.sort((a, b) => relevance[b]! - relevance[a]!);
        if (shape === 2) given.reverse();
        const expected = [...given].sort((a, b) => relevance[b]! - relevance[a]!); // stable
        expect([...sortByRelevance(Int32Array.from(given), relevance)]).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('orders 1,000 blended-looking scores as the comparison sort does', () => {
    let x = 7;
    const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 6 - 3;
    const relevance = Float64Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? 0.25 : next()));
    const pinned = Uint8Array.from({ length: 1000 }, (_, i) => (i % 97 === 0 ? 1 : 0));
    expect([...relevanceOrder(relevance, pinned)]).toEqual(sorted(relevance, pinned));
  });
});

describe('diversityKeys', () => {
  /** Groups are the distinct (path, brand) pairs, numbered in order of first appearance, each with its first item. */
  function expectGroups(keys: DiversityKeys): void {
    const number = new Map<string, number>();
    const members: number[] = [];
    for (let i = 0; i < keys.group.length; i++) {
      const pair = `${keys.category[i]}|${keys.brand[i]}`;
      if (!number.has(pair)) {
        number.set(pair, number.size);
        members.push(i);
      }
    }
    expect([...keys.group]).toEqual(Array.from(keys.group, (_, i) => number.get(`${keys.category[i]}|${keys.brand[i]}`)));
    expect(keys.groupCount).toBe(number.size);
    expect([...keys.groupMember]).toEqual(members);
  }

  it('numbers (path, brand) groups by first appearance, through a table or, for many paths and brands, a map', () => {
    const small = diversityKeys(Array.from({ length: 300 }, (_, i) => ({ id: `s${i}`, category: CATEGORIES[i % 8]!, ...(i % 5 === 0 ? {} : { brand: BRANDS[i % 4]! }) })));
    expectGroups(small);
    // 61 paths and 98 brands (with "none" each): past the table's size.
    const large = diversityKeys(Array.from({ length: 3000 }, (_, i) => ({ id: `l${i}`, category: `c/${i % 60}`, brand: `b${(i * 7) % 97}` })));
    expect(large.categoryCount * 98).toBeGreaterThan(4096);
    expectGroups(large);
    // Each path's similarity row is taken from its first item.
    expect(small.categorySim).toBeDefined();
  });
});

describe('similarity', () => {
  it('reads category similarity from the per-list table exactly as comparing prefixes gives it, and without a table past its size', () => {
    const few = ['a', 'a/b', 'a/b/c', 'A / B / d', 'e', '/', ''];
    const many = Array.from({ length: CATEGORY_TABLE_MAX + 1 }, (_, i) => `top${i % 3}/mid${i % 5}/leaf${i}`);
    for (const paths of [few, many]) {
      const list = paths.flatMap((category, i) => [
        { id: `${i}a`, category, brand: i % 2 ? 'x' : 'Y' },
        { id: `${i}b`, category, brand: 'y' },
      ]);
      list.push({ id: 'none', brand: 'x' } as (typeof list)[number]);
      const keys = diversityKeys(list);
      expect(keys.categorySim === undefined).toBe(paths === many);
      for (let i = 0; i < list.length; i++) {
        for (let j = 0; j < list.length; j++) {
          const sameBrand = keys.brand[i]! >= 0 && keys.brand[i] === keys.brand[j] ? 1 : 0;
          expect(similarity(keys, i, j)).toBe(CATEGORY_WEIGHT * categorySimilarity(keys, i, j) + BRAND_WEIGHT * sameBrand);
        }
      }
    }
  });
});
