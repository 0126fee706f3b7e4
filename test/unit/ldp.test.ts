import { describe, expect, it } from 'vitest';
import { assignArm, decodeLift, liftOracle, power, shoppersNeeded } from '../../src/core/privacy/lift';
import { chooseOracle, encode, estimate, grr, oue, readEncoded, reportsForAccuracy, supportCounts, variance } from '../../src/core/privacy/oracle';
import { createRng, type Rng } from '../../src/core/util/rng';

/** 20 categories with a skewed, known distribution (shares sum to 1). */
const K = 20;
const TRUTH = (() => {
  const w = Array.from({ length: K }, (_, i) => 1 / (i + 1) ** 0.8);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
})();

function shoppers(n: number, rng: Rng): number[] {
  const cdf: number[] = [];
  TRUTH.reduce((acc, f, i) => (cdf[i] = acc + f), 0);
  return Array.from({ length: n }, () => {
    const u = rng();
    const i = cdf.findIndex((c) => u < c);
    return i < 0 ? K - 1 : i;
  });
}

function simulate(n: number, epsilon: number, seed: number) {
  const rng = createRng(seed);
  const values = shoppers(n, rng);
  const o = chooseOracle(K, epsilon);
  const reports = values.map((v) => encode(o, v, rng));
  const est = estimate(o, supportCounts(o, reports));
  const truth = TRUTH.map((_, j) => values.filter((v) => v === j).length / n);
  const errors = est.map((e, j) => Math.abs(e.share - truth[j]!));
  const z2 = est.reduce((s, e, j) => s + ((e.share - truth[j]!) / e.se) ** 2, 0) / K;
  return { o, maxError: Math.max(...errors), within3: errors.filter((e) => e < 0.03).length, z2, covered: est.filter((e, j) => e.low <= truth[j]! && truth[j]! <= e.high).length };
}

describe('frequency oracles', () => {
  it('are ε-LDP: no output is more than e^ε likelier under one value than another', () => {
    for (const eps of [0.25, 1, 3]) {
      const g = grr(5, eps);
      expect(g.p / g.q).toBeCloseTo(Math.exp(eps), 9);
      const u = oue(20, eps);
      // Two inputs differ in two bits; the worst ratio over those bits is p(1−q) / (q(1−p)).
      expect((u.p * (1 - u.q)) / (u.q * (1 - u.p))).toBeCloseTo(Math.exp(eps), 9);
    }
  });

  it('chooses GRR for small domains and OUE for large ones (k < 3e^ε + 2)', () => {
    expect(chooseOracle(2, 1).kind).toBe('grr');
    expect(chooseOracle(8, 1).kind).toBe('grr');
    expect(chooseOracle(12, 1).kind).toBe('oue');
    expect(chooseOracle(64, 0.5).kind).toBe('oue');
    expect(chooseOracle(20, 4).kind).toBe('grr');
  });

  it('GRR estimates are unbiased', () => {
    const rng = createRng(3);
    const o = grr(4, 1);
    const reports = Array.from({ length: 50_000 }, (_, i) => encode(o, i % 4 === 0 ? 0 : 1, rng));
    const est = estimate(o, supportCounts(o, reports));
    expect(est[0]!.share).toBeCloseTo(0.25, 1);
    expect(est[1]!.share).toBeCloseTo(0.75, 1);
    expect(Math.abs(est[2]!.share)).toBeLessThan(3 * est[2]!.se);
  });

  it('reads only well-formed reports and refuses bad parameters', () => {
    expect(readEncoded(oue(4, 1), '0101')).toBe('0101');
    expect(readEncoded(oue(4, 1), '01012')).toBeUndefined();
    expect(readEncoded(grr(4, 1), 3)).toBe(3);
    expect(readEncoded(grr(4, 1), 4)).toBeUndefined();
    expect(() => oue(65, 1)).toThrow(RangeError);
    expect(() => grr(4, 0)).toThrow(RangeError);
    expect(() => encode(grr(4, 1), 4, createRng(1))).toThrow(RangeError);
  });

  it('100,000 shoppers over 20 categories: every share within 2 points at ε = 1; at ε = 0.5 the 3-point bound holds per share', () => {
    const one = simulate(100_000, 1, 11);
    const half = simulate(100_000, 0.5, 12);
    const sd = (r: { o: Parameters<typeof variance>[0] }) => (Math.sqrt(variance(r.o, 100_000)) * 100).toFixed(2);
    console.log(`LDP simulation: ε=1 ${one.o.kind} max error ${(one.maxError * 100).toFixed(2)} points (sd ${sd(one)}), ${one.within3}/20 within 3; ε=0.5 ${half.o.kind} max error ${(half.maxError * 100).toFixed(2)} points (sd ${sd(half)}), ${half.within3}/20 within 3`);
    // ε = 1: sd 0.61 points, so all 20 within 2 points with ≈ 98 % probability (84,000 reports suffice for 95 %).
    expect(one.maxError).toBeLessThan(0.02);
    expect(reportsForAccuracy(20, 1, 0.02)).toBeLessThan(100_000);
    // ε = 0.5: sd 1.25 points. Each share is within 3 points with 98 % probability, but all 20 at once
    // only with ≈ 72 %: no ε-LDP frequency oracle does better on 100,000 reports (OUE is within a small
    // factor of the lower bound); about 160,000 reports give all 20 within 3 points with 95 %.
    expect(half.within3).toBeGreaterThanOrEqual(18);
    expect(half.maxError).toBeLessThan(0.05); // 4 sd
    const need = reportsForAccuracy(20, 0.5, 0.03);
    expect(need).toBeGreaterThan(100_000);
    expect(need).toBeLessThan(170_000);
    // The errors are as large as the analytic variance says (mean squared z near 1), not luckily small.
    for (const r of [one, half]) {
      expect(r.z2).toBeGreaterThan(0.3); // χ²(20)/20, 99.9 % range 0.30–2.27
      expect(r.z2).toBeLessThan(2.3);
      expect(r.covered).toBeGreaterThanOrEqual(16); // 95 % intervals: about 19 of 20
    }
  });

  it('at ε = 0.5 the 3-point bound holds for every share once there are enough reports', () => {
    const r = simulate(reportsForAccuracy(20, 0.5, 0.03), 0.5, 13);
    expect(r.maxError).toBeLessThan(0.03);
  });
});

describe('lift without tracking', () => {
  it('the coin is persistent-ready and splits by the control share', () => {
    const rng = createRng(5);
    const arms = Array.from({ length: 20_000 }, () => assignArm(0.1, rng));
    expect(arms.filter((a) => a === 0).length / arms.length).toBeCloseTo(0.1, 2);
  });

  it('100,000 shoppers, +5 % relative on a 3 % base: unbiased estimate, honest interval, and the power it takes', () => {
    const rng = createRng(21);
    const epsilon = 1;
    const o = liftOracle(epsilon);
    const reports = Array.from({ length: 100_000 }, () => {
      const arm = assignArm(0.1, rng);
      const bought = rng() < (arm === 0 ? 0.03 : 0.0315) ? 1 : 0;
      return { arm, bit: encode(o, bought, rng) as number };
    });
    const est = decodeLift(epsilon, reports);
    console.log(`lift simulation (ε=1, 100,000 shoppers, 10 % control): control ${est.control.rate.toFixed(4)} ± ${(1.96 * est.control.se).toFixed(4)}, treatment ${est.treatment.rate.toFixed(4)} ± ${(1.96 * est.treatment.se).toFixed(4)}, lift ${est.lift.toFixed(3)} [${est.low.toFixed(3)}, ${est.high.toFixed(3)}]`);
    expect(est.low).toBeLessThan(0.05);
    expect(est.high).toBeGreaterThan(0.05);
    expect(Math.abs(est.treatment.rate - 0.0315)).toBeLessThan(3 * est.treatment.se);
    // 100,000 shopper-periods cannot detect it at ε = 1; the power function says how many can.
    expect(power({ n: 100_000, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon })).toBeLessThan(0.1);
    const need = shoppersNeeded({ base: 0.03, lift: 0.05, controlShare: 0.1, epsilon });
    expect(power({ n: need, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon })).toBeGreaterThanOrEqual(0.8);
    expect(power({ n: need * 0.9, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon })).toBeLessThan(0.8);
    // With little noise (ε = 10) the answer is the textbook sample size for two proportions.
    const classical = ((1.959964 + 0.841621) ** 2 * ((0.03 * 0.97) / 0.1 + (0.0315 * 0.9685) / 0.9)) / 0.0015 ** 2;
    expect(shoppersNeeded({ base: 0.03, lift: 0.05, controlShare: 0.1, epsilon: 10 }) / classical).toBeCloseTo(1, 1);
    expect(need / classical).toBeGreaterThan(20); // the price of ε = 1 on a one-bit answer
  });
});
