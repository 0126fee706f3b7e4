/**
 * What the young generation's collections (scavenges) copy while the engine ingests the browser
 * benchmark's 5,000-event burst, in Node, the way the worker's track loop feeds it: the events arrive
 * as JSON lines, 500 a call (held until the call is ingested), and each is parsed, ingested (the newest
 * `burstLearnWindow` events build feedback pairs) and written out as JSON text; the texts of one call
 * are held until the next call has been ingested (a write under way). A scavenge's pause grows with what survives it, so besides the count
 * this prints the bytes each burst's scavenges copied within the young generation and promoted out of
 * it (V8's `--trace-gc-nvp` figures: bytes, so a loaded machine does not move them much), and the
 * process's CPU time during the ingest (all its threads: the compiler's and the collector's helpers too),
 * after the same burst has warmed the code up in another shopper.
 *
 * Each run is a fresh child process (`--max-semi-space-size=8`, about the worker's young generation);
 * with `--ref=DIR` (another source tree with a `node_modules`) the two trees' runs alternate.
 * `--hold-events`: also hold each call's event objects until its write, as the worker did before it
 * kept only their texts.
 * `--reranks N`: also a rerank of 200 candidates (a fresh copy of the list, which the engine keeps as
 * shown) before every N-th event, as the browser benchmark's reranks during the ingest come about
 * once per 57 events.
 * `--check`: no figures; what the engine queued for the learner by the end of the burst (pending pairs
 * bit for bit, pending shown lists), hashed, in this tree and the `--ref` tree; exits 1 when they differ.
 * Run: `npx tsx bench/ingest-gc.ts [--runs N] [--ref=DIR] [--hold-events] [--reranks N] [--check]`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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

/**
 * A hash of what the engine queued for the learner: every pending pair (both feature rows, bit for bit,
 * and its weight) and every pending shown list (items, positions, what was acted on, offsets), in order.
 */
function learningHash(engine: object): string {
  const e = engine as unknown as { pending: { pos: Float32Array; neg: Float32Array; weight: number }[]; pendingLists: { items: unknown[] }[] };
  const h = createHash('sha256');
  for (const p of e.pending) h.update(JSON.stringify([Array.from(p.pos), Array.from(p.neg), p.weight]));
  h.update('|');
  for (const l of e.pendingLists) h.update(JSON.stringify(l));
  return `${e.pending.length} pairs, ${e.pendingLists.length} lists, hash ${h.digest('hex').slice(0, 16)}`;
}

async function child(tree: string, holdEvents: boolean, rerankEvery: number, check: boolean): Promise<void> {
  const url = (p: string) => pathToFileURL(join(tree, p)).href;
  const { Engine } = (await import(url('src/core/engine.ts'))) as typeof import('../src/core/engine');
  const { ENGINE_SETTINGS } = (await import(url('src/core/settings.ts'))) as typeof import('../src/core/settings');
  const { benchCandidates, benchEvents } = (await import(url('bench/browser/fixtures.ts'))) as typeof import('./browser/fixtures');
  const { createRng } = (await import(url('src/core/util/rng.ts'))) as typeof import('../src/core/util/rng');
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
  const list = catalogue.slice(0, 200);
  const rng = createRng(1);
  // As the worker gets them: a fresh copy of the page's list each time, which the engine may keep.
  // (A clock that stands still for --check: no rerank runs out of time, so both trees rank alike.)
  const clock = check ? () => 0 : () => performance.now();
  const rerank = (e: InstanceType<typeof Engine>) => e.rerank(structuredClone(list), { slot: 'during-ingest' }, rng, now, clock, true);
  if (rerankEvery) for (let i = 0; i < 50; i++) rerank(warm);
  let writing: string[] = [];
  let waiting: string[] = [];
  let writingEvents: unknown[] = [];
  let waitingEvents: unknown[] = [];
  console.log('ingest-gc: start');
  const cpu0 = process.cpuUsage();
  let call: string[] = [];
  for (let i = 0; i < INGEST; i++) {
    // Each call's lines arrive as fresh strings (deserialized from the page's message) when it starts,
    // and are held until it has been ingested.
    if (i % CALL === 0) call = JSON.parse(JSON.stringify(lines.slice(i, i + CALL))) as string[];
    if (rerankEvery && i % rerankEvery === 0) rerank(engine);
    const r = engine.ingestRaw(JSON.parse(call[i % CALL]!), now, INGEST - 1 - i < ENGINE_SETTINGS.burstLearnWindow);
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
  if (check) console.log(`ingest-gc: learning ${learningHash(engine)}`);
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

const rerankArg = args.indexOf('--reranks');
const rerankEvery = rerankArg >= 0 ? Number(args[rerankArg + 1]) : 0;
const check = args.includes('--check');
const spawn = (dir: string) =>
  execFileSync(process.execPath, ['--max-semi-space-size=8', '--trace-gc-nvp', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir, ...args.filter((a) => a === '--hold-events' || a === '--check'), ...(rerankEvery ? ['--reranks', String(rerankEvery)] : [])], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
if (args[0] === '--child') await child(args[1]!, args.includes('--hold-events'), rerankEvery, check);
else if (check) {
  const dirs = [resolve(here, '..'), ...args.filter((a) => a.startsWith('--ref=')).map((a) => resolve(a.slice('--ref='.length)))];
  const hashes = dirs.map((dir) => /ingest-gc: learning (.*)/.exec(spawn(dir))?.[1] ?? 'no hash');
  for (const [i, dir] of dirs.entries()) console.log(`${dir}: ${hashes[i]}`);
  if (new Set(hashes).size > 1) {
    console.log('the learning queues differ');
    process.exit(1);
  }
} else {
  const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
  const refArg = args.find((a) => a.startsWith('--ref='));
  const trees = [{ name: 'this tree', dir: resolve(here, '..') }];
  if (refArg) trees.push({ name: 'ref', dir: resolve(refArg.slice('--ref='.length)) });
  const results = new Map<string, Run[]>(trees.map((t) => [t.name, []]));
  for (let r = 0; r < runs; r++) {
    for (const t of trees) {
      const run = parse(spawn(t.dir));
      results.get(t.name)!.push(run);
      console.log(`${t.name.padEnd(9)} run ${r + 1}: ${run.scavenges} scavenges, ${run.copiedKb.toFixed(0)} KB copied, ${run.promotedKb.toFixed(0)} KB promoted, ingest CPU ${run.cpuMs.toFixed(0)} ms`);
    }
  }
  for (const [name, rs] of results) {
    const m = (f: (r: Run) => number) => median(rs.map(f)).toFixed(0);
    console.log(`${name} (median of ${rs.length}): ${m((r) => r.scavenges)} scavenges, ${m((r) => r.copiedKb)} KB copied + ${m((r) => r.promotedKb)} KB promoted, ingest CPU ${m((r) => r.cpuMs)} ms`);
  }
}
