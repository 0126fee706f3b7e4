/**
 * `npm run site -- build --events <file|glob|dir> --out <dir> [options]`: builds the files a storefront
 * serves (item knowledge, the prior, segments with the purchase-intent model) from an event log of any size, with the SQL pipeline in
 * src/site/pipeline on DuckDB. Progress on stderr, a summary on stdout.
 * `npm run site -- sql --dialect bigquery|spark --out <dir>`: writes the pipeline's SQL as that warehouse
 * runs it (the dialect table in src/site/pipeline/dialects.ts), one `<step>.<dialect>.sql` per file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../src/core/errors';
import { ITEM_KNOWLEDGE_DEFAULTS } from '../src/site/item-knowledge';
import {
  buildSite,
  ENGINE_DEFAULTS,
  EVENT_FORMATS,
  type EventFormat,
  type SiteBuildSummary,
  type StepStats,
  TRANSITION_ROWS_PER_PASS,
  WAREHOUSES,
  type Warehouse,
  warehouseFiles,
  warehouseSqlText,
} from '../src/site/pipeline';

export const USAGE = `usage: npm run site -- build --events <file|glob|dir> --out <dir> [options]
  --format taobao|jsonl|parquet|sequences   input format (default: from the name)
  --memory-limit <size>     DuckDB memory limit, e.g. 1GB (default ${ENGINE_DEFAULTS.memoryLimit}); beyond it the engine
                            spills to --work-dir
  --threads <n>             engine threads (default: every core)
  --work-dir <dir>          database and spill files (default <out>/.work; removed afterwards)
  --keep-work               keep the work files (to inspect the tables with the duckdb CLI)
  --dim <n>                 embedding dimension, 0..64 (default 32)
  --top-k <n>               neighbours and predecessors kept per item (default 200)
  --embedding-neighbours <n>  strongest pairs per item the embedding reads (default ${ITEM_KNOWLEDGE_DEFAULTS.embeddingNeighbours})
  --hold-out-last <n>       drop each shopper's last n events first (default 0)
  --transition-buckets <n>  passes of the transitions step, each over 1/n of the items (default: one
                            per ${TRANSITION_ROWS_PER_PASS / 1e6}M joined rows, steps × window)
  --seed <n>                seed of every random choice (default 1)
  --max-examples <n>        cap on the prior's training pairs (default 200000)
  --epochs <n>              passes over the pairs (default 5)
  --trainer plain|tfjs      prior trainer (default plain: the same steps as tfjs in plain TypeScript)
  --tz-offset-minutes <n>   shop time zone for shopper-days (default 0)
  --max-intent-days <n>     cap on shopper-days for the purchase-intent fit (default 200000)
  --prior-version <s>       version string of the prior (default: today's date)
  --clusters <n>            segment centroids (default 4)
  --no-prior                no prior (nor purchase-intent model)
  --no-segments             no segments.json
usage: npm run site -- sql --dialect bigquery|spark --out <dir>
  writes each pipeline step's SQL as that warehouse runs it (<step>.<dialect>.sql)`;

/** `sql --dialect … --out …`: writes the warehouse files; returns their paths. */
export function sqlCommand(argv: readonly string[], err: (s: string) => void = (s) => process.stderr.write(s)): string[] {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { dialect: { type: 'string' }, out: { type: 'string' } } }));
  } catch (e) {
    throw new UsageError('command line', e instanceof Error ? e.message : String(e));
  }
  const dialect = values.dialect as string | undefined;
  if (!dialect || !(WAREHOUSES as readonly string[]).includes(dialect)) throw new UsageError('--dialect', `--dialect must be one of ${WAREHOUSES.join(', ')}, got "${dialect ?? ''}"`);
  if (!values.out) throw new UsageError('--out', '--out is required');
  const out = String(values.out);
  mkdirSync(out, { recursive: true });
  const written = warehouseFiles().map((name) => {
    const file = join(out, `${name}.${dialect}.sql`);
    writeFileSync(file, warehouseSqlText(name, dialect as Warehouse));
    return file;
  });
  err(`site sql: wrote ${written.length} files for ${dialect} to ${out}\n`);
  return written;
}

function int(values: Record<string, unknown>, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name}`, `--${name} must be an integer in ${min}..${max}, got "${String(raw)}"`);
  return v;
}

/** One line per step: name, wall time, memory. */
export function stepTable(steps: readonly StepStats[]): string {
  const rows = steps.map(
    (s) => `| ${s.name} | ${s.seconds.toFixed(1)} | ${s.cpuSeconds.toFixed(1)} | ${s.peakRssMb.toFixed(0)} | ${s.peakHeapMb.toFixed(0)} | ${s.peakExternalMb.toFixed(0)} |`,
  );
  return ['| step | wall s | CPU s | peak RSS MB | peak heap MB | peak typed arrays MB |', '| --- | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

/** The purchase-intent line of the summary. */
function intentLine(p: NonNullable<SiteBuildSummary['prior']>): string {
  if (!p.propensity) return `  purchase intent skipped: ${p.propensitySkipped}`;
  const q = p.propensity;
  const auc = Number.isFinite(q.heldOutAuc) ? q.heldOutAuc.toFixed(3) : 'n/a';
  return `  purchase intent ${q.points} of ${q.logDays} shopper-days (${q.positives} buy within 24 h), AUC ${auc} on the last ${q.heldOutDays} of ${q.trainDays + q.heldOutDays} days`;
}

/** Runs the CLI; returns the build summary (for tests). */
export async function main(argv: readonly string[], err: (s: string) => void = (s) => process.stderr.write(s)): Promise<SiteBuildSummary> {
  const [command, ...rest] = argv;
  if (command !== 'build') throw new UsageError('command line', command === undefined ? 'missing command' : `unknown command "${command}"`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        events: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        'memory-limit': { type: 'string' },
        threads: { type: 'string' },
        'work-dir': { type: 'string' },
        'keep-work': { type: 'boolean' },
        dim: { type: 'string' },
        'top-k': { type: 'string' },
        'embedding-neighbours': { type: 'string' },
        'hold-out-last': { type: 'string' },
        'transition-buckets': { type: 'string' },
        seed: { type: 'string' },
        'max-examples': { type: 'string' },
        epochs: { type: 'string' },
        trainer: { type: 'string' },
        'tz-offset-minutes': { type: 'string' },
        'max-intent-days': { type: 'string' },
        'prior-version': { type: 'string' },
        'no-prior': { type: 'boolean' },
        clusters: { type: 'string' },
        'no-segments': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError('command line', e instanceof Error ? e.message : String(e));
  }
  if (!values.events) throw new UsageError('--events', '--events is required');
  if (!values.out) throw new UsageError('--out', '--out is required');
  const format = values.format as string | undefined;
  if (format !== undefined && !(EVENT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError('--format', `--format must be one of ${EVENT_FORMATS.join(', ')}, got "${format}"`);
  }
  const knowledge: Record<string, number> = {};
  const dim = int(values, 'dim', 0, 64);
  const topK = int(values, 'top-k', 1);
  const embeddingNeighbours = int(values, 'embedding-neighbours', 1);
  const hold = int(values, 'hold-out-last', 0);
  const seed = int(values, 'seed', 0);
  const threads = int(values, 'threads', 1, 1024);
  if (dim !== undefined) knowledge.dim = dim;
  if (topK !== undefined) knowledge.topK = topK;
  if (embeddingNeighbours !== undefined) knowledge.embeddingNeighbours = embeddingNeighbours;
  if (hold !== undefined) knowledge.holdOutLast = hold;
  const buckets = int(values, 'transition-buckets', 1, 1_000_000);
  if (buckets !== undefined) knowledge.transitionBuckets = buckets;
  if (seed !== undefined) knowledge.seed = seed;

  const trainer = values.trainer as string | undefined;
  if (trainer !== undefined && trainer !== 'plain' && trainer !== 'tfjs') throw new UsageError('--trainer', `--trainer must be plain or tfjs, got "${trainer}"`);
  const maxExamples = int(values, 'max-examples', 1);
  const epochs = int(values, 'epochs', 1, 1000);
  const tz = int(values, 'tz-offset-minutes', -24 * 60, 24 * 60);
  const maxIntentDays = int(values, 'max-intent-days', 1);
  const prior =
    values['no-prior'] === true
      ? (false as const)
      : {
          ...(maxExamples !== undefined ? { maxExamples } : {}),
          ...(epochs !== undefined ? { epochs } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(trainer ? { trainer: trainer as 'plain' | 'tfjs' } : {}),
          ...(tz !== undefined ? { tzOffsetMinutes: tz } : {}),
          ...(maxIntentDays !== undefined ? { purchaseIntent: { maxDays: maxIntentDays } } : {}),
          ...(values['prior-version'] ? { priorVersion: String(values['prior-version']) } : {}),
        };
  const clusters = int(values, 'clusters', 1, 64);
  const segments =
    values['no-segments'] === true
      ? (false as const)
      : { ...(clusters !== undefined ? { clusters } : {}), ...(seed !== undefined ? { seed } : {}), ...(tz !== undefined ? { tzOffsetMinutes: tz } : {}) };
  const tty = process.stderr.isTTY === true;
  const bar = (pct: number) => {
    const n = Math.round(pct / 5);
    return `[${'#'.repeat(n)}${'-'.repeat(20 - n)}] ${pct.toFixed(0).padStart(3)} %`;
  };
  const summary = await buildSite({
    events: String(values.events),
    outDir: String(values.out),
    ...(format ? { format: format as EventFormat } : {}),
    ...(values['work-dir'] ? { workDir: String(values['work-dir']) } : {}),
    keepWork: values['keep-work'] === true,
    ...(values['memory-limit'] ? { memoryLimit: String(values['memory-limit']) } : {}),
    ...(threads ? { threads } : {}),
    knowledge,
    prior,
    segments,
    listener: {
      start: (name) => {
        if (!tty) err(`site: ${name} …\n`);
      },
      tick: (name, s, pct) => {
        if (tty) err(`\r\x1b[K  ${name.padEnd(22)} ${pct === undefined ? '[ working … ]' : bar(pct)} ${s.toFixed(0)} s`);
      },
      end: (st) => {
        err(`${tty ? '\r\x1b[K' : ''}  ${st.name.padEnd(22)} ${st.failed ? 'failed after' : 'done in'} ${st.seconds.toFixed(1)} s (peak RSS ${st.peakRssMb.toFixed(0)} MB, heap ${st.peakHeapMb.toFixed(0)} MB)\n`);
      },
    },
  });
  const k = summary.knowledge;
  process.stdout.write(
    [
      `site build: ${summary.format} log "${values.events}" in ${summary.seconds.toFixed(1)} s`,
      `  events          ${summary.events}${summary.rejected ? ` (${summary.rejected} rejected)` : ''}, ${k.shoppers} shoppers, ${k.items} items`,
      `  item pairs      ${k.pairs} directed (transitions in ${k.transitionBuckets} pass${k.transitionBuckets === 1 ? '' : 'es'}), ${k.similarityPairs} in the similarity matrix`,
      `  embeddings      ${k.embedded} items, ${k.dim}-d`,
      summary.prior
        ? `  prior           ${summary.prior.pairs} pairs from ${summary.prior.sampledShoppers} sampled shoppers, held-out pair accuracy ${(100 * summary.prior.heldOutAccuracy).toFixed(1)} % (built-in weights ${(100 * summary.prior.builtInAccuracy).toFixed(1)} %)`
        : '  prior           skipped',
      ...(summary.prior ? [intentLine(summary.prior)] : []),
      summary.segments
        ? `  segments        ${summary.segments.names.length ? summary.segments.names.join(', ') : 'no centroids (fewer shoppers than clusters)'} from ${summary.segments.points} of ${summary.segments.shoppers} shoppers${summary.segments.withPurchaseIntent ? ', with the purchase-intent model' : ''}`
        : '  segments        skipped',
      `  wrote           ${[summary.files.itemKnowledge, summary.files.prior, summary.files.segments].filter(Boolean).join(', ')}`,
      '',
      stepTable(summary.steps),
      '',
    ].join('\n'),
  );
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  (argv[0] === 'sql' ? Promise.resolve().then(() => sqlCommand(argv.slice(1))) : main(argv)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.name}: ${e.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  });
}

export { UsageError };
