/**
 * Validation and cleaning of a server-provided candidate list, before any scoring.
 *
 * The list arrives from the host page (possibly via structured clone), so nothing about it is trusted:
 * every kept candidate is a fresh object holding only the known fields, read from the element's own
 * properties, unless the caller owns the list (a structured clone nobody else holds) and the element
 * is already in that form (see {@link sanitizeCandidates}). Problems with one element drop that element or one of its fields; only problems with the
 * list as a whole (not an array, too long, unreadable) make {@link sanitizeCandidates} refuse it.
 */
import { isCleanItem, isRecord, own, readItem, readItemId } from './item';
import type { Candidate } from '../types';

/** Longest list that is reranked; longer lists get the server order (a safety valve, not a quality limit). */
export const MAX_CANDIDATES = 5000;

/**
 * Why an element of the list was left out.
 * @example 'duplicate-id'
 */
export type DropReason = 'not-an-object' | 'invalid-id' | 'duplicate-id' | 'excluded' | 'unreadable';

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

/**
 * Cleaned copies of frozen inputs, by identity. A frozen object cannot change after it was cleaned,
 * so callers that reuse frozen candidate objects across lists (catalog caches, the replay benchmark)
 * pay for cleaning once. Lists that cross the worker boundary are structured clones, never frozen.
 */
const frozenCache = new WeakMap<object, Candidate>();

/** How candidates are read: with the candidate flags `pinned` and `available`. */
const READ_CANDIDATE = Object.freeze({ flags: true });

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
 * cannot be read. Drops an element when it is not a plain object, lacks a usable id (the item id
 * rule of {@link readItem}: a string of 1..200 characters after trimming, or a finite number),
 * repeats an id seen earlier (the first occurrence wins), is in `exclude`, or throws when read. Reads
 * every field with {@link readItem}: a malformed field is left out (a price that is not a finite
 * number ≥ 0, a non-boolean flag, an embedding with a non-finite entry or more than 64 entries),
 * over-long text is truncated. Never throws and never writes through an input object or a prototype.
 *
 * `owned`: the caller owns the list and every object in it (a structured clone it alone holds, as
 * the worker receives a rerank's list), so nobody else can change them afterwards, and they have no
 * getters. An element that is already exactly what the reader would make of it ({@link isCleanItem})
 * is then kept as it is instead of copied; anything else is read as above. Without `owned`, every
 * kept candidate is a fresh copy.
 *
 * @example
 * const r = sanitizeCandidates([{ id: 'a', price: Number.NaN }, { id: 'a' }, 7]);
 * // r.ok === true; r.candidates = [{ id: 'a' }]; r.dropped = [{ index: 1, reason: 'duplicate-id' }, { index: 2, reason: 'not-an-object' }]
 */
export function sanitizeCandidates(
  input: unknown,
  maxItems: number = MAX_CANDIDATES,
  exclude?: ReadonlySet<string>,
  owned = false,
): SanitizeResult {
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
        // Only frozen objects are in the cache, so only they are looked up.
        const frozen = Object.isFrozen(raw);
        let clean = frozen ? frozenCache.get(raw) : undefined;
        if (clean === undefined && owned && isCleanItem(raw, true)) clean = raw;
        if (clean === undefined) {
          clean = readItem(raw, READ_CANDIDATE).item;
          if (clean === undefined) {
            dropped.push({ index, reason: 'invalid-id' });
            continue;
          }
          if (frozen) frozenCache.set(raw, Object.freeze(clean));
        }
        // Excluded ids never enter `seen`; otherwise one add says whether the id is new.
        if (exclude?.has(clean.id)) {
          dropped.push({ index, reason: 'excluded' });
          continue;
        }
        const before = seen.size;
        seen.add(clean.id);
        if (seen.size === before) {
          dropped.push({ index, reason: 'duplicate-id' });
          continue;
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
 * The valid, de-duplicated ids of a list in server order, at most `limit` of them, without those in
 * `exclude`: the cheap path used to answer a list that is refused for its size. Applies the same id
 * rule as {@link sanitizeCandidates} ({@link readItemId}) but copies nothing else; `[]` for a non-array.
 *
 * @example serverOrderIds([{ id: 'a' }, { id: 'a' }, { id: 'b' }], 10); // ['a', 'b']
 */
export function serverOrderIds(
  input: unknown,
  limit: number = Number.POSITIVE_INFINITY,
  exclude?: ReadonlySet<string>,
): string[] {
  const ids: string[] = [];
  if (!Array.isArray(input)) return ids;
  try {
    const seen = new Set<string>();
    const n = input.length;
    for (let index = 0; index < n && ids.length < limit; index++) {
      try {
        const raw: unknown = input[index];
        if (!isRecord(raw)) continue;
        const id = readItemId(raw);
        if (id === undefined || seen.has(id) || exclude?.has(id)) continue;
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

/**
 * The candidate array of a server response: the response itself when it is an array, or its own
 * `candidates` property when that is one (`{ "candidates": [...] }`); otherwise `undefined`.
 * @example candidateList({ candidates: [{ id: 1 }] }); // [{ id: 1 }]
 */
export function candidateList(data: unknown): unknown[] | undefined {
  if (Array.isArray(data)) return data;
  const inner = isRecord(data) ? own(data, 'candidates') : undefined;
  return Array.isArray(inner) ? inner : undefined;
}
