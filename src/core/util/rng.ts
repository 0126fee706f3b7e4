/** A seeded pseudo-random generator: returns floats in [0, 1). Core code takes one instead of calling `Math.random`. */
export type Rng = () => number;

/**
 * Mulberry32: a small, fast, seeded 32-bit generator, good enough for sampling and exploration
 * (not for cryptography).
 * @example const rng = createRng(42); rng(); // 0.6011037519201636
 */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller) from a seeded generator. */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
