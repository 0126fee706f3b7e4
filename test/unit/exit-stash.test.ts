import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stashPrefix, takeStashes, writeStash } from '../../src/client/exit-stash';
import type { ShopperEvent } from '../../src/core/types';

/** A Storage over a Map, as `localStorage` is in a page. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, String(v)),
    removeItem: (k: string) => void m.delete(k),
    clear: () => m.clear(),
  };
}

describe('the page-exit stash', () => {
  const g = globalThis as { localStorage?: Storage };
  beforeEach(() => {
    g.localStorage = memoryStorage();
  });
  afterEach(() => {
    delete g.localStorage;
    delete (Array.prototype as { toJSON?: unknown }).toJSON;
  });

  const events: ShopperEvent[] = [
    { id: 'e1', type: 'view', item: { id: 'a', tags: ['x', 'y'] } },
    { id: 'e2', type: 'click', item: { id: 'b' } },
  ];

  it("hands one page's events to the next page, once", () => {
    const prefix = stashPrefix('db');
    expect(writeStash(`${prefix}page-1`, events)).toBe(true);
    expect(takeStashes(prefix, `${prefix}page-2`)).toEqual(events);
    expect(takeStashes(prefix, `${prefix}page-2`)).toEqual([]);
  });

  it("keeps events on a page whose script added Array.prototype.toJSON (Prototype.js)", () => {
    // Prototype.js makes JSON.stringify write every array as a string.
    Object.defineProperty(Array.prototype, 'toJSON', {
      value(this: unknown[]) {
        return JSON.stringify([...this]);
      },
      configurable: true,
      writable: true,
    });
    const prefix = stashPrefix('db');
    writeStash(`${prefix}page-1`, events);
    delete (Array.prototype as { toJSON?: unknown }).toJSON;
    expect(takeStashes(prefix, `${prefix}page-2`)).toEqual(events);
  });
});
