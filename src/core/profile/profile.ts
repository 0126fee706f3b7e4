/**
 * The shopper profile: a bounded, JSON-serialisable summary of the shopper's own events, and the
 * pure reducer that folds events into it.
 *
 * Preferences use forward decay (see `decay.ts`): every decayed number is stored scaled to the
 * profile's anchor, so an event costs O(1) whatever the profile holds; read them through the
 * accessors (`profile-accessors.ts`, re-exported here), which apply the decay to `now`.
 *
 * Maps are {@link JsonMap}s (untrusted keys such as `__proto__` stay plain data; JSON is a plain object) and are
 * capped ({@link PROFILE_CAPS}); when full, the entries with the lowest current |value| are evicted.
 * A profile loaded from JSON or IndexedDB should go through {@link reviveProfile}.
 */
import { growth, halfLifeIndex, pow2 } from './decay';
import { evictLowest } from '../util/evict';
import { prefixWithin } from '../util/hash';
import { JsonMap } from '../util/json-map';
import { mapGet } from '../util/map-get';
import { cloneDeduper, createDeduper, type DedupeState, dedupeMut } from '../input/dedupe';
import { DAY_MS, DWELL_GAIN, HOUR_MS, PROFILE_CAPS, type ProfileConfig, resolveConfig, strengthRank, TILE_VIEW_SHARE } from './config';
import { brandKey, categoryKeys, itemKey, tagKey } from './keys';
import { InvalidDeclaredError, InvalidProfileError } from '../errors';
import { PROFILE_VERSION } from './revive';
import { type DeviceClass, EVENT_TYPES, type EventType, type StoredEvent } from '../types';
import { MINUTE_MS } from '../util/time';

export * from './accessors';
export { PROFILE_VERSION, reviveProfile } from './revive';
export { JsonMap } from '../util/json-map';
export { DEFAULT_PROFILE_CONFIG, PROFILE_CAPS, type ProfileConfig, STRONGEST_TYPES } from './config';
export { brandKey, categoryKeys, itemKey, tagKey } from './keys';

/** A string-keyed map of the profile: a `Map` that serialises to a plain JSON object. */
export type Dict<T> = JsonMap<T>;

/**
 * Decayed affinities of one kind (categories, brands or tags) on two horizons. Values and totals
 * are stored forward-scaled (long: `anchorLong`, short: `anchorShort`); totals sum |credit| once
 * per event, so `value / total` is a scale-free share in [-1, 1].
 */
export interface AffinityMaps {
  long: Dict<number>;
  short: Dict<number>;
  totalLong: number;
  totalShort: number;
}

/** Log-price statistics with decayed weights: `[weight, Σ w·ln p, Σ w·(ln p)², events]` (forward-scaled, long horizon). */
export type PriceBand = [weight: number, sumLog: number, sumLog2: number, events: number];

/**
 * Per-item memory: `[last minute (epoch ms / 60000), strongest interaction rank (see STRONGEST_TYPES),
 * decayed weight (forward-scaled, long), units bought, consumable 0|1]`.
 */
export type ItemMemoryTuple = [lastMinute: number, strongest: number, weight: number, bought: number, consumable: 0 | 1];

/** Session statistics; sums are over closed sessions, the open one is described by start/last/depth. */
export interface SessionStats {
  count: number;
  start: number;
  last: number;
  /** Item views and clicks in the open session. */
  depth: number;
  depthSum: number;
  durationSum: number;
  /** Long-decayed session count (forward-scaled). */
  weight: number;
  /** The open session had an add_to_cart / a purchase. */
  cart: 0 | 1;
  bought: 0 | 1;
  /** Closed sessions with an add_to_cart, and those of them without a purchase. */
  cartSessions: number;
  abandoned: number;
}

/** Purchase statistics. An order is a run of purchase events less than `orderGapMs` apart. */
export interface PurchaseStats {
  orders: number;
  lines: number;
  units: number;
  /** Σ price × quantity (2 decimals). */
  spend: number;
  lastTs: number | null;
  /** Start of the latest order. */
  orderTs: number | null;
  intervalCount: number;
  intervalSum: number;
  lastInterval: number | null;
}

/** Values a site or shopper declared explicitly (never inferred). */
export type DeclaredValue = string | number | boolean;

/**
 * The stored shopper profile (schema {@link PROFILE_VERSION}; stored ones are read back through
 * {@link reviveProfile}, which migrates them). Treat it as opaque data: read it through the
 * accessors, change it through {@link applyEvent} / {@link setDeclared}.
 */
export interface Profile {
  version: typeof PROFILE_VERSION;
  /** Fixed at creation: long and short half-lives (ms), timezone offset (minutes). */
  halfLifeMs: number;
  shortHalfLifeMs: number;
  tzOffsetMinutes: number;
  /** Forward-decay anchors, as half-life indices (`floor(ts / halfLife)`). */
  anchorLong: number;
  anchorShort: number;
  firstTs: number | null;
  lastTs: number | null;
  /** Events counted, and duplicates dropped. */
  eventCount: number;
  duplicates: number;
  /** Events decayed with the short half-life (forward-scaled, short): activity in the last hour or so. */
  activityShort: number;
  counts: Record<EventType, number>;
  sessions: SessionStats;
  dwell: { count: number; totalMs: number };
  purchases: PurchaseStats;
  categories: AffinityMaps;
  brands: AffinityMaps;
  tags: AffinityMaps;
  prices: { byCategory: Dict<PriceBand>; all: PriceBand };
  items: Dict<ItemMemoryTuple>;
  /** Recent item keys, most recent first. */
  recent: string[];
  /** Distinct category paths (most specific level) of recent events, most recent first. */
  recentCategories: string[];
  /**
   * Site-published related items of the most recent items that carried them:
   * `[item key, related item keys, scores (3 decimals)]`, most recent first.
   */
  recentRelated: Array<[string, string[], number[]]>;
  /** Recent `[item key, embedding]` pairs (4 decimals), most recent first. */
  embeddings: Array<[string, number[]]>;
  /** Event counts by local hour (24) and weekday (7, 0 = Sunday). */
  hours: number[];
  weekdays: number[];
  devices: Record<DeviceClass, number>;
  lastDevice: DeviceClass | null;
  declared: Dict<DeclaredValue>;
  dedupe: DedupeState;
}


/** Re-anchor once credits grow past 2^16: keeps stored numbers short and far from overflow. */
const REANCHOR_AFTER = 16;
/** Stored values below this (≈ current value at the new anchor) are dropped when re-anchoring. */
const PRUNE_BELOW = 1e-4;
/**
 * Short-term maps churn fast (a new key every few events, values halving hourly): evicting half
 * at once keeps their upkeep low, and what goes has mostly decayed anyway.
 */
const SHORT_EVICT_FRACTION = 0.5;
const bandWeight = (b: PriceBand): number => b[0];
const itemScore = (t: ItemMemoryTuple): number => Math.abs(t[2]);

function dict<T>(): Dict<T> {
  return new JsonMap<T>();
}

function emptyAffinity(): AffinityMaps {
  return { long: dict(), short: dict(), totalLong: 0, totalShort: 0 };
}

function zeroCounts(): Record<EventType, number> {
  const c = {} as Record<EventType, number>;
  for (const t of EVENT_TYPES) c[t] = 0;
  return c;
}

/**
 * A profile with no events. `now` only seeds the decay anchors (reset at the first event), so two
 * empty profiles fed the same events are equal whenever they were created.
 * @example let p = emptyProfile(Date.now()); p = applyEvent(p, ev, Date.now());
 */
export function emptyProfile(now: number, config?: Partial<ProfileConfig>): Profile {
  const cfg = resolveConfig(config);
  return {
    version: PROFILE_VERSION,
    halfLifeMs: cfg.halfLifeMs,
    shortHalfLifeMs: cfg.shortHalfLifeMs,
    tzOffsetMinutes: cfg.tzOffsetMinutes,
    anchorLong: halfLifeIndex(now, cfg.halfLifeMs),
    anchorShort: halfLifeIndex(now, cfg.shortHalfLifeMs),
    firstTs: null,
    lastTs: null,
    eventCount: 0,
    duplicates: 0,
    activityShort: 0,
    counts: zeroCounts(),
    sessions: {
      count: 0,
      start: 0,
      last: 0,
      depth: 0,
      depthSum: 0,
      durationSum: 0,
      weight: 0,
      cart: 0,
      bought: 0,
      cartSessions: 0,
      abandoned: 0,
    },
    dwell: { count: 0, totalMs: 0 },
    purchases: {
      orders: 0,
      lines: 0,
      units: 0,
      spend: 0,
      lastTs: null,
      orderTs: null,
      intervalCount: 0,
      intervalSum: 0,
      lastInterval: null,
    },
    categories: emptyAffinity(),
    brands: emptyAffinity(),
    tags: emptyAffinity(),
    prices: { byCategory: dict(), all: [0, 0, 0, 0] },
    items: dict(),
    recent: [],
    recentCategories: [],
    embeddings: [],
    recentRelated: [],
    hours: new Array<number>(24).fill(0),
    weekdays: new Array<number>(7).fill(0),
    devices: { mobile: 0, tablet: 0, desktop: 0, unknown: 0 },
    lastDevice: null,
    declared: dict(),
    dedupe: createDeduper(),
  };
}

function copyDict<T>(d: unknown, copyValue?: (v: T) => T): Dict<T> {
  return JsonMap.from<T>(d, copyValue);
}

function copyAffinity(a: AffinityMaps): AffinityMaps {
  return { long: copyDict(a.long), short: copyDict(a.short), totalLong: a.totalLong, totalShort: a.totalShort };
}

const copyTuple = <T extends number[]>(t: T): T => t.slice() as T;

/**
 * A deep copy that the caller owns exclusively (safe to pass to {@link applyEventMut}). Maps come out
 * as {@link JsonMap}s, so this also repairs profiles loaded by structured clone or JSON.parse.
 */
export function cloneProfile(p: Profile): Profile {
  return {
    ...p,
    counts: { ...p.counts },
    sessions: { ...p.sessions },
    dwell: { ...p.dwell },
    purchases: { ...p.purchases },
    categories: copyAffinity(p.categories),
    brands: copyAffinity(p.brands),
    tags: copyAffinity(p.tags),
    prices: { byCategory: copyDict(p.prices.byCategory, copyTuple), all: copyTuple(p.prices.all) },
    items: copyDict(p.items, copyTuple),
    recent: p.recent.slice(),
    recentCategories: p.recentCategories.slice(),
    embeddings: p.embeddings.map(([k, e]) => [k, e]),
    recentRelated: p.recentRelated.map(([k, ids, sc]) => [k, ids, sc]),
    hours: p.hours.slice(),
    weekdays: p.weekdays.slice(),
    devices: { ...p.devices },
    declared: copyDict(p.declared),
    dedupe: cloneDeduper(p.dedupe),
  };
}

function creditLong(a: AffinityMaps, key: string, delta: number, cap: number): void {
  const old = a.long.get(key);
  if (old === undefined) {
    if (a.long.size >= cap) evictLowest(a.long, cap, Math.abs);
    a.long.set(key, delta);
  } else a.long.set(key, old + delta);
}

function creditShort(a: AffinityMaps, key: string, delta: number, cap: number): void {
  const old = a.short.get(key);
  if (old === undefined) {
    if (a.short.size >= cap) evictLowest(a.short, cap, Math.abs, SHORT_EVICT_FRACTION);
    a.short.set(key, delta);
  } else a.short.set(key, old + delta);
}

function rescaleNumbers(d: Dict<number>, f: number): void {
  for (const [k, old] of d) {
    const v = old * f;
    // Deleting or updating the current entry during Map iteration is well-defined.
    if (Math.abs(v) < PRUNE_BELOW) d.delete(k);
    else d.set(k, v);
  }
}

function rescaleBand(b: PriceBand, f: number): void {
  b[0] = b[0] * f;
  b[1] = b[1] * f;
  b[2] = b[2] * f;
}

function reanchorLong(p: Profile, anchor: number): void {
  const f = pow2(p.anchorLong - anchor);
  p.anchorLong = anchor;
  for (const a of [p.categories, p.brands, p.tags]) {
    rescaleNumbers(a.long, f);
    a.totalLong = a.totalLong * f;
  }
  for (const [k, b] of p.prices.byCategory) {
    rescaleBand(b, f);
    if (b[0] < PRUNE_BELOW) p.prices.byCategory.delete(k);
  }
  rescaleBand(p.prices.all, f);
  // Items are not pruned by weight: a long-ago purchase is still worth remembering.
  for (const t of p.items.values()) t[2] = t[2] * f;
  p.sessions.weight = p.sessions.weight * f;
}

function reanchorShort(p: Profile, anchor: number): void {
  const f = pow2(p.anchorShort - anchor);
  p.anchorShort = anchor;
  for (const a of [p.categories, p.brands, p.tags]) {
    rescaleNumbers(a.short, f);
    a.totalShort = a.totalShort * f;
  }
  p.activityShort = p.activityShort * f;
}

/** Credit of one event for preferences (before forward scaling). */
export function eventWeight(event: StoredEvent, config?: Partial<ProfileConfig>): number {
  const cfg = resolveConfig(config);
  const w = cfg.weights[event.type];
  switch (event.type) {
    case 'rating': {
      const r = Math.min(5, Math.max(1, event.value ?? 3));
      return w * (r - 3);
    }
    case 'add_to_cart':
    case 'purchase':
    case 'remove_from_cart': {
      const q = Math.min(1000, Math.max(1, event.value ?? 1));
      return w * (1 + Math.log(q));
    }
    case 'view':
      // Attention: a product-page view (it carries dwell) earns up to 3× with dwell; a view without
      // dwell is a tile scrolling past and earns a small share.
      return event.dwellMs === undefined ? w * TILE_VIEW_SHARE : w * (1 + DWELL_GAIN * Math.min(1, event.dwellMs / cfg.dwellFullMs));
    default:
      return w;
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function closeSession(s: SessionStats): void {
  s.depthSum += s.depth;
  s.durationSum += s.last - s.start;
  if (s.cart) {
    s.cartSessions++;
    if (!s.bought) s.abandoned++;
  }
}

/**
 * Folds one event into `profile` IN PLACE and returns it. Faster than {@link applyEvent}; use it
 * only on a profile nobody else holds (fresh from {@link emptyProfile}, {@link cloneProfile} or
 * {@link rebuildProfile}). Duplicates (see `dedupe.ts`) only increment `duplicates`.
 * Events are expected in timestamp order; a late event is still counted, but session and
 * purchase-interval statistics then only approximate a sorted replay.
 * @example
 * const p = emptyProfile(now); // owned: nobody else holds it
 * for (const e of events) applyEventMut(p, e, now);
 */
export function applyEventMut(
  profile: Profile,
  event: StoredEvent,
  now: number,
  config?: Partial<ProfileConfig>,
): Profile {
  const p = profile;
  const cfg = resolveConfig(config);
  if (dedupeMut(p.dedupe, event)) {
    p.duplicates++;
    return p;
  }
  // The cleaner clamps future timestamps; this guards replays of uncleaned logs.
  const ts = Number.isFinite(event.ts) ? Math.min(event.ts, now) : now;
  const hl = p.halfLifeMs;
  const hs = p.shortHalfLifeMs;
  if (p.eventCount === 0) {
    p.anchorLong = halfLifeIndex(ts, hl);
    p.anchorShort = halfLifeIndex(ts, hs);
  } else {
    const qL = halfLifeIndex(ts, hl);
    if (qL - p.anchorLong > REANCHOR_AFTER) reanchorLong(p, qL);
    const qS = halfLifeIndex(ts, hs);
    if (qS - p.anchorShort > REANCHOR_AFTER) reanchorShort(p, qS);
  }
  const gL = growth(ts, hl, p.anchorLong);
  const gS = growth(ts, hs, p.anchorShort);
  const type = event.type;

  const s = p.sessions;
  if (p.lastTs === null || ts - s.last > cfg.sessionGapMs) {
    if (s.count > 0) closeSession(s);
    s.count++;
    s.start = ts;
    s.last = ts;
    s.depth = 0;
    s.cart = 0;
    s.bought = 0;
    s.weight = s.weight + gL;
  } else if (ts > s.last) s.last = ts;
  if (type === 'view' || type === 'click') s.depth++;
  if (type === 'add_to_cart') s.cart = 1;
  if (type === 'purchase') s.bought = 1;

  p.firstTs = p.firstTs === null || ts < p.firstTs ? ts : p.firstTs;
  p.lastTs = p.lastTs === null || ts > p.lastTs ? ts : p.lastTs;
  p.eventCount++;
  p.counts[type]++;
  p.activityShort = p.activityShort + gS;

  const local = ts + p.tzOffsetMinutes * MINUTE_MS;
  const hour = Math.floor(mod(local, DAY_MS) / HOUR_MS);
  // 1970-01-01 was a Thursday (weekday 4).
  const weekday = mod(Math.floor(local / DAY_MS) + 4, 7);
  p.hours[hour] = (p.hours[hour] ?? 0) + 1;
  p.weekdays[weekday] = (p.weekdays[weekday] ?? 0) + 1;
  if (event.device !== undefined) {
    p.devices[event.device] = (p.devices[event.device] ?? 0) + 1;
    p.lastDevice = event.device;
  }
  if (event.dwellMs !== undefined) {
    p.dwell.count++;
    p.dwell.totalMs += event.dwellMs;
  }

  const item = event.item;
  const qty = Math.min(1000, Math.max(1, event.value ?? 1));
  if (type === 'purchase') {
    const b = p.purchases;
    if (b.lastTs === null || ts - b.lastTs > cfg.orderGapMs) {
      if (b.orderTs !== null) {
        const interval = ts - b.orderTs;
        b.intervalCount++;
        b.intervalSum += interval;
        b.lastInterval = interval;
      }
      b.orders++;
      b.orderTs = ts;
    }
    b.lines++;
    b.units += qty;
    b.spend = Math.round((b.spend + (item?.price ?? 0) * qty) * 100) / 100;
    if (b.lastTs === null || ts > b.lastTs) b.lastTs = ts;
  }
  if (item === undefined) return p;

  const w = eventWeight(event, cfg);
  if (w !== 0) {
    const aw = Math.abs(w);
    const cats = item.category === undefined ? [] : categoryKeys(item.category);
    if (cats.length > 0) {
      const c = p.categories;
      for (const k of cats) {
        creditLong(c, k, w * gL, PROFILE_CAPS.categories);
        creditShort(c, k, w * gS, PROFILE_CAPS.categoriesShort);
      }
      c.totalLong = c.totalLong + aw * gL;
      c.totalShort = c.totalShort + aw * gS;
    }
    const bk = item.brand === undefined ? undefined : brandKey(item.brand);
    if (bk !== undefined) {
      const b = p.brands;
      creditLong(b, bk, w * gL, PROFILE_CAPS.brands);
      creditShort(b, bk, w * gS, PROFILE_CAPS.brandsShort);
      b.totalLong = b.totalLong + aw * gL;
      b.totalShort = b.totalShort + aw * gS;
    }
    if (item.tags !== undefined && item.tags.length > 0) {
      const t = p.tags;
      let any = false;
      for (const raw of item.tags) {
        const k = tagKey(raw);
        if (k === undefined) continue;
        any = true;
        creditLong(t, k, w * gL, PROFILE_CAPS.tags);
        creditShort(t, k, w * gS, PROFILE_CAPS.tagsShort);
      }
      if (any) {
        t.totalLong = t.totalLong + aw * gL;
        t.totalShort = t.totalShort + aw * gS;
      }
    }
    // Price bands learn only from positive interest: a removal says little about the right price.
    if (w > 0 && item.price !== undefined && item.price > 0) {
      const lp = Math.log(item.price);
      const ww = w * gL;
      addBand(p.prices.all, ww, lp);
      const pr = p.prices;
      for (const k of cats) {
        let band = pr.byCategory.get(k);
        if (band === undefined) {
          if (pr.byCategory.size >= PROFILE_CAPS.priceBands) evictLowest(pr.byCategory, PROFILE_CAPS.priceBands, bandWeight);
          band = [0, 0, 0, 0];
          pr.byCategory.set(k, band);
        }
        addBand(band, ww, lp);
      }
    }
  }

  const key = itemKey(item.id);
  const im = p.items;
  let mem = im.get(key);
  if (mem === undefined) {
    if (im.size >= PROFILE_CAPS.items) evictLowest(im, PROFILE_CAPS.items, itemScore);
    mem = [0, 0, 0, 0, 0];
    im.set(key, mem);
  }
  mem[0] = Math.max(mem[0], Math.floor(ts / MINUTE_MS));
  const rank = type === 'rating' && (event.value ?? 0) < 4 ? 0 : strengthRank(type);
  if (rank > mem[1]) mem[1] = rank;
  if (w !== 0) mem[2] = mem[2] + w * gL;
  if (type === 'purchase') mem[3] += qty;
  if (item.consumable === true) mem[4] = 1;
  else if (item.consumable === false) mem[4] = 0;

  if (type !== 'remove_from_cart') {
    const r = p.recent;
    if (r[0] !== key) {
      const at = r.indexOf(key);
      if (at >= 0) r.splice(at, 1);
      r.unshift(key);
      if (r.length > PROFILE_CAPS.recentItems) r.length = PROFILE_CAPS.recentItems;
    }
    // Category recency by event order, which bursty sessions make more telling than clock time.
    const cat = item.category === undefined ? undefined : categoryKeys(item.category).at(-1);
    if (cat !== undefined && p.recentCategories[0] !== cat) {
      const rc = p.recentCategories;
      const at = rc.indexOf(cat);
      if (at >= 0) rc.splice(at, 1);
      rc.unshift(cat);
      if (rc.length > PROFILE_CAPS.recentCategories) rc.length = PROFILE_CAPS.recentCategories;
    }
    if (item.related !== undefined && item.related.length > 0 && p.recentRelated[0]?.[0] !== key) {
      const rr = p.recentRelated;
      const at = rr.findIndex((x) => x[0] === key);
      if (at >= 0) rr.splice(at, 1);
      const top = item.related.slice(0, PROFILE_CAPS.relatedPerItem);
      rr.unshift([key, top.map((r) => itemKey(r.id)), top.map((r) => Math.round(r.score * 1e3) / 1e3)]);
      if (rr.length > PROFILE_CAPS.recentRelated) rr.length = PROFILE_CAPS.recentRelated;
    }
    // A repeat interaction with the newest embedded item changes nothing here.
    if (item.embedding !== undefined && item.embedding.length > 0 && p.embeddings[0]?.[0] !== key) {
      const e = p.embeddings;
      const at = e.findIndex((x) => x[0] === key);
      if (at >= 0) e.splice(at, 1);
      e.unshift([key, item.embedding.map((x) => Math.round(x * 1e4) / 1e4)]);
      if (e.length > PROFILE_CAPS.recentEmbeddings) e.length = PROFILE_CAPS.recentEmbeddings;
    }
  }
  return p;
}

function addBand(b: PriceBand, w: number, lp: number): void {
  b[0] = b[0] + w;
  b[1] = b[1] + w * lp;
  b[2] = b[2] + w * lp * lp;
  b[3]++;
}

/**
 * Pure reducer: returns a new profile with `event` folded in; `profile` is not modified.
 * `now` is the current time (events stamped later are treated as happening now).
 * Copies the profile (O(profile size)); hot loops that own their profile can use {@link applyEventMut}.
 * @example
 * let p = emptyProfile(now);
 * p = applyEvent(p, { id: 'e1', type: 'view', ts: now, item: { id: 'sku-1', category: 'beauty/lipstick' } }, now);
 * categoryAffinity(p, 'beauty/lipstick/matte', now, 'long').level; // 'beauty/lipstick'
 */
export function applyEvent(profile: Profile, event: StoredEvent, now: number, config?: Partial<ProfileConfig>): Profile {
  return applyEventMut(cloneProfile(profile), event, now, config);
}

/**
 * Pure batch reducer: folds `events` (in the given order) into a copy of `profile`, copying once
 * for the whole batch, so it runs at {@link applyEventMut} speed while leaving `profile` untouched.
 * Equal to folding {@link applyEvent} over the events.
 * @example p = applyEvents(p, queuedEvents, now);
 */
export function applyEvents(
  profile: Profile,
  events: readonly StoredEvent[],
  now: number,
  config?: Partial<ProfileConfig>,
): Profile {
  const p = cloneProfile(profile);
  for (const e of events) applyEventMut(p, e, now, config);
  return p;
}

/**
 * Returns a copy re-anchored at `now`, with preferences that have decayed to nothing dropped.
 * Accessor results are unchanged (re-anchoring scales by exact powers of two) apart from that
 * pruning; call it before
 * persisting so stored numbers stay small.
 * @example await store.put(decayTo(profile, Date.now()));
 */
export function decayTo(profile: Profile, now: number): Profile {
  const p = cloneProfile(profile);
  const qL = halfLifeIndex(now, p.halfLifeMs);
  if (qL > p.anchorLong) reanchorLong(p, qL);
  const qS = halfLifeIndex(now, p.shortHalfLifeMs);
  if (qS > p.anchorShort) reanchorShort(p, qS);
  return p;
}

/**
 * Rebuilds a profile by replaying an event log in timestamp order (stable for equal timestamps),
 * then {@link decayTo} `now`. Equals the incrementally built profile given the same events in
 * the same order, followed by `decayTo(now)`; events stamped after `now` count as happening at
 * `now`. Declared attributes are not events: re-apply them.
 * @example const p = rebuildProfile(await store.allEvents(), Date.now());
 */
export function rebuildProfile(events: readonly StoredEvent[], now: number, config?: Partial<ProfileConfig>): Profile {
  const sorted = events.slice().sort((a, b) => a.ts - b.ts);
  const p = emptyProfile(sorted[0]?.ts ?? now, config);
  for (const e of sorted) applyEventMut(p, e, now, config);
  return decayTo(p, now);
}

export { InvalidDeclaredError };

const DECLARED_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

/**
 * Returns a copy with a declared attribute set (or removed, when `value` is `null`). Declared
 * values come from the site or the shopper (age band, region, sizes) and are never inferred.
 * Keys: a letter then up to 31 of `[A-Za-z0-9_.-]`; strings are capped at 64 bytes of JSON; at most 32 keys.
 * @example p = setDeclared(p, 'shoeSize', 42);
 */
export function setDeclared(profile: Profile, key: string, value: DeclaredValue | null): Profile {
  if (typeof key !== 'string' || !DECLARED_KEY.test(key)) {
    throw new InvalidDeclaredError('key', `declared key must match ${DECLARED_KEY}, got ${JSON.stringify(key)}`);
  }
  let v: DeclaredValue | null = value;
  if (typeof v === 'string') v = prefixWithin(v, 64);
  else if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new InvalidDeclaredError(key, `declared.${key} must be a finite number, string or boolean, got ${v}`);
  } else if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new InvalidDeclaredError(key, `declared.${key} must be a finite number, string or boolean`);
  }
  const declared = copyDict<DeclaredValue>(profile.declared);
  if (v === null) declared.delete(key);
  else {
    if (!declared.has(key) && declared.size >= PROFILE_CAPS.declared) {
      throw new InvalidDeclaredError(key, `at most ${PROFILE_CAPS.declared} declared attributes`);
    }
    declared.set(key, v);
  }
  return { ...cloneProfile(profile), declared };
}

/**
 * Value of a declared attribute, if set.
 * @example getDeclared(p, 'region'); // 'EU' | undefined
 */
export function getDeclared(profile: Profile, key: string): DeclaredValue | undefined {
  return mapGet(profile.declared, key);
}

export { InvalidProfileError };
