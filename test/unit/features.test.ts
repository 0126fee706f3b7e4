import { describe, expect, it } from 'vitest';
import { FEATURE_DIM, FEATURE_INDEX, FEATURES, features } from '../../src/core/model/features';
import { FEATURE_DOCS } from '../../src/core/model/feature-docs';
import { applyEventMut, applyEvents, cloneProfile, emptyProfile, type Profile } from '../../src/core/profile/profile';
import { applyRemovedInterests } from '../../src/core/privacy/interests';
import type { Candidate, ItemFeatures, StoredEvent } from '../../src/core/types';
import { ev, HOUR, randomEvents, T0 } from './profile-helpers';

const F = FEATURE_INDEX as Record<string, number>;
const DAY = 86_400_000;

/** One candidate's features, by name. */
function row(profile: Profile, candidates: readonly Candidate[], i: number, now: number): Record<string, number> {
  const X = features(profile, candidates, { now });
  const out: Record<string, number> = {};
  for (const f of FEATURES) out[f.name] = X[i * FEATURE_DIM + F[f.name]!]!;
  return out;
}

/** The top level of the profile's most recent category. */
const categoryOf = (p: Profile): string => p.recentCategories[0]!.split('/')[0]!;

const profileOf = (events: readonly StoredEvent[], now: number): Profile => applyEvents(emptyProfile(T0), events, now);

/** A profile with a few hundred varied events: every map and list in use. */
const busy = (): Profile => {
  const events = randomEvents(300, 5, { start: T0 - 2 * 86_400_000 });
  return profileOf(events, events[events.length - 1]!.ts);
};

function expectAllFinite(X: Float32Array): void {
  const bad = [...X.keys()].filter((j) => !Number.isFinite(X[j]!));
  expect(bad.map((j) => `row ${Math.floor(j / FEATURE_DIM)} ${FEATURES[j % FEATURE_DIM]!.name}`)).toEqual([]);
}

describe('feature schema', () => {
  it('has FEATURE_DIM entries with unique names, each with a family and a meaning', () => {
    expect(Object.keys(FEATURE_DOCS).sort()).toEqual(FEATURES.map((f) => f.name).sort());
    expect(FEATURES).toHaveLength(FEATURE_DIM);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURE_DIM);
    for (const f of FEATURES) {
      expect(FEATURE_DOCS[f.name].length).toBeGreaterThan(10);
      expect(FEATURE_INDEX[f.name]).toBe(FEATURES.indexOf(f));
    }
  });
});

describe('features', () => {
  it('gives finite, neutral values for candidates missing every optional field (empty profile)', () => {
    const X = features(emptyProfile(T0), [{ id: 'a' }, { id: 'b' }], { now: T0 });
    expect(X).toHaveLength(2 * FEATURE_DIM);
    expectAllFinite(X);
    // Nothing personal is known: only position and "new shopper" context may be non-zero.
    const nonZero = FEATURES.filter((f) => X[F[f.name]!] !== 0).map((f) => f.name);
    expect(nonZero.sort()).toEqual(['ctx_new', 'server_rank']);
  });

  it('gives finite values for bare candidates against a busy profile, and zero for their missing fields', () => {
    const p = busy();
    const now = p.lastTs! + 1000;
    const X = features(p, [{ id: 'never-seen' }, { id: 'x', category: '' }, { id: 'y', tags: [] }], { now });
    expectAllFinite(X);
    for (let i = 0; i < 3; i++) {
      for (const name of ['cat_long', 'cat_depth', 'cat_known', 'brand_long', 'price_fit', 'tag_mean', 'item_seen', 'emb_max', 'rel_sum']) {
        expect(X[i * FEATURE_DIM + F[name]!], `${name} of row ${i}`).toBe(0);
      }
    }
  });

  it('backs off to the parent category: an event in a/b lifts a candidate in a/b/c through cat_long, with cat_depth < 1', () => {
    const p = profileOf([ev('click', T0, { id: 'seen', category: 'a/b' })], T0);
    const cands: Candidate[] = [{ id: 'deep', category: 'a/b/c' }, { id: 'same', category: 'a/b' }, { id: 'other', category: 'z/y/x' }];
    const deep = row(p, cands, 0, T0);
    const same = row(p, cands, 1, T0);
    const other = row(p, cands, 2, T0);
    expect(deep.cat_long).toBeGreaterThan(0);
    expect(deep.cat_known).toBe(1);
    expect(deep.cat_depth).toBeCloseTo(2 / 3, 6);
    expect(same.cat_depth).toBe(1);
    expect(other.cat_long).toBe(0);
    expect(other.cat_known).toBe(0);
  });

  it('marks a just-seen item: item_seen 1, item_rank 1, item_recent ≈ 1', () => {
    const p = profileOf([ev('view', T0, { id: 'old' }), ev('click', T0 + 60_000, { id: 'just' })], T0 + 60_000);
    const cands: Candidate[] = [{ id: 'just' }, { id: 'old' }, { id: 'never' }];
    const now = T0 + 60_000;
    const just = row(p, cands, 0, now);
    expect(just.item_seen).toBe(1);
    expect(just.item_rank).toBe(1);
    expect(just.item_recent).toBeGreaterThan(0.98);
    expect(just.item_strength).toBeCloseTo(2 / 6, 6);
    const old = row(p, cands, 1, now);
    expect(old.item_rank).toBeCloseTo(0.8, 6);
    expect(row(p, cands, 2, now).item_seen).toBe(0);
    // An hour later the hourly recency has halved; the daily one barely moved.
    const later = row(p, cands, 0, now + HOUR);
    expect(later.item_recent).toBeCloseTo(0.5, 1);
    expect(later.item_day).toBeGreaterThan(0.95);
  });

  it('tells a bought one-off item (demote) from a bought consumable (re-buy)', () => {
    const p = profileOf(
      [ev('purchase', T0, { id: 'tv' }), ev('purchase', T0 + 1000, { id: 'coffee', consumable: true })],
      T0 + 1000,
    );
    const cands: Candidate[] = [{ id: 'tv', consumable: false }, { id: 'coffee' }];
    const tv = row(p, cands, 0, T0 + 2000);
    const coffee = row(p, cands, 1, T0 + 2000);
    expect([tv.bought_oneoff, tv.bought_consumable]).toEqual([4, 0]);
    // A bought item's memory no longer promotes it: no "seen", recency or strength.
    expect([tv.item_seen, tv.item_recent, tv.item_rank, tv.item_strength]).toEqual([0, 0, 0, 0]);
    // The consumable is not due the day after (no purchase-interval history: 30 days)…
    expect([coffee.bought_oneoff, coffee.bought_consumable]).toEqual([0, 0]);
    // …starts coming due at 70 % of the interval and is due from the interval on.
    expect(row(p, cands, 1, T0 + 24 * DAY).bought_consumable).toBeCloseTo(((24 / 30) - 0.7) / 0.3, 4);
    expect(row(p, cands, 1, T0 + 31 * DAY).bought_consumable).toBe(1);
    expect(row(p, cands, 0, T0 + 31 * DAY).bought_oneoff).toBe(4);
  });

  it("the repurchase interval is the shopper's own mean purchase interval when known", () => {
    const p = profileOf(
      [ev('purchase', T0, { id: 'soap', consumable: true }), ev('purchase', T0 + 10 * DAY, { id: 'soap', consumable: true })],
      T0 + 10 * DAY,
    );
    expect(row(p, [{ id: 'soap' }], 0, T0 + 15 * DAY).bought_consumable).toBe(0);
    expect(row(p, [{ id: 'soap' }], 0, T0 + 20 * DAY).bought_consumable).toBe(1);
  });

  it('a candidate flagged consumable re-buys (when due) even when the bought event did not say so', () => {
    const p = profileOf([ev('purchase', T0, { id: 'soap' })], T0);
    expect(row(p, [{ id: 'soap', consumable: true }], 0, T0 + 40 * DAY).bought_consumable).toBe(1);
    expect(row(p, [{ id: 'soap', consumable: false }], 0, T0 + 40 * DAY).bought_oneoff).toBe(4);
    // Kind unknown (the site says nothing): marked bought, and its memory still speaks.
    const unknown = row(p, [{ id: 'soap' }], 0, T0 + 40 * DAY);
    expect([unknown.bought_oneoff, unknown.item_seen]).toEqual([1, 1]);
  });

  it('weighs item attention: a tile impression barely counts, a product page with dwell counts like a click', () => {
    const p = profileOf(
      [
        ev('view', T0, { id: 'tile' }),
        ev('view', T0, { id: 'page' }, { dwellMs: 60_000 }),
        ev('click', T0, { id: 'clicked' }),
      ],
      T0,
    );
    const cands: Candidate[] = [{ id: 'tile' }, { id: 'page' }, { id: 'clicked' }];
    const [tile, page, clicked] = [0, 1, 2].map((i) => row(p, cands, i, T0).item_seen!);
    expect(tile).toBeCloseTo(0.1, 5);
    expect(page).toBeCloseTo(1, 5);
    expect(clicked).toBe(1);
    // Repeated impressions add up.
    const again = profileOf([ev('view', T0, { id: 'tile' }), ev('view', T0 + 2000, { id: 'tile' }), ev('view', T0 + 4000, { id: 'tile' })], T0 + 4000);
    expect(row(again, [{ id: 'tile' }], 0, T0 + 4000).item_seen).toBeCloseTo(0.3, 4);
  });

  it('rel_back reads the recent items\' own related lists, the newest counting most', () => {
    const p = profileOf(
      [
        ev('view', T0, { id: 'older', related: [{ id: 'x', score: 1 }] }),
        ev('view', T0 + 1000, { id: 'last', related: [{ id: 'y', score: 1 }, { id: 'x', score: 0.5 }] }),
      ],
      T0 + 1000,
    );
    const cands: Candidate[] = [{ id: 'y' }, { id: 'x' }, { id: 'z' }];
    const y = row(p, cands, 0, T0 + 2000).rel_back!;
    const x = row(p, cands, 1, T0 + 2000).rel_back!;
    expect(y).toBeCloseTo(1 / 3, 6);
    // x: 0.5 from the newest list plus 1 × 0.8 from the one before.
    expect(x).toBeCloseTo((0.5 + 0.8) / 3, 6);
    expect(row(p, cands, 2, T0 + 2000).rel_back).toBe(0);
  });

  it('scores a related list that comes back (indexed) exactly as a fresh copy of it (plain loop)', () => {
    const p = profileOf([ev('view', T0, { id: 'a' }), ev('view', T0 + 1000, { id: 'b' })], T0 + 1000);
    // 'a' twice: the index must count a repeated id as the plain loop does.
    const long = Array.from({ length: 60 }, (_, i) => ({ id: i === 7 || i === 20 ? 'a' : i === 40 ? 'b' : `n${i}`, score: 1 / (i + 1) }));
    const cand: Candidate = Object.freeze({ id: 'c', related: long });
    const fresh = () => features(p, [{ id: 'c', related: long.map((r) => ({ ...r })) }], { now: T0 + 2000 });
    const first = features(p, [cand], { now: T0 + 2000 });
    const again = features(p, [cand], { now: T0 + 2000 });
    const third = features(p, [cand], { now: T0 + 2000 });
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(third)).toEqual(Array.from(fresh()));
    expect(first[FEATURE_INDEX.rel_max!]).toBeCloseTo(1 / 8, 6);
  });

  it('rel_sum and rel_max read a candidate\'s related list against recent items', () => {
    const p = profileOf([ev('view', T0, { id: 'older' }), ev('view', T0 + 1000, { id: 'last' })], T0 + 1000);
    const cands: Candidate[] = [
      { id: 'c1', related: [{ id: 'last', score: 0.8 }] },
      { id: 'c2', related: [{ id: 'older', score: 0.8 }] },
      { id: 'c3', related: [{ id: 'unknown', score: 1 }] },
    ];
    const c1 = row(p, cands, 0, T0 + 2000);
    const c2 = row(p, cands, 1, T0 + 2000);
    // The squashing of rel_sum is the schema's business; these are the properties the model relies on.
    expect(c1.rel_sum).toBeGreaterThan(0);
    expect(c1.rel_sum).toBeLessThanOrEqual(1);
    expect(c1.rel_max).toBeCloseTo(0.8, 6);
    // A link to an item further back counts less.
    expect(c2.rel_sum).toBeGreaterThan(0);
    expect(c2.rel_sum).toBeLessThan(c1.rel_sum!);
    expect(c2.rel_max).toBeCloseTo(0.8, 6);
    expect(row(p, cands, 2, T0 + 2000).rel_sum).toBe(0);
  });

  it('measures embedding similarity to recent items', () => {
    const p = profileOf(
      [ev('view', T0, { id: 'x', embedding: [1, 0, 0] }), ev('view', T0 + 1000, { id: 'y', embedding: [0, 1, 0] })],
      T0 + 1000,
    );
    const cands: Candidate[] = [
      { id: 'like-y', embedding: [0, 2, 0] },
      { id: 'like-x', embedding: [3, 0, 0] },
      { id: 'neither', embedding: [0, 0, 1] },
      { id: 'zero', embedding: [0, 0, 0] },
    ];
    const likeY = row(p, cands, 0, T0 + 2000);
    const likeX = row(p, cands, 1, T0 + 2000);
    const neither = row(p, cands, 2, T0 + 2000);
    expect(likeY.emb_last).toBeCloseTo(1, 5);
    expect(likeY.emb_max).toBeCloseTo(1, 5);
    expect(likeX.emb_last).toBeCloseTo(0, 5);
    expect(likeX.emb_max).toBeCloseTo(1, 5);
    // The most recent item weighs more in the mean.
    expect(likeY.emb_mean).toBeGreaterThan(likeX.emb_mean!);
    expect([neither.emb_max, neither.emb_mean, neither.emb_last]).toEqual([0, 0, 0]);
    expectAllFinite(features(p, cands, { now: T0 + 2000 }));
  });

  it('compares embeddings of different lengths over their common prefix (the candidate\'s norm over it, the recent item\'s whole)', () => {
    const p = profileOf(
      [
        ev('view', T0, { id: 'long', embedding: [1, 2, 2, 4] }),
        ev('view', T0 + 1000, { id: 'short', embedding: [3, 4] }),
        ev('view', T0 + 2000, { id: 'same', embedding: [1, 0, 1] }),
      ],
      T0 + 2000,
    );
    const e = [2, 1, 2];
    const r = row(p, [{ id: 'c', embedding: e }], 0, T0 + 3000);
    // Most recent first: 'same' (3 values), 'short' (2), 'long' (4, compared over 3).
    const same = (2 + 2) / (3 * Math.SQRT2);
    const short = (6 + 4) / (Math.sqrt(5) * 5);
    const long = (2 + 2 + 4) / (3 * 5);
    expect(r.emb_last).toBeCloseTo(same, 6);
    expect(r.emb_max).toBeCloseTo(Math.max(same, short, long), 6);
    expect(r.emb_mean).toBeCloseTo((same + 0.7 * short + 0.49 * long) / (1 + 0.7 + 0.49), 6);
  });

  it('server_rank is 1 at the top and strictly decreasing down the list', () => {
    const cands = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}` }));
    const X = features(emptyProfile(T0), cands, { now: T0 });
    const ranks = cands.map((_, i) => X[i * FEATURE_DIM + F.server_rank!]!);
    expect(ranks[0]).toBe(1);
    for (let i = 1; i < ranks.length; i++) expect(ranks[i]).toBeLessThan(ranks[i - 1]!);
    expect(ranks[49]).toBeGreaterThanOrEqual(0);
    expect(features(emptyProfile(T0), [{ id: 'only' }], { now: T0 })[F.server_rank!]).toBe(1);
  });

  it('never produces NaN from hostile candidates or a profile fed hostile events', () => {
    const hostileItem: ItemFeatures = {
      id: '__proto__',
      category: '__proto__/constructor/prototype',
      brand: 'constructor',
      tags: ['__proto__', 'constructor', 'hasOwnProperty', 'toString'],
      price: 10,
    };
    const events = [
      ...randomEvents(200, 9, { hostile: true }),
      ev('click', T0 + 1, hostileItem),
      ev('purchase', T0 + 2, { ...hostileItem, price: 1e300 }),
      ev('view', T0 + 3, { id: 'p0', price: 0, category: 'a' }),
    ];
    const p = profileOf(events, T0 + 10);
    const hugeTags = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? '__proto__' : `t${i}`));
    const cands: Candidate[] = [
      { id: 'nan-price', price: Number.NaN, category: 'a' },
      { id: 'inf-price', price: Number.POSITIVE_INFINITY, category: 'a' },
      { id: 'neg-price', price: -5, category: 'a' },
      { id: 'tiny-price', price: Number.MIN_VALUE, category: 'a' },
      { id: 'huge-tags', tags: hugeTags },
      { ...hostileItem },
      { id: 'nan-emb', embedding: [Number.NaN, 1, Number.POSITIVE_INFINITY] },
      { id: 'huge-emb', embedding: [1e308, 1e308] },
      { id: 'bad-related', related: [{ id: '__proto__', score: Number.NaN }, { id: 'constructor', score: 1e308 }] },
      { id: 'hostile', category: '/'.repeat(500), brand: ' ', tags: ['', ' '] },
    ];
    const X = features(p, cands, { now: T0 + 10 });
    expectAllFinite(X);
    expectAllFinite(features(emptyProfile(T0), cands, { now: T0 }));
    // Prototype names are ordinary keys, not inherited members.
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('keeps tag_overlap within [0, 1] for a candidate with more than 32 known tags', () => {
    const tags = Array.from({ length: 64 }, (_, i) => `t${i}`);
    const p = profileOf([ev('click', T0, { id: 'seen', tags: tags.slice(0, 32) }), ev('click', T0, { id: 's2', tags: tags.slice(32) })], T0);
    expect(row(p, [{ id: 'c', tags }], 0, T0).tag_overlap).toBeLessThanOrEqual(1);
  });

  it('a list\'s rows are each candidate\'s features alone: what is looked up once per category, brand and tag never leaks between candidates', () => {
    const p = busy();
    const now = p.lastTs! + 5 * HOUR;
    const events = randomEvents(120, 8, { start: T0 - DAY });
    // The profile's own items, categories, brands and tags, spelt as pages spell them, plus unknown ones.
    const list: Candidate[] = events
      .filter((e) => e.item)
      .map((e, i) => {
        const it = e.item!;
        const category = i % 3 === 0 ? ` ${it.category!.toUpperCase()} ` : i % 5 === 0 ? `${it.category}/deeper` : it.category!;
        return { ...it, id: i % 4 === 0 ? `new-${i}` : it.id, category, brand: i % 2 ? it.brand!.toUpperCase() : it.brand!, tags: [...(it.tags ?? []), i % 2 ? 'T1' : 'unknown-tag'] };
      });
    list.push({ id: 'bare' }, { id: 'x', category: '', brand: '', tags: [' '] });
    const X = features(p, list, { now });
    const server = F.server_rank!;
    list.forEach((c, i) => {
      const alone = features(p, [c], { now });
      const got = X.subarray(i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
      for (let j = 0; j < FEATURE_DIM; j++) if (j !== server) expect(got[j], `row ${i} ${FEATURES[j]!.name}`).toBe(alone[j]);
    });
  });

  it('reads the per-profile tables of a profile that changed as a fresh copy of it would (never a stale table)', () => {
    const p = busy();
    let now = p.lastTs! + HOUR;
    const others = randomEvents(40, 5, { start: T0 - 2 * DAY }).filter((e) => e.item);
    // Every other event's item carries a related list pointing at the other items.
    const events = randomEvents(60, 9, { start: now }).map((e, i) =>
      e.item && i % 2 === 0 ? { ...e, item: { ...e.item, related: [1, 2, 3].map((j) => ({ id: others[(i * 7 + j) % others.length]!.item!.id, score: j / 4 })) } } : e,
    );
    // Candidates that hit every table: recent items, their related lists, recent categories, embeddings.
    const list: Candidate[] = [...events, ...others].filter((e) => e.item).map((e) => ({ ...e.item! }));
    // An uncached computation: a copy of the profile is a new object, with no tables built for it yet.
    const expectFresh = (why: string): void => {
      const got = Array.from(features(p, list, { now }));
      expect(got, why).toEqual(Array.from(features(cloneProfile(p), list, { now })));
    };
    features(p, list, { now });
    expectFresh('unchanged');
    for (const e of events.slice(0, 30)) {
      applyEventMut(p, e, e.ts);
      now = e.ts + 1000;
      expectFresh(`after ${e.type} of ${e.item?.id}`);
    }
    // Edits made outside the reducer, in place.
    p.recent.reverse();
    expectFresh('recent items reordered in place');
    p.recentCategories.splice(1, 1);
    expectFresh('a recent category removed in place');
    const related = p.recentRelated[0]!;
    p.recentRelated[0] = [related[0], related[1].slice(1), related[2].slice(1)];
    expectFresh('a recent related list replaced');
    p.embeddings[0] = [p.embeddings[0]![0], p.embeddings[0]![1].map((x) => -x)];
    expectFresh('a recent embedding replaced');
    applyRemovedInterests(p, [{ kind: 'category', key: categoryOf(p), at: now }]);
    expectFresh('a removed category interest');
  });

  it('reuses an output buffer and clears stale values', () => {
    const p = profileOf([ev('click', T0, { id: 'a', category: 'x' })], T0);
    const out = new Float32Array(4 * FEATURE_DIM).fill(7);
    const X = features(p, [{ id: 'a', category: 'x' }], { now: T0 }, out);
    expect(X).toBe(out);
    expect(X.subarray(0, FEATURE_DIM).includes(7)).toBe(false);
  });
});
