/**
 * Cheap read accessors over a {@link Profile}, for the feature extractor and the segment rules.
 * Each is O(1) or O(length of its argument) except {@link topAffinities}; none allocates more than
 * its small result. Shares are `value / total` of the same kind and horizon, so they are
 * scale-free (and independent of `now`, since both sides decay alike).
 */
import { decayFactor } from './decay';
import { mapEntries, mapGet } from '../util/map-get';
import type { Dict, ItemMemoryTuple, PriceBand, Profile } from './profile';
import { STRONGEST_TYPES } from './config';
import { brandKey, categoryKeys, itemKey, tagKey } from './keys';
import type { EventType } from '../types';
import { MINUTE_MS } from '../util/time';

/** Which horizon to read: long-term (default half-life 14 days) or short-term (1 hour). */
export type Horizon = 'long' | 'short';


/**
 * Current value of a forward-scaled long-horizon number stored in the profile.
 * @example longValue(p, p.sessions.weight, now); // decayed session count
 */
export function longValue(profile: Profile, stored: number, now: number): number {
  return stored * longFactor(profile, now);
}

/** Current value of a forward-scaled short-horizon number stored in the profile. */
export function shortValue(profile: Profile, stored: number, now: number): number {
  return stored * decayFactor(now, profile.shortHalfLifeMs, profile.anchorShort);
}

function factor(p: Profile, now: number, h: Horizon): number {
  return h === 'long' ? decayFactor(now, p.halfLifeMs, p.anchorLong) : decayFactor(now, p.shortHalfLifeMs, p.anchorShort);
}

/** value / total, clamped to [-1, 1] (a JSON round trip rounds the two sides independently). */
function shareOf(v: number, total: number): number {
  return total > 0 ? Math.max(-1, Math.min(1, v / total)) : 0;
}

function num(d: Dict<number>, k: string): number | undefined {
  const v = mapGet(d, k);
  // typeof guards against prototype members on maps that skipped reviveProfile.
  return typeof v === 'number' ? v : undefined;
}

/** An affinity read: current decayed value and its share of the kind's total (in [-1, 1]). */
export interface Affinity {
  value: number;
  share: number;
}

/** A category affinity with the path level it was found at (`level` is '' and `depth` 0 when unknown). */
export interface CategoryAffinity extends Affinity {
  level: string;
  depth: number;
}

/**
 * Affinity for a category path, backing off to the most specific level the profile knows:
 * for `"a/b/c"` it tries `a/b/c`, then `a/b`, then `a`.
 * @example
 * const { share, level } = categoryAffinity(p, 'beauty/lipstick/matte', now, 'long');
 */
export function categoryAffinity(profile: Profile, path: string, now: number, horizon: Horizon = 'long'): CategoryAffinity {
  const a = profile.categories;
  const d = horizon === 'long' ? a.long : a.short;
  const total = horizon === 'long' ? a.totalLong : a.totalShort;
  const keys = categoryKeys(path);
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i] as string;
    const v = num(d, k);
    if (v !== undefined) {
      return { value: v * factor(profile, now, horizon), share: shareOf(v, total), level: k, depth: i + 1 };
    }
  }
  return { value: 0, share: 0, level: '', depth: 0 };
}

/**
 * Affinity for a brand (case-insensitive).
 * @example brandAffinity(p, 'Acme', now).share; // 0.4
 */
export function brandAffinity(profile: Profile, brand: string, now: number, horizon: Horizon = 'long'): Affinity {
  const k = brandKey(brand);
  const a = profile.brands;
  const v = k === undefined ? undefined : num(horizon === 'long' ? a.long : a.short, k);
  if (v === undefined) return { value: 0, share: 0 };
  const total = horizon === 'long' ? a.totalLong : a.totalShort;
  return { value: v * factor(profile, now, horizon), share: shareOf(v, total) };
}

/** Tag affinities of a candidate's tags: sum, mean (over the given tags) and max of shares, and how many were known. */
export interface TagAffinity {
  sum: number;
  mean: number;
  max: number;
  matched: number;
}

/**
 * Affinity for a set of tags (case-insensitive). `max` is 0 when none is known. Shares do not
 * depend on `now` (both sides decay alike); it is taken for symmetry with the other accessors.
 * @example tagAffinity(p, ['matte', 'vegan'], now).mean;
 */
export function tagAffinity(
  profile: Profile,
  tags: readonly string[],
  _now: number,
  horizon: Horizon = 'long',
): TagAffinity {
  return combineTagShares(tags, (t) => tagShare(profile, t, horizon));
}

/**
 * One tag's share as {@link tagAffinity} counts it: `undefined` for a tag that does not count (blank,
 * or no tag credit at all yet), `null` for a tag the profile does not know, else its share.
 * @example tagShare(p, 'Matte', 'long'); // 0.25
 */
export function tagShare(profile: Profile, tag: string, horizon: Horizon): number | null | undefined {
  const a = profile.tags;
  const total = horizon === 'long' ? a.totalLong : a.totalShort;
  if (!(total > 0)) return undefined;
  const k = tagKey(tag);
  if (k === undefined) return undefined;
  const v = num(horizon === 'long' ? a.long : a.short, k);
  return v === undefined ? null : shareOf(v, total);
}

/**
 * {@link tagAffinity} of `tags` from their {@link tagShare}s, however they were looked up (the
 * feature extractor looks each tag of a candidate up once for both horizons, and reads them by index).
 * Pass `out` to reuse an object.
 * @example combineTagShares(['a', 'b'], (t) => shares.get(t));
 */
export function combineTagShares(
  tags: readonly string[],
  share: (tag: string, index: number) => number | null | undefined,
  out?: TagAffinity,
): TagAffinity {
  let sum = 0;
  let max = 0;
  let matched = 0;
  let n = 0;
  for (let i = 0; i < tags.length; i++) {
    const s = share(tags[i]!, i);
    if (s === undefined) continue;
    n++;
    if (s === null) continue;
    sum += s;
    if (matched === 0 || s > max) max = s;
    matched++;
  }
  const mean = n > 0 ? sum / n : 0;
  if (out === undefined) return { sum, mean, max, matched };
  out.sum = sum;
  out.mean = mean;
  out.max = max;
  out.matched = matched;
  return out;
}

/** The shopper's log-price band at one level: mean and spread of ln(price), and where it was found. */
export interface PriceBandInfo {
  mean: number;
  sd: number;
  /** Category level used, or '' for the all-categories band. */
  level: string;
  events: number;
}

/** Minimum events at a level before its band is trusted over a more general one. */
const PRICE_MIN_EVENTS = 3;
/** Floor on the log-price spread (≈ ±10 % of price), so a single price does not make a knife edge. */
const PRICE_MIN_SD = 0.1;

function band(b: PriceBand, level: string): PriceBandInfo | undefined {
  if (!(b[0] > 0) || b[3] < 1) return undefined;
  const mean = b[1] / b[0];
  const v = b[2] / b[0] - mean * mean;
  return { mean, sd: Math.max(PRICE_MIN_SD, Math.sqrt(Math.max(v, 0))), level, events: b[3] };
}

/**
 * The log-price band for a category (most specific level with ≥ 3 events, else the global band),
 * or `undefined` when the shopper has shown no price interest yet.
 */
export function priceBand(profile: Profile, category?: string): PriceBandInfo | undefined {
  if (category !== undefined) {
    const keys = categoryKeys(category);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      const b = mapGet(profile.prices.byCategory, k);
      if (Array.isArray(b) && b[3] >= PRICE_MIN_EVENTS) {
        const r = band(b, k);
        if (r) return r;
      }
    }
  }
  return band(profile.prices.all, '');
}

/**
 * How well `price` fits the shopper's price band, in [-1, 1]: 1 at the band's centre, 0 at about
 * 1.18 spreads away, towards -1 far outside; 0 when there is no evidence or no valid price.
 * @example priceFit(p, 'beauty/lipstick', 12.5); // 0.93
 */
export function priceFit(profile: Profile, category: string | undefined, price: number): number {
  if (!(Number.isFinite(price) && price > 0)) return 0;
  return bandFit(priceBand(profile, category), price);
}

/** {@link priceFit} against a band already looked up (0 without a band or a valid price). */
export function bandFit(b: PriceBandInfo | undefined, price: number): number {
  if (b === undefined || !(Number.isFinite(price) && price > 0)) return 0;
  const z = (Math.log(price) - b.mean) / b.sd;
  return 2 * Math.exp(-0.5 * z * z) - 1;
}

/** What the profile remembers of one item. */
export interface ItemMemory {
  /** Last interaction (epoch ms, minute resolution). */
  lastTs: number;
  /** Strongest interaction so far (`rating` means a rating of 4 or 5), or null. */
  strongest: EventType | null;
  /** Decayed interaction weight at `now` (at the profile's last event when `now` is omitted). */
  weight: number;
  /** Units bought. */
  bought: number;
  consumable: boolean;
}

/**
 * Memory of one item, or `undefined` if it was never seen (or was evicted). A bought,
 * non-consumable item is a candidate for demotion.
 * @example const m = itemMemory(p, 'sku-1', now); if (m?.bought && !m.consumable) demote();
 */
export function itemMemory(profile: Profile, id: string, now?: number): ItemMemory | undefined {
  return itemMemoryAt(profile, itemKey(id), longFactor(profile, now ?? profile.lastTs ?? 0));
}

/**
 * Factor turning a stored long-horizon value into its value at `now` (what {@link longValue}
 * multiplies by), for callers that read many values at one `now`.
 * @example const f = longFactor(p, now); const m = itemMemoryAt(p, itemKey(id), f);
 */
export function longFactor(profile: Profile, now: number): number {
  return decayFactor(now, profile.halfLifeMs, profile.anchorLong);
}

/**
 * {@link itemMemory} by profile key (`itemKey`), with the long-horizon {@link longFactor} already
 * taken. Pass `out` to reuse an object (the feature extractor reads one per candidate).
 */
export function itemMemoryAt(profile: Profile, key: string, factor: number, out?: ItemMemory): ItemMemory | undefined {
  const t: ItemMemoryTuple | undefined = mapGet(profile.items, key);
  if (!Array.isArray(t)) return undefined;
  const m = out ?? ({} as ItemMemory);
  m.lastTs = t[0] * MINUTE_MS;
  m.strongest = STRONGEST_TYPES[t[1]] ?? null;
  m.weight = t[2] * factor;
  m.bought = t[3];
  m.consumable = t[4] === 1;
  return m;
}

/** What the shopper did with distinct items in a recent time window. */
export interface RecentItemActivity {
  /** Items interacted with in the window. */
  items: number;
  /** Of those, items put in the cart and never bought. */
  carted: number;
  /** Of those, items favourited (strongest interaction) and never bought. */
  favorited: number;
}

/**
 * Distinct items whose last interaction is within `windowMs` before `now`, from the item memory.
 * @example recentItemActivity(p, now, DAY_MS).carted; // items in the cart since yesterday
 */
export function recentItemActivity(profile: Profile, now: number, windowMs: number): RecentItemActivity {
  const out: RecentItemActivity = { items: 0, carted: 0, favorited: 0 };
  for (const [, t] of mapEntries(profile.items)) {
    if (!Array.isArray(t) || now - t[0] * MINUTE_MS > windowMs) continue;
    out.items++;
    if (t[3] > 0) continue;
    const strongest = STRONGEST_TYPES[t[1]];
    if (strongest === 'add_to_cart') out.carted++;
    else if (strongest === 'favorite') out.favorited++;
  }
  return out;
}

/**
 * Recent item keys (see `itemKey`), most recent first, at most 20. Do not mutate.
 * @example recentItems(p).includes(itemKey(candidate.id));
 */
export function recentItems(profile: Profile): readonly string[] {
  return profile.recent;
}

/** Embeddings of the most recent items that carried one (most recent first, at most 6). Do not mutate. */
export function recentEmbeddings(profile: Profile): ReadonlyArray<readonly [string, readonly number[]]> {
  return profile.embeddings;
}

/** Current decayed totals (Σ|credit|) per kind and horizon: the denominators of the shares. */
export interface AffinityTotals {
  categories: { long: number; short: number };
  brands: { long: number; short: number };
  tags: { long: number; short: number };
}

/** Current decayed totals, e.g. to tell a fresh profile (small totals) from an established one. */
export function affinityTotals(profile: Profile, now: number): AffinityTotals {
  const fl = factor(profile, now, 'long');
  const fs = factor(profile, now, 'short');
  const of = (a: Profile['categories']) => ({ long: a.totalLong * fl, short: a.totalShort * fs });
  return { categories: of(profile.categories), brands: of(profile.brands), tags: of(profile.tags) };
}

/**
 * The `k` strongest entries of one kind, by current value (descending). O(n log n): not for per-candidate use.
 * @example topAffinities(p, 'brands', 3, now); // [{ key: 'acme', value: 4.1, share: 0.6 }, ...]
 */
export function topAffinities(
  profile: Profile,
  kind: 'categories' | 'brands' | 'tags',
  k: number,
  now: number,
  horizon: Horizon = 'long',
): Array<{ key: string; value: number; share: number }> {
  const a = profile[kind];
  const d = horizon === 'long' ? a.long : a.short;
  const total = horizon === 'long' ? a.totalLong : a.totalShort;
  const f = factor(profile, now, horizon);
  const out: Array<{ key: string; value: number; share: number }> = [];
  for (const [key, v] of mapEntries(d)) {
    if (typeof v === 'number') out.push({ key, value: v * f, share: shareOf(v, total) });
  }
  out.sort((x, y) => y.value - x.value || (x.key < y.key ? -1 : 1));
  return out.slice(0, Math.max(0, k));
}
