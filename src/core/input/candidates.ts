/**
 * Validation and cleaning of a server-provided candidate list, before any scoring.
 *
 * The list arrives from the host page (possibly via structured clone), so nothing about it is trusted:
 * every kept candidate is a fresh object holding only the known fields, read from the element's own
 * properties. Problems with one element drop that element or one of its fields; only problems with the
 * list as a whole (not an array, too long, unreadable) make {@link sanitizeCandidates} refuse it.
 */
import { readRelated } from './related';
import type { Candidate } from '../types';

/** Longest list that is reranked; longer lists get the server order (a safety valve, not a quality limit). */
export const MAX_CANDIDATES = 5000;
/** Ids are 1..200 characters, as in {@link ItemFeatures.id}. */
export const MAX_ID_LENGTH = 200;
/** Longest category path that is kept; a longer one is treated as missing. */
export const MAX_CATEGORY_LENGTH = 300;
/** Longest brand or title that is kept; a longer one is treated as missing. */
export const MAX_TEXT_LENGTH = 200;
/** Tags beyond this count are ignored. */
export const MAX_TAGS = 32;
/** Longest tag that is kept; longer tags are skipped. */
export const MAX_TAG_LENGTH = 64;
/** Longest embedding that is kept; a longer one is treated as missing. */
export const MAX_EMBEDDING_LENGTH = 64;

/**
 * Why an element of the list was left out.
 * @example 'duplicate-id'
 */
export type DropReason = 'not-an-object' | 'invalid-id' | 'duplicate-id' | 'unreadable';

/**
 * An element of the input list that was left out, by its index in the input.
 * @example { index: 3, reason: 'invalid-id' }
 */
export interface DroppedCandidate {
  index: number;
  reason: DropReason;
}

/**
 * The outcome of {@link sanitizeCandidates}: a clean list, or the reason the whole list was refused.
 * @example { ok: false, reason: 'too many candidates (10000 > 5000)' }
 */
export type SanitizeResult =
  | { ok: true; candidates: Candidate[]; dropped: DroppedCandidate[] }
  | { ok: false; reason: string };

type Raw = Record<string, unknown>;

/** Reads an own property only: inherited values (a polluted or exotic prototype) are never trusted. */
function own(raw: Raw, key: string): unknown {
  return Object.hasOwn(raw, key) ? raw[key] : undefined;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A valid id or `undefined`; ids are compared exactly, so they are not trimmed. */
function readId(raw: Raw): string | undefined {
  const id = own(raw, 'id');
  return typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID_LENGTH ? id : undefined;
}

function readText(raw: Raw, key: string, max: number): string | undefined {
  const value = own(raw, key);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= max ? trimmed : undefined;
}

function readTags(raw: Raw): string[] | undefined {
  const value = own(raw, 'tags');
  if (!Array.isArray(value)) return undefined;
  const tags: string[] = [];
  // Bounded by MAX_TAGS reads, so a huge tag array costs nothing.
  for (let i = 0; i < value.length && tags.length < MAX_TAGS; i++) {
    const tag: unknown = value[i];
    if (typeof tag !== 'string') continue;
    const trimmed = tag.trim();
    if (trimmed.length > 0 && trimmed.length <= MAX_TAG_LENGTH) tags.push(trimmed);
  }
  return tags.length > 0 ? tags : undefined;
}

/** All-or-nothing: a partial embedding would sit in a different space from the full ones. */
function readEmbedding(raw: Raw): number[] | undefined {
  const value = own(raw, 'embedding');
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_EMBEDDING_LENGTH) return undefined;
  const out: number[] = new Array<number>(value.length);
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
    out[i] = x;
  }
  return out;
}

/**
 * Cleaned copies of frozen inputs, by identity. A frozen object cannot change after it was cleaned,
 * so callers that reuse frozen candidate objects across lists (catalog caches, the replay benchmark)
 * pay for cleaning once. Lists that cross the worker boundary are structured clones, never frozen.
 */
const frozenCache = new WeakMap<object, Candidate>();

/** Copies the known fields of an element into a fresh object, so no unknown key (`__proto__`, `constructor`) travels on. */
function cleanCandidate(raw: Raw, id: string): Candidate {
  const c: Candidate = { id };
  const category = readText(raw, 'category', MAX_CATEGORY_LENGTH);
  if (category !== undefined) c.category = category;
  const brand = readText(raw, 'brand', MAX_TEXT_LENGTH);
  if (brand !== undefined) c.brand = brand;
  const title = readText(raw, 'title', MAX_TEXT_LENGTH);
  if (title !== undefined) c.title = title;
  const price = own(raw, 'price');
  // A bad price is a data glitch on one field, not a reason to hide the product.
  if (typeof price === 'number' && Number.isFinite(price) && price >= 0) c.price = price;
  const tags = readTags(raw);
  if (tags !== undefined) c.tags = tags;
  const embedding = readEmbedding(raw);
  if (embedding !== undefined) c.embedding = embedding;
  const related = readRelated(own(raw, 'related'));
  if (related !== undefined) c.related = related;
  // Only real booleans count: a string "false" must not silently unpin or hide a product.
  if (own(raw, 'consumable') === true) c.consumable = true;
  if (own(raw, 'pinned') === true) c.pinned = true;
  if (own(raw, 'available') === false) c.available = false;
  return c;
}

/**
 * A short, safe description of a value's kind for messages (never its content).
 * @example describeKind(null); // 'null'
 */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Validates and cleans a server candidate list, keeping server order.
 *
 * Refuses the whole list (`ok: false`) when it is not an array, has more than `maxItems` elements, or
 * cannot be read. Drops an element when it is not a plain object, lacks a string id of 1..200
 * characters, repeats an id seen earlier (the first occurrence wins), or throws when read. Treats a
 * field as missing when it is malformed: a price that is not a finite number ≥ 0, over-long text,
 * a non-boolean flag, an embedding with a non-finite entry or more than 64 entries.
 * Never throws and never writes through an input object or a prototype.
 *
 * @example
 * const r = sanitizeCandidates([{ id: 'a', price: Number.NaN }, { id: 'a' }, 7]);
 * // r.ok === true; r.candidates = [{ id: 'a' }]; r.dropped = [{ index: 1, reason: 'duplicate-id' }, { index: 2, reason: 'not-an-object' }]
 */
export function sanitizeCandidates(input: unknown, maxItems: number = MAX_CANDIDATES): SanitizeResult {
  if (!Array.isArray(input)) return { ok: false, reason: `candidates must be an array, got ${describeKind(input)}` };
  try {
    const n = input.length;
    if (n > maxItems) return { ok: false, reason: `too many candidates (${n} > ${maxItems})` };
    const candidates: Candidate[] = [];
    const dropped: DroppedCandidate[] = [];
    const seen = new Set<string>();
    for (let index = 0; index < n; index++) {
      try {
        const raw: unknown = input[index];
        if (!isRecord(raw)) {
          dropped.push({ index, reason: 'not-an-object' });
          continue;
        }
        const id = readId(raw);
        if (id === undefined) {
          dropped.push({ index, reason: 'invalid-id' });
          continue;
        }
        if (seen.has(id)) {
          dropped.push({ index, reason: 'duplicate-id' });
          continue;
        }
        seen.add(id);
        let clean = frozenCache.get(raw);
        if (clean === undefined || clean.id !== id) {
          clean = cleanCandidate(raw, id);
          if (Object.isFrozen(raw)) frozenCache.set(raw, Object.freeze(clean));
        }
        candidates.push(clean);
      } catch {
        // A throwing getter or proxy trap on one element costs that element only.
        dropped.push({ index, reason: 'unreadable' });
      }
    }
    return { ok: true, candidates, dropped };
  } catch (err) {
    return { ok: false, reason: `candidates could not be read (${err instanceof Error ? err.name : 'error'})` };
  }
}

/**
 * The valid, de-duplicated ids of a list in server order, at most `limit` of them: the cheap path
 * used to answer a list that is refused for its size. Applies the same id rules as
 * {@link sanitizeCandidates} but copies nothing else; returns `[]` for a non-array.
 *
 * @example serverOrderIds([{ id: 'a' }, { id: 'a' }, { id: 'b' }], 10); // ['a', 'b']
 */
export function serverOrderIds(input: unknown, limit: number = Number.POSITIVE_INFINITY): string[] {
  const ids: string[] = [];
  if (!Array.isArray(input)) return ids;
  try {
    const seen = new Set<string>();
    const n = input.length;
    for (let index = 0; index < n && ids.length < limit; index++) {
      try {
        const raw: unknown = input[index];
        if (!isRecord(raw)) continue;
        const id = readId(raw);
        if (id === undefined || seen.has(id)) continue;
        seen.add(id);
        ids.push(id);
      } catch {
        // Same rule as sanitizeCandidates: an unreadable element is skipped.
      }
    }
  } catch {
    // The list itself became unreadable part-way: answer with what was read.
  }
  return ids;
}
