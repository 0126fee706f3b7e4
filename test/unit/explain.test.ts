import { describe, expect, it } from 'vitest';
import { categoryName, type FamilyContribution, familyList, familySums, groupContributions, reasonFor, reasonFromSums } from '../../src/core/rank/explain';
import { createRng } from '../../src/core/util/rng';
import { FAMILY_INDEX, FEATURE_DIM, FEATURE_FAMILIES, FEATURE_INDEX, FEATURES, type FeatureFamily, type FeatureName } from '../../src/core/model/features';
import { applyEvents, emptyProfile, type Profile } from '../../src/core/profile/profile';
import type { StoredEvent } from '../../src/core/types';
import { ev, T0 } from './profile-helpers';

const contrib = (values: Partial<Record<FeatureName, number>>): Float32Array => {
  const c = new Float32Array(FEATURE_DIM);
  for (const [name, v] of Object.entries(values)) c[FEATURE_INDEX[name as FeatureName]] = v;
  return c;
};
const byFamily = (values: Partial<Record<FeatureFamily, number>>): Float64Array => {
  const out = new Float64Array(FEATURE_FAMILIES.length);
  for (const [family, v] of Object.entries(values)) out[FAMILY_INDEX[family as FeatureFamily]] = v;
  return out;
};
const only = (family: FamilyContribution['family'], value = 1): FamilyContribution[] => [{ family, value }];
const profileOf = (events: readonly StoredEvent[]): Profile => applyEvents(emptyProfile(T0), events, events.at(-1)?.ts ?? T0);

describe('groupContributions', () => {
  it('sums per-feature contributions by family, largest magnitude first', () => {
    const g = groupContributions(contrib({ cat_long: 0.5, cat_short: 0.25, price_fit: -2, item_seen: 1, item_recent: 0.5 }));
    expect(g.slice(0, 3)).toEqual([
      { family: 'price', value: -2 },
      { family: 'item', value: 1.5 },
      { family: 'category', value: 0.75 },
    ]);
    // Every family appears once, even at zero.
    expect(new Set(g.map((x) => x.family))).toEqual(new Set(FEATURES.map((f) => f.family)));
    expect(g).toHaveLength(new Set(FEATURES.map((f) => f.family)).size);
    for (let i = 1; i < g.length; i++) expect(Math.abs(g[i]!.value)).toBeLessThanOrEqual(Math.abs(g[i - 1]!.value));
  });

  it('adds the taste model\'s per-family parts, and orders ties as the schema lists the families', () => {
    const g = groupContributions(contrib({ cat_long: 0.5, brand_long: -0.5, tag_mean: 0.25 }), byFamily({ tags: 0.25, brand: 1, similar: -0.5 }));
    expect(g.slice(0, 4)).toEqual([
      { family: 'category', value: 0.5 },
      { family: 'brand', value: 0.5 },
      { family: 'tags', value: 0.5 },
      { family: 'similar', value: -0.5 },
    ]);
  });

  it('treats missing entries of a short array as zero', () => {
    const g = groupContributions([1]);
    expect(g[0]).toEqual({ family: FEATURES[0]!.family, value: 1 });
    expect(g.slice(1).every((x) => x.value === 0)).toBe(true);
  });
});

describe('categoryName', () => {
  it('reads the leaf of a path', () => {
    expect(categoryName('beauty/lip-stick')).toBe('Lip stick');
    expect(categoryName('beauty/lipstick/')).toBe('Lipstick');
  });
});

describe('reasonFor', () => {
  it('names the category the shopper keeps coming back to, backing off to the known level', () => {
    const p = profileOf([1, 2, 3].map((i) => ev('click', T0 + i * 1000, { id: `l${i}`, category: 'beauty/lipstick' })));
    // The credit is decayed, not a count, so the reason speaks of strength, not of a number.
    expect(reasonFor(p, { id: 'c', category: 'beauty/lipstick' }, only('category'), T0 + 4000)).toBe('You often look at Lipstick');
    expect(reasonFor(p, { id: 'c', category: 'beauty/lipstick/matte' }, only('category'), T0 + 4000)).toBe(
      'You often look at Lipstick',
    );
  });

  it('says "You looked at" for a single item in the category', () => {
    const p = profileOf([ev('click', T0, { id: 'm', category: 'beauty/mascara' })]);
    expect(reasonFor(p, { id: 'c', category: 'beauty/mascara' }, only('category'), T0)).toBe('You looked at Mascara');
  });

  it('gives the price reason', () => {
    expect(reasonFor(emptyProfile(T0), { id: 'c', price: 10 }, only('price'), T0)).toBe('In your usual price range');
  });

  it('gives the item reasons: seen recently, with the strongest verb, and buy again', () => {
    const p = profileOf([
      ev('view', T0, { id: 'viewed' }),
      ev('view', T0 + 1, { id: 'carted' }),
      ev('add_to_cart', T0 + 2, { id: 'carted' }),
      ev('purchase', T0 + 3, { id: 'bought', consumable: true }),
    ]);
    expect(reasonFor(p, { id: 'viewed' }, only('item'), T0 + 10)).toBe('You viewed this recently');
    expect(reasonFor(p, { id: 'carted' }, only('item'), T0 + 10)).toBe('You added this to your cart recently');
    expect(reasonFor(p, { id: 'bought' }, only('item'), T0 + 10)).toBe('Buy again');
  });

  it('never says "Buy again" for a bought one-off item: the next family speaks instead', () => {
    const p = profileOf([ev('purchase', T0, { id: 'laptop', consumable: false, price: 1200 })]);
    expect(reasonFor(p, { id: 'laptop' }, only('item'), T0 + 10)).toBeUndefined();
    const fams: FamilyContribution[] = [
      { family: 'item', value: 2 },
      { family: 'price', value: 1 },
    ];
    expect(reasonFor(p, { id: 'laptop', price: 1200 }, fams, T0 + 10)).toBe('In your usual price range');
  });

  it('skips a family it cannot phrase and uses the next positive one', () => {
    const fams: FamilyContribution[] = [
      { family: 'category', value: 3 }, // candidate has no category
      { family: 'price', value: 1 },
    ];
    expect(reasonFor(emptyProfile(T0), { id: 'c' }, fams, T0)).toBe('In your usual price range');
  });

  it('is undefined when nothing positive lifted the candidate', () => {
    const p = profileOf([ev('click', T0, { id: 'a', category: 'x' })]);
    const fams: FamilyContribution[] = [
      { family: 'category', value: -1 },
      { family: 'price', value: 0 },
      { family: 'item', value: Number.NaN },
      { family: 'server', value: 5 }, // the server's own order needs no personal reason
    ];
    expect(reasonFor(p, { id: 'a', category: 'x' }, fams, T0)).toBeUndefined();
    expect(reasonFor(p, { id: 'a' }, [], T0)).toBeUndefined();
  });
});

describe('reasonFromSums', () => {
  const p = profileOf([
    ev('click', T0, { id: 'seen', category: 'beauty/lipstick', brand: 'Rouge', price: 12 }),
    ev('purchase', T0 + 1, { id: 'oneoff', consumable: false, category: 'home/desk', price: 300 }),
    ev('view', T0 + 2, { id: 'last', category: 'beauty/mascara', price: 9 }),
  ]);
  const candidates = [
    { id: 'seen', category: 'beauty/lipstick', brand: 'Rouge', price: 12 },
    { id: 'oneoff', category: 'home/desk', price: 300 },
    { id: 'new', brand: 'Unknown' },
    { id: 'last', category: 'beauty/mascara' },
  ];
  const values = [0, 1e-6, 2e-6, 0.5, 1, 1, -1, -2, 3];

  it('gives the reason reasonFor gives for the sorted family list, ties and negatives included', () => {
    const rng = createRng(5);
    const pick = () => values[Math.floor(rng() * values.length)]!;
    for (let t = 0; t < 2000; t++) {
      const sums = Float64Array.from(FEATURE_FAMILIES, pick);
      const c = candidates[t % candidates.length]!;
      expect(reasonFromSums(p, c, sums, T0 + 10)).toBe(reasonFor(p, c, familyList(sums), T0 + 10));
    }
  });

  it('follows the sorted list when a sum is not finite', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let k = 0; k < FEATURE_FAMILIES.length; k++) {
        const sums = Float64Array.from(FEATURE_FAMILIES, (_, j) => (j === k ? bad : j % 3 === 0 ? 0.5 : -0.25));
        for (const c of candidates) expect(reasonFromSums(p, c, sums, T0 + 10)).toBe(reasonFor(p, c, familyList(sums), T0 + 10));
      }
    }
  });
});

describe('familySums', () => {
  it('overwrites the buffer it is given with the same sums groupContributions lists', () => {
    const c = contrib({ cat_long: 0.5, item_seen: 1, price_fit: -2 });
    const taste = byFamily({ brand: 0.25, item: -0.5 });
    const out = new Float64Array(FEATURE_FAMILIES.length).fill(7);
    expect(familySums(c, taste, out)).toBe(out);
    expect(familyList(out)).toEqual(groupContributions(c, taste));
    expect(out[FAMILY_INDEX.item]).toBe(0.5);
    expect(out[FAMILY_INDEX.server]).toBe(0);
  });
});
