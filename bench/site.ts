/**
 * Site pipeline benchmark: `npm run bench:site [-- --quick] [--sizes 1e6,1e7,5e7] [--tmp DIR]
 * [--memory-limit SIZE] [--no-reference] [--quality POLICIES] [--out FILE]`.
 *
 * 1. Reference: the in-memory `buildItemKnowledge` and the DuckDB pipeline on the real Beauty
 *    (training split, 64-d, the quality benchmark's settings) and Taobao logs: wall time of each and
 *    how their files compare (skipped with a message when ../shared/data is absent).
 * 2. Scaling: synthetic logs drawn from the Taobao slice (bench/site/synthetic.sql; written to --tmp,
 *    never to the repo) of each size, each built in its own process: wall time, peak RSS and peak V8
 *    heap per step, then the table and the curve. `--quick` runs 100k and 1M events with 16-d embeddings.
 * 3. `--quality pz-heuristics,pz-prior`: Beauty test NDCG@10 of those product rows with the reference's
 *    site knowledge and with the pipeline's files (bench/site/quality-check.ts).
 * Markdown on stdout, progress on stderr, results JSON to --out (default bench/results/site.json;
 * quick runs write nothing unless --out is given).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadTaobao } from '../src/site/logs/taobao';
import { buildItemKnowledge, publishItemKnowledge } from '../src/site/item-knowledge';
import { buildSite, compareKnowledge, ENGINE_DEFAULTS, type SiteBuildSummary } from '../src/site/pipeline';
import { stepTable } from '../scripts/site';
import { beautyQualityCheck } from './site/quality-check';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.PZ_DATA_DIR ?? resolve(here, '..', '..', 'shared', 'data');
const taobaoFile = join(dataDir, 'taobao-userbehavior', 'userbehavior_head_815users.csv.gz');
const beautyDir = join(dataDir, 'amazon-beauty-s3rec');
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Items per event of the full 100M-row Taobao log (4.16M items): the synthetic catalogue follows it. */
const ITEMS_PER_EVENT = 0.0416;

interface ScalingRow {
  events: number;
  items: number;
  shoppers: number;
  pairs: number;
  generateSeconds: number;
  build: SiteBuildSummary;
}

/** Writes a synthetic log of `events` rows into `dir` (reused when it is already there). */
async function generate(events: number, dir: string): Promise<number> {
  if (existsSync(join(dir, 'done'))) return 0;
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const db = await DuckDBInstance.create(':memory:', { memory_limit: '2GB', temp_directory: `${dir}-spill` });
  const conn = await db.connect();
  const rows = 84_475;
  const replicas = Math.ceil(events / rows);
  // Each real item becomes `copies` variants; 55,368 real items × copies ≈ ITEMS_PER_EVENT × events.
  const copies = Math.max(1, Math.round((ITEMS_PER_EVENT * events) / 55_368));
  const text = readFileSync(join(here, 'site', 'synthetic.sql'), 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .replace(/;\s*$/, '');
  await conn.run(text, { taobao: taobaoFile, events, replicas, copies, out: dir });
  conn.closeSync();
  db.closeSync();
  rmSync(`${dir}-spill`, { recursive: true, force: true });
  writeFileSync(join(dir, 'done'), `${events} events, ${replicas} replicas, ${copies} item variants per category\n`);
  return (performance.now() - t0) / 1000;
}

/** Child mode: one build, summary JSON on the last stdout line. */
async function child(events: string, out: string, memoryLimit: string, dim: number): Promise<void> {
  const s = await buildSite({ events, format: 'parquet', outDir: out, memoryLimit, knowledge: { dim }, listener: { end: (st) => log(`    ${st.name}: ${st.seconds.toFixed(1)} s wall, ${st.cpuSeconds.toFixed(1)} s CPU, peak RSS ${st.peakRssMb.toFixed(0)} MB, heap ${st.peakHeapMb.toFixed(0)} MB, typed arrays ${st.peakExternalMb.toFixed(0)} MB`) } });
  process.stdout.write(`${JSON.stringify(s)}\n`);
}

function runChild(args: string[]): Promise<SiteBuildSummary> {
  return new Promise((ok, fail) => {
    const c = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    c.on('error', fail);
    c.on('close', (code) => (code === 0 ? ok(JSON.parse(out.trim().split('\n').pop()!) as SiteBuildSummary) : fail(new Error(`build failed (exit ${code})`))));
  });
}

async function reference(quick: boolean, tmp: string): Promise<string[]> {
  if (!existsSync(taobaoFile) || !existsSync(beautyDir)) {
    log(`reference comparison skipped: no data in ${dataDir} (set PZ_DATA_DIR)`);
    return ['Reference comparison skipped: no data.'];
  }
  const md = ['| log | items | reference s | pipeline s | identical lists | tie-order only | different | max weight diff | max embedding diff |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const users = readFileSync(join(beautyDir, 'Beauty.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2);
  const tb = loadTaobao(taobaoFile);
  const cases = [
    { name: 'Beauty s[:n-2], 64-d', seqs: users.map((f) => f.slice(1, Math.max(1, f.length - 2))), events: beautyDir, hold: 2, dim: quick ? 16 : 64 },
    { name: 'Taobao 815 shoppers, 32-d', seqs: tb.users.map((u) => Array.from(u.items, (k) => tb.itemIds[k]!)), events: taobaoFile, hold: 0, dim: quick ? 16 : 32 },
  ];
  for (const c of cases) {
    const name = quick ? c.name.replace(/\d+-d/, `${c.dim}-d`) : c.name;
    log(`reference: ${name}`);
    let t = performance.now();
    const ref = publishItemKnowledge(buildItemKnowledge(c.seqs, { dim: c.dim, seed: 1 }));
    const refSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const s = await buildSite({ events: c.events, outDir: join(tmp, 'reference'), knowledge: { dim: c.dim, seed: 1, holdOutLast: c.hold } });
    const pipeSeconds = (performance.now() - t) / 1000;
    const cmp = compareKnowledge(ref, JSON.parse(readFileSync(s.files.itemKnowledge, 'utf8')));
    md.push(
      `| ${name} | ${cmp.items} | ${refSeconds.toFixed(1)} | ${pipeSeconds.toFixed(1)} | ${cmp.identicalLists} / ${cmp.lists} | ${cmp.tieOrderLists} | ${cmp.differentLists} | ${cmp.maxWeightDiff.toExponential(1)} | ${cmp.maxEmbeddingDiff.toExponential(1)} |`,
    );
  }
  return md;
}

/** A text plot of wall time against events (log-log would hide the slope; this is linear). */
function curve(rows: readonly ScalingRow[]): string {
  const maxS = Math.max(...rows.map((r) => r.build.seconds));
  return rows
    .map((r) => {
      const n = Math.max(1, Math.round((40 * r.build.seconds) / maxS));
      const cpu = r.build.steps.reduce((t, s) => t + s.cpuSeconds, 0);
      return `${(r.events / 1e6).toFixed(1).padStart(6)}M │${'█'.repeat(n)} ${r.build.seconds.toFixed(0)} s wall, ${cpu.toFixed(0)} s CPU (${(r.build.seconds / (r.events / 1e6)).toFixed(1)} s wall per 1M events)`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      tmp: { type: 'string' },
      'memory-limit': { type: 'string', default: ENGINE_DEFAULTS.memoryLimit },
      'no-reference': { type: 'boolean', default: false },
      out: { type: 'string' },
      child: { type: 'string' },
      'child-out': { type: 'string' },
      dim: { type: 'string' },
      quality: { type: 'string' },
    },
  });
  const dim = Number(values.dim ?? (values.quick ? 16 : 32));
  if (values.child) return child(values.child, values['child-out']!, values['memory-limit']!, dim);
  const tmp = resolve(values.tmp ?? '/tmp/pz-site-bench');
  mkdirSync(tmp, { recursive: true });
  const sizes = (values.sizes ?? (values.quick ? '1e5,1e6' : '1e6,1e7')).split(',').map(Number).filter((n) => n > 0);
  const md: string[] = ['## Site pipeline', ''];
  if (!values['no-reference']) md.push('### Reference (in-memory) vs pipeline (DuckDB)', '', ...(await reference(values.quick, tmp)), '');

  let quality: Awaited<ReturnType<typeof beautyQualityCheck>> | undefined;
  if (values.quality) {
    if (!existsSync(beautyDir)) log(`quality check skipped: no data in ${dataDir}`);
    else {
      quality = await beautyQualityCheck(beautyDir, values.quality.split(','), log);
      md.push('### Beauty test NDCG@10 of the product: reference knowledge vs the pipeline\'s files', '', '| policy | reference | pipeline | difference |', '| --- | ---: | ---: | ---: |');
      for (const r of quality) md.push(`| ${r.policy} | ${r.reference.toFixed(4)} | ${r.pipeline.toFixed(4)} | ${(r.pipeline - r.reference).toFixed(4)} |`);
      md.push('');
    }
  }
  const rows: ScalingRow[] = [];
  if (sizes.length === 0) log('scaling skipped: no --sizes');
  else if (!existsSync(taobaoFile)) log(`scaling skipped: the synthetic logs are drawn from ${taobaoFile}, which is absent`);
  else {
    for (const events of sizes) {
      const dir = join(tmp, `taobao-synthetic-${events}`);
      log(`scaling: ${events} events (log in ${dir})`);
      const generateSeconds = await generate(events, dir);
      const build = await runChild(['--child', join(dir, '*.parquet'), '--child-out', join(tmp, `out-${events}`), '--memory-limit', values['memory-limit']!, '--dim', String(dim)]);
      const k = build.knowledge;
      rows.push({ events, items: k.items, shoppers: k.shoppers, pairs: k.pairs, generateSeconds, build });
      rmSync(join(tmp, `out-${events}`), { recursive: true, force: true });
    }
    md.push(`### Scaling: synthetic Taobao-distributed logs, ${dim}-d embeddings, DuckDB memory limit ${values['memory-limit']}, 2 cores`, '');
    md.push('| events | shoppers | items | item pairs | similarity rows | wall s | CPU s | peak RSS MB | peak heap MB | peak typed arrays MB |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      const st = r.build.steps;
      md.push(
        `| ${r.events.toLocaleString('en')} | ${r.shoppers.toLocaleString('en')} | ${r.items.toLocaleString('en')} | ${r.pairs.toLocaleString('en')} | ${r.build.knowledge.similarityPairs.toLocaleString('en')} | ${r.build.seconds.toFixed(0)} | ${st.reduce((t, s) => t + s.cpuSeconds, 0).toFixed(0)} | ${Math.max(...st.map((s) => s.peakRssMb)).toFixed(0)} | ${Math.max(...st.map((s) => s.peakHeapMb)).toFixed(0)} | ${Math.max(...st.map((s) => s.peakExternalMb)).toFixed(0)} |`,
      );
    }
    for (const r of rows) md.push('', `Steps at ${r.events.toLocaleString('en')} events:`, '', stepTable(r.build.steps));
    md.push('', '```', curve(rows), '```');
  }
  const text = `${md.join('\n')}\n`;
  process.stdout.write(text);
  const out = values.out ?? (values.quick ? undefined : join(here, 'results', 'site.json'));
  if (out) {
    writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), dim, memoryLimit: values['memory-limit'], scaling: rows, ...(quality ? { quality } : {}), markdown: text }, null, 2)}\n`);
    log(`wrote ${out}`);
  }
  if (readdirSync(tmp).length === 0) rmSync(tmp, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
