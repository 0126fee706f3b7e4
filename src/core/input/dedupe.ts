/**
 * Duplicate-event detection for the profile reducer (the worker drops duplicates as it folds events in).
 *
 * Two rules: an event whose id was already seen (among the last {@link DEDUPE_MAX_IDS} ids) is a
 * duplicate; so is an event with the same item id and type as an event counted less than
 * {@link DEDUPE_WINDOW_MS} earlier (double clicks, an observer firing twice, a retried send).
 * The state is plain JSON data and small, so it lives inside the stored profile.
 */
import { boundedKey } from '../util/hash';
import type { EventType, StoredEvent } from '../types';

/** How many recent event ids are remembered. */
export const DEDUPE_MAX_IDS = 64;
/** Same item + type within this many ms is counted once. */
export const DEDUPE_WINDOW_MS = 1000;
/** At most this many `type|item` keys inside the window (a burst beyond it is not deduped). */
const RECENT_MAX = 16;
/** Long event ids are stored hashed (prefix + hash) to bound the profile's size. */
const ID_MAX = 20;
/** Item keys live for 1 s only, so they can be longer (fewer hash computations). */
const ITEM_KEY_MAX = 64;

/**
 * Dedupe memory: recent event ids (oldest first) and recent `[type, item, ts]` triples with the time they
 * were counted (only those younger than the window are kept).
 */
export interface DedupeState {
  ids: string[];
  recent: Array<[type: EventType, item: string, ts: number]>;
}

/** Why an event was judged a duplicate, or `false` if it was not. */
export type DuplicateReason = false | 'same-id' | 'same-item-and-type-within-1s';

/**
 * A fresh, empty dedupe state.
 * @example const d = createDeduper(); dedupeStep(d, ev).duplicate; // false the first time
 */
export function createDeduper(): DedupeState {
  return { ids: [], recent: [] };
}

function itemKey(event: StoredEvent): string | undefined {
  const id = event.item?.id;
  return id === undefined ? undefined : boundedKey(id, ITEM_KEY_MAX);
}

/** Whether `event` duplicates one remembered in `state` (no change to `state`). */
export function isDuplicate(state: DedupeState, event: StoredEvent): DuplicateReason {
  return duplicateOf(state, boundedKey(event.id, ID_MAX), event.type, itemKey(event), event.ts);
}

function duplicateOf(
  state: DedupeState,
  id: string,
  type: EventType,
  key: string | undefined,
  ts: number,
): DuplicateReason {
  if (state.ids.includes(id)) return 'same-id';
  if (key !== undefined) {
    for (const [ty, k, t] of state.recent) {
      if (k === key && ty === type && Math.abs(ts - t) < DEDUPE_WINDOW_MS) return 'same-item-and-type-within-1s';
    }
  }
  return false;
}

/** Records a counted event in `state`, in place (used by the reducer on its own copy). */
export function rememberEventMut(state: DedupeState, event: StoredEvent): void {
  remember(state, boundedKey(event.id, ID_MAX), event.type, itemKey(event), event.ts);
}

/**
 * In-place check-and-record, computing the keys once: returns the duplicate reason, or `false`
 * after recording the event. The reducer's hot path.
 */
export function dedupeMut(state: DedupeState, event: StoredEvent): DuplicateReason {
  const id = boundedKey(event.id, ID_MAX);
  const key = itemKey(event);
  const dup = duplicateOf(state, id, event.type, key, event.ts);
  if (!dup) remember(state, id, event.type, key, event.ts);
  return dup;
}

function remember(state: DedupeState, id: string, type: EventType, key: string | undefined, ts: number): void {
  // shift() rather than splice(): no garbage array per event on the reducer's hot path.
  state.ids.push(id);
  while (state.ids.length > DEDUPE_MAX_IDS) state.ids.shift();
  const cutoff = ts - DEDUPE_WINDOW_MS;
  while (state.recent.length > 0 && (state.recent[0]?.[2] ?? 0) <= cutoff) state.recent.shift();
  if (key !== undefined) {
    state.recent.push([type, key, ts]);
    // A burst of distinct items inside one second is still bounded.
    while (state.recent.length > RECENT_MAX) state.recent.shift();
  }
}

/** A deep copy of a dedupe state. */
export function cloneDeduper(state: DedupeState): DedupeState {
  return { ids: state.ids.slice(), recent: state.recent.map(([ty, k, t]) => [ty, k, t]) };
}

/**
 * Pure dedupe step: tells whether `event` is a duplicate and returns the next state (the input
 * state is not modified; a duplicate leaves the state as it was).
 * @example
 * let d = createDeduper();
 * const r = dedupeStep(d, ev); d = r.state; if (!r.duplicate) queue(ev);
 */
export function dedupeStep(
  state: DedupeState,
  event: StoredEvent,
): { duplicate: DuplicateReason; state: DedupeState } {
  const duplicate = isDuplicate(state, event);
  if (duplicate) return { duplicate, state };
  const next = cloneDeduper(state);
  rememberEventMut(next, event);
  return { duplicate, state: next };
}
