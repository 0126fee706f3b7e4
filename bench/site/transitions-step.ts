/**
 * The transitions step alone, on the synthetic logs `npm run bench:site` writes:
 * `npx tsx bench/site/transitions-step.ts [--quick] [--sizes 1e7,5e7] [--repeat 3] [--buckets B]
 * [--tmp /tmp/pz-site-bench] [--memory-limit SIZE]`.
 *
 * Each size: one engine reads the log and runs `sequences` (not timed), then runs `transitions.sql`
 * `--repeat` times, as the build does (the default passes, or `--buckets`), and prints the CPU seconds
 * of the process (every engine thread), wall seconds and resident memory of each run, then the CPU
 * growth between sizes against the growth in events. `--quick` is 1M events, one run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ITEM_KNOWLEDGE_DEFAULTS } from '../../src/site/item-knowledge';
import { ENGINE_DEFAULTS, openEngine, readEvents, runSqlFile, runSqlFileInBuckets, transitionBuckets } from '../../src/site/pipeline';

const log = (s: string) => process.stderr.write(`${s}\n`);

interface Run {
  events: number;
  steps: number;
  buckets: number;
  cpuSeconds: number;
  seconds: number;
  rssMb: number;
  pairs: number;
}

async function measure(events: number, tmp: string, memoryLimit: string, repeat: number, buckets: number | undefined): Promise<Run[]> {
  const logDir = join(tmp, `taobao-synthetic-${events}`);
  if (!existsSync(join(logDir, 'done'))) throw new Error(`no synthetic log of ${events} events in ${logDir}: run npm run bench:site -- --sizes ${events} first`);
  const workDir = mkdtempSync(join(tmp, 'transitions-step-'));
  const engine = await openEngine({ workDir, memoryLimit });
  try {
    log(`${events} events: read and sequences`);
    await readEvents(engine.conn, join(logDir, '*.parquet'), 'parquet');
    await runSqlFile(engine.conn, 'sequences', { hold_out_last: 0 });
    await engine.conn.run('DROP TABLE events');
    const steps = Number((await engine.conn.runAndReadAll('SELECT count(*) AS n FROM walk')).getRowObjectsJS()[0]!.n);
    const o = ITEM_KNOWLEDGE_DEFAULTS;
    const b = buckets ?? transitionBuckets(steps, o.window);
    const runs: Run[] = [];
    for (let r = 0; r < repeat; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await runSqlFileInBuckets(engine.conn, 'transitions', { window: o.window, decay: o.distanceDecay, backward_weight: o.backwardWeight, beta: o.beta }, b);
      const cpu = process.cpuUsage(cpu0);
      const seconds = (performance.now() - t0) / 1000;
      const pairs = Number((await engine.conn.runAndReadAll('SELECT count(*) AS n FROM edges')).getRowObjectsJS()[0]!.n);
      const run = { events, steps, buckets: b, cpuSeconds: (cpu.user + cpu.system) / 1e6, seconds, rssMb: process.memoryUsage().rss / 2 ** 20, pairs };
      log(`${events} events, run ${r + 1}: ${run.cpuSeconds.toFixed(1)} CPU s, ${seconds.toFixed(1)} s wall`);
      runs.push(run);
    }
    return runs;
  } finally {
    engine.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      repeat: { type: 'string' },
      buckets: { type: 'string' },
      tmp: { type: 'string' },
      'memory-limit': { type: 'string', default: ENGINE_DEFAULTS.memoryLimit },
    },
  });
  const sizes = (values.sizes ?? (values.quick ? '1e6' : '1e7,5e7')).split(',').map(Number);
  const repeat = Number(values.repeat ?? (values.quick ? 1 : 3));
  const buckets = values.buckets === undefined ? undefined : Number(values.buckets);
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new RangeError(`--repeat must be an integer ≥ 1, got ${values.repeat}`);
  const tmp = resolve(values.tmp ?? '/tmp/pz-site-bench');
  const all: Run[][] = [];
  for (const events of sizes) all.push(await measure(events, tmp, values['memory-limit']!, repeat, buckets));
  const md = ['| events | walk steps | passes | item pairs | CPU s (each run) | median CPU s | wall s (each run) | RSS MB after |', '| ---: | ---: | ---: | ---: | --- | ---: | --- | ---: |'];
  for (const runs of all) {
    const r = runs[0]!;
    md.push(
      `| ${r.events.toLocaleString('en')} | ${r.steps.toLocaleString('en')} | ${r.buckets} | ${r.pairs.toLocaleString('en')} | ${runs.map((x) => x.cpuSeconds.toFixed(1)).join(', ')} | ${median(runs.map((x) => x.cpuSeconds)).toFixed(1)} | ${runs.map((x) => x.seconds.toFixed(1)).join(', ')} | ${Math.max(...runs.map((x) => x.rssMb)).toFixed(0)} |`,
    );
  }
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1]!, all[i]!];
    const cpu = median(b.map((x) => x.cpuSeconds)) / median(a.map((x) => x.cpuSeconds));
    md.push('', `${a[0]!.events.toLocaleString('en')} → ${b[0]!.events.toLocaleString('en')} events (${(b[0]!.events / a[0]!.events).toFixed(1)}×): median CPU ${cpu.toFixed(2)}×`);
  }
  process.stdout.write(`${md.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
