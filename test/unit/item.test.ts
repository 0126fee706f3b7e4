import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateList, sanitizeCandidates, serverOrderIds } from '../../src/core/input/candidates';
import { STRING_CAPS, validateEvent } from '../../src/core/input/clean';
import { ITEM_LIMITS, isCleanItem, isCleanText, readIdSet, readItem, readItemId } from '../../src/core/input/item';
import { Engine } from '../../src/core/engine';
import { serverOrder } from '../../src/core/rank/server-order';
import { createRng } from '../../src/core/util/rng';
import { PersonalizerService } from '../../src/worker/service';
import { T0 } from './profile-helpers';

const still = () => 0;

/** Anything a server (or a careless page) might put in a candidate list. */
const anyId = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('a', 'b', '1', ' a', 'x'.repeat(200), 'x'.repeat(201), '   ', ''),
  fc.integer({ min: -5, max: 5 }),
  fc.double(),
  fc.constantFrom(null, undefined, true, {}, [1]),
);
const anyElement = fc.oneof(
  { weight: 6, arbitrary: fc.record({ id: anyId, price: fc.oneof(fc.double(), fc.constant('12')), category: fc.constantFrom('a/b', 'c', 5) }, { requiredKeys: ['id'] }) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.constant([{ id: 'nested' }])) },
);
const anyList = fc.array(anyElement, { maxLength: 40 });
// Untyped on purpose: hostile pages pass anything as `exclude`.
const anyExclude = fc.option(fc.array(anyId, { maxLength: 4 }), { nil: undefined }) as fc.Arbitrary<(string | number)[] | undefined>;

describe('one reader for item fields', () => {
  it('numeric ids are the same decimal-string id for events, candidates and the server order (issue #14 item 7)', () => {
    const event = validateEvent({ type: 'click', item: { id: 1, price: 3 } }, T0);
    expect(event.ok && event.event.item?.id).toBe('1');
    const clean = sanitizeCandidates([{ id: 1 }, { id: 2 }, { id: '1' }]);
    expect(clean.ok && clean.candidates.map((c) => c.id)).toEqual(['1', '2']);
    expect(serverOrderIds([{ id: 1 }, { id: 2 }])).toEqual(['1', '2']);
    expect(serverOrder([{ id: 1 }, { id: 2 }], undefined, 'x', 0).items.map((i) => i.id)).toEqual(['1', '2']);
    // The worker's rerank of numeric ids is not empty.
    expect(new Engine({}, T0).rerank([{ id: 1 }, { id: 2 }], {}, createRng(1), T0, still).items.map((i) => i.id)).toEqual(['1', '2']);
  });

  it('uses one limits table: the event caps are the item limits', () => {
    expect(STRING_CAPS).toMatchObject({
      itemId: ITEM_LIMITS.id,
      category: ITEM_LIMITS.category,
      brand: ITEM_LIMITS.brand,
      title: ITEM_LIMITS.title,
      tag: ITEM_LIMITS.tag,
    });
    const long = { id: 'a', brand: 'b'.repeat(ITEM_LIMITS.brand + 1), tags: Array.from({ length: 40 }, (_, i) => `t${i}`) };
    const ev = validateEvent({ type: 'view', item: long }, T0);
    const cand = sanitizeCandidates([long]);
    if (!ev.ok || !cand.ok) throw new Error('expected ok');
    expect(cand.candidates[0]).toEqual(ev.event.item);
    expect(cand.candidates[0]?.tags).toHaveLength(ITEM_LIMITS.tags);
  });

  it('reports invalid fields: events are rejected with the message, candidates keep the rest', () => {
    const raw = { id: 'a', price: 'abc', category: 'c' };
    const r = readItem(raw, { prefix: 'item.' });
    expect(r.item).toEqual({ id: 'a', category: 'c' });
    expect(r.issues).toEqual([{ field: 'item.price', kind: 'invalid', message: 'item.price must be a finite number ≥ 0, got "abc"' }]);
    const ev = validateEvent({ type: 'view', item: raw }, T0);
    expect(!ev.ok && String(ev.error)).toBe('InvalidEventError: item.price must be a finite number ≥ 0, got "abc"');
  });

  it('ids are kept exactly (never trimmed); blank, over-long and non-scalar ids are unusable', () => {
    expect(readItemId({ id: ' a ' })).toBe(' a ');
    expect(readItemId({ id: '  ' })).toBeUndefined();
    expect(readItemId({ id: 'x'.repeat(201) })).toBeUndefined();
    expect(readItemId({ id: Number.NaN })).toBeUndefined();
    expect(readItemId({ id: true })).toBeUndefined();
    expect(readItemId(Object.create({ id: 'inherited' }))).toBeUndefined();
    expect(readIdSet(['a', 2, null, ''])).toEqual(new Set(['a', '2']));
  });

  it('reads the { "candidates": [...] } response shape as well as a bare array', () => {
    expect(candidateList([{ id: 1 }])).toEqual([{ id: 1 }]);
    expect(candidateList({ candidates: [{ id: 1 }] })).toEqual([{ id: 1 }]);
    expect(candidateList({ items: [] })).toBeUndefined();
    expect(candidateList(JSON.parse('{"__proto__": {"candidates": [1]}}'))).toBeUndefined();
  });

  it('exclude drops the named ids on the worker path and on the fallback alike', () => {
    const list = [{ id: 'a' }, { id: 1 }, { id: 'c' }];
    expect(new Engine({}, T0).rerank(list, { exclude: [1, 'c'] }, createRng(1), T0, still).items.map((i) => i.id)).toEqual(['a']);
    expect(serverOrder(list, undefined, 'x', 0, ['a']).items.map((i) => i.id)).toEqual(['1', 'c']);
    const s = sanitizeCandidates(list, 10, new Set(['1']));
    expect(s.ok && s.dropped).toEqual([{ index: 1, reason: 'excluded' }]);
  });
});

/** Item-shaped values near the reader's edges: mostly clean fields, and each way of being almost clean. */
const mostly = <T, U>(clean: fc.Arbitrary<T>, near: fc.Arbitrary<U>) => fc.oneof({ weight: 8, arbitrary: clean }, { weight: 1, arbitrary: near });
const cleanText = fc.constantFrom('a', 'b/c', 'x'.repeat(64), 'Acme');
const nearText = fc.oneof(fc.constantFrom(' a', 'a ', '', '  ', 'x'.repeat(65), 'x'.repeat(101), 'x'.repeat(201), 'x'.repeat(301), null, 5), fc.string({ maxLength: 4 }));
const nearItem = fc.record(
  {
    id: mostly(fc.constantFrom('sku-1', ' sku-2 '), anyId),
    category: mostly(cleanText, nearText),
    brand: mostly(cleanText, nearText),
    title: mostly(cleanText, nearText),
    price: mostly(fc.constantFrom(0, -0, 3.5), fc.oneof(fc.double(), fc.constantFrom(-1, '3', null))),
    tags: mostly(fc.uniqueArray(cleanText, { minLength: 1, maxLength: 4 }), fc.oneof(fc.array(nearText, { maxLength: 34 }), fc.constantFrom(['a', 'a'], [], 'a', [1]))),
    embedding: mostly(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 }), fc.oneof(fc.array(fc.double(), { maxLength: 66 }), fc.constantFrom([], [Number.NaN], 'x'))),
    related: mostly(
      fc.array(fc.record({ id: fc.constantFrom('b', 'c'), score: fc.constantFrom(0.5, 1, Number.MIN_VALUE) }, { noNullPrototype: true }), { minLength: 1, maxLength: 3 }),
      fc.oneof(
        fc.array(fc.record({ id: anyId, score: fc.oneof(fc.double(), fc.constantFrom(0, 0.5, 1, 2)) }, { requiredKeys: [] }), { maxLength: 4 }),
        fc.constantFrom([], [{ id: 'b', score: 0.5, extra: 1 }], [{ id: 7, score: 0.5 }], [['b', 0.5]]),
      ),
    ),
    consumable: mostly(fc.boolean(), fc.constantFrom('true', null)),
    pinned: mostly(fc.boolean(), fc.constant(1)),
    available: mostly(fc.boolean(), fc.constant(null)),
  },
  // Sometimes with a null prototype, which the reader copies from.
  { requiredKeys: ['id'] },
);
/** Now and then a key the reader does not know. */
const nearItemOrExtra = fc.tuple(nearItem, fc.integer({ min: 0, max: 9 })).map(([item, k]) => (k === 0 ? { ...item, extra: 1 } : item));

describe('isCleanItem: an item already in the reader\'s form', () => {
  it('whatever it accepts, the reader returns unchanged and without issues; whatever the reader returns, it accepts (property)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearItemOrExtra, fc.boolean(), (raw, flags) => {
        const read = readItem(raw, { flags });
        if (isCleanItem(raw, flags)) {
          accepted++;
          expect(read.issues).toEqual([]);
          expect(read.item).toStrictEqual(raw);
        }
        if (read.item !== undefined) expect(isCleanItem(read.item, flags)).toBe(true);
      }),
      { seed: 12, numRuns: 2000 },
    );
    // Not vacuous: a fair share of the generated items were clean as given.
    expect(accepted).toBeGreaterThan(150);
  });

  it('knows the white space String.prototype.trim removes, code unit by code unit', () => {
    const wrong: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const text of [ch, `a${ch}`, `${ch}a`]) {
        // An id is kept as given unless it is blank.
        if (isCleanText(text, 10) !== (text.trim() === text) || isCleanItem({ id: text }, false) !== (readItem({ id: text }).item?.id === text)) wrong.push(c);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses what the reader would change, and what it cannot vouch for', () => {
    const clean = { id: 'a', category: 'x/y', tags: ['red'], embedding: [0.5], related: [{ id: 'b', score: 0.5 }], pinned: true };
    expect(isCleanItem(clean, true)).toBe(true);
    expect(isCleanItem(clean, false)).toBe(false); // pinned is read only with the candidate flags
    for (const almost of [
      { ...clean, id: 7 },
      { ...clean, category: ' x/y' },
      { ...clean, tags: [] },
      { ...clean, related: [] },
      { ...clean, price: null },
      { ...clean, price: undefined },
      { ...clean, extra: 1 },
      { ...clean, related: [{ id: 'b' }] },
      { ...clean, related: [{ id: 'b', score: 0.5, extra: 1 }] },
      { ...clean, related: [{ id: 'b', extra: 0.5 }] },
      JSON.parse('{"id": "a", "__proto__": {"pinned": true}}'),
      Object.assign(Object.create({ pinned: true }), { id: 'a' }),
      Object.assign(Object.create(null), { id: 'a' }),
      [{ id: 'a' }],
    ]) {
      expect(isCleanItem(almost, true)).toBe(false);
    }
    expect(isCleanItem({ ...clean, related: [{ score: 0.5, id: 'b' }] }, true)).toBe(true);
  });

  it('vouches for nothing while Object.prototype has an enumerable key of its own (the reader copies then)', () => {
    const clean = { id: 'a', related: [{ id: 'b', score: 0.5 }] };
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.polluted = 1;
      expect(isCleanItem(clean, true)).toBe(false);
      expect(isCleanItem({ id: 'a' }, true)).toBe(false);
    } finally {
      delete proto.polluted;
    }
    expect(isCleanItem(clean, true)).toBe(true);
  });
});

describe('the server-order fallback', () => {
  it('keeps the first `limit` items (rounded down); an undefined, NaN or negative limit is none', () => {
    const list = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    const ids = (limit: number | undefined) => serverOrder(list, limit, 'x', 0).items.map((i) => i.id);
    expect(ids(undefined)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(Number.NaN)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(-1)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(Number.POSITIVE_INFINITY)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(2.7)).toEqual(['a', 'b']);
    expect(ids(0)).toEqual([]);
    expect(serverOrder(list, 2, 'why', 3)).toEqual({
      items: [
        { id: 'a', score: -0, from: 0, to: 0 },
        { id: 'b', score: -1, from: 1, to: 1 },
      ],
      fellBack: 'why',
      tookMs: 3,
    });
  });

  it('reads at most 100,000 candidates', () => {
    const list = Array.from({ length: 100_002 }, (_, i) => ({ id: i }));
    const items = serverOrder(list, undefined, 'x', 0).items;
    expect(items.length).toBe(100_000);
    expect(items.at(-1)?.id).toBe('99999');
  });
});

describe('personalization 0 is exactly the server order', () => {
  it('for any list the fallback accepts, the engine returns the fallback order (ids, from, to)', () => {
    // A shopper with history, so the personal model has signal and only p = 0 keeps the order.
    const engine = new Engine({}, T0);
    for (let i = 0; i < 8; i++) engine.ingestRaw({ type: 'click', item: { id: `${i % 3}`, category: 'c' }, ts: T0 + i }, T0 + i);
    fc.assert(
      fc.property(anyList, anyExclude, fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }), (list, exclude, limit) => {
        const expected = serverOrder(list, limit, 'fallback', 0, exclude).items.map(({ id, from, to }) => ({ id, from, to }));
        const r = engine.rerank(list, { personalization: 0, ...(exclude ? { exclude } : {}), ...(limit !== undefined ? { limit } : {}) }, createRng(1), T0 + 100, still);
        expect(r.fellBack).toBe(false);
        expect(r.items.map(({ id, from, to }) => ({ id, from, to }))).toEqual(expected);
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it('through the worker service (structured-clone input, IndexedDB behind it)', async () => {
    const svc = new PersonalizerService({ now: () => T0, loadLearner: () => import('../../src/core/model/learner') });
    try {
      await svc.init({ dbName: `pz-item-${T0}`, personalization: 0.7 });
      await svc.track([1, 2, 2, 3].map((id, i) => ({ type: 'add_to_cart', item: { id, category: 'c' }, ts: T0 - 1000 + i })));
      await fc.assert(
        fc.asyncProperty(anyList, anyExclude, async (list, exclude) => {
          const input = structuredClone(list);
          const expected = serverOrder(input, undefined, 'fallback', 0, exclude).items.map((i) => i.id);
          const r = await svc.rerank(input, { personalization: 0, ...(exclude ? { exclude } : {}) });
          expect(r.fellBack).toBe(false);
          expect(r.items.map((i) => i.id)).toEqual(expected);
        }),
        { seed: 15, numRuns: 100 },
      );
    } finally {
      svc.close();
    }
  });
});
