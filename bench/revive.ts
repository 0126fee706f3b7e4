/**
 * What reading stored data back costs, the checks that keep one bad row or field from breaking
 * storage: every stored event is validated again (quarantine) and the profile snapshot is migrated
 * and checked field by field. Median of 15 runs, pure TypeScript in Node.
 * Run: `npm run bench:revive` (`-- --quick`: 5 runs).
 */
import { batchText, reviveBatchEvents } from '../src/core/input/stored';
import { applyEventMut, emptyProfile, reviveProfile } from '../src/core/profile/profile';
import type { EventType, StoredEvent } from '../src/core/types';
import { createRng } from '../src/core/util/rng';

const T0 = Date.UTC(2026, 0, 5);
const RUNS = process.argv.includes('--quick') ? 5 : 15;
const TYPES: EventType[] = ['view', 'view', 'view', 'click', 'add_to_cart', 'favorite', 'purchase'];

function events(n: number): StoredEvent[] {
  const rng = createRng(7);
  return Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    type: TYPES[Math.floor(rng() * TYPES.length)]!,
    ts: T0 - (n - i) * 60_000,
    item: {
      id: `sku-${Math.floor(rng() * 2000)}`,
      category: `cat${Math.floor(rng() * 40)}/sub${Math.floor(rng() * 8)}`,
      brand: `brand${Math.floor(rng() * 100)}`,
      price: Math.round(rng() * 20000) / 100,
      tags: [`t${Math.floor(rng() * 300)}`, `t${Math.floor(rng() * 300)}`],
    },
  }));
}

function median(f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const log = events(5000);
// The log as the worker stores it: one batch per flush of 25 events, each batch's events as JSON text.
const batches = Array.from({ length: log.length / 25 }, (_, b) => ({ events: batchText(log.slice(b * 25, b * 25 + 25).map((e) => JSON.stringify(e))) }));
const eventsMs = median(() => {
  let n = 0;
  for (const b of batches) n += reviveBatchEvents(b, T0).events.length;
  if (n !== log.length) throw new Error(`revived ${n} of ${log.length}`);
});

const full = emptyProfile(T0);
for (const e of events(100_000)) applyEventMut(full, e, T0);
const stored = structuredClone(full);
const profileMs = median(() => reviveProfile(stored));

console.log(`re-validate a full log (5,000 events in 200 batches): ${eventsMs.toFixed(1)} ms`);
console.log(`migrate and check a profile after 100,000 events (${(JSON.stringify(full).length / 1024).toFixed(1)} KB JSON): ${profileMs.toFixed(2)} ms`);
