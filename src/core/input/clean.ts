/**
 * Validation and cleaning of raw shopper events (from the page, postMessage or an import) into
 * {@link StoredEvent}s. Reads only own properties of the known fields and builds a fresh object,
 * so extra or hostile keys (`__proto__`, `constructor`) are never copied anywhere.
 */
import { fnv1a } from '../util/hash';
import type { Rng } from '../util/rng';
import { ITEM_LIMITS, own, readItem, show } from './item';
import { InvalidEventError } from '../errors';
import { type DeviceClass, EVENT_TYPES, type EventType, type ItemFeatures, type StoredEvent } from '../types';
import { MINUTE_MS } from '../util/time';

/** Longest related-items list that is kept (extra entries are ignored). */
export const MAX_RELATED = ITEM_LIMITS.related;

export { InvalidEventError };

/** Result of {@link validateEvent}; `warnings` say what was clamped, truncated or dropped. */
export type ValidationResult =
  | { ok: true; event: StoredEvent; warnings: string[] }
  | { ok: false; error: InvalidEventError };

/** Options of {@link validateEvent}. */
export interface CleanOptions {
  /** Adds randomness to generated ids (otherwise they derive from the event's content and ts). */
  rng?: Rng;
  /** Dwell above this is clamped (default 30 minutes). */
  maxDwellMs?: number;
}

/** Length caps applied to strings (longer ones are truncated, with a warning); item fields from {@link ITEM_LIMITS}. */
export const STRING_CAPS = Object.freeze({
  id: 128,
  itemId: ITEM_LIMITS.id,
  category: ITEM_LIMITS.category,
  brand: ITEM_LIMITS.brand,
  tag: ITEM_LIMITS.tag,
  title: ITEM_LIMITS.title,
  query: 200,
  slot: 64,
  listId: 64,
});
/** At most this many tags are kept per item. */
export const MAX_TAGS = ITEM_LIMITS.tags;
/** Longest accepted embedding. */
export const MAX_EMBEDDING = ITEM_LIMITS.embedding;
/** Largest quantity kept (larger values are clamped). */
export const MAX_QUANTITY = 1000;
const DEFAULT_MAX_DWELL_MS = 30 * MINUTE_MS;
const DEVICES: readonly DeviceClass[] = ['mobile', 'tablet', 'desktop', 'unknown'];

/** Carries a rejection out of the nested readers to {@link validateEvent}; never leaves this module. */
class Reject {
  constructor(readonly err: InvalidEventError) {}
}

function fail(field: string, rule: string, got: unknown): never {
  throw new Reject(new InvalidEventError(field, `${field} ${rule}, got ${show(got)}`));
}

function str(v: unknown, field: string, cap: number, warnings: string[], required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) fail(field, 'is required', v);
    return undefined;
  }
  if (typeof v !== 'string') fail(field, 'must be a string', v);
  const s = v.trim();
  if (s === '') {
    if (required) fail(field, 'must be a non-empty string', v);
    return undefined;
  }
  if (s.length > cap) {
    warnings.push(`${field} truncated to ${cap} characters`);
    return s.slice(0, cap);
  }
  return s;
}

function finite(v: unknown, field: string, rule: string, ok: (n: number) => boolean): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(field, rule, v);
  return v;
}

function cleanItem(raw: unknown, warnings: string[]): ItemFeatures {
  const { item, issues } = readItem(raw, { prefix: 'item.' });
  for (const issue of issues) {
    if (issue.kind === 'invalid') throw new Reject(new InvalidEventError(issue.field, issue.message));
    warnings.push(issue.message);
  }
  // readItem reports an unusable id as an invalid issue, so the item is there.
  return item as ItemFeatures;
}

function clean(input: unknown, now: number, options: CleanOptions, warnings: string[]): StoredEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('event', 'must be an object', input);
  const type = own(input, 'type');
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    fail('type', `must be one of ${EVENT_TYPES.join(', ')}`, type);
  }
  const t = type as EventType;
  const rawItem = own(input, 'item');
  let item: ItemFeatures | undefined;
  if (rawItem === undefined || rawItem === null) {
    if (t !== 'search') fail('item', `is required for ${t} events`, rawItem);
  } else item = cleanItem(rawItem, warnings);

  let ts = finite(own(input, 'ts'), 'ts', 'must be a finite epoch time in ms ≥ 0', (n) => n >= 0);
  if (ts === undefined) ts = now;
  else if (ts > now) {
    warnings.push(`ts ${ts} is in the future, clamped to now (${now})`);
    ts = now;
  }
  ts = Math.round(ts);

  const ev: StoredEvent = { id: '', type: t, ts };
  if (item) ev.item = item;

  let value = finite(own(input, 'value'), 'value', 'must be a finite number', () => true);
  if (t === 'rating') {
    if (value === undefined || value < 1 || value > 5) fail('value', 'must be a rating between 1 and 5', value);
  } else if (value !== undefined && (t === 'add_to_cart' || t === 'purchase' || t === 'remove_from_cart')) {
    if (value <= 0) fail('value', 'must be a quantity > 0', value);
    if (value > MAX_QUANTITY) {
      warnings.push(`value (quantity) clamped to ${MAX_QUANTITY}`);
      value = MAX_QUANTITY;
    }
  }
  if (value !== undefined) ev.value = value;

  const query = str(own(input, 'query'), 'query', STRING_CAPS.query, warnings);
  if (query !== undefined) ev.query = query;
  const slot = str(own(input, 'slot'), 'slot', STRING_CAPS.slot, warnings);
  if (slot !== undefined) ev.slot = slot;
  const listId = str(own(input, 'listId'), 'listId', STRING_CAPS.listId, warnings);
  if (listId !== undefined) ev.listId = listId;
  const position = finite(own(input, 'position'), 'position', 'must be an integer ≥ 0', (n) => n >= 0 && Number.isInteger(n));
  if (position !== undefined) ev.position = position;

  let dwell = finite(own(input, 'dwellMs'), 'dwellMs', 'must be a finite number ≥ 0', (n) => n >= 0);
  const maxDwell = options.maxDwellMs ?? DEFAULT_MAX_DWELL_MS;
  if (dwell !== undefined && dwell > maxDwell) {
    warnings.push(`dwellMs ${dwell} clamped to ${maxDwell}`);
    dwell = maxDwell;
  }
  if (dwell !== undefined) ev.dwellMs = dwell;

  const device = own(input, 'device');
  if (device !== undefined && device !== null) {
    if (typeof device === 'string' && (DEVICES as readonly string[]).includes(device)) ev.device = device as DeviceClass;
    else {
      warnings.push(`device ${show(device)} is not one of ${DEVICES.join(', ')}; recorded as unknown`);
      ev.device = 'unknown';
    }
  }

  const idIn = own(input, 'id');
  if (idIn !== undefined && idIn !== null) {
    if (typeof idIn === 'string' && idIn.trim().length > STRING_CAPS.id) {
      fail('id', `must be at most ${STRING_CAPS.id} characters`, idIn);
    }
    ev.id = str(idIn, 'id', STRING_CAPS.id, warnings, true) as string;
  } else {
    // Content-derived: the same event reported twice at the same ms gets the same id (and is deduped).
    const h = fnv1a(`${t}|${item?.id ?? ''}|${query ?? ''}|${value ?? ''}|${slot ?? ''}|${position ?? ''}`);
    const r = options.rng ? '-' + Math.floor(options.rng() * 2 ** 32).toString(36) : '';
    ev.id = `e${ts.toString(36)}-${h.toString(36)}${r}`;
  }
  return ev;
}

/**
 * Validates and cleans one raw event. Never throws: a rejection is returned with a message naming
 * the field, e.g. `item.price must be a finite number ≥ 0, got "abc"` (`String(error)` prefixes
 * `InvalidEventError: `). Clamps (future ts → now, long dwell, huge quantities) and truncations are
 * reported in `warnings`. Missing optional fields are fine; `ts` defaults to `now`; a missing id is
 * generated from the content (plus `options.rng` when given).
 * @example
 * const r = validateEvent({ type: 'view', item: { id: 'sku-1', price: 9.5 } }, Date.now());
 * if (r.ok) queue(r.event); else console.warn(String(r.error));
 */
export function validateEvent(input: unknown, now: number, options: CleanOptions = {}): ValidationResult {
  const warnings: string[] = [];
  try {
    return { ok: true, event: clean(input, now, options, warnings), warnings };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, error: e.err };
    // A throwing getter or proxy in hostile input ends here.
    return { ok: false, error: new InvalidEventError('event', 'event could not be read') };
  }
}
