/**
 * The one reader of item fields. Events (`clean.ts`), server candidate lists (`candidates.ts`) and the
 * server-order fallback (`rank/server-order.ts`, bundled in the page loader) all read an item through
 * this file, under the one limits table {@link ITEM_LIMITS}, so an item that one path accepts is the
 * same item on every other path (a numeric id `1` is the id `"1"` everywhere).
 *
 * The reader is lenient and reports: it always returns the usable part of the item and lists every
 * problem as an {@link ItemIssue}. Callers decide what an issue costs: an event with an `invalid` issue
 * is rejected (with that issue's message), a candidate just loses the field.
 */
import type { Candidate, RelatedItem } from '../types';

/** Id length in characters; a longer id makes the item unusable. Apart from {@link ITEM_LIMITS} only so the page loader, which reads ids alone, bundles no other limit. */
const ID_MAX_LENGTH = 200;

/** Every limit on item fields, in one place. Text is trimmed first, longer text is truncated; ids are never changed. */
export const ITEM_LIMITS = /* @__PURE__ */ Object.freeze({
  /** Id length in characters; a longer id makes the item unusable. */
  id: ID_MAX_LENGTH,
  category: 300,
  brand: 100,
  title: 200,
  /** Length of one tag. */
  tag: 64,
  /** Tags kept per item (the first ones, duplicates removed). */
  tags: 32,
  /** Numbers in an embedding; a longer embedding is dropped whole. */
  embedding: 64,
  /** Related items kept per item. */
  related: 100,
});

/**
 * A problem found while reading one item field. `invalid`: the field was unusable and left out (a
 * candidate keeps the rest; an event is rejected). `adjusted`: the value was truncated or partly kept.
 * @example { field: 'item.price', kind: 'invalid', message: 'item.price must be a finite number ≥ 0, got "abc"' }
 */
export interface ItemIssue {
  field: string;
  kind: 'invalid' | 'adjusted';
  message: string;
}

type Raw = Record<string, unknown>;

/** Reads an own property only: inherited values (a polluted or exotic prototype) are never trusted. */
export function own(raw: object, key: string): unknown {
  return Object.hasOwn(raw, key) ? (raw as Raw)[key] : undefined;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A short, safe rendering of a bad value for messages (never more than 40 characters of its content).
 * @example show('abc'); // '"abc"'
 */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/**
 * Normalises a raw id value: a string of 1..200 characters, not blank, is kept exactly as given (ids
 * are keys, compared exactly, never trimmed), a finite number becomes its decimal string. Returns the id, or
 * why it is not usable.
 * @example normalizeId(42); // { id: '42' }
 * @example normalizeId('  '); // { error: 'must be a non-empty string' }
 */
export function normalizeId(value: unknown): { id: string } | { error: string } {
  const id = idOf(value);
  if (id !== undefined) return { id };
  if (value === undefined || value === null) return { error: 'is required' };
  // A number here is not finite; a finite one always passes.
  if (typeof value !== 'string') return { error: 'must be a string or a finite number' };
  if (value.trim() === '') return { error: 'must be a non-empty string' };
  return { error: `must be at most ${ITEM_LIMITS.id} characters` };
}

/**
 * The id rule without the reasons (what the page loader bundles): the id of `value`, or `undefined`
 * when {@link normalizeId} would say why not.
 * @example idOf(42); // '42'
 */
export function idOf(value: unknown): string | undefined {
  const id = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof id === 'string' && id.trim() !== '' && id.length <= ID_MAX_LENGTH ? id : undefined;
}

/**
 * The id of an item-like value (an own `id` that is a string or a finite number), or `undefined`.
 * The one id rule of events, candidates and the server-order fallback.
 * @example readItemId({ id: 7 }); // '7'
 */
export function readItemId(raw: unknown): string | undefined {
  return isRecord(raw) ? idOf(own(raw, 'id')) : undefined;
}

function text(raw: Raw, key: 'category' | 'brand' | 'title', prefix: string, issues: ItemIssue[]): string | undefined {
  const v = own(raw, key);
  if (v === undefined || v === null) return undefined;
  const field = prefix + key;
  if (typeof v !== 'string') {
    issues.push({ field, kind: 'invalid', message: `${field} must be a string, got ${show(v)}` });
    return undefined;
  }
  const s = v.trim();
  if (s === '') return undefined;
  const cap = ITEM_LIMITS[key];
  if (s.length > cap) {
    issues.push({ field, kind: 'adjusted', message: `${field} truncated to ${cap} characters` });
    return s.slice(0, cap);
  }
  return s;
}

function tags(raw: Raw, prefix: string, issues: ItemIssue[]): string[] | undefined {
  const v = own(raw, 'tags');
  if (v === undefined || v === null) return undefined;
  const field = `${prefix}tags`;
  if (!Array.isArray(v)) {
    issues.push({ field, kind: 'invalid', message: `${field} must be an array of strings, got ${show(v)}` });
    return undefined;
  }
  const out: string[] = [];
  // Reads stop once the list is full, so a huge tag array costs nothing.
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    if (typeof t !== 'string') {
      issues.push({ field: `${field}[${i}]`, kind: 'invalid', message: `${field}[${i}] must be a string, got ${show(t)}` });
      continue;
    }
    let s = t.trim();
    if (s === '') continue;
    if (s.length > ITEM_LIMITS.tag) {
      issues.push({ field: `${field}[${i}]`, kind: 'adjusted', message: `${field}[${i}] truncated to ${ITEM_LIMITS.tag} characters` });
      s = s.slice(0, ITEM_LIMITS.tag);
    }
    // At most 32 kept: a scan of them is cheaper than a set.
    if (out.includes(s)) continue;
    if (out.length >= ITEM_LIMITS.tags) {
      issues.push({ field, kind: 'adjusted', message: `${field}: only the first ${ITEM_LIMITS.tags} tags are kept` });
      break;
    }
    out.push(s);
  }
  return out.length > 0 ? out : undefined;
}

/** All-or-nothing: a partial embedding would sit in a different space from the full ones. */
function embedding(raw: Raw, prefix: string, issues: ItemIssue[]): number[] | undefined {
  const v = own(raw, 'embedding');
  if (v === undefined || v === null) return undefined;
  const field = `${prefix}embedding`;
  if (!Array.isArray(v)) {
    issues.push({ field, kind: 'invalid', message: `${field} must be an array of finite numbers, got ${show(v)}` });
    return undefined;
  }
  if (v.length > ITEM_LIMITS.embedding) {
    issues.push({ field, kind: 'invalid', message: `${field} must have at most ${ITEM_LIMITS.embedding} numbers, got ${show(`${v.length} numbers`)}` });
    return undefined;
  }
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      issues.push({ field: `${field}[${i}]`, kind: 'invalid', message: `${field}[${i}] must be a finite number, got ${show(x)}` });
      return undefined;
    }
    out[i] = x;
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Reads a related-items list: entries need an own id (the item id rule, {@link normalizeId}) and a
 * finite `score` in (0, 1]; other entries are skipped (reported through `onSkip`), at most
 * {@link ITEM_LIMITS}.related are kept, and each kept entry is a fresh `{ id, score }` object.
 * Returns undefined for anything that is not a non-empty array of valid entries.
 * @example readRelated([{ id: 'b', score: 0.5 }, { id: 'c', score: 7 }]); // [{ id: 'b', score: 0.5 }]
 */
export function readRelated(value: unknown, onSkip?: (index: number) => void): RelatedItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: RelatedItem[] = [];
  for (let i = 0; i < value.length && out.length < ITEM_LIMITS.related; i++) {
    const r: unknown = value[i];
    const id = readItemId(r);
    const score = isRecord(r) ? own(r, 'score') : undefined;
    if (id !== undefined && typeof score === 'number' && score > 0 && score <= 1) out.push({ id, score });
    else onSkip?.(i);
  }
  return out.length > 0 ? out : undefined;
}

const ITEM_FLAGS = ['consumable'] as const;
const CANDIDATE_FLAGS = ['consumable', 'pinned', 'available'] as const;

/** What {@link readItem} returns: the usable item (or `undefined` when its id is not usable) and the issues. */
export interface ItemRead {
  item: Candidate | undefined;
  issues: ItemIssue[];
}

/** Options of {@link readItem}. */
export interface ReadItemOptions {
  /** Prefix of field names in issues (events use `item.`). */
  prefix?: string;
  /** Also read the candidate flags `pinned` and `available` (server lists; events never carry them). */
  flags?: boolean;
}

/**
 * Reads one item from untrusted input into a fresh object holding only the known fields, read from
 * own properties (so `__proto__`, `constructor` or a polluted prototype never travel on). Never
 * throws for plain data; a throwing getter or proxy propagates, so callers can count the element as
 * unreadable.
 *
 * Rules (limits from {@link ITEM_LIMITS}): `id` a string (1–200 characters, not blank, kept exactly) or a finite
 * number (its decimal string), else the item is unusable; text fields trimmed and truncated; `price`
 * a finite number ≥ 0; `tags` strings, trimmed, de-duplicated, at most 32; `embedding` at most 64
 * finite numbers, all or nothing; `related` entries `{ id, score ∈ (0,1] }`, at most 100;
 * `consumable` (and with `flags`, `pinned` / `available`) real booleans only.
 *
 * @example
 * const { item, issues } = readItem({ id: 7, price: 'abc', tags: ['red', 'red'] });
 * // item = { id: '7', tags: ['red'] }; issues = [{ field: 'price', kind: 'invalid', message: 'price must be a finite number ≥ 0, got "abc"' }]
 */
export function readItem(raw: unknown, options: ReadItemOptions = {}): ItemRead {
  const prefix = options.prefix ?? '';
  const issues: ItemIssue[] = [];
  if (!isRecord(raw)) {
    const field = prefix ? prefix.slice(0, -1) : 'item';
    issues.push({ field, kind: 'invalid', message: `${field} must be an object, got ${show(raw)}` });
    return { item: undefined, issues };
  }
  const idRaw = own(raw, 'id');
  const id = idOf(idRaw);
  if (id === undefined) {
    const why = normalizeId(idRaw) as { error: string };
    issues.push({ field: `${prefix}id`, kind: 'invalid', message: `${prefix}id ${why.error}, got ${show(idRaw)}` });
    return { item: undefined, issues };
  }
  const item: Candidate = { id };
  const category = text(raw, 'category', prefix, issues);
  if (category !== undefined) item.category = category;
  const brand = text(raw, 'brand', prefix, issues);
  if (brand !== undefined) item.brand = brand;
  const title = text(raw, 'title', prefix, issues);
  if (title !== undefined) item.title = title;
  const price = own(raw, 'price');
  if (price !== undefined && price !== null) {
    if (typeof price === 'number' && Number.isFinite(price) && price >= 0) item.price = price;
    else issues.push({ field: `${prefix}price`, kind: 'invalid', message: `${prefix}price must be a finite number ≥ 0, got ${show(price)}` });
  }
  const t = tags(raw, prefix, issues);
  if (t !== undefined) item.tags = t;
  const e = embedding(raw, prefix, issues);
  if (e !== undefined) item.embedding = e;
  const related = own(raw, 'related');
  if (related !== undefined && related !== null) {
    const field = `${prefix}related`;
    if (!Array.isArray(related)) {
      issues.push({ field, kind: 'invalid', message: `${field} must be an array of { id, score }, got ${show(related)}` });
    } else {
      const kept = readRelated(related, (i) =>
        issues.push({ field: `${field}[${i}]`, kind: 'adjusted', message: `${field}[${i}]: needs a string id and a score in (0, 1]; skipped` }),
      );
      if (related.length > ITEM_LIMITS.related) {
        issues.push({ field, kind: 'adjusted', message: `${field}: only the first ${ITEM_LIMITS.related} are kept` });
      }
      if (kept) item.related = kept;
    }
  }
  for (const key of options.flags ? CANDIDATE_FLAGS : ITEM_FLAGS) {
    const v = own(raw, key);
    if (v === undefined || v === null) continue;
    if (typeof v === 'boolean') item[key] = v;
    else issues.push({ field: prefix + key, kind: 'invalid', message: `${prefix}${key} must be a boolean, got ${show(v)}` });
  }
  return { item, issues };
}

/**
 * True for a code unit `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator):
 * comparing the two ends costs less than trimming, which may copy.
 */
function isTrimmable(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Text that {@link readItem} would keep exactly as it is: a string, trimmed, not empty, within `cap`.
 * @example isCleanText('Acme', 100); // true
 * @example isCleanText('Acme ', 100); // false: the reader trims it
 */
export function isCleanText(v: unknown, cap: number): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= cap && !isTrimmable(v.charCodeAt(0)) && !isTrimmable(v.charCodeAt(v.length - 1));
}

/** A string id the id rule keeps exactly as it is ({@link idOf}), mostly without trimming it. */
function isCleanId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= ID_MAX_LENGTH && (!isTrimmable(v.charCodeAt(0)) || v.trim() !== '');
}

/** A plain object whose own keys are exactly `id` and `score`, as {@link readRelated} builds them. */
function isCleanRelated(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Object.getPrototypeOf(r) !== Object.prototype) return false;
  // A for-in over a plain object lists its own enumerable keys, as Object.keys does, without an array
  // of them (and any key an edited Object.prototype adds only makes the entry not clean).
  let keys = 0;
  for (const key in r) if (++keys > 2 || (key !== 'id' && key !== 'score')) return false;
  if (keys !== 2) return false;
  const { id, score } = r as { id?: unknown; score?: unknown };
  return isCleanId(id) && typeof score === 'number' && score > 0 && score <= 1;
}

/**
 * True when `raw` is already what {@link readItem} would make of it: a plain object (prototype
 * `Object.prototype`) whose keys are all own, known fields, each holding exactly the value the reader
 * would keep (a string id, trimmed text within its limit, no empty or partial arrays, real booleans),
 * and nothing the reader would leave out. The check reads each field once and copies nothing. It
 * cannot see getters or proxies, so only a caller that owns the object (a structured clone it alone
 * holds) may keep it instead of the reader's copy.
 * @example isCleanItem({ id: 'a', tags: ['red'] }, true); // true
 * @example isCleanItem({ id: 7 }, true); // false: the reader makes the id the string '7'
 */
export function isCleanItem(raw: unknown, flags: boolean): raw is Candidate {
  if (!isRecord(raw) || Object.getPrototypeOf(raw) !== Object.prototype) return false;
  const item = raw as Partial<Record<keyof Candidate, unknown>>;
  let hasId = false;
  // Own enumerable keys: the only ones a structured clone has (a for-in lists them without an array of
  // them; a key an edited Object.prototype adds is unknown, so not clean). Each is read by name once
  // known to be own (a named read costs less than one by a computed key).
  for (const key in raw) {
    switch (key) {
      case 'id':
        if (!isCleanId(item.id)) return false;
        hasId = true;
        break;
      case 'category':
        if (!isCleanText(item.category, ITEM_LIMITS.category)) return false;
        break;
      case 'brand':
        if (!isCleanText(item.brand, ITEM_LIMITS.brand)) return false;
        break;
      case 'title':
        if (!isCleanText(item.title, ITEM_LIMITS.title)) return false;
        break;
      case 'price': {
        const v = item.price;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return false;
        break;
      }
      case 'tags': {
        const v = item.tags;
        if (!Array.isArray(v) || v.length === 0 || v.length > ITEM_LIMITS.tags) return false;
        for (let i = 0; i < v.length; i++) {
          const t: unknown = v[i];
          if (!isCleanText(t, ITEM_LIMITS.tag)) return false;
          for (let j = 0; j < i; j++) if (v[j] === t) return false;
        }
        break;
      }
      case 'embedding': {
        const v = item.embedding;
        if (!Array.isArray(v) || v.length === 0 || v.length > ITEM_LIMITS.embedding) return false;
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (typeof x !== 'number' || !Number.isFinite(x)) return false;
        }
        break;
      }
      case 'related': {
        const v = item.related;
        if (!Array.isArray(v) || v.length === 0 || v.length > ITEM_LIMITS.related) return false;
        for (let i = 0; i < v.length; i++) if (!isCleanRelated(v[i])) return false;
        break;
      }
      case 'consumable':
        if (typeof item.consumable !== 'boolean') return false;
        break;
      case 'pinned':
        if (!flags || typeof item.pinned !== 'boolean') return false;
        break;
      case 'available':
        if (!flags || typeof item.available !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return hasId;
}

/** Ids read from an `exclude` list; more are ignored. */
export const MAX_EXCLUDED = 1000;

/**
 * The ids of an `exclude` option (an array of ids, each a string or finite number, by the item id
 * rule); anything else gives `undefined`. At most {@link MAX_EXCLUDED} entries are read.
 * @example readIdSet(['sku-1', 2]); // Set { 'sku-1', '2' }
 */
export function readIdSet(value: unknown): Set<string> | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = new Set<string>();
  try {
    for (let i = 0; i < value.length && i < MAX_EXCLUDED; i++) {
      const id = idOf(value[i]);
      if (id !== undefined) out.add(id);
    }
  } catch {
    // An unreadable list excludes what was read.
  }
  return out.size > 0 ? out : undefined;
}
