import { describe, expect, it } from 'vitest';
import {
  affinityTotals,
  applyEvent,
  applyEventMut,
  brandAffinity,
  categoryAffinity,
  categoryKeys,
  emptyProfile,
  getDeclared,
  InvalidDeclaredError,
  InvalidProfileError,
  PROFILE_VERSION,
  JsonMap,
  itemKey,
  itemMemory,
  itemMemoryAt,
  combineTagShares,
  longFactor,
  priceBand,
  priceFit,
  recentEmbeddings,
  recentItems,
  reviveProfile,
  setDeclared,
  tagAffinity,
  tagShare,
  topAffinities,
} from '../../src/core/profile/profile';
import { jsonCost } from '../../src/core/util/hash';
import { behaviourStats, rfmScores } from '../../src/core/profile/stats';
import { DAY, ev, HOUR, randomEvents, T0 } from './profile-helpers';

const lipstick = { id: 'sku-1', category: 'beauty/makeup/lipstick', brand: 'Acme', price: 20, tags: ['Matte', 'vegan'] };

describe('applyEvent is a pure reducer', () => {
  it('leaves the input profile unchanged (deep) across many events', () => {
    let p = emptyProfile(T0);
    for (const e of randomEvents(300, 7)) {
      const before = JSON.stringify(p);
      const next = applyEvent(p, e, e.ts);
      expect(JSON.stringify(p)).toBe(before);
      expect(next).not.toBe(p);
      p = next;
    }
  });

  it('equals the in-place variant', () => {
    const events = randomEvents(500, 8);
    let a = emptyProfile(T0);
    const b = emptyProfile(T0);
    for (const e of events) {
      a = applyEvent(a, e, e.ts);
      applyEventMut(b, e, e.ts);
    }
    expect(a).toEqual(b);
  });

  it('treats events stamped after now as happening now', () => {
    const p = applyEvent(emptyProfile(T0), ev('view', T0 + DAY, lipstick), T0);
    expect(p.lastTs).toBe(T0);
  });
});

describe('behaviour statistics', () => {
  it('counts every event type and splits sessions at 30 minutes of inactivity', () => {
    let p = emptyProfile(T0);
    const times = [0, 10, 29, 60, 61].map((m) => T0 + m * 60_000);
    for (const t of times) p = applyEvent(p, ev('view', t, lipstick), t);
    p = applyEvent(p, ev('search', T0 + 62 * 60_000, undefined, { query: 'red' }), T0 + 62 * 60_000);
    const s = behaviourStats(p, T0 + 62 * 60_000);
    expect(s.counts.view).toBe(5);
    expect(s.counts.search).toBe(1);
    expect(s.sessions).toBe(2); // 29 → 60 is 31 minutes
    expect(s.meanSessionDepth).toBe(2.5);
    expect(s.meanSessionDurationMs).toBe((29 * 60_000 + 2 * 60_000) / 2);
    expect(s.sessionOpen).toBe(true);
  });

  it('keeps a gap of exactly 30 minutes in the same session', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('view', T0, lipstick), T0);
    p = applyEvent(p, ev('view', T0 + 30 * 60_000, { id: 'sku-2' }), T0 + 30 * 60_000);
    expect(p.sessions.count).toBe(1);
    p = applyEvent(p, ev('view', T0 + 60 * 60_000 + 1, { id: 'sku-3' }), T0 + 60 * 60_000 + 1);
    expect(p.sessions.count).toBe(2);
  });

  it('averages dwell where reported', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('view', T0, lipstick, { dwellMs: 1000 }), T0);
    p = applyEvent(p, ev('view', T0 + 1, { id: 'x' }, { dwellMs: 3000 }), T0 + 1);
    p = applyEvent(p, ev('view', T0 + 2, { id: 'y' }), T0 + 2);
    expect(behaviourStats(p, T0 + 2).meanDwellMs).toBe(2000);
  });

  it('groups purchases into orders and tracks value and intervals', () => {
    let p = emptyProfile(T0);
    const buy = (t: number, price: number, qty = 1) => {
      p = applyEvent(p, ev('purchase', t, { id: `b${t}`, price }, { value: qty }), t);
    };
    buy(T0, 10, 2);
    buy(T0 + 5 * 60_000, 30); // same order
    buy(T0 + 10 * DAY, 50);
    buy(T0 + 30 * DAY, 10);
    const now = T0 + 33 * DAY;
    const s = behaviourStats(p, now);
    expect(s.orders).toBe(3);
    expect(s.purchaseLines).toBe(4);
    expect(s.totalSpend).toBe(110);
    expect(s.averageOrderValue).toBeCloseTo(110 / 3, 10);
    expect(s.meanPurchaseIntervalDays).toBeCloseTo(15, 10);
    expect(s.lastPurchaseIntervalDays).toBeCloseTo(20, 10);
    expect(s.daysSinceLastPurchase).toBeCloseTo(3, 10);
    expect(s.daysSinceLastVisit).toBeCloseTo(3, 10);
  });

  it('computes cart abandonment over closed sessions only', () => {
    let p = emptyProfile(T0);
    const at = (h: number, type: 'add_to_cart' | 'purchase' | 'view') =>
      (p = applyEvent(p, ev(type, T0 + h * HOUR, { id: `i${h}`, price: 5 }), T0 + h * HOUR));
    at(0, 'add_to_cart'); // session 1: abandoned
    at(2, 'add_to_cart');
    at(2.1, 'purchase'); // session 2: converted
    at(4, 'view'); // session 3: no cart
    at(6, 'add_to_cart'); // session 4: still open
    expect(behaviourStats(p, T0 + 6 * HOUR).cartAbandonmentRate).toBe(0.5);
    expect(behaviourStats(p, T0 + 6 * HOUR).openCart).toBe(true);
    // Once the last session closes, it counts as abandoned too.
    expect(behaviourStats(p, T0 + 7 * HOUR).cartAbandonmentRate).toBeCloseTo(2 / 3, 12);
  });

  it('scores RFM exactly at the documented thresholds', () => {
    expect(rfmScores(7, 10, 1000)).toEqual({ recency: 5, frequency: 5, monetary: 5 });
    expect(rfmScores(7.0001, 9, 999.99)).toEqual({ recency: 4, frequency: 4, monetary: 4 });
    expect(rfmScores(180, 2, 50)).toEqual({ recency: 2, frequency: 2, monetary: 2 });
    expect(rfmScores(180.01, 1, 49.99)).toEqual({ recency: 1, frequency: 1, monetary: 1 });
    expect(rfmScores(null, 0, 0)).toEqual({ recency: 1, frequency: 1, monetary: 1 });
  });
});

describe('context', () => {
  it('takes hour and weekday from ts plus the configured offset, not the host locale', () => {
    const t = Date.UTC(2026, 0, 4, 23, 30); // Sunday 23:30 UTC
    const utc = applyEvent(emptyProfile(t), ev('view', t, lipstick, { device: 'mobile' }), t);
    expect(utc.hours[23]).toBe(1);
    expect(utc.weekdays[0]).toBe(1);
    expect(utc.devices.mobile).toBe(1);
    expect(utc.lastDevice).toBe('mobile');
    const cet = applyEvent(emptyProfile(t, { tzOffsetMinutes: 60 }), ev('view', t, lipstick), t);
    expect(cet.hours[0]).toBe(1); // Monday 00:30 local
    expect(cet.weekdays[1]).toBe(1);
    const ny = applyEvent(emptyProfile(t, { tzOffsetMinutes: -300 }), ev('view', t, lipstick), t);
    expect(ny.hours[18]).toBe(1);
    expect(ny.weekdays[0]).toBe(1);
  });
});

describe('preferences and accessors', () => {
  it('credits every level of the category path and backs off to the most specific known level', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('click', T0, lipstick), T0);
    expect(categoryKeys('beauty/makeup/lipstick')).toEqual(['beauty', 'beauty/makeup', 'beauty/makeup/lipstick']);
    const exact = categoryAffinity(p, 'beauty/makeup/lipstick', T0, 'long');
    expect(exact.level).toBe('beauty/makeup/lipstick');
    expect(exact.share).toBe(1);
    expect(exact.value).toBeCloseTo(1, 5);
    const back = categoryAffinity(p, 'beauty/makeup/mascara', T0, 'long');
    expect(back).toMatchObject({ level: 'beauty/makeup', depth: 2, share: 1 });
    expect(categoryAffinity(p, 'garden/tools', T0, 'short')).toEqual({ value: 0, share: 0, level: '', depth: 0 });
  });

  it('weighs views by attention: a tile impression far below a product-page view, which dwell raises up to 3×', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('view', T0, { id: 'tile', category: 'tile' }), T0);
    p = applyEvent(p, ev('view', T0, { id: 'page', category: 'page' }, { dwellMs: 0 }), T0);
    p = applyEvent(p, ev('view', T0, { id: 'long', category: 'long' }, { dwellMs: 120_000 }), T0);
    p = applyEvent(p, ev('click', T0, { id: 'click', category: 'click' }), T0);
    const value = (c: string) => categoryAffinity(p, c, T0, 'long').value;
    expect(value('tile')).toBeCloseTo(0.15, 5); // 0.5 × TILE_VIEW_SHARE
    expect(value('page')).toBeCloseTo(0.5, 5);
    expect(value('long')).toBeCloseTo(1.5, 5); // full dwell: 1 + DWELL_GAIN
    expect(value('click')).toBeCloseTo(1, 5);
  });

  it('orders event weights purchase > add_to_cart > favorite > click > view, and removals count against', () => {
    let p = emptyProfile(T0);
    const types = ['view', 'click', 'favorite', 'add_to_cart', 'purchase'] as const;
    types.forEach((t, i) => {
      p = applyEvent(p, ev(t, T0, { id: `s${i}`, category: `c${i}` }), T0);
    });
    const vals = types.map((_, i) => categoryAffinity(p, `c${i}`, T0, 'long').value);
    for (let i = 1; i < vals.length; i++) expect(vals[i]).toBeGreaterThan(vals[i - 1] as number);
    p = applyEvent(p, ev('remove_from_cart', T0, { id: 'z', category: 'neg' }), T0);
    p = applyEvent(p, ev('rating', T0, { id: 'z2', category: 'neg2' }, { value: 1 }), T0);
    p = applyEvent(p, ev('rating', T0, { id: 'z3', category: 'pos' }, { value: 5 }), T0);
    expect(categoryAffinity(p, 'neg', T0).value).toBeLessThan(0);
    expect(categoryAffinity(p, 'neg2', T0).value).toBeLessThan(0);
    expect(categoryAffinity(p, 'pos', T0).value).toBeGreaterThan(0);
    const shares = topAffinities(p, 'categories', 200, T0).reduce((s, a) => s + Math.abs(a.share), 0);
    expect(shares).toBeCloseTo(1, 9);
  });

  it('matches brands and tags case-insensitively and normalises shares', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('click', T0, lipstick), T0);
    p = applyEvent(p, ev('click', T0, { id: 'sku-2', brand: 'Other', tags: ['matte'] }), T0);
    expect(brandAffinity(p, 'ACME', T0).share).toBeCloseTo(0.5, 5);
    const t = tagAffinity(p, ['MATTE', 'vegan', 'unknown'], T0);
    expect(t.matched).toBe(2);
    expect(t.max).toBeCloseTo(1, 5);
    expect(t.sum).toBeCloseTo(1.5, 5);
    expect(t.mean).toBeCloseTo(0.5, 5);
    const totals = affinityTotals(p, T0);
    expect(totals.brands.long).toBeCloseTo(2, 4);
    expect(totals.tags.short).toBeCloseTo(2, 4);
  });

  it('tagShare says how tagAffinity counts each tag: blank (not counted), unknown (null) or its share', () => {
    let p = emptyProfile(T0);
    expect(tagShare(p, 'matte', 'long')).toBeUndefined(); // no tag credit at all yet
    p = applyEvent(p, ev('click', T0, lipstick), T0);
    p = applyEvent(p, ev('click', T0, { id: 'sku-2', brand: 'Other', tags: ['matte'] }), T0);
    expect(tagShare(p, ' ', 'long')).toBeUndefined();
    expect(tagShare(p, 'unknown', 'long')).toBeNull();
    expect(tagShare(p, 'MATTE', 'long')).toBeCloseTo(1, 5);
    const tags = ['MATTE', 'vegan', 'unknown', ' '];
    for (const h of ['long', 'short'] as const) {
      expect(combineTagShares(tags, (t) => tagShare(p, t, h))).toEqual(tagAffinity(p, tags, T0, h));
    }
    expect(combineTagShares(['a', 'b'], (t) => (t === 'a' ? -0.5 : null))).toEqual({ sum: -0.5, mean: -0.25, max: -0.5, matched: 1 });
    const out = { sum: 9, mean: 9, max: 9, matched: 9 };
    expect(combineTagShares(['b'], () => null, out)).toBe(out);
    expect(out).toEqual({ sum: 0, mean: 0, max: 0, matched: 0 });
    // Shares can be read by the tag's index (the feature extractor looks each tag up once).
    const shares = tags.map((t) => tagShare(p, t, 'long'));
    expect(combineTagShares(tags, (_, i) => shares[i])).toEqual(tagAffinity(p, tags, T0, 'long'));
  });

  it('itemMemoryAt with longFactor reads an item by its key exactly as itemMemory does', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('purchase', T0, { id: 'tv' }), T0);
    const later = T0 + 9 * 86_400_000;
    expect(itemMemoryAt(p, itemKey('tv'), longFactor(p, later))).toEqual(itemMemory(p, 'tv', later));
    const reused = { lastTs: 1, strongest: null, weight: 1, bought: 1, consumable: true };
    expect(itemMemoryAt(p, itemKey('tv'), longFactor(p, later), reused)).toBe(reused);
    expect(reused).toEqual(itemMemory(p, 'tv', later));
    expect(itemMemoryAt(p, itemKey('radio'), longFactor(p, later))).toBeUndefined();
    expect(longFactor(p, later + 14 * 86_400_000)).toBeCloseTo(longFactor(p, later) / 2, 12);
  });

  it('fits prices against the log-price band with category back-off', () => {
    let p = emptyProfile(T0);
    expect(priceFit(p, undefined, 20)).toBe(0);
    for (const [i, price] of [18, 20, 22, 20].entries()) {
      p = applyEvent(p, ev('view', T0 + i, { id: `p${i}`, category: 'beauty/lipstick', price }), T0 + i);
    }
    const band = priceBand(p, 'beauty/lipstick/matte');
    expect(band?.level).toBe('beauty/lipstick');
    expect(Math.exp(band?.mean ?? 0)).toBeCloseTo(19.9, 0);
    expect(priceFit(p, 'beauty/lipstick', 20)).toBeGreaterThan(0.9);
    expect(priceFit(p, 'beauty/lipstick', 200)).toBeLessThan(-0.9);
    expect(priceFit(p, 'garden', 20)).toBeGreaterThan(0.9); // global band
    expect(priceFit(p, 'beauty', Number.NaN)).toBe(0);
    for (const x of [0.01, 1, 19, 21, 1e6]) {
      const f = priceFit(p, 'beauty/lipstick', x);
      expect(f).toBeGreaterThanOrEqual(-1);
      expect(f).toBeLessThanOrEqual(1);
    }
  });

  it('remembers items: strongest interaction, bought count, consumable flag', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('view', T0, { id: 'tv', price: 500 }), T0);
    p = applyEvent(p, ev('purchase', T0 + 60_000, { id: 'tv', price: 500, consumable: false }), T0 + 60_000);
    p = applyEvent(p, ev('view', T0 + 120_000, { id: 'tv' }), T0 + 120_000);
    p = applyEvent(p, ev('purchase', T0 + 180_000, { id: 'soap', consumable: true }, { value: 3 }), T0 + 180_000);
    expect(itemMemory(p, 'tv', T0 + 120_000)).toMatchObject({ strongest: 'purchase', bought: 1, consumable: false, lastTs: T0 + 120_000 });
    expect(itemMemory(p, 'soap')).toMatchObject({ bought: 3, consumable: true });
    expect(itemMemory(p, 'never')).toBeUndefined();
    expect(recentItems(p)).toEqual(['soap', 'tv']);
    const longId = 'x'.repeat(200);
    p = applyEvent(p, ev('click', T0 + 240_000, { id: longId }), T0 + 240_000);
    expect(recentItems(p)[0]).toBe(itemKey(longId));
    expect(itemKey(longId).length).toBe(16);
    expect(itemMemory(p, longId)?.strongest).toBe('click');
  });

  it('keeps a capped list of recent embeddings', () => {
    let p = emptyProfile(T0);
    for (let i = 0; i < 10; i++) p = applyEvent(p, ev('view', T0 + i, { id: `e${i}`, embedding: [i, 0.123456] }), T0 + i);
    const embs = recentEmbeddings(p);
    expect(embs.length).toBe(6);
    expect(embs[0]).toEqual(['e9', [9, 0.1235]]);
  });
});

describe('bounded keys', () => {
  it('keep every key within its JSON byte budget, whatever the characters', () => {
    for (const s of ['sku-1', 'x'.repeat(200), '\u0000'.repeat(5), '中'.repeat(10), '😀'.repeat(8), '"\\'.repeat(9), 'a\ud800b']) {
      const k = itemKey(s);
      expect(new TextEncoder().encode(JSON.stringify(k)).length - 2).toBeLessThanOrEqual(16);
      expect(jsonCost(k)).toBeLessThanOrEqual(16);
      expect(itemKey(s)).toBe(k);
    }
    expect(itemKey('sku-1')).toBe('sku-1');
    expect(itemKey('x'.repeat(200))).not.toBe(itemKey('x'.repeat(199)));
    expect(categoryKeys('a/' + 'b'.repeat(100)).every((k) => jsonCost(k) <= 32)).toBe(true);
  });
});

describe('declared attributes', () => {
  it('stores declared values separately and never infers them', () => {
    const p0 = applyEvent(emptyProfile(T0), ev('view', T0, lipstick), T0);
    const p1 = setDeclared(p0, 'ageBand', '25-34');
    expect(getDeclared(p1, 'ageBand')).toBe('25-34');
    expect(getDeclared(p0, 'ageBand')).toBeUndefined();
    expect(getDeclared(setDeclared(p1, 'ageBand', null), 'ageBand')).toBeUndefined();
    expect(getDeclared(p1, 'toString')).toBeUndefined();
    expect(() => setDeclared(p1, '__proto__', 'x')).toThrow(InvalidDeclaredError);
    expect(() => setDeclared(p1, 'size', Number.NaN)).toThrow(/declared.size must be a finite number/);
  });
});

describe('reviveProfile', () => {
  it('round-trips through JSON and keeps hostile keys as plain data', () => {
    let p = emptyProfile(T0);
    p = applyEvent(p, ev('click', T0, { id: '__proto__', brand: 'constructor', tags: ['__proto__', 'toString'], category: '__proto__/x' }), T0);
    const back = reviveProfile(JSON.parse(JSON.stringify(p)));
    // JSON keeps 6 significant digits, so the round trip is exact on the JSON form.
    expect(JSON.stringify(back)).toBe(JSON.stringify(p));
    expect(back.items).toBeInstanceOf(JsonMap);
    expect(categoryAffinity(back, '__proto__/x', T0).value).toBeCloseTo(categoryAffinity(p, '__proto__/x', T0).value, 5);
    expect(itemMemory(back, '__proto__')?.strongest).toBe('click');
    expect(brandAffinity(back, 'constructor', T0).share).toBe(1);
    expect(brandAffinity(back, 'hasOwnProperty', T0).share).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const next = applyEvent(back, ev('view', T0 + 1, { id: 'a', category: 'toString' }), T0 + 1);
    expect(categoryAffinity(next, 'toString', T0 + 1).depth).toBe(1);
  });

  it('reads maps that skipped revive without touching prototypes', () => {
    const p = applyEvent(emptyProfile(T0), ev('click', T0, lipstick), T0);
    const plain = JSON.parse(JSON.stringify(p));
    expect(categoryAffinity(plain, 'constructor', T0).depth).toBe(0);
    expect(itemMemory(plain, 'toString')).toBeUndefined();
    const next = applyEvent(plain, ev('view', T0 + 1, { id: '__proto__', category: '__proto__' }), T0 + 1);
    expect(next.items).toBeInstanceOf(JsonMap);
    expect(categoryAffinity(next, '__proto__', T0 + 1).depth).toBe(1);
    expect(categoryAffinity(next, 'beauty/makeup', T0 + 1).depth).toBe(2);
  });

  it('accepts structured clones (IndexedDB, postMessage), whose maps are plain Maps', () => {
    const p = applyEvent(emptyProfile(T0), ev('click', T0, lipstick), T0);
    const cloned = structuredClone(p);
    expect(cloned.items).not.toBeInstanceOf(JsonMap);
    expect(brandAffinity(cloned, 'acme', T0).share).toBe(1);
    const next = applyEvent(cloned, ev('view', T0 + 1, { id: 'b' }), T0 + 1);
    expect(next.items).toBeInstanceOf(JsonMap);
    expect(reviveProfile(cloned)).toEqual(p);
  });

  it('migrates the three shapes stored as version 1 (items as { map, size }; no recent categories; no related lists)', () => {
    const p = applyEvent(emptyProfile(T0), ev('click', T0, lipstick), T0);
    const early = JSON.parse(JSON.stringify(p));
    early.version = 1;
    early.items = { map: early.items, size: 1 };
    early.categories.sizeLong = 3;
    early.prices.size = 1;
    delete early.activityShort;
    delete early.recentCategories;
    delete early.recentRelated;
    const middle = { ...JSON.parse(JSON.stringify(p)), version: 1, recentRelated: undefined };
    const late = { ...JSON.parse(JSON.stringify(p)), version: 1 };
    for (const old of [early, middle, late]) {
      const back = reviveProfile(old);
      expect(back.version).toBe(PROFILE_VERSION);
      expect(itemMemory(back, 'sku-1')?.strongest).toBe('click');
      expect(Array.isArray(back.recentRelated) && Array.isArray(back.recentCategories)).toBe(true);
    }
    expect(reviveProfile(early).activityShort).toBe(0);
    expect(reviveProfile(early).recentCategories).toEqual([]);
    expect(JSON.stringify(reviveProfile(late))).toBe(JSON.stringify(p));
  });

  it.each([
    ['weekdays as a string', (p: Record<string, unknown>) => (p.weekdays = 'mon'), 'weekdays'],
    ['hours one short', (p: Record<string, unknown>) => (p.hours = new Array(23).fill(0)), 'hours'],
    ['a count that is not a number', (p: Record<string, unknown>) => ((p.counts as Record<string, unknown>).click = '3'), 'counts.click'],
    ['an item tuple too short', (p: Record<string, unknown>) => ((p.items as Record<string, unknown>)['sku-1'] = [1, 2]), 'items.sku-1'],
    ['an affinity map that is a list', (p: Record<string, unknown>) => ((p.categories as Record<string, unknown>).long = [1]), 'categories.long'],
    ['a declared value that is an object', (p: Record<string, unknown>) => (p.declared = { size: { x: 1 } }), 'declared.size'],
    ['a device class nobody knows', (p: Record<string, unknown>) => (p.lastDevice = 'toaster'), 'lastDevice'],
    ['a version from the future', (p: Record<string, unknown>) => (p.version = PROFILE_VERSION + 1), 'version'],
    ['a session flag of 2', (p: Record<string, unknown>) => ((p.sessions as Record<string, unknown>).cart = 2), 'sessions.cart'],
  ])('rejects a stored profile with %s, naming the field', (_, corrupt, field) => {
    const p = JSON.parse(JSON.stringify(applyEvent(emptyProfile(T0), ev('click', T0, lipstick), T0)));
    corrupt(p);
    expect(() => reviveProfile(p)).toThrow(InvalidProfileError);
    try {
      reviveProfile(p);
    } catch (e) {
      expect((e as InvalidProfileError).field).toBe(field);
    }
  });

  it('rejects data that is not a profile', () => {
    expect(() => reviveProfile({ version: 2 })).toThrow(InvalidProfileError);
    expect(() => reviveProfile(null)).toThrow(InvalidProfileError);
  });
});

describe('deduplication in the reducer', () => {
  it('counts an event id once and same item + type within 1 s once', () => {
    let p = emptyProfile(T0);
    const e = ev('click', T0, lipstick);
    p = applyEvent(p, e, T0);
    p = applyEvent(p, e, T0 + 5000);
    p = applyEvent(p, ev('click', T0 + 999, lipstick), T0 + 999);
    p = applyEvent(p, ev('view', T0 + 999, lipstick), T0 + 999);
    p = applyEvent(p, ev('click', T0 + 1000, lipstick), T0 + 1000);
    expect(p.counts.click).toBe(2);
    expect(p.counts.view).toBe(1);
    expect(p.duplicates).toBe(2);
  });
});

describe('public surface', () => {
  it('locks the export list of core/profile', async () => {
    const mod = await import('../../src/core/profile/profile');
    expect(Object.keys(mod).sort()).toEqual([
      'DEFAULT_PROFILE_CONFIG',
      'InvalidDeclaredError',
      'InvalidProfileError',
      'JsonMap',
      'PROFILE_CAPS',
      'PROFILE_VERSION',
      'STRONGEST_TYPES',
      'affinityTotals',
      'applyEvent',
      'applyEventMut',
      'applyEvents',
      'bandFit',
      'brandAffinity',
      'brandKey',
      'categoryAffinity',
      'categoryKeys',
      'cloneProfile',
      'combineTagShares',
      'decayTo',
      'emptyProfile',
      'eventWeight',
      'getDeclared',
      'itemKey',
      'itemMemory',
      'itemMemoryAt',
      'longFactor',
      'longValue',
      'priceBand',
      'priceFit',
      'rebuildProfile',
      'recentEmbeddings',
      'recentItemActivity',
      'recentItems',
      'reviveProfile',
      'setDeclared',
      'shortValue',
      'tagAffinity',
      'tagKey',
      'tagShare',
      'topAffinities',
    ]);
  });
});
