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
 * The events a stored batch record holds, as written: `events` is a JSON array text (schema 3 on) or
 * an array (schema 2 records, still read). `undefined` when the record holds neither, or text that
 * does not read as an array. Not validated: see {@link reviveBatchEvents}. Never throws.
 * @example batchEvents({ lastTs: 5, events: '[{"id":"a","type":"view","ts":5}]' }); // [{ id: 'a', … }]
 */
export function batchEvents(record: unknown): unknown[] | undefined {
  try {
    let list = typeof record === 'object' && record !== null ? (record as { events?: unknown }).events : undefined;
    if (typeof list === 'string') list = JSON.parse(list);
    return Array.isArray(list) ? list : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `events` value of a batch record, from each event's JSON text: one JSON array text, which
 * IndexedDB and other tabs copy as a string (a structured clone of 500 events took 4–5 ms of the
 * worker in one task; the texts are written one event at a time, as each is ingested).
 * @example batchText(['{"id":"a","type":"view","ts":5}']); // '[{"id":"a","type":"view","ts":5}]'
 */
export function batchText(lines: readonly string[]): string {
  return `[${lines.join(',')}]`;
}

/**
 * Re-validates the events of a stored batch record (`{ events }`, see {@link batchEvents}). Never throws.
 * @example const { events, quarantined } = reviveBatchEvents(record, Date.now());
 */
export function reviveBatchEvents(record: unknown, now: number): RevivedBatch {
  const list = batchEvents(record);
  if (!list) return { events: [], quarantined: 1 };
  const events: StoredEvent[] = [];
  let quarantined = 0;
  for (const raw of list) {
    const e = revive(raw, now);
    if (e) events.push(e);
    else quarantined++;
  }
  return { events, quarantined };
}
