/**
 * taobao-intent: at the end of each active shopper-day (Beijing time, UTC+8), predict from the events
 * so far whether the shopper buys within the next 24 hours (i.e. on the next Beijing day). Prediction
 * days are 2017-11-25 … 2017-12-02 (the last official day, 12-03, has no observable next day). The
 * threshold for precision/recall/F1 is chosen on the first half of the days (11-25 … 11-28) and all
 * headline metrics are reported on the second half (11-29 … 12-02).
 */
import type { TaobaoLog } from '../../../src/site/logs/taobao';
import { BUY, taobaoEvent } from '../../../src/site/logs/taobao';
import { auc } from '../../../src/site/auc';
import { bestF1Threshold, classify } from '../metrics';
import { mixSeed } from '../seeds';
import type { IntentPolicy } from '../types';
import type { StoredEvent } from '../../../src/core/types';

const DAY_S = 86_400;
const BEIJING_OFFSET_S = 8 * 3600;
/** Beijing day number (days since 1970-01-01 Beijing) of a Unix-seconds timestamp. */
export const beijingDay = (tsSeconds: number): number => Math.floor((tsSeconds + BEIJING_OFFSET_S) / DAY_S);
/** Unix ms at which Beijing day `d` ends. */
export const beijingDayEndMs = (d: number): number => ((d + 1) * DAY_S - BEIJING_OFFSET_S) * 1000;
export const INTENT_FIRST_DAY = beijingDay(Date.UTC(2017, 10, 24, 16) / 1000); // 2017-11-25 Beijing
export const INTENT_DAYS = 8;
export const INTENT_TUNE_DAYS = 4;

export interface IntentPoint {
  user: string;
  day: number;
  label: boolean;
  score: number;
}

export interface IntentSummary {
  auc: number;
  precision: number;
  recall: number;
  f1: number;
  positives: number;
  points: number;
  baseRate: number;
}

export interface IntentRunResult {
  policy: string;
  threshold: number;
  /** First half of the days (threshold chosen here). */
  tune: IntentSummary;
  /** Second half of the days: the headline numbers. */
  test: IntentSummary;
  points: IntentPoint[];
  seconds: number;
}

function summarize(points: IntentPoint[], threshold: number): IntentSummary {
  const scores = points.map((p) => p.score);
  const labels = points.map((p) => p.label);
  const c = classify(scores, labels, threshold);
  const positives = labels.filter(Boolean).length;
  return {
    auc: auc(scores, labels),
    precision: c.precision,
    recall: c.recall,
    f1: c.f1,
    positives,
    points: points.length,
    baseRate: points.length ? positives / points.length : Number.NaN,
  };
}

/**
 * Labelled examples from the FIRST half of the days only (the tuning days), for policies that fit
 * their weights: each shopper is replayed through a fresh featurizing session, and at the end of each
 * active tuning day its features are paired with "buys on the next day".
 */
export function intentTuneExamples(
  log: TaobaoLog,
  userIndices: readonly number[],
  makeSession: () => { observe(e: StoredEvent): void; features(now: number): number[] },
): { rows: number[][]; labels: boolean[] } {
  const features = log.itemIds.map((id, k) => Object.freeze({ id, category: log.itemCategory[k]! }));
  const rows: number[][] = [];
  const labels: boolean[] = [];
  const lastTuneDay = INTENT_FIRST_DAY + INTENT_TUNE_DAYS - 1;
  for (const ui of userIndices) {
    const u = log.users[ui]!;
    const session = makeSession();
    const days = Array.from(u.ts, beijingDay);
    const buyDays = new Set<number>();
    u.behaviours.forEach((b, i) => {
      if (b === BUY) buyDays.add(days[i]!);
    });
    let t = 0;
    while (t < u.items.length && days[t]! <= lastTuneDay) {
      const d = days[t]!;
      while (t < u.items.length && days[t] === d) session.observe(taobaoEvent(log, features, ui, t++));
      if (d < INTENT_FIRST_DAY) continue;
      rows.push(session.features(beijingDayEndMs(d)));
      labels.push(buyDays.has(d + 1));
    }
  }
  return { rows, labels };
}

export function runTaobaoIntent(
  log: TaobaoLog,
  policy: IntentPolicy,
  opts: { seed: number; userIndices: number[] },
): IntentRunResult {
  const t0 = performance.now();
  policy.prepare?.({
    protocol: 'taobao-intent',
    embeddingDim: 0,
    intentTuneExamples: (make) => intentTuneExamples(log, opts.userIndices, make),
  });
  const features = log.itemIds.map((id, k) => Object.freeze({ id, category: log.itemCategory[k]! }));
  const points: IntentPoint[] = [];
  const lastDay = INTENT_FIRST_DAY + INTENT_DAYS - 1;
  for (const ui of opts.userIndices) {
    const u = log.users[ui]!;
    const session = policy.newShopper(u.id, mixSeed(opts.seed, 31, ui));
    const days = Array.from(u.ts, beijingDay);
    const buyDays = new Set<number>();
    u.behaviours.forEach((b, i) => {
      if (b === BUY) buyDays.add(days[i]!);
    });
    let t = 0;
    while (t < u.items.length) {
      const d = days[t]!;
      while (t < u.items.length && days[t] === d) session.observe(taobaoEvent(log, features, ui, t++));
      if (d < INTENT_FIRST_DAY || d > lastDay) continue;
      points.push({ user: u.id, day: d - INTENT_FIRST_DAY, label: buyDays.has(d + 1), score: session.intent(beijingDayEndMs(d)) });
    }
  }
  const tunePts = points.filter((p) => p.day < INTENT_TUNE_DAYS);
  const testPts = points.filter((p) => p.day >= INTENT_TUNE_DAYS);
  const threshold = bestF1Threshold(
    tunePts.map((p) => p.score),
    tunePts.map((p) => p.label),
  );
  return {
    policy: policy.name,
    threshold,
    tune: summarize(tunePts, threshold),
    test: summarize(testPts, threshold),
    points,
    seconds: (performance.now() - t0) / 1000,
  };
}
