/**
 * Retention of the event log: the full pass over it (age and count) that runs after start-up, and the
 * count trim as the log grows or the disk is full. A lazily loaded file of the worker
 * (`pz-chunks/retention-*.js`): the first answer never needs it. Both run in one readwrite
 * transaction, so a failure leaves the log as it was.
 */
import { batchEvents, batchText } from '../core/input/stored';
import type { StoredEvent } from '../core/types';
import { COUNTS_KEY } from './meta-keys';
import type { BatchRecord, Counts, Store } from './store';

/** An event's time, NaN for a record that has none (such rows fall to age retention). */
const tsOf = (e: unknown): number => (typeof e === 'object' && e !== null ? Number((e as StoredEvent).ts) : Number.NaN);

/**
 * The record with only `keep` of its events, in the record's own form: a text record stays text (what
 * was parsed from JSON writes back as JSON), an array record (schema 2) stays an array, which may hold
 * values JSON cannot write.
 */
const withEvents = (record: BatchRecord, keep: unknown[]): BatchRecord => ({
  ...record,
  events: typeof record.events === 'string' ? batchText(keep.map((e) => JSON.stringify(e))) : keep,
});

/**
 * Enforces the retention limits: drops events older than `maxAgeMs` and, past `maxEvents`, the
 * oldest ones. Returns how many were dropped and how many remain (one pass over the log, so
 * start-up needs no separate count).
 */
export async function enforceRetention(store: Store, maxEvents: number, maxAgeMs: number, now: number): Promise<{ dropped: number; remaining: number }> {
  const tx = store.db.transaction(['batches', 'meta'], 'readwrite');
  const batches = tx.objectStore('batches');
  // Records that are not batches are left alone (readers skip them): retention must never throw.
  const all: { b: BatchRecord; events: unknown[] }[] = [];
  for (const b of await batches.getAll()) {
    const events = batchEvents(b);
    if (events) all.push({ b, events });
  }
  const cutoff = now - maxAgeMs;
  // Only events that look stored (an id and a time) count and go; other rows stay where they are for
  // the readers to skip. The readers' full check would cost 7 µs an event here, on every pass.
  const isStoredEvent = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as StoredEvent).id === 'string' && Number.isFinite((e as StoredEvent).ts);
  let total = 0;
  const counts: Counts = {};
  for (const { b, events } of all) {
    counts[b.id!] = events.length;
    for (const e of events) if (isStoredEvent(e)) total++;
  }
  let excess = Math.max(0, total - maxEvents);
  let dropped = 0;
  // Batches come back in key (insertion) order, which is oldest first.
  for (const { b, events } of all) {
    let seen = 0;
    const keep = events.filter((e) => !isStoredEvent(e) || (seen++ >= excess && tsOf(e) >= cutoff));
    const removed = events.length - keep.length;
    if (removed === 0) {
      if (!(b.lastTs < cutoff) && excess === 0) break;
      continue;
    }
    excess = Math.max(0, excess - removed);
    dropped += removed;
    counts[b.id!] = keep.length;
    if (keep.length === 0) await batches.delete(b.id!);
    else await batches.put(withEvents(b, keep));
  }
  await tx.objectStore('meta').put(counts, COUNTS_KEY);
  await tx.done;
  return { dropped, remaining: total - dropped };
}

/**
 * Count retention without reading the whole log: drops the oldest events (whole batches first, then
 * the front of the next one) until at most `maxEvents` remain, and at least `atLeast` of them (room
 * after a `QuotaExceededError`). Counts come from the recorded batch counts; a batch missing from
 * them (written by a version that kept none) is read once and counted.
 */
export async function trimOldest(store: Store, maxEvents: number, atLeast = 0): Promise<{ dropped: number; remaining: number }> {
  const tx = store.db.transaction(['batches', 'meta'], 'readwrite');
  const batches = tx.objectStore('batches');
  const meta = tx.objectStore('meta');
  const v = await meta.get(COUNTS_KEY);
  const counts: Counts = v instanceof Object ? (v as Counts) : {};
  let total = 0;
  for (const k of await batches.getAllKeys()) total += counts[k] ??= batchEvents(await batches.get(k))?.length ?? 0;
  const excess = Math.max(total - maxEvents, atLeast);
  let left = excess;
  let cursor = await batches.openCursor();
  while (cursor && left > 0) {
    const events = batchEvents(cursor.value);
    if (!events || events.length <= left) {
      left -= events?.length ?? 0;
      delete counts[cursor.key];
      await cursor.delete();
    } else {
      const keep = events.slice(left);
      left = 0;
      counts[cursor.key] = keep.length;
      // The front goes, so `lastTs` (the newest event's time) stands.
      await cursor.update(withEvents(cursor.value, keep));
    }
    cursor = await cursor.continue();
  }
  await meta.put(counts, COUNTS_KEY);
  await tx.done;
  return { dropped: excess - left, remaining: total - excess + left };
}
