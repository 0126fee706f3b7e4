// Locally private reports, simulated: accuracy of category shares at ε = 1 and 0.5 over 100,000
// shoppers, and the lift experiment (+5 % relative on a 3 % base) with its power curve.
//   npm run bench:privacy [-- --quick]
import { assignArm, decodeLift, liftOracle, power, shoppersNeeded } from '../src/core/privacy/lift';
import { chooseOracle, encode, estimate, reportsForAccuracy, supportCounts, variance } from '../src/core/privacy/oracle';
import { createRng } from '../src/core/util/rng';

const quick = process.argv.includes('--quick');
const N = quick ? 20_000 : 100_000;
const SEEDS = quick ? 3 : 20;
const K = 20;
const truth = (() => {
  const w = Array.from({ length: K }, (_, i) => 1 / (i + 1) ** 0.8);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
})();
const cdf = truth.map((_, i) => truth.slice(0, i + 1).reduce((a, b) => a + b, 0));

console.log(`## Category shares: ${N.toLocaleString('en')} shoppers, ${K} categories, ${SEEDS} seeded runs each\n`);
console.log('| ε | oracle | sd per share (points) | max error, median run | max error, worst run | runs with every share within 2 / 3 points | reports for all within 2 / 3 points (95 %) |');
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
for (const eps of [1, 0.5]) {
  const o = chooseOracle(K, eps);
  const maxima: number[] = [];
  for (let s = 0; s < SEEDS; s++) {
    const rng = createRng(1000 + s);
    const counts = new Array(K).fill(0);
    const reports = [];
    for (let i = 0; i < N; i++) {
      const u = rng();
      const v = Math.max(0, cdf.findIndex((c) => u < c));
      counts[v]++;
      reports.push(encode(o, v, rng));
    }
    const est = estimate(o, supportCounts(o, reports));
    maxima.push(Math.max(...est.map((e, j) => Math.abs(e.share - counts[j] / N))));
  }
  maxima.sort((a, b) => a - b);
  const within = (t: number) => maxima.filter((m) => m < t).length;
  console.log(
    `| ${eps} | ${o.kind} | ${(Math.sqrt(variance(o, N)) * 100).toFixed(2)} | ${(maxima[Math.floor(SEEDS / 2)]! * 100).toFixed(2)} | ${(maxima.at(-1)! * 100).toFixed(2)} | ${within(0.02)}/${SEEDS} / ${within(0.03)}/${SEEDS} | ${reportsForAccuracy(K, eps, 0.02).toLocaleString('en')} / ${reportsForAccuracy(K, eps, 0.03).toLocaleString('en')} |`,
  );
}

console.log(`\n## Lift: ${N.toLocaleString('en')} shoppers, 10 % control, base 3 %, true lift +5 % relative, ε = 1\n`);
const rng = createRng(77);
const o = liftOracle(1);
const reports = Array.from({ length: N }, () => {
  const arm = assignArm(0.1, rng);
  return { arm, bit: encode(o, rng() < (arm === 0 ? 0.03 : 0.0315) ? 1 : 0, rng) as number };
});
const l = decodeLift(1, reports);
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
console.log(`control ${pct(l.control.rate)} ± ${pct(1.96 * l.control.se)} (n ${l.control.n}), treatment ${pct(l.treatment.rate)} ± ${pct(1.96 * l.treatment.se)} (n ${l.treatment.n}); lift ${pct(l.lift)}, 95 % interval [${pct(l.low)}, ${pct(l.high)}]\n`);
console.log('Power to detect +5 % on 3 % (two-sided 5 % test), by shopper-periods:\n');
console.log('| shopper-periods | ε = 1, 10 % control | ε = 1, 50 % control | ε = 2, 50 % control | ε = 10 (little noise), 10 % control |');
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const n of [1e5, 1e6, 3e6, 1e7, 3e7, 1e8]) {
  const row = [
    power({ n, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon: 1 }),
    power({ n, base: 0.03, lift: 0.05, controlShare: 0.5, epsilon: 1 }),
    power({ n, base: 0.03, lift: 0.05, controlShare: 0.5, epsilon: 2 }),
    power({ n, base: 0.03, lift: 0.05, controlShare: 0.1, epsilon: 10 }),
  ];
  console.log(`| ${n.toLocaleString('en')} | ${row.map((p) => `${(p * 100).toFixed(0)} %`).join(' | ')} |`);
}
const need = (controlShare: number, epsilon: number) => shoppersNeeded({ base: 0.03, lift: 0.05, controlShare, epsilon }).toLocaleString('en');
console.log(`\nShopper-periods for 80 % power: ε = 1, 10 % control: ${need(0.1, 1)}; ε = 1, 50 % control: ${need(0.5, 1)}; ε = 2, 50 %: ${need(0.5, 2)}; ε = 10, 10 % control: ${need(0.1, 10)}.`);
