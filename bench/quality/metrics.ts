/**
 * Ranking and classification metrics. Ties are never resolved optimistically: the target's position
 * among equal scores is uniform, and every metric is its exact expectation over that tie-break.
 */

/** Metric names reported for ranking protocols. */
export const RANK_METRICS = ['HR@1', 'HR@5', 'HR@10', 'NDCG@5', 'NDCG@10', 'MRR'] as const;
export type RankMetric = (typeof RANK_METRICS)[number];
export type RankMetrics = Record<RankMetric, number> & { steps: number };

/** Where the target landed: how many candidates scored strictly higher, and how many others tied it. */
export interface TargetPlacement {
  greater: number;
  ties: number;
}

const score = (v: number): number => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v);

/** Counts candidates scoring above / equal to the target (NaN counts as -∞). */
export function placeTarget(scores: ArrayLike<number>, target: number): TargetPlacement {
  const t = score(scores[target]!);
  let greater = 0;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    if (i === target) continue;
    const s = score(scores[i]!);
    if (s > t) greater++;
    else if (s === t) ties++;
  }
  return { greater, ties };
}

/** Expected 1-based rank under a uniform random tie-break. */
export function expectedRank(p: TargetPlacement): number {
  return p.greater + 1 + p.ties / 2;
}

/** Exact expected metric values for one step (position uniform on greater+1 … greater+ties+1). */
export function stepMetrics(p: TargetPlacement): Record<RankMetric, number> {
  const out = { 'HR@1': 0, 'HR@5': 0, 'HR@10': 0, 'NDCG@5': 0, 'NDCG@10': 0, MRR: 0 };
  const first = p.greater + 1;
  const last = first + p.ties;
  const w = 1 / (p.ties + 1);
  for (let r = first; r <= last; r++) {
    const dcg = 1 / Math.log2(r + 1);
    if (r <= 1) out['HR@1'] += w;
    if (r <= 5) {
      out['HR@5'] += w;
      out['NDCG@5'] += w * dcg;
    }
    if (r <= 10) {
      out['HR@10'] += w;
      out['NDCG@10'] += w * dcg;
    }
    out.MRR += w / r;
  }
  return out;
}

/** Running sums of ranking metrics. */
export class RankAccumulator {
  steps = 0;
  private readonly sums = new Float64Array(RANK_METRICS.length);

  add(p: TargetPlacement): void {
    const m = stepMetrics(p);
    RANK_METRICS.forEach((k, i) => {
      this.sums[i]! += m[k];
    });
    this.steps++;
  }

  /** Adds another accumulator's mean as one unit (for per-user macro averages). */
  addMean(other: RankAccumulator): void {
    if (other.steps === 0) return;
    const m = other.mean();
    RANK_METRICS.forEach((k, i) => {
      this.sums[i]! += m[k];
    });
    this.steps++;
  }

  mean(): RankMetrics {
    const out = { steps: this.steps } as RankMetrics;
    RANK_METRICS.forEach((k, i) => {
      out[k] = this.steps ? this.sums[i]! / this.steps : Number.NaN;
    });
    return out;
  }
}

/** Precision, recall and F1 of `score ≥ threshold`. */
export function classify(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean | number>,
  threshold: number,
): { precision: number; recall: number; f1: number; predictedPositive: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const yes = score(scores[i]!) >= threshold;
    if (yes && labels[i]) tp++;
    else if (yes) fp++;
    else if (labels[i]) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, predictedPositive: tp + fp };
}

/** The threshold (one of the observed scores) maximizing F1; ties in F1 go to the higher threshold. */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score(scores[b]!) - score(scores[a]!));
  let totalPos = 0;
  for (let i = 0; i < n; i++) if (labels[i]) totalPos++;
  let best = Number.POSITIVE_INFINITY;
  let bestF1 = -1;
  let tp = 0;
  let predicted = 0;
  let i = 0;
  while (i < n) {
    const v = score(scores[order[i]!]!);
    while (i < n && score(scores[order[i]!]!) === v) {
      if (labels[order[i]!]) tp++;
      predicted++;
      i++;
    }
    const f1 = totalPos ? (2 * tp) / (predicted + totalPos) : 0;
    if (f1 > bestF1) {
      bestF1 = f1;
      best = v;
    }
  }
  return best;
}
