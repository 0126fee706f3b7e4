import { describe, expect, it } from 'vitest';
import { memo } from '../../src/core/util/memo';

describe('memo', () => {
  it('computes each string once, undefined results included, and starts again when full', () => {
    const calls: string[] = [];
    const f = memo((s) => {
      calls.push(s);
      return s === 'none' ? undefined : s.length;
    }, 3);
    expect([f('ab'), f('ab'), f('none'), f('none'), f('abc')]).toEqual([2, 2, undefined, undefined, 3]);
    expect(calls).toEqual(['ab', 'none', 'abc']);
    f('abcd'); // full: cleared, then 'abcd' kept
    expect(f('ab')).toBe(2);
    expect(calls).toEqual(['ab', 'none', 'abc', 'abcd', 'ab']);
  });
});
