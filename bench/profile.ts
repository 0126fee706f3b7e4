/**
 * Profile reducer benchmark: events/s (median of several runs) and JSON size after 10k and 100k
 * events, against the targets (≥ 200,000 events/s; ≤ 64 KB). Run: `npx tsx bench/profile.ts`.
 *
 * Two synthetic streams, both seeded: "shopper" (Zipf-distributed items, categories, brands and
 * tags, like a real browsing history) and "hostile" (every id, path, brand and tag unique and at
 * its maximum length: the worst case for map churn and size).
 */
import os from 'node:os';
import { applyEvent, applyEventMut, applyEvents, decayTo, emptyProfile } from '../src/core/profile/profile';
import { createRng, type Rng } from '../src/core/util/rng';
import type { EventType, StoredEvent } from '../src/core/types';

const TARGET_EPS = 200_000;
const TARGET_BYTES = 64 * 1024;
const T0 = Date.UTC(2026, 0, 5);

function zipf(rng: Rng, n: number, s = 1.1): number {
  // Inverse-CDF sampling of a continuous power law, floored: cheap and close enough for a bench.
  const u = rng();
  const x = ((n ** (1 - s) - 1) * u + 1) ** (1 / (1 - s));
  return Math.min(n - 1, Math.floor(x) - 1);
}

const MIX: Array<[EventType, number]> = [
  ['view', 0.55],
  ['click', 0.2],
  ['search', 0.07],
  ['add_to_cart', 0.06],
  ['favorite', 0.04],
  ['remove_from_cart', 0.02],
  ['rating', 0.02],
  ['purchase', 0.04],
];

function pickType(rng: Rng): EventType {
  let u = rng();
  for (const [t, p] of MIX) if ((u -= p) < 0) return t;
  return 'view';
}

function shopperStream(n: number, seed: number): StoredEvent[] {
  const rng = createRng(seed);
  const out: StoredEvent[] = [];
  let ts = T0;
  for (let i = 0; i < n; i++) {
    // Sessions: mostly seconds apart, sometimes hours or days.
    ts += rng() < 0.05 ? Math.floor(rng() * 3 * 86_400_000) : Math.floor(rng() * 60_000);
    const type = pickType(rng);
    const e: StoredEvent = { id: `s${seed}-${i}`, type, ts };
    if (type === 'search') e.query = 'q';
    else {
      const item = zipf(rng, 20_000);
      const leaf = item % 240;
      e.item = {
        id: `sku-${item}`,
        category: `dept${leaf % 12}/cat${leaf % 60}/leaf${leaf}`,
        brand: `brand-${item % 350}`,
        price: 5 + (item % 97) * 3.5,
        tags: [`tag-${item % 180}`, `tag-${(item * 7) % 400}`],
      };
      if (item % 5 === 0) e.item.embedding = Array.from({ length: 32 }, (_, j) => Math.sin(item + j));
      if (type === 'view') e.dwellMs = Math.floor(rng() * 90_000);
      if (type === 'rating') e.value = 1 + Math.floor(rng() * 5);
      if (type === 'purchase' || type === 'add_to_cart') e.value = 1 + Math.floor(rng() * 2);
    }
    e.device = rng() < 0.6 ? 'mobile' : 'desktop';
    out.push(e);
  }
  return out;
}

function hostileStream(n: number, seed: number): StoredEvent[] {
  const rng = createRng(seed);
  const pool = Array.from({ length: 1 << 18 }, () => String.fromCharCode(97 + Math.floor(rng() * 26))).join('');
  const long = (len: number) => {
    const o = Math.floor(rng() * (pool.length - len));
    return pool.slice(o, o + len);
  };
  const out: StoredEvent[] = [];
  let ts = T0;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(rng() * 120_000);
    const type = pickType(rng);
    const e: StoredEvent = { id: long(128), type, ts };
    if (type !== 'search') {
      e.item = {
        id: long(200),
        category: [long(60), long(60), long(60), long(60), long(56)].join('/'),
        brand: long(100),
        price: rng() * 1000,
        tags: Array.from({ length: 32 }, () => long(64)),
        embedding: Array.from({ length: 64 }, () => rng() * 2 - 1),
      };
      if (type === 'rating') e.value = 1 + Math.floor(rng() * 5);
    }
    out.push(e);
  }
  return out;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Events per wall-clock second, and per CPU second of this process (less sensitive to a busy machine). */
const cpuRates = new Map<unknown, number>();

function throughput(runs: number, events: StoredEvent[], run: (events: StoredEvent[]) => void): number {
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run(events);
    rates.push(events.length / ((performance.now() - t0) / 1000));
    const c = process.cpuUsage(c0);
    cpu.push(events.length / ((c.user + c.system) / 1e6));
  }
  const wall = median(rates);
  cpuRates.set(wall, median(cpu));
  return wall;
}

const perCpu = (wall: number) => `(${fmt(cpuRates.get(wall) ?? 0)} per CPU-s)`;

function bytes(events: StoredEvent[]): number {
  const p = emptyProfile(T0);
  for (const e of events) applyEventMut(p, e, e.ts);
  return new TextEncoder().encode(JSON.stringify(decayTo(p, (p.lastTs ?? T0) + 1))).length;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

const shopper = shopperStream(100_000, 1);
const hostile = hostileStream(30_000, 2);

// Warm-up so the median reflects optimised code.
throughput(1, shopper.slice(0, 20_000), (evs) => {
  const p = emptyProfile(T0);
  for (const e of evs) applyEventMut(p, e, e.ts);
});

const mut = throughput(7, shopper, (evs) => {
  const p = emptyProfile(T0);
  for (const e of evs) applyEventMut(p, e, e.ts);
});
const batched = throughput(7, shopper, (evs) => {
  let p = emptyProfile(T0);
  for (let i = 0; i < evs.length; i += 100) {
    const batch = evs.slice(i, i + 100);
    p = applyEvents(p, batch, (batch.at(-1) as StoredEvent).ts);
  }
});
const safeSlice = shopper.slice(0, 20_000);
const safe = throughput(3, safeSlice, (evs) => {
  let p = emptyProfile(T0);
  for (const e of evs) p = applyEvent(p, e, e.ts);
});
const mutHostile = throughput(3, hostile, (evs) => {
  const p = emptyProfile(T0);
  for (const e of evs) applyEventMut(p, e, e.ts);
});

const sizes = {
  shopper10k: bytes(shopper.slice(0, 10_000)),
  shopper100k: bytes(shopper),
  hostile10k: bytes(hostile.slice(0, 10_000)),
  hostile30k: bytes(hostile),
};

console.log(`profile bench (node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} CPUs)`);
console.log(`  applyEventMut, shopper stream       ${fmt(mut).padStart(10)} events/s  ${verdict(mut >= TARGET_EPS)} (target ≥ ${fmt(TARGET_EPS)}) ${perCpu(mut)}`);
console.log(`  applyEvents (pure, batches of 100)  ${fmt(batched).padStart(10)} events/s  ${verdict(batched >= TARGET_EPS)} ${perCpu(batched)}`);
console.log(`  applyEvent (pure, one copy/event)   ${fmt(safe).padStart(10)} events/s  ${verdict(safe >= TARGET_EPS)} (copies the whole profile per event) ${perCpu(safe)}`);
console.log(`  applyEventMut, hostile stream       ${fmt(mutHostile).padStart(10)} events/s  (worst case: every key new, 32 tags) ${perCpu(mutHostile)}`);
for (const [k, v] of Object.entries(sizes)) {
  console.log(`  JSON size ${k.padEnd(12)} ${fmt(v).padStart(8)} bytes  ${verdict(v <= TARGET_BYTES)} (target ≤ ${fmt(TARGET_BYTES)})`);
}
