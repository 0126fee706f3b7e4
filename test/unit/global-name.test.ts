import { describe, expect, it } from 'vitest';
import { INSTANCE_KEY, unsafeGlobalName } from '../../src/client/global-name';

describe('the data-global name', () => {
  it('accepts a free name, the command-queue array and the library\'s own instance', () => {
    const api = { track() {} };
    const win = { queued: [['track', {}]], mine: api, [INSTANCE_KEY]: api };
    expect(unsafeGlobalName('pz', win)).toBeUndefined();
    expect(unsafeGlobalName('queued', win)).toBeUndefined();
    expect(unsafeGlobalName('mine', win)).toBeUndefined();
  });

  it('refuses a name the page already uses, saying what is there', () => {
    const win = { name: '', shop: { cart: [] }, nothing: null, unset: undefined, other: { track() {} } };
    expect(unsafeGlobalName('name', win)).toBe('data-global="name" is taken: window.name is string; the personalizer did not start');
    expect(unsafeGlobalName('shop', win)).toBe('data-global="shop" is taken: window.shop is object; the personalizer did not start');
    expect(unsafeGlobalName('nothing', win)).toMatch(/window\.nothing is null;/);
    expect(unsafeGlobalName('unset', win)).toMatch(/window\.unset is undefined;/);
    // Another personalizer-like object that is not this page's instance is the page's own.
    expect(unsafeGlobalName('other', win)).toMatch(/window\.other is object;/);
    expect(unsafeGlobalName('toString', win)).toMatch(/window\.toString is function;/); // inherited counts too
  });

  it('refuses a name whose value cannot be read', () => {
    const win = Object.defineProperty({}, 'locked', {
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    expect(unsafeGlobalName('locked', win)).toBe('data-global="locked" is taken: window.locked cannot be read; the personalizer did not start');
  });

  it('refuses a name that is not a JavaScript identifier, quoting at most 60 characters of it', () => {
    expect(unsafeGlobalName('not-an-identifier', {})).toBe('data-global="not-an-identifier" is not a JavaScript identifier; the personalizer did not start');
    expect(unsafeGlobalName('', {})).toMatch(/^data-global="" is not a JavaScript identifier/);
    expect(unsafeGlobalName(`x-${'y'.repeat(100)}`, {})).toBe(`data-global="x-${'y'.repeat(58)}" is not a JavaScript identifier; the personalizer did not start`);
  });
});
