import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchCandidates, benchEvents, messyCandidates } from '../../bench/browser/fixtures';
import { Engine } from '../../src/core/engine';
import { sanitizeCandidates } from '../../src/core/input/candidates';
import { MAX_PACKED_ARRAY, type PackedCandidates, packCandidates, unpackCandidates } from '../../src/core/input/packed';
import { packResult, unpackResult } from '../../src/core/rank/packed-result';
import { createRng } from '../../src/core/util/rng';
import type { RerankOptions, RerankResult } from '../../src/core/types';
import { T0 } from './profile-helpers';

/** What the worker gets: the packed list after a structured clone with its buffers transferred. */
function acrossTheBoundary(list: unknown): unknown[] | undefined {
  const packed = packCandidates(list);
  if (packed === undefined) return undefined;
  return unpackCandidates(structuredClone(packed, { transfer: [packed.lists[1].buffer] }));
}

/** Cleaning the unpacked list gives exactly what cleaning the original gives: kept candidates and dropped indices with reasons. */
function expectSameCleaning(list: unknown[]): void {
  const unpacked = acrossTheBoundary(list);
  expect(unpacked).toBeDefined();
  const expected = sanitizeCandidates(list);
  expect(sanitizeCandidates(unpacked)).toStrictEqual(expected);
  // The worker owns the unpacked objects, so the cleaner keeps those already clean instead of copying them.
  expect(sanitizeCandidates(acrossTheBoundary(list), undefined, undefined, true)).toStrictEqual(expected);
}

/** The bench's messy list (`messyCandidates`) and more: every way an element or a field can be wrong. */
function messyList(): unknown[] {
  const out = messyCandidates([null, '', ' ']);
  const inherited = Object.create({ category: 'inherited/never', price: 1 }) as Record<string, unknown>;
  inherited.id = 'inherits';
  const getter = {
    get id() {
      return 'getter';
    },
    get price() {
      return 4;
    },
  };
  const hidden = { id: 'hidden' };
  Object.defineProperty(hidden, 'brand', { value: 'NotEnumerable', enumerable: false });
  const sparseTags: unknown[] = ['a'];
  sparseTags[5] = 'b';
  out.push(
    Object.freeze({ id: 'frozen', category: 'a/b', tags: Object.freeze(['x']) }),
    Object.freeze({ id: 'frozen' }),
    { id: 3.5, price: -0 },
    { id: -0 },
    { id: Number.POSITIVE_INFINITY },
    { id: 'x'.repeat(200) },
    { id: 'x'.repeat(201) },
    { id: '  ' },
    { id: ' padded ' },
    { id: ['array-id'] },
    { id: { nested: 1 } },
    { id: 7n },
    { id: true },
    [{ id: 'inside-an-array' }],
    new Date(0),
    new Map([['id', 'map']]),
    () => 'fn',
    undefined,
    42,
    inherited,
    getter,
    hidden,
    Object.assign(Object.create(null) as object, { id: 'null-proto', brand: 'Bare' }),
    { id: 'prices', price: Number.POSITIVE_INFINITY },
    { id: 'neg', price: -1 },
    { id: 'nanprice', price: Number.NaN },
    { id: 'nullfields', price: null, category: null, brand: null, title: null, tags: null, embedding: null, related: null, pinned: null },
    { id: 'wrongtypes', category: 5, brand: true, title: {}, tags: 'a,b', embedding: '1,2', related: 'b', pinned: 'yes', available: 0, consumable: 1 },
    { id: 'flags', pinned: true, available: false, consumable: false },
    { id: 'long', category: 'c'.repeat(400), brand: ` ${'b'.repeat(150)} `, title: 't'.repeat(300) },
    { id: 'manytags', tags: Array.from({ length: 50 }, (_, k) => `tag-${k % 40}`) },
    { id: 'longtag', tags: ['t'.repeat(100)] },
    { id: 'sparse', tags: sparseTags },
    { id: 'emb65', embedding: Array.from({ length: 65 }, () => 0.5) },
    { id: 'emb64', embedding: Array.from({ length: 64 }, (_, k) => k / 7) },
    { id: 'embempty', embedding: [] },
    { id: 'embstr', embedding: [1, '2'] },
    { id: 'embinf', embedding: [1, Number.POSITIVE_INFINITY] },
    { id: 'embf32', embedding: new Float32Array([1, 2]) },
    { id: 'related', related: [{ id: 'r1', score: 0.5 }, { id: 2, score: 1 }, { id: 'r3', score: 0 }, { id: 'r4', score: 1.5 }, { id: '', score: 0.5 }, null, 'x', { score: 0.5 }, { id: 'r5', score: '0.5' }, [1]] },
    { id: 'manyrelated', related: Array.from({ length: 130 }, (_, k) => ({ id: `m${k}`, score: k % 3 === 0 ? 2 : 0.25 })) },
    { id: 'emptyrelated', related: [] },
  );
  return out;
}

describe('packCandidates / unpackCandidates', () => {
  it('cleans the bench lists exactly as their objects (200 and 1,000 candidates)', () => {
    expectSameCleaning(benchCandidates(200, 1));
    expectSameCleaning(benchCandidates(1000, 3));
  });

  it('cleans a messy list exactly as its objects: duplicates, junk, bad fields, numeric ids, frozen objects, getters, inherited fields', () => {
    expectSameCleaning(messyList());
  });

  it('cleans random lists exactly as their objects', () => {
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(' a ', 'A', 'a', '', '  ', 'x'.repeat(70), 'y'.repeat(310)));
    const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double(), fc.integer(), text, fc.constant([]), fc.constant({}));
    const field = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: anything }), { nil: undefined });
    const element = fc.oneof(
      {
        weight: 10,
        arbitrary: fc.record(
          {
            id: fc.oneof(fc.constantFrom('a', 'b', 'c', ' a', 'a '), fc.integer({ min: -3, max: 3 }), fc.double(), anything),
            category: field(text),
            brand: field(text),
            title: field(text),
            price: field(fc.double()),
            tags: field(fc.array(fc.oneof(text, anything), { maxLength: 40 })),
            embedding: field(fc.array(fc.oneof({ weight: 9, arbitrary: fc.double() }, { weight: 1, arbitrary: anything }), { maxLength: 70 })),
            related: field(fc.array(fc.oneof(fc.record({ id: fc.oneof(text, fc.integer(), anything), score: fc.oneof(fc.double({ min: -1, max: 2 }), anything) }), anything), { maxLength: 6 })),
            pinned: field(fc.boolean()),
            available: field(fc.boolean()),
            consumable: field(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: anything },
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 30 }), (list) => {
        expectSameCleaning(list);
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('ranks an unpacked list exactly as its objects, for a shopper with history', () => {
    const catalogue = benchCandidates(200, 1);
    const events = benchEvents(catalogue, 300, T0);
    const options: RerankOptions[] = [{}, { limit: 12 }, { exploration: 0.2, personalization: 1 }, { exclude: ['sku-1-0', 5] }];
    for (const list of [catalogue, messyList()]) {
      for (const opts of options) {
        const run = (cands: unknown, owned = false): RerankResult => {
          const engine = new Engine({}, T0 - 8 * 86_400_000);
          for (const ev of events) engine.ingestRaw(ev, ev.ts ?? T0);
          const { listId: _l, tookMs: _t, ...rest } = engine.rerank(cands, opts, createRng(4), T0, () => 0, owned);
          return rest as RerankResult;
        };
        // As the worker runs it: the unpacked objects are its own.
        const packed = run(acrossTheBoundary(list), true);
        expect(packed.fellBack).toBe(false);
        expect(packed).toStrictEqual(run(list));
      }
    }
  });

  it('refuses what it cannot pack safely, without throwing: the list then goes as objects', () => {
    const throwing = {
      id: 'a',
      get price(): number {
        throw new Error('hostile getter');
      },
    };
    expect(packCandidates([{ id: 'ok' }, throwing])).toBeUndefined();
    expect(packCandidates([{ id: 'a', tags: new Array(MAX_PACKED_ARRAY + 1).fill('t') }])).toBeUndefined();
    expect(packCandidates([{ id: 'a', embedding: new Array(MAX_PACKED_ARRAY + 1).fill(1) }])).toBeUndefined();
    expect(packCandidates([{ id: 'a', related: new Array(MAX_PACKED_ARRAY + 1).fill({ id: 'b', score: 1 }) }])).toBeUndefined();
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(packCandidates([revoked.proxy])).toBeUndefined();
    for (const notAList of [undefined, null, 'a', { candidates: [] }, 7]) expect(packCandidates(notAList)).toBeUndefined();
    expect(packCandidates(new Array(MAX_PACKED_ARRAY).fill({ id: 'a', tags: new Array(MAX_PACKED_ARRAY).fill('t') }))).toBeDefined();
  });

  it('reads only what a packed list holds: a malformed or hostile one is refused or bounded, never a throw or an endless loop', () => {
    const good = packCandidates([{ id: 'a', tags: ['x', 'y'], embedding: [1, 2], related: [{ id: 'b', score: 0.5 }] }, { id: 'c', brand: 'B' }, 5]) as PackedCandidates;
    const goodRows = [{ id: 'a', tags: ['x', 'y'], embedding: [1, 2], related: [{ id: 'b', score: 0.5 }] }, { id: 'c', brand: 'B' }, null];
    expect(unpackCandidates(good)).toEqual(goodRows);
    expect(unpackCandidates(undefined)).toBeUndefined();
    expect(unpackCandidates([{ id: 'a' }])).toBeUndefined();
    expect(unpackCandidates({ ...good, ids: undefined })).toBeUndefined();
    expect(unpackCandidates({ ...good, ends: undefined })).toBeUndefined();
    expect(unpackCandidates({ ...good, lists: undefined })).toBeUndefined();
    expect(unpackCandidates({ ...good, ids: 'ac' })).toBeUndefined();
    expect(unpackCandidates({ ...good, fields: undefined })).toBeUndefined();
    // Tags and a brand refer to the table of strings: without one, nothing can be read.
    expect(unpackCandidates({ ...good, strings: undefined })).toBeUndefined();
    expect(good.strings).toStrictEqual(['x', 'y', 'B']);
    const max = 2 ** 31 - 1;
    expect(unpackCandidates({ ...good, ends: new Array(9).fill(max) })).toEqual(goodRows);
    expect(unpackCandidates({ ...good, ends: ['x', {}, 2] })).toEqual([{ id: 'a', related: [{ id: 'b', score: 0.5 }] }, { id: 'c', brand: 'B' }, null]);
    // Whatever a hostile page puts in, the cleaner still decides what counts.
    // Places outside the table, or not places at all, read as absent or as the non-string they find.
    const odd = unpackCandidates({
      ...good,
      ids: [{ id: 'x' }, 'c'],
      strings: ['B', 7],
      fields: [[5, 1], [{}, 0], [], [-1, Number.POSITIVE_INFINITY], [], ['yes'], []],
      lists: [['t', -1], [Number.NaN], [{}, 2]],
    });
    expect(sanitizeCandidates(odd)).toStrictEqual({ ok: true, candidates: [{ id: 'c', brand: 'B' }], dropped: [{ index: 0, reason: 'invalid-id' }] });
  });
});

describe('packResult / unpackResult', () => {
  const result: RerankResult = {
    items: [
      { id: 'b', score: 1.5, from: 1, to: 0, reason: 'You often look at shoes' },
      { id: 'a', score: -0, from: 0, to: 1 },
      { id: '7', score: -2.25, from: 2, to: 2, reason: 'Something new' },
    ],
    fellBack: false,
    tookMs: 1.25,
    listId: 'l-1',
  };

  it('gives back the same result after a transferring clone: items with the same key order, with and without a list id', () => {
    for (const r of [result, { items: [], fellBack: 'paused', tookMs: 0 } as RerankResult, { ...result, fellBack: 'time budget exceeded (51.0ms > 50ms)' }]) {
      const packed = packResult(r);
      const back = unpackResult(structuredClone(packed, { transfer: [packed.numbers.buffer] }));
      expect(back).toStrictEqual(r);
      expect(JSON.stringify(back)).toBe(JSON.stringify(r));
    }
  });

  it('carries reasons only where there is one', () => {
    const packed = packResult(result);
    expect(Object.keys(packed.reasons)).toEqual(['0', '2']);
    expect(packed.reasons[2]).toBe('Something new');
  });

  it('throws a TypeError on an answer with a column missing', () => {
    const packed = packResult(result);
    for (const key of ['ids', 'numbers', 'reasons'] as const) expect(() => unpackResult({ ...packed, [key]: undefined })).toThrow(TypeError);
  });
});
