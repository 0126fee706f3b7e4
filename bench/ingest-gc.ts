/**
 * What the young generation's collections (scavenges) copy while the engine ingests the browser
 * benchmark's 5,000-event burst, in Node, the way the worker's track loop feeds it: each event arrives
 * as a JSON line, is parsed, ingested (the newest `burstLearnWindow` events build feedback pairs) and
 * written out as JSON text, and the texts of one 500-event call are held until the next call has been
 * ingested (a write under way). A scavenge's pause grows with what survives it, so besides the count
 * this prints the bytes each burst's scavenges copied within the young generation and promoted out of
 * it (V8's `--trace-gc-nvp` figures: bytes, so a loaded machine does not move them much), and the
 * process's CPU time during the ingest (all its threads: the compiler's and the collector's helpers too),
 * after the same burst has warmed the code up in another shopper.
 *
 * Each run is a fresh child process (`--max-semi-space-size=8`, about the worker's young generation);
 * with `--ref=DIR` (another source tree with a `node_modules`) the two trees' runs alternate.
 * `--hold-events`: also hold each call's event objects until its write, as the worker did before it
 * kept only their texts.
 * Run: `npx tsx bench/ingest-gc.ts [--runs N] [--ref=DIR] [--hold-events]`.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const INGEST = 5_000;
const CALL = 500;
const args = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

interface Run {
  scavenges: number;
  copiedKb: number;
  promotedKb: number;
  cpuMs: number;
}

async function child(tree: string, holdEvents: boolean): Promise<void> {
  const url = (p: string) => pathToFileURL(join(tree, p)).href;
  const { Engine } = (await import(url('src/core/engine.ts'))) as typeof import('../src/core/engine');
  const { ENGINE_SETTINGS } = (await import(url('src/core/settings.ts'))) as typeof import('../src/core/settings');
  const { benchCandidates, benchEvents } = (await import(url('bench/browser/fixtures.ts'))) as typeof import('./browser/fixtures');
  const now = Date.parse('2026-12-01T12:00:00Z');
  const catalogue = benchCandidates(1000, 1);
  const lines = benchEvents(catalogue, INGEST, now, 1, 5).map((e, i) => JSON.stringify({ ...e, id: `ingest-${i}` }));
  const shopper = () => {
    const engine = new Engine({}, now - 8 * 86_400_000);
    for (const e of benchEvents(catalogue.slice(0, 200), 300, now)) engine.ingestRaw(e, e.ts ?? now);
    return engine;
  };
  // The code warm, as in a worker that has ranked and ingested before: one burst into another shopper.
  const warm = shopper();
  for (let i = 0; i < INGEST; i++) warm.ingestRaw(JSON.parse(lines[i]!), now, INGEST - 1 - i < ENGINE_SETTINGS.burstLearnWindow);
  const engine = shopper();
  // Fresh strings, as the worker's are (deserialized from the page's message), not the literals' own.
  const incoming = lines.map((l) => JSON.parse(JSON.stringify([l]))[0] as string);
  let writing: string[] = [];
  let waiting: string[] = [];
  let writingEvents: unknown[] = [];
  let waitingEvents: unknown[] = [];
  console.log('ingest-gc: start');
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < INGEST; i++) {
    const r = engine.ingestRaw(JSON.parse(incoming[i]!), now, INGEST - 1 - i < ENGINE_SETTINGS.burstLearnWindow);
    if (r.ok && !r.duplicate) {
      waiting.push(JSON.stringify(r.event));
      if (holdEvents) waitingEvents.push(r.event);
    }
    if ((i + 1) % CALL === 0) {
      // The previous call's write has committed; this call's texts wait for theirs.
      writing = waiting;
      waiting = [];
      writingEvents = waitingEvents;
      waitingEvents = [];
    }
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`ingest-gc: end ${(cpu.user + cpu.system) / 1000} ${writing.length + waiting.length + writingEvents.length + waitingEvents.length}`);
}

function parse(out: string): Run {
  const run: Run = { scavenges: 0, copiedKb: 0, promotedKb: 0, cpuMs: 0 };
  let on = false;
  for (const line of out.split('\n')) {
    if (line.startsWith('ingest-gc: start')) on = true;
    else if (line.startsWith('ingest-gc: end')) {
      on = false;
      run.cpuMs = Number(line.split(' ')[2]);
    } else if (on && line.includes(' gc=s ')) {
      const num = (k: string) => Number(new RegExp(`\\b${k}=(\\d+)`).exec(line)?.[1] ?? 0);
      run.scavenges++;
      run.copiedKb += num('new_space_survived') / 1024;
      run.promotedKb += num('promoted') / 1024;
    }
  }
  return run;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

if (args[0] === '--child') await child(args[1]!, args.includes('--hold-events'));
else {
  const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
  const refArg = args.find((a) => a.startsWith('--ref='));
  const trees = [{ name: 'this tree', dir: resolve(here, '..') }];
  if (refArg) trees.push({ name: 'ref', dir: resolve(refArg.slice('--ref='.length)) });
  const results = new Map<string, Run[]>(trees.map((t) => [t.name, []]));
  for (let r = 0; r < runs; r++) {
    for (const t of trees) {
      const out = execFileSync(process.execPath, ['--max-semi-space-size=8', '--trace-gc-nvp', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', t.dir, ...args.filter((a) => a === '--hold-events')], { cwd: t.dir, encoding: 'utf8', maxBuffer: 1 << 28 });
      const run = parse(out);
      results.get(t.name)!.push(run);
      console.log(`${t.name.padEnd(9)} run ${r + 1}: ${run.scavenges} scavenges, ${run.copiedKb.toFixed(0)} KB copied, ${run.promotedKb.toFixed(0)} KB promoted, ingest CPU ${run.cpuMs.toFixed(0)} ms`);
    }
  }
  for (const [name, rs] of results) {
    const m = (f: (r: Run) => number) => median(rs.map(f)).toFixed(0);
    console.log(`${name} (median of ${rs.length}): ${m((r) => r.scavenges)} scavenges, ${m((r) => r.copiedKb)} KB copied + ${m((r) => r.promotedKb)} KB promoted, ingest CPU ${m((r) => r.cpuMs)} ms`);
  }
}
