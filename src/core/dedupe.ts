/**
 * Duplicate-event detection, shared by the loader (before queueing) and the profile reducer.
 *
 * Two rules: an event whose id was already seen (among the last {@link DEDUPE_MAX_IDS} ids) is a
 * duplicate; so is an event with the same item id and type as an event counted less than
 * {@link DEDUPE_WINDOW_MS} earlier (double clicks, an observer firing twice, a retried send).
 * The state is plain JSON data and small, so it lives inside the stored profile.
 */
import { boundedKey } from './hash';
import type { StoredEvent } from './types';

/** How many recent event ids are remembered. */
export const DEDUPE_MAX_IDS = 64;
/** Same item + type within this many ms is counted once. */
export const DEDUPE_WINDOW_MS = 1000;
const KEY_MAX = 20;

/**
 * Dedupe memory: recent event ids (oldest first) and recent `type|item` keys with the time they
 * were counted (only those younger than the window are kept).
 */
export interface DedupeState {
  ids: string[];
  recent: Array<[key: string, ts: number]>;
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
  return id === undefined ? undefined : boundedKey(event.type + '|' + id, KEY_MAX);
}

/** Whether `event` duplicates one remembered in `state` (no change to `state`). */
export function isDuplicate(state: DedupeState, event: StoredEvent): DuplicateReason {
  const id = boundedKey(event.id, KEY_MAX);
  if (state.ids.includes(id)) return 'same-id';
  const key = itemKey(event);
  if (key !== undefined) {
    for (const [k, ts] of state.recent) {
      if (k === key && Math.abs(event.ts - ts) < DEDUPE_WINDOW_MS) return 'same-item-and-type-within-1s';
    }
  }
  return false;
}

/** Records a counted event in `state`, in place (used by the reducer on its own copy). */
export function rememberEventMut(state: DedupeState, event: StoredEvent): void {
  state.ids.push(boundedKey(event.id, KEY_MAX));
  if (state.ids.length > DEDUPE_MAX_IDS) state.ids.splice(0, state.ids.length - DEDUPE_MAX_IDS);
  const cutoff = event.ts - DEDUPE_WINDOW_MS;
  let drop = 0;
  while (drop < state.recent.length && (state.recent[drop]?.[1] ?? 0) <= cutoff) drop++;
  if (drop > 0) state.recent.splice(0, drop);
  const key = itemKey(event);
  if (key !== undefined) {
    state.recent.push([key, event.ts]);
    // A burst of distinct items inside one second is still bounded.
    if (state.recent.length > DEDUPE_MAX_IDS) state.recent.splice(0, state.recent.length - DEDUPE_MAX_IDS);
  }
}

/** A deep copy of a dedupe state. */
export function cloneDeduper(state: DedupeState): DedupeState {
  return { ids: state.ids.slice(), recent: state.recent.map(([k, t]) => [k, t]) };
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
