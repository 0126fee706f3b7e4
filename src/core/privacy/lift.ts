/**
 * Lift without tracking: does personalization sell more? Each device flips a local, persistent coin
 * (control: the server order; treatment: personalized) and reports, once per period and through the
 * ε ledger, one randomized-response bit "bought something last period" together with its arm. The
 * decoder estimates conversion per arm and the relative lift with a delta-method interval; the power
 * function says how many shopper-periods a site needs to detect a given lift.
 */
import { grr, type Oracle, rateVariance, supportCounts } from './oracle';
import type { Rng } from '../util/rng';

/** An arm: 0 = control (server order), 1 = treatment (personalized). */
export type Arm = 0 | 1;

/** The coin: control with probability `controlShare`. */
export function assignArm(controlShare: number, rng: Rng): Arm {
  return rng() < controlShare ? 0 : 1;
}

/** The binary oracle lift reports use. */
export const liftOracle = (epsilon: number): Oracle => grr(2, epsilon);

/** Conversion per arm and the relative lift, each with a 95 % interval. */
export interface LiftEstimate {
  control: { n: number; rate: number; se: number };
  treatment: { n: number; rate: number; se: number };
  /** treatment / control − 1. */
  lift: number;
  low: number;
  high: number;
}

const Z95 = 1.959963984540054;

/** Decodes lift reports: randomized bits (0/1) per arm. */
export function decodeLift(epsilon: number, reports: Iterable<{ arm: Arm; bit: number }>): LiftEstimate {
  const o = liftOracle(epsilon);
  const bits: [number[], number[]] = [[], []];
  for (const r of reports) bits[r.arm].push(r.bit);
  const [c, t] = bits.map((b) => {
    // The rate is what each arm's shoppers are drawn from: sampling plus perturbation variance.
    const { counts, n } = supportCounts(o, b);
    const rate = n > 0 ? (counts[1]! / n - o.q) / (o.p - o.q) : 0;
    return { n, rate, se: Math.sqrt(rateVariance(o, n, Math.min(1, Math.max(0, rate)))) };
  }) as [LiftEstimate['control'], LiftEstimate['treatment']];
  const lift = t.rate / c.rate - 1;
  // Delta method for a ratio of independent estimates.
  const se = Math.sqrt(t.se ** 2 / c.rate ** 2 + (t.rate ** 2 * c.se ** 2) / c.rate ** 4);
  return { control: c, treatment: t, lift, low: lift - Z95 * se, high: lift + Z95 * se };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Power of a two-sided 5 % test to detect a relative `lift` on conversion `base` with `n`
 * shopper-periods split by `controlShare`, each reporting one ε-LDP bit.
 * @example power({ n: 1e5, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon: 1 }) // ≈ 0.03
 */
export function power({ n, base, lift, controlShare, epsilon }: { n: number; base: number; lift: number; controlShare: number; epsilon: number }): number {
  const o = liftOracle(epsilon);
  const treated = base * (1 + lift);
  const se = Math.sqrt(rateVariance(o, n * controlShare, base) + rateVariance(o, n * (1 - controlShare), treated));
  const delta = Math.abs(treated - base);
  return normalCdf(delta / se - Z95) + normalCdf(-delta / se - Z95);
}

/** Smallest n (shopper-periods) with at least `target` power, by doubling then bisection. */
export function shoppersNeeded(args: { base: number; lift: number; controlShare: number; epsilon: number }, target = 0.8): number {
  let hi = 1000;
  while (power({ ...args, n: hi }) < target) hi *= 2;
  let lo = hi / 2;
  while (hi - lo > Math.max(1, hi * 0.001)) {
    const mid = (lo + hi) / 2;
    if (power({ ...args, n: mid }) < target) lo = mid;
    else hi = mid;
  }
  return Math.ceil(hi);
}
