/**
 * The one reader of event records read back from storage. A stored row may have been written by a
 * bug, an older version or another program on the same origin, so it is validated again like any
 * other input: a bad row is skipped and counted (quarantined), the rest of the log stays usable.
 */
import type { StoredEvent } from '../types';
import { validateEvent } from './clean';

/** The events of one stored batch that are still valid, and how many were not. */
export interface RevivedBatch {
  events: StoredEvent[];
  /** Events (or the whole record, counted as one) that could not be read. */
  quarantined: number;
}

/** The event as it reads back from storage, or `undefined` when it cannot be read (never throws). */
function revive(raw: unknown, now: number): StoredEvent | undefined {
  // A stored event always had its id and time filled in: one without them was not written by us.
  const stamped = typeof raw === 'object' && raw !== null && typeof (raw as StoredEvent).id === 'string' && typeof (raw as StoredEvent).ts === 'number';
  const v = stamped ? validateEvent(raw, now) : undefined;
  return v?.ok ? v.event : undefined;
}

/**
 * True when a stored event reads back as valid.
 * @example const readable = batch.events.filter((e) => isStoredEvent(e, Date.now()));
 */
export function isStoredEvent(raw: unknown, now: number): boolean {
  return revive(raw, now) !== undefined;
}

/**
 * Re-validates the events of a stored batch record (`{ events: [...] }`). Never throws.
 * @example const { events, quarantined } = reviveBatchEvents(record, Date.now());
 */
export function reviveBatchEvents(record: unknown, now: number): RevivedBatch {
  let list: unknown;
  try {
    list = typeof record === 'object' && record !== null ? (record as { events?: unknown }).events : undefined;
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list)) return { events: [], quarantined: 1 };
  const events: StoredEvent[] = [];
  let quarantined = 0;
  for (const raw of list) {
    const e = revive(raw, now);
    if (e) events.push(e);
    else quarantined++;
  }
  return { events, quarantined };
}
