import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeCandidates } from '../../src/core/input/candidates';
import { isCleanItem, readItem } from '../../src/core/input/item';

describe('sanitizeCandidates', () => {
  it('cleans a frozen candidate once and reuses the clean copy, which is itself frozen', () => {
    const raw = Object.freeze({ id: 'a', price: 3, related: [{ id: 'b', score: 0.5 }, { id: 'c', score: 7 }], extra: 1 });
    const first = sanitizeCandidates([raw]);
    const second = sanitizeCandidates([raw]);
    if (!first.ok || !second.ok) throw new Error('expected ok');
    expect(second.candidates[0]).toBe(first.candidates[0]);
    expect(Object.isFrozen(first.candidates[0])).toBe(true);
    // Unknown keys are dropped and out-of-range related scores skipped.
    expect(first.candidates[0]).toEqual({ id: 'a', price: 3, related: [{ id: 'b', score: 0.5 }] });
  });

  it('re-reads a candidate that is not frozen, so later edits count', () => {
    const raw: Record<string, unknown> = { id: 'a', price: 3 };
    const first = sanitizeCandidates([raw]);
    raw.price = 4;
    const second = sanitizeCandidates([raw]);
    if (!first.ok || !second.ok) throw new Error('expected ok');
    expect(first.candidates[0]!.price).toBe(3);
    expect(second.candidates[0]!.price).toBe(4);
  });

  it('keeps an owned list\'s clean elements as they are and copies the rest, with the same result as copying all (property)', () => {
    const element = fc.oneof(
      fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 1, ' e'), price: fc.constantFrom(1, -1, 'x'), tags: fc.constantFrom(['t'], [' t'], []), pinned: fc.constantFrom(true, 'yes') }, { requiredKeys: ['id'] }),
      fc.constantFrom(null, 'junk', { id: '' }),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 12 }), (list) => {
        const owned = structuredClone(list);
        const kept = sanitizeCandidates(owned, 100, new Set(['d']), true);
        expect(kept).toEqual(sanitizeCandidates(list, 100, new Set(['d'])));
        if (!kept.ok) return;
        // The element each kept candidate came from (the first of its id) is that candidate exactly when it was clean.
        const seen = new Set<string>(['d']);
        let at = 0;
        for (const raw of owned) {
          const id = readItem(raw, { flags: true }).item?.id;
          if (id === undefined || seen.has(id)) continue;
          seen.add(id);
          expect(kept.candidates[at++] === raw).toBe(isCleanItem(raw, true));
        }
        expect(at).toBe(kept.candidates.length);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('copies every element of a list it does not own, clean or not', () => {
    const raw = { id: 'a', price: 3 };
    const s = sanitizeCandidates([raw]);
    const owned = sanitizeCandidates([raw], 10, undefined, true);
    if (!s.ok || !owned.ok) throw new Error('expected ok');
    expect(s.candidates[0]).not.toBe(raw);
    expect(s.candidates[0]).toEqual(raw);
    expect(owned.candidates[0]).toBe(raw);
  });
});
