/**
 * Interests the shopper removed ("I'm not into lipstick"): a removed category, brand or tag is taken
 * out of the profile and stays out. Credit flows up a category path (an event on `a/b/c` credits `a`,
 * `a/b` and `a/b/c` alike), so removing `a/b` also subtracts its credit from `a` and drops everything
 * under `a/b`: what remains of `a` is what the shopper showed for its other children.
 * Re-applied after every event, so new events in a removed interest never bring it back.
 */
import type { Profile } from '../profile/profile';
import { brandKey, categoryKeys, tagKey } from '../profile/keys';

/** What kind of interest: a category path, a brand or a tag. */
export type InterestKind = 'category' | 'brand' | 'tag';

/** An interest the shopper removed, with when. */
export interface RemovedInterest {
  kind: InterestKind;
  /** The profile key (as `profile()` and the panel show it). */
  key: string;
  at: number;
}

/** At most this many removed interests are kept (the oldest go first). */
export const MAX_REMOVED_INTERESTS = 200;

/**
 * The profile key of an interest the page names, or `undefined` when it names none.
 * @example interestKey('category', ' Beauty / lipstick ') // 'Beauty/lipstick'
 */
export function interestKey(kind: unknown, raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 500) return undefined;
  if (kind === 'category') return categoryKeys(raw).at(-1);
  if (kind === 'brand') return brandKey(raw);
  if (kind === 'tag') return tagKey(raw);
  return undefined;
}

/** Returns the list with `kind:key` added (or moved to now), bounded. */
export function withRemoved(list: readonly RemovedInterest[], kind: InterestKind, key: string, at: number): RemovedInterest[] {
  const out = list.filter((r) => !(r.kind === kind && r.key === key));
  out.push({ kind, key, at });
  return out.slice(-MAX_REMOVED_INTERESTS);
}

/** Returns the list without `kind:key`. */
export function withoutRemoved(list: readonly RemovedInterest[], kind: InterestKind, key: string): RemovedInterest[] {
  return list.filter((r) => !(r.kind === kind && r.key === key));
}

/** Reads a stored list; anything malformed is dropped. */
export function readRemoved(raw: unknown): RemovedInterest[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (r): r is RemovedInterest =>
        typeof r === 'object' && r !== null && (r.kind === 'category' || r.kind === 'brand' || r.kind === 'tag') &&
        typeof r.key === 'string' && typeof r.at === 'number',
    )
    .slice(-MAX_REMOVED_INTERESTS);
}

const under = (k: string, key: string) => k === key || k.startsWith(key + '/');
const TINY = 1e-9;

function subtract(map: Map<string, number>, key: string, v: number): void {
  const left = (map.get(key) ?? 0) - v;
  if (Math.abs(left) < TINY) map.delete(key);
  else map.set(key, left);
}

/**
 * Takes every removed interest out of `profile`, in place (the worker's profile is mutated in place by
 * the reducer too). Idempotent: a second call finds nothing left to remove.
 */
export function applyRemovedInterests(profile: Profile, removed: readonly RemovedInterest[]): void {
  for (const r of removed) {
    if (r.kind === 'brand') {
      profile.brands.long.delete(r.key);
      profile.brands.short.delete(r.key);
    } else if (r.kind === 'tag') {
      profile.tags.long.delete(r.key);
      profile.tags.short.delete(r.key);
    } else removeCategory(profile, r.key);
  }
}

function removeCategory(profile: Profile, key: string): void {
  const ancestors = categoryKeys(key).slice(0, -1);
  const c = profile.categories;
  for (const horizon of [c.long, c.short]) {
    const own = horizon.get(key);
    if (own !== undefined) for (const a of ancestors) subtract(horizon, a, own);
    for (const k of [...horizon.keys()]) if (under(k, key)) horizon.delete(k);
  }
  const bands = profile.prices.byCategory;
  const band = bands.get(key);
  if (band !== undefined) {
    for (const a of ancestors) {
      const ab = bands.get(a);
      if (!ab) continue;
      for (let i = 0; i < 4; i++) ab[i] = ab[i]! - band[i]!;
      if (ab[0] < TINY) bands.delete(a);
    }
  }
  for (const k of [...bands.keys()]) if (under(k, key)) bands.delete(k);
  profile.recentCategories = profile.recentCategories.filter((p) => !categoryKeys(p).some((k) => under(k, key)));
}
