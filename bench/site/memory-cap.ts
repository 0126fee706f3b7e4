/**
 * The site build on a log far larger than the memory it is given:
 * `npx tsx bench/site/memory-cap.ts [--quick] [--events GLOB] [--cap 1536M] [--memory-limit 256MB]
 * [--dim 32] [--tmp /tmp/pz-site-bench] [--reference DIR] [--out FILE]`.
 *
 * 1. Measures the input: Parquet bytes on disk, the Parquet pages' uncompressed size, and the bytes the
 *    same rows take as CSV (computed exactly in SQL, no file written).
 * 2. Runs `npm run site -- build` (scripts/site.ts, every step, default options but `--memory-limit`
 *    and a fixed `--prior-version`) as a process inside a new memory cgroup, a child of this process's
 *    own, whose hard limit is `--cap` (cgroup v1 `memory.limit_in_bytes`, or v2 `memory.max` with
 *    `memory.swap.max` 0): the kernel kills the process if it ever needs more. While it runs, samples the
 *    cgroup's anonymous memory (what the limit cannot reclaim), the spill folder's bytes on disk, and
 *    reads the cgroup's peak (which also counts page cache) and OOM kills at the end; wall, CPU and
 *    peak RSS come from `/usr/bin/time`.
 * 3. Runs the same build without a cgroup at the default memory limit (after the capped one, or beside
 *    it with `--parallel`, which halves the wall time on a busy machine and makes both runs' wall
 *    times say less; CPU seconds still compare), or reads `--reference DIR`, an earlier one, and
 *    compares the files byte for byte.
 * `--quick`: the 1M-event log of bench:site with a 640M cap and a 128MB engine limit (the mechanism,
 * not the size). Markdown on stdout, progress on stderr, JSON to --out (default
 * bench/results/site-memory-cap.json; quick runs write nothing unless --out is given).
 * Needs root (or a delegated cgroup) to create the cgroup; says so and stops otherwise.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { ENGINE_DEFAULTS, SITE_FILES } from '../../src/site/pipeline';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const MB = 1024 * 1024;
/** The prior's version string in both builds, so their files can be compared byte for byte. */
const PRIOR_VERSION = 'memory-cap';

/** A memory cgroup this script created; `remove` after the process in it has exited. */
interface Cgroup {
  dir: string;
  version: 1 | 2;
  /** Peak memory use the kernel recorded (anonymous memory and page cache), bytes. */
  peak(): number;
  /** Anonymous memory now (what the kernel cannot drop under the limit), bytes. */
  anon(): number;
  oomKills(): number;
  remove(): void;
}

/** Parses "1536M", "1.5G", "800MB" into bytes (binary units, as the kernel reads them). */
function bytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(s.trim());
  if (!m) throw new RangeError(`not a size: "${s}" (e.g. 1536M, 1.5G)`);
  const unit = { '': 1, k: 1024, m: MB, g: 1024 * MB }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

function statField(file: string, key: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Creates a child memory cgroup of this process's own with a hard limit of `limit` bytes and no swap. */
function createCgroup(limit: number): Cgroup {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  const v1 = lines.map((l) => l.split(':')).find((f) => f[1]!.split(',').includes('memory'));
  const name = `pz-site-cap-${process.pid}`;
  if (v1) {
    const dir = join('/sys/fs/cgroup/memory', v1[2]!, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limit));
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limit));
    return {
      dir,
      version: 1,
      peak: () => Number(readFileSync(join(dir, 'memory.max_usage_in_bytes'), 'utf8')),
      anon: () => statField(join(dir, 'memory.stat'), 'total_rss'),
      oomKills: () => statField(join(dir, 'memory.oom_control'), 'oom_kill'),
      remove: () => rmdirSync(dir),
    };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (!v2) throw new Error('no memory cgroup for this process (neither v1 nor v2)');
  const dir = join('/sys/fs/cgroup', v2.slice(3), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.max'), String(limit));
  writeFileSync(join(dir, 'memory.swap.max'), '0');
  return {
    dir,
    version: 2,
    peak: () => (existsSync(join(dir, 'memory.peak')) ? Number(readFileSync(join(dir, 'memory.peak'), 'utf8')) : Number.NaN),
    anon: () => statField(join(dir, 'memory.stat'), 'anon'),
    oomKills: () => statField(join(dir, 'memory.events'), 'oom_kill'),
    remove: () => rmdirSync(dir),
  };
}

/** Bytes the files under `dir` occupy on disk (allocated blocks, so sparse spill files count what they hold). */
function diskBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    try {
      const p = join(dir, e.name);
      total += e.isDirectory() ? diskBytes(p) : statSync(p).blocks * 512;
    } catch {
      // A spill file removed between the listing and the stat.
    }
  }
  return total;
}

interface InputSize {
  events: number;
  files: number;
  parquetBytes: number;
  parquetUncompressedBytes: number;
  csvBytes: number;
}

async function measureInput(glob: string): Promise<InputSize> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await db.connect();
  const g = glob.replaceAll("'", "''");
  const meta = (
    await conn.runAndReadAll(`SELECT count(DISTINCT file_name) AS files, sum(total_uncompressed_size)::BIGINT AS u FROM parquet_metadata('${g}')`)
  ).getRowObjects()[0]!;
  const files = (await conn.runAndReadAll(`SELECT file FROM glob('${g}')`)).getRowObjects().map((r) => String(r.file));
  // Every column as CSV text: its characters, 5 commas and a newline; NULL is empty.
  const csv = (
    await conn.runAndReadAll(
      `SELECT count(*) AS n, sum(length(shopper) + length(item) + length(type) + length(ts::VARCHAR) + length(coalesce(category, '')) + length(coalesce(value::VARCHAR, '')) + 6)::BIGINT AS b FROM read_parquet('${g}')`,
    )
  ).getRowObjects()[0]!;
  conn.closeSync();
  db.closeSync();
  return {
    events: Number(csv.n),
    files: Number(meta.files),
    parquetBytes: files.reduce((t, f) => t + statSync(f).size, 0),
    parquetUncompressedBytes: Number(meta.u),
    csvBytes: Number(csv.b),
  };
}

interface Run {
  exitCode: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  cgroup?: { capMb: number; peakMb: number; peakAnonMb: number; oomKills: number };
  spillPeakMb: number;
  stdout: string;
}

/** Runs scripts/site.ts build under /usr/bin/time, inside `cg` when given, sampling the spill folder. */
async function runBuild(args: string[], workDir: string, cg?: Cgroup, capBytes?: number): Promise<Run> {
  const timeFile = join(workDir, '..', `time-${process.pid}-${cg ? 'capped' : 'uncapped'}.txt`);
  const node = [process.execPath, ...process.execArgv, join(root, 'scripts', 'site.ts'), 'build', ...args];
  const timed = ['/usr/bin/time', '-f', '%e %U %S %M', '-o', timeFile, ...node];
  // The shell joins the cgroup, then becomes the timed build: every process of the build is inside.
  const argv = cg ? ['sh', '-c', `echo $$ > '${join(cg.dir, 'cgroup.procs')}' && exec "$@"`, 'sh', ...timed] : timed;
  let spillPeak = 0;
  let anonPeak = 0;
  const timer = setInterval(() => {
    spillPeak = Math.max(spillPeak, diskBytes(join(workDir, 'spill')));
    if (cg) anonPeak = Math.max(anonPeak, cg.anon());
  }, 250);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const exitCode = await new Promise<number>((ok, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => ok(code ?? (signal ? 128 : 1)));
  });
  clearInterval(timer);
  const [wall, user, sys, maxKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return {
    exitCode,
    seconds: wall!,
    cpuSeconds: user! + sys!,
    peakRssMb: maxKb! / 1024,
    ...(cg ? { cgroup: { capMb: capBytes! / MB, peakMb: cg.peak() / MB, peakAnonMb: anonPeak / MB, oomKills: cg.oomKills() } } : {}),
    spillPeakMb: spillPeak / MB,
    stdout,
  };
}

/** SHA-256 of a file, read in 16 MB pieces (item-knowledge.json is 2.7 GB at 50M events, past readFileSync's 2 GiB). */
function sha256(file: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 24);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      events: { type: 'string' },
      cap: { type: 'string' },
      'memory-limit': { type: 'string' },
      dim: { type: 'string' },
      tmp: { type: 'string' },
      reference: { type: 'string' },
      parallel: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const tmp = resolve(values.tmp ?? '/tmp/pz-site-bench');
  const events = values.events ?? join(tmp, `taobao-synthetic-${quick ? 1_000_000 : 50_000_000}`, '*.parquet');
  const capBytes = bytes(values.cap ?? (quick ? '640M' : '1536M'));
  const memoryLimit = values['memory-limit'] ?? (quick ? '128MB' : '256MB');
  const dim = values.dim ?? '32';
  if (!existsSync('/usr/bin/time')) throw new Error('needs /usr/bin/time (Debian: apt-get install time) for CPU time and peak RSS');

  log(`memory-cap: measuring ${events}`);
  const input = await measureInput(events);
  log(`  ${input.events} events in ${input.files} files: ${(input.parquetBytes / MB).toFixed(0)} MB Parquet, ${(input.csvBytes / MB).toFixed(0)} MB as CSV`);

  const runDir = join(tmp, `memory-cap-${process.pid}`);
  const work = join(runDir, 'work');
  const capped = join(runDir, 'capped');
  mkdirSync(work, { recursive: true });
  const common = ['--events', events, '--format', 'parquet', '--dim', dim, '--prior-version', PRIOR_VERSION];
  let cg: Cgroup;
  try {
    cg = createCgroup(capBytes);
  } catch (e) {
    throw new Error(
      `cannot create a memory cgroup (${e instanceof Error ? e.message : String(e)}): run as root, or run the build by hand under systemd-run --scope -p MemoryMax=${capBytes} -p MemorySwapMax=0`,
    );
  }
  log(`memory-cap: build in cgroup ${cg.dir} (v${cg.version}), hard limit ${(capBytes / MB).toFixed(0)} MB, --memory-limit ${memoryLimit}`);
  let reference = values.reference ? resolve(values.reference) : join(runDir, 'uncapped');
  const freeWork = join(runDir, 'uncapped-work');
  const startFree = () => {
    log(`memory-cap: the same build without a cgroup, --memory-limit ${ENGINE_DEFAULTS.memoryLimit} (default)`);
    mkdirSync(freeWork, { recursive: true });
    return runBuild([...common, '--out', reference, '--work-dir', freeWork], freeWork);
  };
  const parallel = values.parallel === true && !values.reference ? startFree() : undefined;
  let run: Run;
  try {
    run = await runBuild([...common, '--out', capped, '--work-dir', work, '--memory-limit', memoryLimit], work, cg, capBytes);
  } finally {
    try {
      cg.remove();
    } catch (e) {
      log(`  could not remove ${cg.dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  log(`  exit ${run.exitCode}, ${run.seconds.toFixed(0)} s wall, ${run.cpuSeconds.toFixed(0)} s CPU, peak RSS ${run.peakRssMb.toFixed(0)} MB, spill peak ${run.spillPeakMb.toFixed(0)} MB`);

  let free: Run | undefined;
  if (parallel) free = await parallel;
  else if (run.exitCode === 0 && !values.reference) free = await startFree();
  if (free && free.exitCode !== 0) reference = '';
  const files = Object.values(SITE_FILES).map((f) => {
    const a = join(capped, f);
    const b = reference ? join(reference, f) : '';
    const ha = existsSync(a) ? sha256(a) : 'missing';
    const hb = b && existsSync(b) ? sha256(b) : 'missing';
    return { file: f, bytes: existsSync(a) ? statSync(a).size : 0, capped: ha, reference: hb, identical: ha === hb && ha !== 'missing' };
  });

  const c = run.cgroup!;
  const md = [
    `Input: ${input.events.toLocaleString('en')} events in ${input.files} Parquet files, ${(input.parquetBytes / MB).toFixed(0)} MB on disk, ${(input.parquetUncompressedBytes / MB).toFixed(0)} MB of uncompressed Parquet pages, ${(input.csvBytes / MB).toFixed(0)} MB as CSV.`,
    '',
    '| build | memory | exit | wall s | CPU s | peak RSS MB | cgroup peak MB (with page cache) | peak anonymous MB | spill peak MB | OOM kills |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| capped | cgroup ${c.capMb.toFixed(0)} MB, --memory-limit ${memoryLimit} | ${run.exitCode} | ${run.seconds.toFixed(0)} | ${run.cpuSeconds.toFixed(0)} | ${run.peakRssMb.toFixed(0)} | ${c.peakMb.toFixed(0)} | ${c.peakAnonMb.toFixed(0)} | ${run.spillPeakMb.toFixed(0)} | ${c.oomKills} |`,
    ...(free
      ? [`| uncapped | no cgroup, --memory-limit ${ENGINE_DEFAULTS.memoryLimit} | ${free.exitCode} | ${free.seconds.toFixed(0)} | ${free.cpuSeconds.toFixed(0)} | ${free.peakRssMb.toFixed(0)} | | | ${free.spillPeakMb.toFixed(0)} | |`]
      : []),
    '',
    ...(parallel ? ['The two builds ran at the same time, on 2 cores.', ''] : []),
    `Outputs against ${free ? 'the uncapped build' : reference || 'no reference'}: ${files.map((f) => `${f.file} (${(f.bytes / MB).toFixed(1)} MB) ${f.identical ? 'identical' : 'DIFFERENT'}`).join(', ')}.`,
    '',
  ];
  process.stdout.write(`${md.join('\n')}\nCapped build:\n${run.stdout}\n${free ? `Uncapped build:\n${free.stdout}\n` : ''}`);
  const out = values.out ?? (quick ? undefined : join(here, '..', 'results', 'site-memory-cap.json'));
  if (out) {
    writeFileSync(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), events, dim: Number(dim), capMb: capBytes / MB, memoryLimit, input, capped: { ...run, stdout: undefined }, free: free ? { ...free, stdout: undefined } : undefined, files, summary: run.stdout, freeSummary: free?.stdout }, null, 2)}\n`,
    );
    log(`wrote ${out}`);
  }
  rmSync(join(runDir, 'work'), { recursive: true, force: true });
  rmSync(join(runDir, 'uncapped-work'), { recursive: true, force: true });
  log(`outputs kept in ${runDir} (capped/${free ? ', uncapped/' : ''})`);
  if (run.exitCode !== 0 || files.some((f) => !f.identical)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
