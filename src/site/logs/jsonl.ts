/**
 * Reader of JSONL event logs (`train-prior`'s format): one `{ "shopper": "...", ...ShopperEvent }` per
 * line, gzip or not, one file or a directory of them; every event cleaned by the same `validateEvent`
 * the worker runs. The site pipeline reads the same format with `pipeline/sql/read-jsonl.sql`.
 */
import { basename } from 'node:path';
import { validateEvent } from '../../core/input/clean';
import type { Candidate, StoredEvent } from '../../core/types';
import { type EventLog, inputFiles, type ShopperLog } from './event-log';
import { readText } from './read-text';

/** Whether a file name is a (gzipped) JSONL file. */
export const isJsonl = (name: string): boolean => /\.(jsonl|ndjson)(\.gz)?$/i.test(name);

/**
 * Reads JSONL event logs: each line a ShopperEvent plus `shopper`, cleaned by the same
 * `validateEvent` the worker runs. A log needs real times, so `ts` is required here.
 */
export function loadJsonlLog(input: string, warn: (msg: string) => void = () => undefined): EventLog {
  const byShopper = new Map<string, StoredEvent[]>();
  const items = new Map<string, Candidate>();
  let rejected = 0;
  const reject = (where: string, why: string) => {
    rejected++;
    // A broken export can have millions of bad lines: show the first few, count the rest.
    if (rejected <= 20) warn(`${where}: rejected: ${why}`);
    else if (rejected === 21) warn('… further rejected lines are only counted');
  };
  for (const file of inputFiles(input, isJsonl)) {
    const lines = readText(file).split('\n');
    lines.forEach((raw, li) => {
      const line = raw.trim();
      if (line === '') return;
      const where = `${basename(file)}:${li + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        reject(where, 'not valid JSON');
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        reject(where, 'must be a JSON object');
        return;
      }
      const { shopper, ...event } = parsed as Record<string, unknown>;
      if ((typeof shopper !== 'string' && typeof shopper !== 'number') || String(shopper).trim() === '') {
        reject(where, 'shopper must be a non-empty string');
        return;
      }
      if (typeof event.ts !== 'number') {
        reject(where, 'ts is required in an event log (epoch ms)');
        return;
      }
      // No clock: a log is history, nothing in it is "in the future".
      const v = validateEvent(event, Number.MAX_SAFE_INTEGER);
      if (!v.ok) {
        reject(where, v.error.message);
        return;
      }
      const id = String(shopper).trim();
      let list = byShopper.get(id);
      if (!list) byShopper.set(id, (list = []));
      list.push(v.event);
      if (v.event.item) items.set(v.event.item.id, v.event.item);
    });
  }
  const shoppers: ShopperLog[] = [];
  for (const [id, events] of byShopper) {
    // Stable: events at the same ms keep their file order.
    events.sort((a, b) => a.ts - b.ts);
    shoppers.push({ id, events });
  }
  return { shoppers, items: [...items.values()], rejectedLines: rejected };
}
