/**
 * The boundary where stored profiles come back: numbered migrations, then a check of every field.
 * A profile read from IndexedDB, JSON or postMessage goes through {@link reviveProfile} once; inside,
 * the reducer and the accessors trust the shape and carry no guards. Whatever does not match throws
 * {@link InvalidProfileError} naming the field, and the worker rebuilds the profile from the event log.
 */
import type { DedupeState } from '../input/dedupe';
import { InvalidProfileError } from '../errors';
import { JsonMap } from '../util/json-map';
import { type DeviceClass, EVENT_TYPES, type EventType } from '../types';
import { PROFILE_CAPS } from './config';
import type { AffinityMaps, DeclaredValue, ItemMemoryTuple, PriceBand, Profile, PurchaseStats, SessionStats } from './profile';

/**
 * Current profile schema version. A change to the stored shape bumps it and appends a migration to
 * {@link PROFILE_MIGRATIONS}; an old migration is never edited.
 */
export const PROFILE_VERSION = 2;

type Raw = Record<string, unknown>;

/**
 * Migration `i` takes a stored profile from version `i` to `i + 1`, as plain data (maps may be `Map`s
 * after structured clone or objects after JSON). Index 0 is unused: no profile was stored at version 0.
 */
const PROFILE_MIGRATIONS: ((p: Raw) => Raw)[] = [
  (p) => p,
  // 1 → 2: version 1 named three shapes. The first kept items as `{ map, size }` and a size beside
  // every map; recent categories and related lists came later. Sizes are now the maps' own, and a
  // profile that never recorded recent categories or related lists starts them empty.
  (p) => {
    const items = p.items as { map?: unknown; size?: unknown } | undefined;
    const unwrapped = items && !(items instanceof Map) && typeof items.map === 'object' && typeof items.size === 'number' ? items.map : p.items;
    const counts = { ...(p.counts as Raw) };
    for (const t of EVENT_TYPES) counts[t] ??= 0;
    return {
      ...p,
      version: 2,
      items: unwrapped,
      counts,
      activityShort: p.activityShort ?? 0,
      recentCategories: p.recentCategories ?? [],
      recentRelated: p.recentRelated ?? [],
    };
  },
];

const DEVICE_CLASSES: readonly DeviceClass[] = ['mobile', 'tablet', 'desktop', 'unknown'];

function bad(field: string, rule: string): never {
  throw new InvalidProfileError(field, `profile.${field} ${rule}`);
}

function obj(v: unknown, field: string): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(field, 'must be an object');
  return v as Raw;
}

function num(v: unknown, field: string, min = Number.NEGATIVE_INFINITY): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) bad(field, `must be a finite number${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}`);
  return v;
}

function numOrNull(v: unknown, field: string): number | null {
  return v === null ? null : num(v, field);
}

function bit(v: unknown, field: string): 0 | 1 {
  if (v !== 0 && v !== 1) bad(field, 'must be 0 or 1');
  return v;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') bad(field, 'must be a string');
  return v;
}

function list<T>(v: unknown, field: string, max: number, read: (x: unknown, f: string) => T): T[] {
  if (!Array.isArray(v)) bad(field, 'must be an array');
  if (v.length > max) bad(field, `must hold at most ${max} entries`);
  return v.map((x, i) => read(x, `${field}[${i}]`));
}

function numbers(v: unknown, field: string, length: number): number[] {
  if (!Array.isArray(v) || v.length !== length) bad(field, `must hold ${length} numbers`);
  return v.map((x, i) => num(x, `${field}[${i}]`));
}

/** A stored map (a `Map` after structured clone, an object after JSON) read into a {@link JsonMap}. */
function map<V>(v: unknown, field: string, cap: number, read: (x: unknown, f: string) => V): JsonMap<V> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(field, 'must be a map');
  const raw = JsonMap.from<unknown>(v);
  if (raw.size > cap) bad(field, `must hold at most ${cap} entries`);
  const out = new JsonMap<V>();
  for (const [k, x] of raw) out.set(k, read(x, `${field}.${k}`));
  return out;
}

function affinity(v: unknown, field: string, cap: number, capShort: number): AffinityMaps {
  const a = obj(v, field);
  return {
    long: map(a.long, `${field}.long`, cap, num),
    short: map(a.short, `${field}.short`, capShort, num),
    totalLong: num(a.totalLong, `${field}.totalLong`),
    totalShort: num(a.totalShort, `${field}.totalShort`),
  };
}

function band(v: unknown, field: string): PriceBand {
  return numbers(v, field, 4) as PriceBand;
}

function item(v: unknown, field: string): ItemMemoryTuple {
  const t = numbers(v, field, 5);
  bit(t[4], `${field}[4]`);
  return t as ItemMemoryTuple;
}

function sessions(v: unknown): SessionStats {
  const s = obj(v, 'sessions');
  const n = (k: keyof SessionStats) => num(s[k], `sessions.${k}`);
  return {
    count: n('count'),
    start: n('start'),
    last: n('last'),
    depth: n('depth'),
    depthSum: n('depthSum'),
    durationSum: n('durationSum'),
    weight: n('weight'),
    cart: bit(s.cart, 'sessions.cart'),
    bought: bit(s.bought, 'sessions.bought'),
    cartSessions: n('cartSessions'),
    abandoned: n('abandoned'),
  };
}

function purchases(v: unknown): PurchaseStats {
  const b = obj(v, 'purchases');
  const n = (k: keyof PurchaseStats) => num(b[k], `purchases.${k}`);
  return {
    orders: n('orders'),
    lines: n('lines'),
    units: n('units'),
    spend: n('spend'),
    lastTs: numOrNull(b.lastTs, 'purchases.lastTs'),
    orderTs: numOrNull(b.orderTs, 'purchases.orderTs'),
    intervalCount: n('intervalCount'),
    intervalSum: n('intervalSum'),
    lastInterval: numOrNull(b.lastInterval, 'purchases.lastInterval'),
  };
}

function declaredValue(v: unknown, field: string): DeclaredValue {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  return bad(field, 'must be a string, a finite number or a boolean');
}

function dedupe(v: unknown): DedupeState {
  const d = obj(v, 'dedupe');
  return {
    ids: list(d.ids, 'dedupe.ids', Number.MAX_SAFE_INTEGER, str),
    recent: list(d.recent, 'dedupe.recent', Number.MAX_SAFE_INTEGER, (x, f) => {
      if (!Array.isArray(x) || x.length !== 3) bad(f, 'must be [type, item, ts]');
      if (!(EVENT_TYPES as readonly unknown[]).includes(x[0])) bad(`${f}[0]`, 'must be an event type');
      return [x[0] as EventType, str(x[1], `${f}[1]`), num(x[2], `${f}[2]`)];
    }),
  };
}

/**
 * Reads a profile stored at any earlier version: migrates it step by step, then checks every field and
 * returns an owned copy whose maps are {@link JsonMap}s. Throws {@link InvalidProfileError} (with the
 * field) for anything that does not fit; the caller rebuilds the profile from the event log.
 * @example const p = reviveProfile(JSON.parse(text));
 */
export function reviveProfile(raw: unknown): Profile {
  let p = obj(raw, 'profile');
  const version = p.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > PROFILE_VERSION) {
    bad('version', `must be a profile version from 1 to ${PROFILE_VERSION}, got ${String(version)}`);
  }
  for (let v = version; v < PROFILE_VERSION; v++) p = PROFILE_MIGRATIONS[v]!(p);
  const counts = obj(p.counts, 'counts');
  const devices = obj(p.devices, 'devices');
  const prices = obj(p.prices, 'prices');
  const dwell = obj(p.dwell, 'dwell');
  const lastDevice = p.lastDevice;
  if (lastDevice !== null && !DEVICE_CLASSES.includes(lastDevice as DeviceClass)) bad('lastDevice', 'must be a device class or null');
  return {
    version: PROFILE_VERSION,
    halfLifeMs: num(p.halfLifeMs, 'halfLifeMs', 1),
    shortHalfLifeMs: num(p.shortHalfLifeMs, 'shortHalfLifeMs', 1),
    tzOffsetMinutes: num(p.tzOffsetMinutes, 'tzOffsetMinutes'),
    anchorLong: num(p.anchorLong, 'anchorLong'),
    anchorShort: num(p.anchorShort, 'anchorShort'),
    firstTs: numOrNull(p.firstTs, 'firstTs'),
    lastTs: numOrNull(p.lastTs, 'lastTs'),
    eventCount: num(p.eventCount, 'eventCount', 0),
    duplicates: num(p.duplicates, 'duplicates', 0),
    activityShort: num(p.activityShort, 'activityShort'),
    counts: Object.fromEntries(EVENT_TYPES.map((t) => [t, num(counts[t], `counts.${t}`, 0)])) as Record<EventType, number>,
    sessions: sessions(p.sessions),
    dwell: { count: num(dwell.count, 'dwell.count', 0), totalMs: num(dwell.totalMs, 'dwell.totalMs', 0) },
    purchases: purchases(p.purchases),
    categories: affinity(p.categories, 'categories', PROFILE_CAPS.categories, PROFILE_CAPS.categoriesShort),
    brands: affinity(p.brands, 'brands', PROFILE_CAPS.brands, PROFILE_CAPS.brandsShort),
    tags: affinity(p.tags, 'tags', PROFILE_CAPS.tags, PROFILE_CAPS.tagsShort),
    prices: { byCategory: map(prices.byCategory, 'prices.byCategory', PROFILE_CAPS.priceBands, band), all: band(prices.all, 'prices.all') },
    items: map(p.items, 'items', PROFILE_CAPS.items, item),
    recent: list(p.recent, 'recent', PROFILE_CAPS.recentItems, str),
    recentCategories: list(p.recentCategories, 'recentCategories', PROFILE_CAPS.recentCategories, str),
    embeddings: list(p.embeddings, 'embeddings', PROFILE_CAPS.recentEmbeddings, (x, f) => {
      if (!Array.isArray(x) || x.length !== 2 || !Array.isArray(x[1])) bad(f, 'must be [item, vector]');
      return [str(x[0], `${f}[0]`), numbers(x[1], `${f}[1]`, x[1].length)] as [string, number[]];
    }),
    recentRelated: list(p.recentRelated, 'recentRelated', PROFILE_CAPS.recentRelated, (x, f) => {
      if (!Array.isArray(x) || x.length !== 3) bad(f, 'must be [item, ids, scores]');
      const ids = list(x[1], `${f}[1]`, PROFILE_CAPS.relatedPerItem, str);
      const scores = numbers(x[2], `${f}[2]`, ids.length);
      return [str(x[0], `${f}[0]`), ids, scores] as [string, string[], number[]];
    }),
    hours: numbers(p.hours, 'hours', 24),
    weekdays: numbers(p.weekdays, 'weekdays', 7),
    devices: Object.fromEntries(DEVICE_CLASSES.map((d) => [d, num(devices[d], `devices.${d}`, 0)])) as Record<DeviceClass, number>,
    lastDevice: lastDevice as DeviceClass | null,
    declared: map(p.declared, 'declared', PROFILE_CAPS.declared, declaredValue),
    dedupe: dedupe(p.dedupe),
  };
}
