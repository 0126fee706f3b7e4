/**
 * The site prior at any size: SQL numbers the events, splits shoppers, samples the training steps to a
 * cap on pairs and a pool of negatives (`sql/prior-*.sql`); Node then replays only the sampled
 * shoppers, one at a time as they stream out of the engine, through the same lists
 * (`prior-lists.ts`), profile reducer and features (`prior-examples.ts`) as `scripts/train-prior.ts`,
 * fits with `fitPrior` and publishes with `prior-publish.ts`, with the purchase-intent model
 * (`intent.ts`) beside it as train-prior does. Node memory is the sampled pairs, never the log.
 */
import { writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_WEIGHTS, FM_K } from '../../core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../../core/model/features';
import type { PairExample } from '../../core/model/fm';
import { fitPrior } from '../../core/model/prior-fit';
import type { Candidate, EventType, StoredEvent } from '../../core/types';
import { createRng } from '../../core/util/rng';
import { type PriorShopper, priorExamples } from '../prior-examples';
import { HELD_OUT_SHARE, logShopper, NEGATIVES_PER_STEP, PAIR_WEIGHTS } from '../prior-lists';
import { pairwiseAccuracy, prettyJson, publishPrior, round } from '../prior-publish';
import type { PropensityStats } from '../propensity-fit';
import { fitPurchaseIntent } from './intent';
import { querySqlFile, runSqlFile, streamSqlFile } from './run-sql';
import type { StepRunner } from './steps';

/** Options of {@link buildPriorFile}. */
export interface PipelinePriorOptions {
  /** Cap on training pairs (default 200,000, as train-prior). */
  maxExamples?: number;
  epochs?: number;
  seed?: number;
  /** `version` of the published prior. */
  priorVersion: string;
  /** Shop time zone for shopper-days in the profile (default 0). */
  tzOffsetMinutes?: number;
  /** `plain` (default here: same objective and steps in plain TS, faster) or `tfjs`. */
  trainer?: 'plain' | 'tfjs';
  /** Negatives are drawn from a seeded uniform sample of at most this many distinct items (default 200,000: as good as all of them for uniform negatives, and a bounded heap). */
  pool?: number;
  /** Provenance written into the file (`trainedOn.source`). */
  source: string;
  /**
   * Also fit the purchase-intent model (`propensity.purchaseIntent`, see `intent.ts`) with this cap on
   * shopper-days, or false (logs with synthetic times, e.g. `sequences`). Default: 200,000 days.
   */
  purchaseIntent?: { maxDays?: number } | false;
}

/** What {@link buildPriorFile} did. */
export interface PriorSummary {
  trainSteps: number;
  heldOutSteps: number;
  sampledShoppers: number;
  pairs: number;
  heldOutPairs: number;
  fitSeconds: number;
  heldOutAccuracy: number;
  builtInAccuracy: number;
  /** The purchase-intent fit: shopper-days in the log and what the fit measured. */
  propensity?: { logDays: number } & PropensityStats;
  /** Why no purchase-intent model was written, when none was. */
  propensitySkipped?: string;
}

/** Fits the prior from the `events` and `shoppers` tables and writes `outFile`. */
export async function buildPriorFile(conn: DuckDBConnection, steps: StepRunner, outFile: string, options: PipelinePriorOptions): Promise<PriorSummary> {
  const o = { maxExamples: 200_000, epochs: 5, seed: 1, tzOffsetMinutes: 0, trainer: 'plain' as const, pool: 200_000, ...options };
  const heldCap = Math.max(1, Math.ceil((o.maxExamples * HELD_OUT_SHARE) / (1 - HELD_OUT_SHARE)));
  let counts = { train: 0, held: 0 };
  await steps.run('prior sample', async () => {
    await runSqlFile(conn, 'prior-steps', { seed: o.seed, held_out_per_mille: Math.round(HELD_OUT_SHARE * 1000), pool: o.pool });
    const [c] = await querySqlFile(conn, 'prior-step-counts');
    counts = { train: Number(c!.train), held: Number(c!.held) };
    // A little slack over the exact rate, so the cap (not chance) decides the count.
    const keep = (cap: number, n: number) => Math.min(1, (1.1 * cap) / Math.max(1, n * NEGATIVES_PER_STEP));
    await runSqlFile(conn, 'prior-keep', { seed: o.seed, keep_train: keep(o.maxExamples, counts.train), keep_held: keep(heldCap, counts.held) });
  });

  const train: PairExample[] = [];
  const held: PairExample[] = [];
  let sampledShoppers = 0;
  await steps.run('prior replay', async () => {
    const pool: Candidate[] = [];
    for await (const rows of streamSqlFile(conn, 'prior-pool')) {
      for (const r of rows) pool.push(Object.freeze(r.category === null ? { id: String(r.item) } : { id: String(r.item), category: String(r.category) }));
    }
    const profile = { tzOffsetMinutes: o.tzOffsetMinutes };
    const rngTrain = createRng(o.seed * 7 + 3);
    const rngHeld = createRng(o.seed * 7 + 4);
    let cur: { s: number; held: boolean; events: StoredEvent[]; kept: Set<number> } | undefined;
    const flush = () => {
      if (!cur) return;
      sampledShoppers++;
      const base = logShopper(cur.events, pool, createRng(o.seed * 1_000_003 + cur.s));
      const kept = cur.kept;
      const shopper: PriorShopper = { events: cur.events, listFor: (t) => (kept.has(t) ? base.listFor(t) : undefined) };
      const [out, cap, rng] = cur.held ? [held, heldCap, rngHeld] : [train, o.maxExamples, rngTrain];
      if (out.length >= cap) return;
      const pairs = priorExamples([shopper], { rng, negativesPerStep: NEGATIVES_PER_STEP, weights: PAIR_WEIGHTS, maxExamples: cap - out.length, profile });
      for (const p of pairs) out.push(p);
    };
    for await (const rows of streamSqlFile(conn, 'prior-history')) {
      for (const r of rows) {
        const s = Number(r.s);
        if (cur?.s !== s) {
          flush();
          cur = { s, held: r.held === true, events: [], kept: new Set() };
        }
        const pos = cur.events.length;
        const e: StoredEvent = { id: `${s}:${pos}`, type: r.type as EventType, ts: Number(r.ts) };
        if (r.item !== null) e.item = r.category === null ? { id: String(r.item) } : { id: String(r.item), category: String(r.category) };
        if (r.value !== null) e.value = Number(r.value);
        cur.events.push(e);
        if (r.kept === true) cur.kept.add(pos);
      }
    }
    flush();
  });
  if (train.length === 0) throw new Error('SiteBuildError: the log gave no training pairs for the prior (too few events per shopper?)');

  let fitSeconds = 0;
  const prior = await steps.run('prior fit', () => {
    const t = performance.now();
    const p = fitPrior(train, { d: FEATURE_DIM, k: FM_K, epochs: o.epochs, seed: o.seed, version: o.priorVersion, featureSchemaVersion: FEATURE_SCHEMA_VERSION, trainer: o.trainer });
    fitSeconds = (performance.now() - t) / 1000;
    return p;
  });
  let intent: Awaited<ReturnType<typeof fitPurchaseIntent>> | undefined;
  if (o.purchaseIntent !== false) {
    intent = await fitPurchaseIntent(conn, steps, { tzOffsetMinutes: o.tzOffsetMinutes, seed: o.seed, ...o.purchaseIntent });
  }
  const fit = intent?.fit ?? { skipped: 'not requested (synthetic times)' };
  const summary: PriorSummary = {
    trainSteps: counts.train,
    heldOutSteps: counts.held,
    sampledShoppers,
    pairs: train.length,
    heldOutPairs: held.length,
    fitSeconds,
    heldOutAccuracy: pairwiseAccuracy(prior.weights, held),
    builtInAccuracy: pairwiseAccuracy(DEFAULT_WEIGHTS, held),
    ...('model' in fit ? { propensity: { logDays: intent!.days, ...fit.stats } } : { propensitySkipped: fit.skipped }),
  };
  const published = publishPrior(prior, {
    ...('model' in fit ? { purchaseIntent: fit.model } : {}),
    trainedOn: {
      format: 'site pipeline',
      source: o.source,
      pairs: train.length,
      epochs: o.epochs,
      seed: o.seed,
      heldOutPairwiseAccuracy: round(summary.heldOutAccuracy),
    },
  });
  writeFileSync(outFile, prettyJson(published) + '\n');
  return summary;
}
