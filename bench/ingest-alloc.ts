/**
 * What the engine allocates while it ingests the browser benchmark's 5,000-event burst (the same shopper,
 * catalogue and events as `npm run bench:browser`'s "during an ingest" row), in Node: bytes per event from
 * V8's sampling heap profiler with collected objects included (the work the garbage collector has to do),
 * the functions that allocate most, and the feedback pairs built against those kept for the learner.
 * Deterministic inputs; the byte figures are samples (512-byte interval), stable to about 1 %.
 * Run: `npx tsx bench/ingest-alloc.ts` (`--learn-all`: every event builds its pairs, as before the burst window).
 */
import { Session } from 'node:inspector/promises';
import { Engine } from '../src/core/engine';
import { ENGINE_SETTINGS } from '../src/core/settings';
import { benchCandidates, benchEvents } from './browser/fixtures';

interface SampleNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SampleNode[];
}

const INGEST = 5_000;
const now = Date.now();
const catalogue = benchCandidates(1000, 1);
const engine = new Engine({}, now - 8 * 86_400_000);
for (const e of benchEvents(catalogue.slice(0, 200), 300, now)) engine.ingestRaw(e, e.ts ?? now);
// As the worker receives them: structured clones of the page's events.
const events = structuredClone(benchEvents(catalogue, INGEST, now, 1, 5).map((e, i) => ({ ...e, id: `ingest-${i}` })));

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
let pairs = 0;
let withPairs = 0;
// As the worker does when the whole burst is queued: only the events within the window behind its end learn.
const learnFrom = process.argv.includes('--learn-all') ? 0 : Math.max(0, events.length - ENGINE_SETTINGS.burstLearnWindow);
for (const [i, e] of events.entries()) {
  const r = engine.ingestRaw(e, now, i >= learnFrom);
  if (r.ok && r.pairs > 0) {
    pairs += r.pairs;
    withPairs++;
  }
}
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();

// Bytes per function: its own allocations, and everything allocated while it was on the stack.
const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
const walk = (n: SampleNode, stack: ReadonlySet<string>): number => {
  const file = n.callFrame.url.split('/').slice(-2).join('/');
  const key = `${n.callFrame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + n.selfSize);
  all += n.selfSize;
  const inner = new Set(stack).add(key);
  let sum = n.selfSize;
  for (const c of n.children) sum += walk(c, inner);
  if (!stack.has(key)) total.set(key, (total.get(key) ?? 0) + sum);
  return sum;
};
walk(profile.head as SampleNode, new Set());

const mb = (b: number) => (b / 1048576).toFixed(2).padStart(7);
// The harness's own frames (the module and the runtime's anonymous root) hold everything: left out.
const harness = (k: string) => k.startsWith('(root)') || k === '(anonymous)' || k.includes('bench/ingest-alloc');
const top = (m: Map<string, number>, n: number) => [...m].filter(([k]) => !harness(k)).sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`${INGEST.toLocaleString('en')} events: ${mb(all).trim()} MB allocated, ${((all / INGEST) / 1024).toFixed(2)} KB per event`);
console.log(`feedback pairs: ${pairs.toLocaleString('en')} built by ${withPairs.toLocaleString('en')} events; ${engine.pendingExamples().toLocaleString('en')} waiting for the learner (the newest; the cap drops the rest)`);
console.log('\nMB allocated while each function ran (top 12):');
for (const [k, v] of top(total, 12)) console.log(`${mb(v)}  ${k}`);
console.log('\nMB allocated by each function itself (top 12):');
for (const [k, v] of top(self, 12)) console.log(`${mb(v)}  ${k}`);
