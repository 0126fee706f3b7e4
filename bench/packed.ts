/**
 * `npx tsx bench/packed.ts [--quick]`: what the packed transport costs and saves per call, in Node, on
 * the browser bench's candidate lists (200 and 1,000): packing on the page (`packCandidates`), a
 * structured clone of the objects against one of the packed form, and rebuilding the objects in the
 * worker (`unpackCandidates`). Median and p99 of wall-clock ms after a warm-up; Node's structured clone
 * is V8's serializer, as the browser's postMessage, without the thread hop.
 */
import { cpus, loadavg } from 'node:os';
import { packCandidates, unpackCandidates } from '../src/core/input/packed';
import { benchCandidates } from './browser/fixtures';

const quick = process.argv.includes('--quick');
const ITERS = quick ? 300 : 2000;

function time(f: () => unknown): string {
  for (let i = 0; i < ITERS / 2; i++) f();
  const xs: number[] = [];
  for (let i = 0; i < ITERS; i++) {
    const t = performance.now();
    f();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!.toFixed(3);
  return `${at(0.5)} / ${at(0.99)}`;
}

console.log(`packed transport in Node (${ITERS} calls each; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)})\n`);
console.log('| candidates | pack (page) | clone objects | clone packed | unpack (worker) |\n| ---: | ---: | ---: | ---: | ---: |');
for (const n of [200, 1000]) {
  const list = benchCandidates(n, 1);
  const packed = packCandidates(list);
  if (!packed) throw new Error('the bench list did not pack');
  console.log(`| ${n} | ${time(() => packCandidates(list))} | ${time(() => structuredClone(list))} | ${time(() => structuredClone(packed))} | ${time(() => unpackCandidates(packed))} |`);
}
