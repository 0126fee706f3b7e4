/**
 * `npm run train-prior -- <events file or dir> [options]`: fits the site-wide prior offline from an
 * event log and writes the JSON every shopper's browser downloads (`public/prior.json`).
 *
 * Pipeline: log → per-shopper replays ({@link PriorShopper}) → pairwise examples (`priorExamples`,
 * the same profile reducer and features the worker runs) → `fitPrior` (the same FM and loss as the
 * on-device learner) → `toPriorFile`. Also fits the purchase-intent propensity (buys within 24 h of
 * the end of a shopper-day) and publishes it in the same file under `propensity.purchaseIntent`.
 *
 * Formats:
 * - `taobao`: the Taobao UserBehavior CSV (`user_id,item_id,category_id,behavior_type,timestamp`), gzip or not.
 * - `beauty`: a directory with `Beauty.txt` and `Beauty_item2attributes.json` (S3-Rec Amazon Beauty).
 * - `jsonl`: one `{ "shopper": "...", ...ShopperEvent }` per line; bad lines are reported and skipped.
 *
 * Everything is seeded (`--seed`): the same log and options give the same file.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../src/core/errors';
import { DEFAULT_WEIGHTS, FM_K } from '../src/core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../src/core/model/features';
import { fitPrior } from '../src/core/model/prior-fit';
import type { ProfileConfig } from '../src/core/profile/profile';
import { createRng, mixSeed } from '../src/core/util/rng';
import { BEAUTY_EMBEDDING_DIM, beautyItemFeatures, beautyPriorShoppers, beautyTrainingSequences } from '../src/site/beauty-prior';
import { buildItemKnowledge } from '../src/site/item-knowledge';
import { loadBeauty } from '../src/site/logs/beauty';
import type { ShopperLog } from '../src/site/logs/event-log';
import { isJsonl, loadJsonlLog } from '../src/site/logs/jsonl';
import { isCsv, taobaoEventLog } from '../src/site/logs/taobao';
import { type PriorShopper, priorExamples } from '../src/site/prior-examples';
import { HELD_OUT_SHARE, logShopper, NEGATIVES_PER_STEP, PAIR_WEIGHTS, subsample } from '../src/site/prior-lists';
import { pairwiseAccuracy, prettyJson, publishPrior, round } from '../src/site/prior-publish';
import { fitPropensity, intentPoints, type PropensityFit, type PropensityStats } from '../src/site/propensity-fit';

/** Input formats the CLI reads. */
export type LogFormat = 'taobao' | 'beauty' | 'jsonl';

/** Parsed command line. */
export interface TrainPriorOptions {
  input: string;
  format: LogFormat;
  out: string;
  epochs: number;
  /** Cap on training pairs; steps are subsampled evenly across shoppers to stay under it. */
  maxExamples: number;
  seed: number;
  /** `version` of the published prior (default: today's date, UTC). */
  priorVersion: string;
  /** Local time of the shop, for shopper-days (default 480 = Beijing for taobao, else 0). */
  tzOffsetMinutes: number;
  /** Publish a per-weight variance as if from this many shoppers (0 = none). */
  varianceShoppers: number;
  /** `tfjs` (the on-device ranker's trainer) or `plain` (same objective and steps in plain TS, faster; no variance). */
  trainer: 'tfjs' | 'plain';
}

/** The numbers the CLI prints, also returned by {@link main} for tests. */
export interface TrainPriorSummary {
  format: LogFormat;
  out: string;
  shoppers: number;
  trainShoppers: number;
  heldOutShoppers: number;
  events: number;
  rejectedLines: number;
  pairs: number;
  heldOutPairs: number;
  fitSeconds: number;
  /** Share of held-out pairs the fitted prior orders correctly (ties count ½). */
  heldOutAccuracy: number;
  /** The same for the built-in heuristic weights: what the prior has to beat. */
  builtInAccuracy: number;
  propensity?: PropensityStats;
  /** Why no propensity model was written, when none was. */
  propensitySkipped?: string;
}

export const USAGE = `usage: npx tsx scripts/train-prior.ts <events file or dir> [options]
  --format taobao|beauty|jsonl   input format (default: guessed from the name)
  --out <file>                   output JSON (default public/prior.json)
  --epochs <n>                   passes over the pairs (default 5)
  --max-examples <n>             cap on training pairs (default 200000)
  --seed <n>                     seed of every random choice (default 1)
  --prior-version <s>            version string of the prior (default: today's date)
  --tz-offset-minutes <n>        shop time zone, for shopper-days (default 480 for taobao, else 0)
  --variance-shoppers <n>        also publish a prior variance (default 0 = none; needs --trainer tfjs)
  --trainer tfjs|plain           tfjs (default) or the same steps in plain TypeScript, ~5x faster`;

const FORMATS: readonly LogFormat[] = ['taobao', 'beauty', 'jsonl'];

/**
 * Parses the command line (without `node` and the script).
 * @example parseArgs(['log.csv.gz', '--max-examples', '50000']).format; // 'taobao'
 */
export function parseArgs(argv: readonly string[], today: () => string = () => new Date().toISOString().slice(0, 10)): TrainPriorOptions {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name}`, `--${name} needs a value`);
      flags.set(name, value);
    } else positional.push(a);
  }
  const known = ['format', 'out', 'epochs', 'max-examples', 'seed', 'prior-version', 'tz-offset-minutes', 'variance-shoppers', 'trainer'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new UsageError('command line', `unknown option --${name}`);
  if (positional.length !== 1) throw new UsageError('command line', `expected one events file or directory, got ${positional.length}`);
  const input = positional[0]!;
  const int = (name: string, fallback: number, min: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name}`, `--${name} must be an integer ≥ ${min}, got "${raw}"`);
    return v;
  };
  const rawFormat = flags.get('format');
  if (rawFormat !== undefined && !(FORMATS as readonly string[]).includes(rawFormat)) {
    throw new UsageError('--format', `--format must be one of ${FORMATS.join(', ')}, got "${rawFormat}"`);
  }
  const format = (rawFormat as LogFormat | undefined) ?? guessFormat(input);
  const trainer = flags.get('trainer') ?? 'tfjs';
  if (trainer !== 'tfjs' && trainer !== 'plain') throw new UsageError('--trainer', `--trainer must be tfjs or plain, got "${trainer}"`);
  if (trainer === 'plain' && flags.has('variance-shoppers') && flags.get('variance-shoppers') !== '0') {
    throw new UsageError('--variance-shoppers', '--variance-shoppers needs --trainer tfjs');
  }
  return {
    input,
    format,
    out: flags.get('out') ?? 'public/prior.json',
    epochs: int('epochs', 5, 1),
    maxExamples: int('max-examples', 200_000, 1),
    seed: int('seed', 1, 0),
    priorVersion: flags.get('prior-version') ?? today(),
    tzOffsetMinutes: int('tz-offset-minutes', format === 'taobao' ? 480 : 0, -24 * 60),
    varianceShoppers: int('variance-shoppers', 0, 0),
    trainer,
  };
}

function guessFormat(input: string): LogFormat {
  if (existsSync(input) && statSync(input).isDirectory()) {
    if (existsSync(join(input, 'Beauty.txt'))) return 'beauty';
    const names = readdirSync(input);
    if (names.some(isJsonl)) return 'jsonl';
    if (names.some(isCsv)) return 'taobao';
  } else if (isJsonl(input)) return 'jsonl';
  else if (isCsv(input)) return 'taobao';
  throw new UsageError('command line', `cannot tell the format of "${input}": pass --format taobao|beauty|jsonl`);
}

/**
 * Runs the CLI: reads the log, fits, writes the file, prints a summary. Throws {@link UsageError}
 * on a bad command line.
 * @example await main(['events.jsonl', '--out', 'public/prior.json', '--seed', '7']);
 */
export async function main(argv: readonly string[], log: (msg: string) => void = console.log): Promise<TrainPriorSummary> {
  const o = parseArgs(argv);
  if (!existsSync(o.input)) throw new UsageError('command line', `no such file or directory: "${o.input}"`);
  const profileConfig: Partial<ProfileConfig> = { tzOffsetMinutes: o.tzOffsetMinutes };
  const t0 = performance.now();

  // Per-format replays; a seeded 10 % of shoppers is held out for the pairwise accuracy.
  let train: PriorShopper[] = [];
  let held: PriorShopper[] = [];
  let shopperLogs: ShopperLog[] | undefined;
  let rejectedLines = 0;
  let events = 0;
  let shoppers = 0;
  const splitRng = createRng(mixSeed(o.seed, 1));
  if (o.format === 'beauty') {
    // The benchmark's fixed negatives are an evaluation artefact: a shop's export may come without them.
    const data = loadBeauty(o.input, { negatives: 'optional' });
    // Knowledge from every s[:n-3] for the step s[n-3], as the quality benchmark's prior (no look-ahead).
    const knowledge = buildItemKnowledge(beautyTrainingSequences(data, 3), { seed: o.seed, dim: BEAUTY_EMBEDDING_DIM });
    const level = { heldOut: 3, knowledge, features: beautyItemFeatures(data, knowledge) };
    const indices = data.users.map((_, i) => i);
    const isHeld = indices.map(() => splitRng() < HELD_OUT_SHARE);
    const all = beautyPriorShoppers(data, [level], indices, o.seed);
    train = all.filter((_, i) => !isHeld[i]);
    held = all.filter((_, i) => isHeld[i]);
    shoppers = data.users.length;
    events = all.reduce((n, s) => n + s.events.length, 0);
  } else {
    const eventLog = o.format === 'taobao' ? taobaoEventLog(o.input) : loadJsonlLog(o.input, (m) => log(m));
    shopperLogs = eventLog.shoppers;
    rejectedLines = eventLog.rejectedLines;
    shoppers = eventLog.shoppers.length;
    eventLog.shoppers.forEach((s, i) => {
      events += s.events.length;
      const replay = logShopper(s.events, eventLog.items, createRng(mixSeed(o.seed, 41, i)));
      (splitRng() < HELD_OUT_SHARE ? held : train).push(replay);
    });
  }
  const loadSeconds = (performance.now() - t0) / 1000;

  // Subsample steps evenly so the cap takes a little from every shopper, not all from the first ones.
  const steps = (ss: readonly PriorShopper[]) => ss.reduce((n, s) => n + Math.max(0, s.events.length - 1), 0);
  const heldCap = Math.max(1, Math.ceil((o.maxExamples * HELD_OUT_SHARE) / (1 - HELD_OUT_SHARE)));
  const keepTrain = Math.min(1, o.maxExamples / Math.max(1, steps(train) * NEGATIVES_PER_STEP));
  const keepHeld = Math.min(1, heldCap / Math.max(1, steps(held) * NEGATIVES_PER_STEP));
  const stepRng = createRng(mixSeed(o.seed, 2));
  const examples = (ss: PriorShopper[], keep: number, max: number, seed: number) =>
    priorExamples(
      ss.map((s) => subsample(s, keep, stepRng)),
      { rng: createRng(seed), negativesPerStep: NEGATIVES_PER_STEP, weights: PAIR_WEIGHTS, maxExamples: max, profile: profileConfig },
    );
  const pairs = examples(train, keepTrain, o.maxExamples, mixSeed(o.seed, 3));
  const heldPairs = examples(held, keepHeld, heldCap, mixSeed(o.seed, 4));
  if (pairs.length === 0) throw new Error('TrainPriorError: the log gave no training pairs (too few events per shopper?)');

  const t1 = performance.now();
  const prior = fitPrior(pairs, {
    d: FEATURE_DIM,
    k: FM_K,
    epochs: o.epochs,
    seed: o.seed,
    version: o.priorVersion,
    featureSchemaVersion: FEATURE_SCHEMA_VERSION,
    varianceShoppers: o.varianceShoppers,
    trainer: o.trainer,
  });
  const fitSeconds = (performance.now() - t1) / 1000;

  let propensity: PropensityFit = { skipped: 'synthetic timestamps (one purchase a day): no purchase-timing signal' };
  if (shopperLogs) propensity = fitPropensity(intentPoints(shopperLogs, o.tzOffsetMinutes, profileConfig));

  const summary: TrainPriorSummary = {
    format: o.format,
    out: o.out,
    shoppers,
    trainShoppers: train.length,
    heldOutShoppers: held.length,
    events,
    rejectedLines,
    pairs: pairs.length,
    heldOutPairs: heldPairs.length,
    fitSeconds,
    heldOutAccuracy: pairwiseAccuracy(prior.weights, heldPairs),
    builtInAccuracy: pairwiseAccuracy(DEFAULT_WEIGHTS, heldPairs),
    ...('model' in propensity ? { propensity: propensity.stats } : { propensitySkipped: propensity.skipped }),
  };

  const published = publishPrior(prior, {
    ...('model' in propensity ? { purchaseIntent: propensity.model } : {}),
    trainedOn: {
      format: o.format,
      source: basename(o.input),
      shoppers: summary.trainShoppers,
      pairs: summary.pairs,
      epochs: o.epochs,
      seed: o.seed,
      heldOutPairwiseAccuracy: round(summary.heldOutAccuracy),
    },
  });
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, prettyJson(published) + '\n');

  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');
  log(`train-prior: ${o.format} log "${o.input}" (read in ${loadSeconds.toFixed(1)} s)`);
  log(`  shoppers        ${shoppers} (${train.length} train, ${held.length} held out), ${events} events${rejectedLines ? `, ${rejectedLines} lines rejected` : ''}`);
  log(`  pairs           ${pairs.length} train, ${heldPairs.length} held out (${NEGATIVES_PER_STEP} per step${keepTrain < 1 ? `, ${pct(keepTrain)} of steps sampled` : ''})`);
  log(`  fit             ${fitSeconds.toFixed(1)} s, ${o.epochs} epochs, d=${FEATURE_DIM} k=${FM_K}`);
  log(`  held-out pairs  accuracy ${pct(summary.heldOutAccuracy)} (built-in weights: ${pct(summary.builtInAccuracy)})`);
  if (summary.propensity) {
    const p = summary.propensity;
    const auc = Number.isFinite(p.heldOutAuc) ? p.heldOutAuc.toFixed(3) : 'n/a';
    log(`  purchase intent ${p.points} shopper-days (${p.positives} buy within 24 h), AUC ${auc} on the last ${p.heldOutDays} of ${p.trainDays + p.heldOutDays} days`);
  } else log(`  purchase intent skipped: ${summary.propensitySkipped}`);
  log(`  wrote           ${o.out}`);
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.name}: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    }
  });
}

export { UsageError };
