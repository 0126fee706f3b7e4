/**
 * The page-exit stash: events the worker has not acknowledged when the page is hidden or left are
 * written synchronously to `localStorage`, because a dedicated worker dies with its page and may not
 * have stored them yet. The next page of the same site (any tab) sends them to its worker and removes
 * them; events that had been stored after all are counted once by the worker's dedupe (same ids).
 * Each page writes under its own key, so tabs never overwrite each other's stash.
 */
import type { ShopperEvent } from '../core/types';
import { stringifyJson } from './json';

const PREFIX = 'pz:unsent:';
/** At most this many events are stashed by one page (the newest are kept). */
export const STASH_MAX = 2_000;

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // storage blocked by the browser's settings
  }
}

/** The key prefix of one database's stashes. */
export function stashPrefix(dbName: string): string {
  return `${PREFIX}${dbName}:`;
}

/** Writes (or with no events removes) this page's stash. Returns false when storage refused it. */
export function writeStash(key: string, events: readonly ShopperEvent[]): boolean {
  const s = storage();
  if (!s) return false;
  try {
    if (events.length === 0) s.removeItem(key);
    else s.setItem(key, stringifyJson(events.slice(-STASH_MAX)));
    return true;
  } catch {
    return false;
  }
}

/** Reads and removes every stash under `prefix` except `own`; malformed ones are removed and skipped. */
export function takeStashes(prefix: string, own: string): ShopperEvent[] {
  const s = storage();
  if (!s) return [];
  const out: ShopperEvent[] = [];
  try {
    const keys: string[] = [];
    for (let i = 0; i < s.length; i++) {
      const k = s.key(i);
      if (k?.startsWith(prefix) && k !== own) keys.push(k);
    }
    for (const k of keys) {
      try {
        const parsed: unknown = JSON.parse(s.getItem(k) ?? '[]');
        if (Array.isArray(parsed)) out.push(...(parsed as ShopperEvent[]));
      } catch {
        // not ours to read: dropped below
      }
      s.removeItem(k);
    }
  } catch {
    // storage went away meanwhile
  }
  return out;
}

/** Removes every stash under `prefix` (erase, consent denied). */
export function clearStashes(prefix: string): void {
  takeStashes(prefix, '');
}
