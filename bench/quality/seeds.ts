/** Seed derivation lives with the generator (`src/core/util/rng.ts`), shared with the shipped CLI. */
export { mixSeed } from '../../src/core/util/rng';
import { mixSeed } from '../../src/core/util/rng';

/** A seeded sample of `k` distinct indices out of `n`, returned sorted (all of them when k ≥ n). */
export function sampleIndices(n: number, k: number, rng: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return all;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}

/** A 32-bit seed from a string (FNV-1a, then mixed). */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mixSeed(h);
}
