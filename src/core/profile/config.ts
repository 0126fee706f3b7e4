/**
 * Tunables of the shopper profile: half-lives, session gap, per-event-type weights and the hard
 * caps that keep the stored record under 64 KB.
 */
import type { EventType } from '../types';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../util/time';

/** Interaction strength ranks stored in item memory: index → event type (0 = none yet; `rating` = 4 or 5 stars). */
export const STRONGEST_TYPES: readonly (EventType | null)[] = Object.freeze([
  null,
  'view',
  'click',
  'rating',
  'favorite',
  'add_to_cart',
  'purchase',
]);

/** Strength rank of each interaction type (its index in {@link STRONGEST_TYPES}; 0 for the rest). */
export function strengthRank(type: EventType): number {
  return Math.max(0, STRONGEST_TYPES.indexOf(type));
}

/**
 * Share of the view credit a view without dwell earns: a tile that was ≥ 50 % visible for a second,
 * far less telling than a product page (views with `dwellMs`).
 */
export const TILE_VIEW_SHARE = 0.3;
/** Extra view credit, as a multiple, for a product-page view with the full dwell ({@link ProfileConfig.dwellFullMs}). */
export const DWELL_GAIN = 2;

export { DAY_MS, HOUR_MS } from '../util/time';

/** Settings of the profile reducer. Half-lives and timezone are fixed when the profile is created. */
export interface ProfileConfig {
  /** Half-life of long-term preferences (default 14 days). */
  halfLifeMs: number;
  /** Half-life of the short-term view (default 1 hour). */
  shortHalfLifeMs: number;
  /** Minutes added to UTC to get the shop's local time for hour/weekday histograms (default 0). */
  tzOffsetMinutes: number;
  /** Inactivity that ends a session (default 30 minutes). */
  sessionGapMs: number;
  /** Purchases closer than this belong to one order (default 30 minutes). */
  orderGapMs: number;
  /**
   * Credit per event type. `rating` is multiplied by `(rating - 3)`, so 1-2 stars count against;
   * `remove_from_cart` should be negative; `search` carries no item and earns no credit.
   */
  weights: Record<EventType, number>;
  /** Dwell (ms) at which a product-page view earns its full credit (1 + {@link DWELL_GAIN} times); longer dwell earns no more. */
  dwellFullMs: number;
}

/** Default settings (purchase > add_to_cart > favorite > click > view; removals count against). */
export const DEFAULT_PROFILE_CONFIG: Readonly<ProfileConfig> = Object.freeze({
  halfLifeMs: 14 * DAY_MS,
  shortHalfLifeMs: HOUR_MS,
  tzOffsetMinutes: 0,
  sessionGapMs: 30 * MINUTE_MS,
  orderGapMs: 30 * MINUTE_MS,
  weights: Object.freeze({
    view: 0.5,
    click: 1,
    favorite: 2,
    add_to_cart: 3,
    purchase: 5,
    remove_from_cart: -2,
    rating: 1,
    search: 0,
  }),
  dwellFullMs: MINUTE_MS,
});

/**
 * Hard caps of every map and list in the profile. Together with the key-length limits they bound
 * the JSON record (see the size test): eviction removes the entries with the lowest current |value|.
 */
export const PROFILE_CAPS = Object.freeze({
  categories: 200,
  categoriesShort: 48,
  brands: 200,
  brandsShort: 48,
  tags: 300,
  tagsShort: 48,
  priceBands: 100,
  items: 500,
  recentItems: 20,
  recentCategories: 20,
  recentEmbeddings: 6,
  /** Recent items whose related-items lists are kept, and entries kept per list. */
  recentRelated: 3,
  relatedPerItem: 30,
  declared: 32,
  /** Category path levels kept ("a/b/c/d/e"). */
  categoryDepth: 5,
  /** Key-length limits: longer strings are stored as prefix + hash. */
  itemKeyLength: 16,
  categoryKeyLength: 32,
  brandKeyLength: 16,
  tagKeyLength: 16,
});

const cache = new WeakMap<Partial<ProfileConfig>, ProfileConfig>();

/** Merges a partial config over the defaults (memoised per config object, so per-event calls are cheap). */
export function resolveConfig(config?: Partial<ProfileConfig>): ProfileConfig {
  if (config === undefined || config === DEFAULT_PROFILE_CONFIG) return DEFAULT_PROFILE_CONFIG as ProfileConfig;
  const hit = cache.get(config);
  if (hit) return hit;
  const merged: ProfileConfig = {
    ...DEFAULT_PROFILE_CONFIG,
    ...config,
    weights: { ...DEFAULT_PROFILE_CONFIG.weights, ...(config.weights ?? {}) },
  };
  for (const k of ['halfLifeMs', 'shortHalfLifeMs', 'sessionGapMs', 'orderGapMs', 'dwellFullMs'] as const) {
    if (!(Number.isFinite(merged[k]) && merged[k] > 0)) throw new RangeError(`config.${k} must be a finite number > 0`);
  }
  // Integer half-lives keep the forward-decay split exact.
  merged.halfLifeMs = Math.round(merged.halfLifeMs);
  merged.shortHalfLifeMs = Math.round(merged.shortHalfLifeMs);
  if (!Number.isFinite(merged.tzOffsetMinutes)) throw new RangeError('config.tzOffsetMinutes must be finite');
  cache.set(config, merged);
  cache.set(merged, merged);
  return merged;
}
