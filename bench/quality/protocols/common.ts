/** Shared pieces of the ranking protocols: run results, slicing and learning curves. */
import { RankAccumulator, type RankMetrics } from '../metrics';
import type { StepRecords } from '../records';
import type { ProtocolName } from '../types';

/** NDCG@10 for shoppers who had seen a given number of events (bucketed, log-scale). */
export interface CurvePoint {
  label: string;
  lo: number;
  hi: number;
  steps: number;
  ndcg10: number;
}

export interface RankRunResult {
  protocol: ProtocolName;
  policy: string;
  /** Metrics per slice (e.g. `valid`, `test`, `all`, `repeat`, `second-half`). */
  slices: Record<string, RankMetrics>;
  curve: CurvePoint[];
  records: StepRecords;
  seconds: number;
  stepsPerSecond: number;
}

const BUCKETS: [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 4],
  [5, 8],
  [9, 16],
  [17, 32],
  [33, 64],
  [65, 128],
  [129, 256],
  [257, Number.POSITIVE_INFINITY],
];

/** Buckets step records (optionally only some splits) by events seen. */
export function learningCurve(records: StepRecords, include: (split: string) => boolean = () => true): CurvePoint[] {
  const acc = BUCKETS.map(() => new RankAccumulator());
  for (let i = 0; i < records.length; i++) {
    const r = records.get(i);
    if (!include(r.split)) continue;
    const b = BUCKETS.findIndex(([lo, hi]) => r.step >= lo && r.step <= hi);
    if (b >= 0) acc[b]!.add(r.placement);
  }
  const out: CurvePoint[] = [];
  BUCKETS.forEach(([lo, hi], b) => {
    const m = acc[b]!.mean();
    if (m.steps === 0) return;
    const label = lo === hi ? String(lo) : Number.isFinite(hi) ? `${lo}-${hi}` : `${lo}+`;
    out.push({ label, lo, hi, steps: m.steps, ndcg10: m['NDCG@10'] });
  });
  return out;
}

/** Micro-averaged metrics for the records a predicate selects. */
export function sliceMetrics(
  records: StepRecords,
  keep: (r: ReturnType<StepRecords['get']>) => boolean,
): RankMetrics {
  const acc = new RankAccumulator();
  for (let i = 0; i < records.length; i++) {
    const r = records.get(i);
    if (keep(r)) acc.add(r.placement);
  }
  return acc.mean();
}

/** Macro average: the mean over users of each user's mean. */
export function perUserMetrics(records: StepRecords): RankMetrics {
  const perUser = new Map<number, RankAccumulator>();
  for (let i = 0; i < records.length; i++) {
    const r = records.get(i);
    let a = perUser.get(r.userIndex);
    if (!a) perUser.set(r.userIndex, (a = new RankAccumulator()));
    a.add(r.placement);
  }
  const out = new RankAccumulator();
  for (const a of perUser.values()) out.addMean(a);
  return out.mean();
}

/** Throws a named error when a policy returns the wrong number of scores. */
export function checkScores(policy: string, scores: Float64Array, n: number): void {
  if (!(scores instanceof Float64Array) || scores.length !== n) {
    throw new Error(`PolicyContractError: ${policy}.rank returned ${scores?.length} scores for ${n} candidates`);
  }
}
