/**
 * The purchase-intent model a site publishes (`propensity.purchaseIntent` in prior.json): one point per
 * shopper and local day with activity, the propensity features of the shopper's profile at the end of
 * that day, labelled 1 when they buy within the next 24 h; a logistic fit. Shared by `train-prior` (the
 * in-memory reference, {@link intentPoints}) and the site pipeline (which finds the shopper-days and
 * labels in SQL, `pipeline/sql/intent-days.sql`, and featurizes streamed shoppers with
 * {@link ShopperDayReplay}).
 */
import type { ProfileConfig } from '../core/profile/profile';
import {
  checkLogisticModel,
  fitLogistic,
  type LogisticModel,
  PROPENSITY_FEATURE_VERSION,
  PROPENSITY_FEATURES,
  propensityFeatures,
} from '../core/profile/propensity';
import { DAY_MS } from '../core/util/time';
import { auc } from './auc';
import type { ShopperLog } from './logs/event-log';
import { round } from './prior-publish';
import { ShopperReplay } from './shopper-replay';

/** Share of the latest shopper-days held out to measure the propensity model. */
export const HELD_OUT_DAYS_SHARE = 0.25;

/** One shopper-day: its local day number, the features at its end, the label (1 = bought within 24 h). */
export interface IntentPoint {
  day: number;
  x: number[];
  label: number;
}

/** What {@link fitPropensity} measured. */
export interface PropensityStats {
  trainDays: number;
  heldOutDays: number;
  points: number;
  positives: number;
  /** AUC on the held-out latest days of a model fitted on the earlier ones (NaN when not measurable). */
  heldOutAuc: number;
}

/** A fitted model and its numbers, or why none was fitted. */
export type PropensityFit = { model: LogisticModel; stats: PropensityStats } | { skipped: string };

/**
 * One shopper's events through the device's profile reducer, with a point taken at each day end:
 * call {@link event} in time order and {@link dayEnd} after the day's last event (before any later one).
 */
export class ShopperDayReplay extends ShopperReplay {
  /** The point at the end of local day `day` (`end`, epoch ms). */
  dayEnd(day: number, end: number, label: boolean): IntentPoint {
    if (!this.profile) throw new RangeError('ShopperDayReplay: a day ends before any event');
    return { day, x: propensityFeatures(this.profile, end), label: label ? 1 : 0 };
  }
}

/**
 * The in-memory reference: every shopper-day of a log held in memory. Days are local
 * (`tzOffsetMinutes`); days whose next 24 h run past the end of the log's last day are left out
 * (their label is unknown, not 0).
 */
export function intentPoints(shoppers: readonly ShopperLog[], tzOffsetMinutes: number, profile: Partial<ProfileConfig>): IntentPoint[] {
  const tz = tzOffsetMinutes * 60_000;
  const dayOf = (ts: number) => Math.floor((ts + tz) / DAY_MS);
  const dayEnd = (d: number) => (d + 1) * DAY_MS - tz;
  let lastTs = Number.NEGATIVE_INFINITY;
  for (const s of shoppers) for (const e of s.events) lastTs = Math.max(lastTs, e.ts);
  const observedUntil = dayEnd(dayOf(lastTs));
  const out: IntentPoint[] = [];
  for (const s of shoppers) {
    const ev = s.events;
    const replay = new ShopperDayReplay(profile);
    const buys = ev.filter((e) => e.type === 'purchase').map((e) => e.ts);
    let t = 0;
    while (t < ev.length) {
      const d = dayOf(ev[t]!.ts);
      for (; t < ev.length && dayOf(ev[t]!.ts) === d; t++) replay.event(ev[t]!);
      const end = dayEnd(d);
      if (end + DAY_MS > observedUntil) continue;
      out.push(replay.dayEnd(d, end, buys.some((b) => b >= end && b < end + DAY_MS)));
    }
  }
  return out;
}

/**
 * Fits the purchase-intent model on the earlier days, measures its AUC on the latest
 * {@link HELD_OUT_DAYS_SHARE} of days, then refits on every day for publication (the measured
 * number is the procedure's; the published model has seen more data).
 */
export function fitPropensity(
  points: readonly IntentPoint[],
): PropensityFit {
  const positives = points.filter((p) => p.label === 1).length;
  if (points.length === 0) return { skipped: 'no shopper-day has a full observed next 24 h' };
  if (positives === 0 || positives === points.length) {
    return { skipped: `every shopper-day has the same label (${positives} of ${points.length} buy within 24 h)` };
  }
  const days = [...new Set(points.map((p) => p.day))].sort((a, b) => a - b);
  const heldOutDays = days.length >= 2 ? Math.max(1, Math.round(days.length * HELD_OUT_DAYS_SHARE)) : 0;
  const firstHeldOut = heldOutDays > 0 ? days[days.length - heldOutDays]! : Number.POSITIVE_INFINITY;
  const train = points.filter((p) => p.day < firstHeldOut);
  const test = points.filter((p) => p.day >= firstHeldOut);
  let heldOutAuc = Number.NaN;
  if (train.length > 0 && test.length > 0 && new Set(train.map((p) => p.label)).size === 2) {
    const m = fitLogistic(
      train.map((p) => p.x),
      train.map((p) => p.label),
    );
    const score = (x: readonly number[]) => x.reduce((z, xi, j) => z + xi * m.weights[j]!, m.intercept);
    heldOutAuc = auc(
      test.map((p) => score(p.x)),
      test.map((p) => p.label === 1),
    );
  }
  const all = fitLogistic(
    points.map((p) => p.x),
    points.map((p) => p.label),
  );
  const model: LogisticModel = {
    version: PROPENSITY_FEATURE_VERSION,
    features: [...PROPENSITY_FEATURES],
    intercept: round(all.intercept),
    weights: all.weights.map(round),
  };
  checkLogisticModel(model);
  return {
    model,
    stats: { trainDays: days.length - heldOutDays, heldOutDays, points: points.length, positives, heldOutAuc },
  };
}
