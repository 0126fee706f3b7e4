import { describe, expect, it } from 'vitest';
import { InvalidEventError, MAX_TAGS, STRING_CAPS, validateEvent } from '../../src/core/input/clean';
import { createDeduper, DEDUPE_MAX_IDS, dedupeStep, isDuplicate } from '../../src/core/input/dedupe';
import { createRng } from '../../src/core/util/rng';
import type { StoredEvent } from '../../src/core/types';

const NOW = Date.UTC(2026, 0, 5, 12);

function reject(input: unknown): InvalidEventError {
  const r = validateEvent(input, NOW);
  if (r.ok) throw new Error('expected a rejection');
  return r.error;
}

function accept(input: unknown): { event: StoredEvent; warnings: string[] } {
  const r = validateEvent(input, NOW);
  if (!r.ok) throw r.error;
  return r;
}

describe('validateEvent rejections name the field', () => {
  it.each([
    [null, 'event', 'event must be an object, got null'],
    [[1], 'event', 'event must be an object, got an array'],
    [{ type: 'poke', item: { id: 'a' } }, 'type', 'type must be one of view, click, add_to_cart, remove_from_cart, favorite, purchase, rating, search, got "poke"'],
    [{ item: { id: 'a' } }, 'type', 'got undefined'],
    [{ type: 'view' }, 'item', 'item is required for view events, got undefined'],
    [{ type: 'view', item: 'sku' }, 'item', 'item must be an object, got "sku"'],
    [{ type: 'view', item: {} }, 'item.id', 'item.id is required, got undefined'],
    [{ type: 'view', item: { id: '   ' } }, 'item.id', 'item.id must be a non-empty string'],
    [{ type: 'view', item: { id: 'x'.repeat(201) } }, 'item.id', 'item.id must be at most 200 characters'],
    [{ type: 'view', item: { id: 'a', price: 'abc' } }, 'item.price', 'item.price must be a finite number ≥ 0, got "abc"'],
    [{ type: 'view', item: { id: 'a', price: -1 } }, 'item.price', 'item.price must be a finite number ≥ 0, got -1'],
    [{ type: 'view', item: { id: 'a', price: Number.POSITIVE_INFINITY } }, 'item.price', 'got Infinity'],
    [{ type: 'view', item: { id: 'a', price: Number.NaN } }, 'item.price', 'got NaN'],
    [{ type: 'view', item: { id: 'a', tags: 'red' } }, 'item.tags', 'item.tags must be an array of strings, got "red"'],
    [{ type: 'view', item: { id: 'a', tags: ['red', 5] } }, 'item.tags[1]', 'item.tags[1] must be a string, got 5'],
    [{ type: 'view', item: { id: 'a', embedding: new Array(65).fill(0) } }, 'item.embedding', 'must have at most 64 numbers, got "65 numbers"'],
    [{ type: 'view', item: { id: 'a', embedding: [0, Number.NaN] } }, 'item.embedding[1]', 'item.embedding[1] must be a finite number, got NaN'],
    [{ type: 'view', item: { id: 'a', category: 7 } }, 'item.category', 'item.category must be a string, got 7'],
    [{ type: 'view', item: { id: 'a', consumable: 'yes' } }, 'item.consumable', 'must be a boolean'],
    [{ type: 'rating', item: { id: 'a' } }, 'value', 'value must be a rating between 1 and 5, got undefined'],
    [{ type: 'rating', item: { id: 'a' }, value: 6 }, 'value', 'got 6'],
    [{ type: 'purchase', item: { id: 'a' }, value: 0 }, 'value', 'value must be a quantity > 0, got 0'],
    [{ type: 'view', item: { id: 'a' }, ts: 'yesterday' }, 'ts', 'ts must be a finite epoch time in ms ≥ 0, got "yesterday"'],
    [{ type: 'view', item: { id: 'a' }, dwellMs: -5 }, 'dwellMs', 'got -5'],
    [{ type: 'view', item: { id: 'a' }, position: 1.5 }, 'position', 'position must be an integer ≥ 0, got 1.5'],
    [{ type: 'view', item: { id: 'a' }, id: 42 }, 'id', 'id must be a string, got 42'],
  ])('%j → %s', (input, field, message) => {
    const e = reject(input);
    expect(e).toBeInstanceOf(InvalidEventError);
    expect(e.name).toBe('InvalidEventError');
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
    expect(String(e).startsWith(`InvalidEventError: ${field}`)).toBe(true);
  });

  it('formats the documented example exactly', () => {
    expect(String(reject({ type: 'view', item: { id: 'a', price: 'abc' } }))).toBe(
      'InvalidEventError: item.price must be a finite number ≥ 0, got "abc"',
    );
  });

  it('turns throwing getters into a rejection instead of an exception', () => {
    const evil = {
      type: 'view',
      get item(): unknown {
        throw new Error('boom');
      },
    };
    expect(reject(evil).field).toBe('event');
  });
});

describe('validateEvent cleaning', () => {
  it('tolerates missing fields: ts defaults to now, search needs no item', () => {
    const { event, warnings } = accept({ type: 'search', query: '  red shoes ' });
    expect(event).toMatchObject({ type: 'search', ts: NOW, query: 'red shoes' });
    expect(event.item).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('clamps future timestamps to now, with a reason', () => {
    const { event, warnings } = accept({ type: 'view', item: { id: 'a' }, ts: NOW + 60_000 });
    expect(event.ts).toBe(NOW);
    expect(warnings[0]).toMatch(/in the future, clamped to now/);
  });

  it('clamps absurd dwell and quantities', () => {
    const a = accept({ type: 'view', item: { id: 'a' }, dwellMs: 86_400_000 });
    expect(a.event.dwellMs).toBe(30 * 60_000);
    expect(a.warnings[0]).toMatch(/dwellMs 86400000 clamped/);
    expect(validateEvent({ type: 'view', item: { id: 'a' }, dwellMs: 5e6 }, NOW, { maxDwellMs: 1000 })).toMatchObject({
      ok: true,
      event: { dwellMs: 1000 },
    });
    expect(accept({ type: 'purchase', item: { id: 'a' }, value: 1e9 }).event.value).toBe(1000);
  });

  it('caps strings and tag lists, trims and de-duplicates tags', () => {
    const tags = [' red ', 'red', '', ...Array.from({ length: 40 }, (_, i) => `t${i}`), 'x'.repeat(100)];
    const { event, warnings } = accept({
      type: 'view',
      item: { id: 'a', title: 'T'.repeat(500), brand: 'B'.repeat(150), tags },
      query: 'q'.repeat(300),
    });
    expect(event.item?.title?.length).toBe(STRING_CAPS.title);
    expect(event.item?.brand?.length).toBe(STRING_CAPS.brand);
    expect(event.query?.length).toBe(STRING_CAPS.query);
    expect(event.item?.tags?.length).toBe(MAX_TAGS);
    expect(event.item?.tags?.[0]).toBe('red');
    expect(warnings.some((w) => w.includes('only the first 32 tags'))).toBe(true);
  });

  it('accepts numeric item ids as strings and copies only known fields', () => {
    const raw = JSON.parse(
      '{"type":"click","item":{"id":123,"__proto__":{"polluted":true},"constructor":"x"},"__proto__":{"admin":true},"extra":1}',
    );
    const { event } = accept(raw);
    expect(event.item?.id).toBe('123');
    expect(Object.keys(event).sort()).toEqual(['id', 'item', 'ts', 'type']);
    expect(Object.keys(event.item ?? {})).toEqual(['id']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((event as unknown as Record<string, unknown>).admin).toBeUndefined();
  });

  it('ignores inherited properties', () => {
    const proto = { type: 'view', item: { id: 'a' } };
    expect(reject(Object.create(proto)).field).toBe('type');
  });

  it('maps an unknown device to "unknown" with a warning', () => {
    const { event, warnings } = accept({ type: 'view', item: { id: 'a' }, device: 'fridge' });
    expect(event.device).toBe('unknown');
    expect(warnings[0]).toMatch(/device "fridge"/);
  });

  it('generates deterministic ids from content, or with an rng', () => {
    const a = accept({ type: 'view', item: { id: 'a' }, ts: NOW - 5 }).event.id;
    const b = accept({ type: 'view', item: { id: 'a' }, ts: NOW - 5 }).event.id;
    const c = accept({ type: 'view', item: { id: 'b' }, ts: NOW - 5 }).event.id;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const rng = createRng(1);
    const r1 = validateEvent({ type: 'view', item: { id: 'a' } }, NOW, { rng });
    const r2 = validateEvent({ type: 'view', item: { id: 'a' } }, NOW, { rng });
    expect(r1.ok && r2.ok && r1.event.id !== r2.event.id).toBe(true);
    expect(accept({ type: 'view', item: { id: 'a' }, id: ' mine ' }).event.id).toBe('mine');
  });
});

describe('dedupe', () => {
  const e = (id: string, type: StoredEvent['type'], item: string, ts: number): StoredEvent => ({ id, type, ts, item: { id: item } });

  it('drops a repeated event id and the same item + type within 1 s, purely', () => {
    let d = createDeduper();
    const first = dedupeStep(d, e('1', 'click', 'a', 0));
    expect(first.duplicate).toBe(false);
    expect(d.ids).toEqual([]); // the input state is untouched
    d = first.state;
    expect(dedupeStep(d, e('1', 'view', 'b', 50_000)).duplicate).toBe('same-id');
    expect(dedupeStep(d, e('2', 'click', 'a', 999)).duplicate).toBe('same-item-and-type-within-1s');
    expect(dedupeStep(d, e('3', 'click', 'a', 1000)).duplicate).toBe(false);
    expect(dedupeStep(d, e('4', 'view', 'a', 10)).duplicate).toBe(false);
    expect(dedupeStep(d, e('5', 'click', 'b', 10)).duplicate).toBe(false);
  });

  it('is bounded: ids older than the last 64 are forgotten', () => {
    let d = createDeduper();
    for (let i = 0; i < DEDUPE_MAX_IDS + 1; i++) d = dedupeStep(d, e(`id${i}`, 'view', `x${i}`, i * 2000)).state;
    expect(d.ids.length).toBe(DEDUPE_MAX_IDS);
    expect(isDuplicate(d, e('id0', 'view', 'new', 1e9))).toBe(false);
    expect(isDuplicate(d, e('id1', 'view', 'new', 1e9))).toBe('same-id');
    expect(d.recent.length).toBe(1);
  });
});

describe('public surface', () => {
  it('locks the export list of core/clean', async () => {
    const mod = await import('../../src/core/input/clean');
    expect(Object.keys(mod).sort()).toEqual([
      'InvalidEventError',
      'MAX_EMBEDDING',
      'MAX_QUANTITY',
      'MAX_RELATED',
      'MAX_TAGS',
      'STRING_CAPS',
      'validateEvent',
    ]);
  });
});

describe('related items on events', () => {
  it('keeps valid entries, skips bad ones with a warning, and caps the list', () => {
    const related = [{ id: 'a', score: 0.5 }, { id: '', score: 0.5 }, { id: 'b', score: 2 }, 'junk', ...Array.from({ length: 120 }, (_, i) => ({ id: `r${i}`, score: 0.1 }))];
    const r = validateEvent({ type: 'view', item: { id: 'x', related } }, 1_700_000_000_000);
    if (!r.ok) throw new Error(String(r.error));
    expect(r.event.item!.related![0]).toEqual({ id: 'a', score: 0.5 });
    expect(r.event.item!.related).toHaveLength(100);
    expect(r.warnings.filter((w) => w.startsWith('item.related[')).length).toBe(3);
    expect(r.warnings).toContain('item.related: only the first 100 are kept');
  });

  it('rejects a related field that is not an array', () => {
    const r = validateEvent({ type: 'view', item: { id: 'x', related: 'a,b' } }, 1_700_000_000_000);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(String(r.error)).toMatch(/^InvalidEventError: item.related must be an array/);
  });
});
