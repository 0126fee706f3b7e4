import { describe, expect, it } from 'vitest';
import { sanitizeCandidates } from '../../src/core/input/candidates';

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
});
