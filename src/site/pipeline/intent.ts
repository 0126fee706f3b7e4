/**
 * The purchase-intent model at any size: SQL finds the shopper-days and their labels
 * (`sql/intent-days.sql`) and samples whole shoppers to a cap on shopper-days; Node replays only the
 * sampled shoppers, one at a time as they stream out of the engine (`sql/intent-history.sql`), through
 * the device's profile reducer and propensity features ({@link ShopperDayReplay}), then fits with the
 * same `fitPropensity` as `train-prior`. Node memory is the sampled shopper-days, never the log.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventType, StoredEvent } from '../../core/types';
import { DAY_MS, MINUTE_MS } from '../../core/util/time';
import { fitPropensity, type IntentPoint, type PropensityFit, ShopperDayReplay } from '../propensity-fit';
import { querySqlFile, runSqlFile, streamSqlFile } from './run-sql';
import type { StepRunner } from './steps';

/** Options of {@link fitPurchaseIntent}. */
export interface PipelineIntentOptions {
  /** Shop time zone for shopper-days, minutes east of UTC (default 0). */
  tzOffsetMinutes?: number;
  /** Cap on shopper-days fitted (default 200,000); beyond it a seeded sample of whole shoppers. */
  maxDays?: number;
  seed?: number;
}

/** The shopper-days and the fit, from the `events` table. */
export interface PipelineIntent {
  /** Shopper-days in the log (before sampling). */
  days: number;
  /** The sampled points in the order fitted (by shopper in order of first event, then day). */
  points: IntentPoint[];
  fit: PropensityFit;
}

/** Finds, samples, replays and fits; see the module comment. */
export async function fitPurchaseIntent(conn: DuckDBConnection, steps: StepRunner, options: PipelineIntentOptions = {}): Promise<PipelineIntent> {
  const o = { tzOffsetMinutes: 0, maxDays: 200_000, seed: 1, ...options };
  if (!(Number.isInteger(o.maxDays) && o.maxDays >= 1)) throw new RangeError(`maxDays must be an integer ≥ 1, got ${o.maxDays}`);
  let days = 0;
  await steps.run('intent days', async () => {
    await runSqlFile(conn, 'intent-days', { tz_offset_ms: o.tzOffsetMinutes * MINUTE_MS, day_ms: DAY_MS });
    const [c] = await querySqlFile(conn, 'intent-counts');
    days = Number(c!.points);
  });
  const points: IntentPoint[] = [];
  await steps.run('intent replay', async () => {
    const profile = { tzOffsetMinutes: o.tzOffsetMinutes };
    let cur: { n: number; replay: ShopperDayReplay; pos: number } | undefined;
    for await (const rows of streamSqlFile(conn, 'intent-history', { seed: o.seed, keep: Math.min(1, o.maxDays / Math.max(1, days)) })) {
      for (const r of rows) {
        const n = Number(r.n);
        if (cur?.n !== n) cur = { n, replay: new ShopperDayReplay(profile), pos: 0 };
        if (Number(r.kind) === 0) {
          points.push(cur.replay.dayEnd(Number(r.day), Number(r.ts), r.label === true));
          continue;
        }
        const e: StoredEvent = { id: `${n}:${cur.pos++}`, type: r.type as EventType, ts: Number(r.ts) };
        if (r.item !== null) e.item = r.category === null ? { id: String(r.item) } : { id: String(r.item), category: String(r.category) };
        if (r.value !== null) e.value = Number(r.value);
        cur.replay.event(e);
      }
    }
  });
  const fit = await steps.run('intent fit', () => fitPropensity(points));
  return { days, points, fit };
}
