/**
 * Locally differentially private frequency oracles (Wang, Blocki, Li, Jha: "Locally Differentially
 * Private Protocols for Frequency Estimation", USENIX Security 2017). A shopper's device encodes one
 * value out of `k` and perturbs it so that any output is at most e^ε times likelier under one true value
 * than under any other; the site decodes counts over many shoppers with an affine correction.
 *
 * Which oracle, and why:
 * - **Generalized randomized response (GRR)** for small `k`: one number per report; its variance grows
 *   with `k` ((e^ε + k − 2) / (e^ε − 1)² per report).
 * - **Optimized unary encoding (OUE)** for larger `k` (up to 64 here): `k` bits, p = 1/2, q = 1/(e^ε+1);
 *   variance 4e^ε / (e^ε − 1)² whatever `k`. Optimized local hashing (OLH) has the same variance with
 *   shorter reports, which only matters for large `k`; at ≤ 64 bits a report is 8 bytes, so OUE's exact,
 *   hash-free decoding (a count per bit: plain SQL) wins.
 * {@link chooseOracle} takes the one with the smaller variance (GRR when k < 3e^ε + 2, per the paper).
 */
import type { Rng } from '../util/rng';

/** Largest domain a question may have. */
export const MAX_DOMAIN = 64;

/** An oracle's parameters: what the device and the decoder must agree on. */
export interface Oracle {
  kind: 'grr' | 'oue';
  /** Domain size: values are 0 … k−1. */
  k: number;
  epsilon: number;
  /** P(report says v | true value v), per value (GRR) or per bit (OUE). */
  p: number;
  /** P(report says v | true value ≠ v). */
  q: number;
}

/** A perturbed report: a value index (GRR) or a string of `k` bits `"0101…"` (OUE). */
export type Encoded = number | string;

function check(k: number, epsilon: number): void {
  if (!Number.isInteger(k) || k < 2 || k > MAX_DOMAIN) throw new RangeError(`k must be an integer in 2…${MAX_DOMAIN}, got ${k}`);
  if (!(Number.isFinite(epsilon) && epsilon > 0 && epsilon <= 10)) throw new RangeError(`epsilon must be in (0, 10], got ${epsilon}`);
}

/** Generalized randomized response over `k` values. */
export function grr(k: number, epsilon: number): Oracle {
  check(k, epsilon);
  const e = Math.exp(epsilon);
  return { kind: 'grr', k, epsilon, p: e / (e + k - 1), q: 1 / (e + k - 1) };
}

/** Optimized unary encoding over `k` values. */
export function oue(k: number, epsilon: number): Oracle {
  check(k, epsilon);
  return { kind: 'oue', k, epsilon, p: 0.5, q: 1 / (Math.exp(epsilon) + 1) };
}

/** Variance of one estimated frequency `f` from `n` reports (Wang et al., Eq. 2, with the f term). */
export function variance(o: Oracle, n: number, f = 0): number {
  const d = o.p - o.q;
  return (o.q * (1 - o.q) + f * d * (1 - o.p - o.q)) / (n * d * d);
}

/**
 * Variance of an estimated *rate* `f` (a probability each shopper's value is drawn from, as in an
 * experiment), from `n` reports: the sampling variance f(1 − f)/n plus the perturbation's. Equals
 * π(1 − π) / (n (p − q)²) with π = q + f (p − q), the chance a report says "yes".
 */
export function rateVariance(o: Oracle, n: number, f: number): number {
  const d = o.p - o.q;
  const pi = o.q + f * d;
  return (pi * (1 - pi)) / (n * d * d);
}

/** The oracle with the smaller variance for this domain and budget. */
export function chooseOracle(k: number, epsilon: number): Oracle {
  const a = grr(k, epsilon);
  const b = oue(k, epsilon);
  return variance(a, 1) <= variance(b, 1) ? a : b;
}

/**
 * Perturbs the true value `v` (0 … k−1). `rng` must be unpredictable to the site in production
 * (the worker passes a `crypto.getRandomValues` generator; tests pass a seeded one).
 */
export function encode(o: Oracle, v: number, rng: Rng): Encoded {
  if (!Number.isInteger(v) || v < 0 || v >= o.k) throw new RangeError(`value must be an integer in 0…${o.k - 1}, got ${v}`);
  if (o.kind === 'grr') {
    if (rng() < o.p) return v;
    // One of the other k − 1 values, uniformly.
    const r = Math.floor(rng() * (o.k - 1));
    return r >= v ? r + 1 : r;
  }
  let bits = '';
  for (let j = 0; j < o.k; j++) bits += rng() < (j === v ? o.p : o.q) ? '1' : '0';
  return bits;
}

/** Reads a report's encoded value for this oracle; `undefined` when malformed. */
export function readEncoded(o: Oracle, raw: unknown): Encoded | undefined {
  if (o.kind === 'grr') return Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) < o.k ? (raw as number) : undefined;
  return typeof raw === 'string' && raw.length === o.k && /^[01]+$/.test(raw) ? raw : undefined;
}

/** Per-value support counts of a set of reports (how many reports say "v"). */
export function supportCounts(o: Oracle, reports: Iterable<Encoded>): { counts: number[]; n: number } {
  const counts = new Array<number>(o.k).fill(0);
  let n = 0;
  for (const r of reports) {
    n++;
    if (typeof r === 'number') counts[r]!++;
    else for (let j = 0; j < o.k; j++) if (r.charCodeAt(j) === 49) counts[j]!++;
  }
  return { counts, n };
}

/** An unbiased frequency estimate with its normal-approximation confidence interval. */
export interface Estimate {
  /** Estimated share of shoppers whose true value is this one (unbiased; may fall outside [0, 1]). */
  share: number;
  /** Standard error. */
  se: number;
  low: number;
  high: number;
}

/**
 * Unbiased shares from support counts: (count/n − q) / (p − q), with a `z` interval (default 1.96).
 * @example estimate(oue(20, 1), supportCounts(oue(20, 1), reports))
 */
export function estimate(o: Oracle, { counts, n }: { counts: readonly number[]; n: number }, z = 1.96): Estimate[] {
  return counts.map((c) => {
    const share = n > 0 ? (c / n - o.q) / (o.p - o.q) : 0;
    const se = n > 0 ? Math.sqrt(Math.max(0, variance(o, n, Math.min(1, Math.max(0, share))))) : Number.POSITIVE_INFINITY;
    return { share, se, low: share - z * se, high: share + z * se };
  });
}

/**
 * Reports needed so that all `k` estimated shares fall within `tolerance` (a share, e.g. 0.02 for
 * 2 points) of the truth with probability `confidence` (Šidák-corrected normal bound, worst case f = 0).
 * @example reportsForAccuracy(20, 1, 0.02) // ≈ 84,000
 */
export function reportsForAccuracy(k: number, epsilon: number, tolerance: number, confidence = 0.95): number {
  const o = chooseOracle(k, epsilon);
  const perShare = 1 - (1 - confidence ** (1 / k)) / 2;
  const z = normalQuantile(perShare);
  return Math.ceil(variance(o, 1) * (z / tolerance) ** 2);
}

/** Inverse standard normal CDF (Acklam's rational approximation; relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
