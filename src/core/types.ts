/**
 * The data contracts shared by every layer: the loader, the worker, the pure core and the benchmarks.
 * Types only (plus a few constant tables): no DOM, no IndexedDB, no tfjs.
 */

/** Every kind of shopper event the personalizer understands. */
export const EVENT_TYPES = [
  'view',
  'click',
  'add_to_cart',
  'remove_from_cart',
  'favorite',
  'purchase',
  'rating',
  'search',
] as const;

/** A kind of shopper event. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Coarse device class, derived locally from the viewport and pointer; never a fingerprint. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'unknown';

/**
 * Public, non-personal features of a product, as the storefront publishes them to everybody.
 * @example { id: 'sku-1', category: 'beauty/lipstick', brand: 'Acme', price: 12.5, tags: ['matte'] }
 */
export interface ItemFeatures {
  /** Stable product id (1..200 characters). */
  id: string;
  /** Category path, most general first, separated by `/` (e.g. `"beauty/makeup/lipstick"`). */
  category?: string;
  brand?: string;
  /** Price in the shop's currency; finite and ≥ 0. */
  price?: number;
  /** Free-form tags or attribute ids. At most 32 are used. */
  tags?: string[];
  /** Site-computed embedding from aggregate data (≤ 64 finite numbers). */
  embedding?: number[];
  /**
   * Items the site found related to this one in aggregate data (co-views, co-purchases), strongest
   * first, at most 100, `score` in (0, 1]. Public and the same for every shopper; the device matches
   * it against the shopper's own recent items. Best: the item's predecessors, the items whose shoppers
   * go on to this one (`ItemKnowledge.predecessors` in `src/site`), so the match is a forward
   * item-to-item score of what the shopper just did.
   */
  related?: RelatedItem[];
  /** Display title; used only to phrase reasons ("Like X you added to cart"). */
  title?: string;
  /** True for things people buy again (groceries, cosmetics): buying one does not demote it. */
  consumable?: boolean;
}

/** An entry of {@link ItemFeatures.related}. */
export interface RelatedItem {
  id: string;
  score: number;
}

/**
 * One thing the shopper did, as the page reports it.
 * @example { type: 'add_to_cart', item: { id: 'sku-1', price: 12.5 }, value: 2 }
 */
export interface ShopperEvent {
  /** Idempotency key: an event with an id already seen is counted once. Generated when absent. */
  id?: string;
  type: EventType;
  /** The product concerned; required for every type except `search`. */
  item?: ItemFeatures;
  /** Rating (1..5) for `rating`; quantity for cart and purchase events. */
  value?: number;
  /** Search query for `search`; kept on the device only. */
  query?: string;
  /** The slot (a list on the page) the item was shown in, when it came from one. */
  slot?: string;
  /** 0-based position in that slot's shown order. */
  position?: number;
  /** Id of the shown list (from {@link RerankResult.listId}) the interaction came from. */
  listId?: string;
  /** Visible time on a product page, in ms. */
  dwellMs?: number;
  /** Epoch ms; defaults to the time the worker receives it. */
  ts?: number;
  device?: DeviceClass;
}

/** An event after validation and cleaning: id and ts always present. */
export interface StoredEvent extends ShopperEvent {
  id: string;
  ts: number;
}

/** A candidate in a server-provided list, in server order. */
export interface Candidate extends ItemFeatures {
  /** Pinned (e.g. sponsored) candidates keep their server position. */
  pinned?: boolean;
  /** `false` for out-of-stock items: never promoted. */
  available?: boolean;
}

/** One entry of a reranked list. */
export interface RankedItem {
  id: string;
  /** Final blended score (higher is better); the server order scores by position. */
  score: number;
  /** A short human reason for the position, when there is one. */
  reason?: string;
  /** 0-based position in the server order. */
  from: number;
  /** 0-based position after reranking. */
  to: number;
}

/** The result of a rerank: never throws; on any problem it is the server order with `fellBack` saying why. */
export interface RerankResult {
  items: RankedItem[];
  /** `false` when personalised; otherwise the reason the server order was returned. */
  fellBack: false | string;
  tookMs: number;
  /** Id of this shown list, for feedback events. */
  listId?: string;
}

/** Options for one rerank call. */
export interface RerankOptions {
  /** Name of the list on the page (e.g. `"home-recs"`). */
  slot?: string;
  /** Return at most this many items. */
  limit?: number;
  /** 0 = server order exactly, 1 = fully personal. */
  personalization?: number;
  /** Maximal-marginal-relevance trade-off (0 = no diversity, 1 = only diversity). */
  diversity?: number;
  /** At most this many items of one category in the top `diversityWindow`. */
  maxPerCategory?: number;
  diversityWindow?: number;
  /** Share of positions that may be explored (Thompson sampling); capped. */
  exploration?: number;
  /** Time budget in ms; over it, the server order. */
  budgetMs?: number;
  /** Ids never returned, e.g. the product the page shows (strings or numbers, by the item id rule). */
  exclude?: readonly (string | number)[];
}

/** A shown list the learner can learn from: which ids, in which order, in which slot. */
export interface Impression {
  listId: string;
  slot: string;
  ids: string[];
  ts: number;
}

/** Consent state. `denied` stores nothing and reranks nothing. */
export type ConsentState = 'granted' | 'denied' | 'pending';
