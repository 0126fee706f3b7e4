/**
 * The segment file a site publishes (`data-segments`, `segments.schema.json`): fuzzy c-means centroids
 * over features the device computes from its own profile (`segmentFeature`: the long-horizon shares of
 * the shop's most common categories, and the add-to-cart rate, all in [0, 1] so no feature's scale
 * drowns the others), and the purchase-intent model the device reads from the same file. Each shopper
 * is one point: the profile after all their events, read at the end of the log. The in-memory
 * reference is {@link segmentPoints}; the site pipeline streams shoppers out of the engine
 * (`pipeline/segments.ts`) and fits with the same {@link fitSegments}.
 */
import type { ProfileConfig } from '../core/profile/profile';
import type { LogisticModel } from '../core/profile/propensity';
import { type CentroidFile, checkCentroidFile, fuzzyMemberships, segmentFeature } from '../core/profile/segments';
import { createRng } from '../core/util/rng';
import type { ShopperLog } from './logs/event-log';
import { round } from './prior-publish';
import { ShopperReplay } from './shopper-replay';

/** Options of {@link fitSegments}. */
export interface SegmentFitOptions {
  /** Number of centroids (default 4). */
  clusters?: number;
  /** Fuzzifier > 1 (default 2, the device's default). */
  m?: number;
  /** Update rounds at most (default 100; stops earlier once no centroid moves by 1e-6). */
  iterations?: number;
  seed?: number;
}

/** The published segment file (the fields this fit fills). */
export interface SegmentFile {
  centroids?: CentroidFile;
  propensity?: { purchaseIntent: LogisticModel };
}

/** Feature names for centroids over these categories: each one's share, then the add-to-cart rate. */
export function segmentFeatureNames(categories: readonly string[]): string[] {
  return [...categories.map((c) => `cat:${c}`), 'cart_rate'];
}

/** One shopper's events through the device's reducer; {@link point} reads the features at `now`. */
export class ShopperSegmentReplay extends ShopperReplay {
  /** The shopper's point, or undefined before any event. */
  point(features: readonly string[], now: number): number[] | undefined {
    const p = this.profile;
    return p ? features.map((f) => segmentFeature(p, f, now)) : undefined;
  }
}

/** The in-memory reference: one point per shopper (log order), read at `now`. */
export function segmentPoints(shoppers: readonly ShopperLog[], features: readonly string[], now: number, config: Partial<ProfileConfig>): number[][] {
  const out: number[][] = [];
  for (const s of shoppers) {
    const r = new ShopperSegmentReplay(config);
    for (const e of s.events) r.event(e);
    const x = r.point(features, now);
    if (x) out.push(x);
  }
  return out;
}

const dist2 = (a: readonly number[], b: readonly number[]): number => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j]! - b[j]!) ** 2;
  return s;
};

/**
 * Fuzzy c-means (Bezdek): seeded k-means++ start, then alternating memberships (the device's own
 * `fuzzyMemberships`) and membership^m-weighted means. Deterministic for a seed and point order.
 * @example fuzzyCMeans([[0, 0], [0, 0.1], [5, 5], [5, 5.1]], { clusters: 2 }); // ≈ [[0, 0.05], [5, 5.05]] in some order
 */
export function fuzzyCMeans(points: readonly (readonly number[])[], o: SegmentFitOptions = {}): number[][] {
  const k = o.clusters ?? 4;
  const m = o.m ?? 2;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`clusters must be an integer ≥ 1, got ${k}`);
  if (!(m > 1)) throw new RangeError(`m must be > 1, got ${m}`);
  if (points.length < k) throw new RangeError(`${points.length} points cannot make ${k} clusters`);
  const rng = createRng(o.seed ?? 1);
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen one.
  const centroids: number[][] = [[...points[Math.floor(rng() * points.length)]!]];
  const near = points.map((p) => dist2(p, centroids[0]!));
  while (centroids.length < k) {
    const total = near.reduce((a, b) => a + b, 0);
    let pick = 0;
    if (total > 0) {
      let r = rng() * total;
      while (pick < points.length - 1 && (r -= near[pick]!) >= 0) pick++;
    } else pick = Math.floor(rng() * points.length);
    centroids.push([...points[pick]!]);
    points.forEach((p, i) => {
      near[i] = Math.min(near[i]!, dist2(p, centroids[centroids.length - 1]!));
    });
  }
  const d = points[0]!.length;
  for (let it = 0; it < (o.iterations ?? 100); it++) {
    const sums = centroids.map(() => new Array<number>(d).fill(0));
    const weights = new Array<number>(k).fill(0);
    for (const p of points) {
      const u = fuzzyMemberships(p, centroids, m);
      for (let c = 0; c < k; c++) {
        const w = u[c]! ** m;
        weights[c]! += w;
        for (let j = 0; j < d; j++) sums[c]![j]! += w * p[j]!;
      }
    }
    let moved = 0;
    for (let c = 0; c < k; c++) {
      if (weights[c]! <= 0) continue;
      const next = sums[c]!.map((s) => s / weights[c]!);
      moved = Math.max(moved, dist2(next, centroids[c]!));
      centroids[c] = next;
    }
    if (moved < 1e-12) break;
  }
  return centroids;
}

/**
 * Fits and names the centroids: each after the feature it holds most above the shoppers' average
 * (`<category> shoppers`, or `cart-heavy shoppers` for the add-to-cart rate; `broad shoppers` when no
 * feature is 1.2× the average), with a number when two centroids share a name. Values are rounded for
 * publishing; the file passes the device's `checkCentroidFile`.
 */
export function fitSegments(points: readonly (readonly number[])[], features: readonly string[], o: SegmentFitOptions = {}): CentroidFile {
  const centroids = fuzzyCMeans(points, o).map((c) => c.map(round));
  const mean = features.map((_, j) => points.reduce((s, p) => s + p[j]!, 0) / Math.max(1, points.length));
  const seen = new Map<string, number>();
  const names = centroids.map((c) => {
    let best = -1;
    let lift = 1.2;
    features.forEach((_, j) => {
      const l = mean[j]! > 0 ? c[j]! / mean[j]! : 0;
      if (l >= lift) [best, lift] = [j, l];
    });
    const f = best >= 0 ? features[best]! : '';
    const base = f.startsWith('cat:') ? `${f.slice(4)} shoppers` : f === 'cart_rate' ? 'cart-heavy shoppers' : 'broad shoppers';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} ${n}`;
  });
  return checkCentroidFile({ features: [...features], centroids, names, m: o.m ?? 2 });
}
