/**
 * The segment file at any size: SQL picks the categories the centroids are built on and samples whole
 * shoppers to a cap (`sql/segment-categories.sql`, `sql/segment-history.sql`); Node replays the sampled
 * shoppers one at a time as they stream out of the engine through the device's reducer
 * ({@link ShopperSegmentReplay}) and fits fuzzy c-means ({@link fitSegments}). The purchase-intent
 * model, when the prior step fitted one, goes into the same file, where the device reads it.
 */
import { writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogisticModel } from '../../core/profile/propensity';
import type { EventType, StoredEvent } from '../../core/types';
import { prettyJson } from '../prior-publish';
import { fitSegments, segmentFeatureNames, type SegmentFile, type SegmentFitOptions, ShopperSegmentReplay } from '../segments-fit';
import { querySqlFile, streamSqlFile } from './run-sql';
import type { StepRunner } from './steps';

/** Options of {@link buildSegmentsFile}. */
export interface PipelineSegmentOptions extends SegmentFitOptions {
  /** Categories whose shares are centroid features (default 6, the most common by shoppers). */
  categories?: number;
  /** Cap on shoppers (points) fitted (default 100,000); beyond it a seeded sample. */
  maxShoppers?: number;
  /** Shop time zone (minutes east of UTC) for the profile (default 0). */
  tzOffsetMinutes?: number;
}

/** What {@link buildSegmentsFile} did. */
export interface SegmentsSummary {
  shoppers: number;
  points: number;
  features: string[];
  names: string[];
  withPurchaseIntent: boolean;
}

/** Builds `outFile` from the `events` table; `purchaseIntent` is the prior step's fitted model, if any. */
export async function buildSegmentsFile(
  conn: DuckDBConnection,
  steps: StepRunner,
  outFile: string,
  options: PipelineSegmentOptions = {},
  purchaseIntent?: LogisticModel,
): Promise<SegmentsSummary> {
  const o = { categories: 6, maxShoppers: 100_000, tzOffsetMinutes: 0, seed: 1, ...options };
  if (!(Number.isInteger(o.categories) && o.categories >= 0)) throw new RangeError(`categories must be an integer ≥ 0, got ${o.categories}`);
  if (!(Number.isInteger(o.maxShoppers) && o.maxShoppers >= 1)) throw new RangeError(`maxShoppers must be an integer ≥ 1, got ${o.maxShoppers}`);
  return steps.run('segments', async () => {
    const rows = await querySqlFile(conn, 'segment-categories', { categories: o.categories });
    const features = segmentFeatureNames(rows.filter((r) => r.category !== null).map((r) => String(r.category)));
    const shoppers = Number(rows[0]?.shoppers ?? 0);
    const now = Number(rows[0]?.last_ts ?? 0);
    const points: number[][] = [];
    const profile = { tzOffsetMinutes: o.tzOffsetMinutes };
    let cur: { n: number; replay: ShopperSegmentReplay; pos: number } | undefined;
    const flush = () => {
      const x = cur?.replay.point(features, now);
      if (x) points.push(x);
    };
    for await (const chunk of streamSqlFile(conn, 'segment-history', { seed: o.seed, keep: Math.min(1, o.maxShoppers / Math.max(1, shoppers)) })) {
      for (const r of chunk) {
        const n = Number(r.n);
        if (cur?.n !== n) {
          flush();
          cur = { n, replay: new ShopperSegmentReplay(profile), pos: 0 };
        }
        const e: StoredEvent = { id: `${n}:${cur.pos++}`, type: r.type as EventType, ts: Number(r.ts) };
        if (r.item !== null) e.item = r.category === null ? { id: String(r.item) } : { id: String(r.item), category: String(r.category) };
        if (r.value !== null) e.value = Number(r.value);
        cur.replay.event(e);
      }
    }
    flush();
    const clusters = o.clusters ?? 4;
    // Fewer shoppers than centroids: no centroids (the device then has no fuzzy segments), the rest still published.
    const centroids = points.length >= clusters ? fitSegments(points, features, o) : undefined;
    const file: SegmentFile = { ...(centroids ? { centroids } : {}), ...(purchaseIntent ? { propensity: { purchaseIntent } } : {}) };
    writeFileSync(outFile, `${prettyJson(file)}\n`);
    return { shoppers, points: points.length, features, names: centroids?.names ?? [], withPurchaseIntent: purchaseIntent !== undefined };
  });
}
