/**
 * Forward (lazy) exponential decay.
 *
 * A value credited at time `ts` is stored multiplied by `2^((ts - anchor) / halfLife)`; its current
 * value at `now` is the stored value times `2^((anchor - now) / halfLife)`. Adding a new credit is O(1)
 * and nothing is rewritten as time passes. Anchors are integer multiples of the half-life and every
 * factor is split into an exact power of two times `2^(fraction)`, where the fraction depends only
 * on the timestamp: moving the anchor therefore multiplies stored values by an exact power of two,
 * so re-anchoring does not change results.
 */

const POW2_MIN = -1074;
const POW2_MAX = 1023;
const POW2 = (() => {
  // Built by repeated doubling/halving so every entry is exact, whatever Math.pow does.
  const t = new Float64Array(POW2_MAX - POW2_MIN + 1);
  let v = 1;
  for (let k = 0; k <= POW2_MAX; k++, v *= 2) t[k - POW2_MIN] = v;
  v = 1;
  for (let k = 0; k >= POW2_MIN; k--, v /= 2) t[k - POW2_MIN] = v;
  return t;
})();

/** Exactly `2^k` for an integer `k` (0 below the subnormal range, Infinity above). */
export function pow2(k: number): number {
  if (k < POW2_MIN) return 0;
  if (k > POW2_MAX) return Number.POSITIVE_INFINITY;
  return POW2[k - POW2_MIN] ?? 0;
}

/** The half-life index of `ts`: `floor(ts / halfLife)`. Anchors are such indices. */
export function halfLifeIndex(ts: number, halfLife: number): number {
  return Math.floor(ts / halfLife);
}

/**
 * Forward scale of a credit made at `ts`: `2^((ts - anchor * halfLife) / halfLife)`.
 * @example growth(14 * 86_400_000, 14 * 86_400_000, 0); // 2
 */
export function growth(ts: number, halfLife: number, anchor: number): number {
  const q = Math.floor(ts / halfLife);
  const r = ts - q * halfLife;
  return 2 ** (r / halfLife) * pow2(q - anchor);
}

/**
 * Factor turning a stored value into its current value at `now`: `2^((anchor * halfLife - now) / halfLife)`.
 * Exactly halves when `now` advances by one half-life.
 */
export function decayFactor(now: number, halfLife: number, anchor: number): number {
  const q = Math.floor(now / halfLife);
  const r = now - q * halfLife;
  return 2 ** (-r / halfLife) * pow2(anchor - q);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the high word of a float64 in the platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOG10_2 = Math.log10(2);

/** floor(log10(a)) for finite a > 0, from the binary exponent (no Math.log10 on the hot path). */
function exp10(a: number): number {
  F64[0] = a;
  const e2 = ((U32[HI] as number) >>> 20) - 1023;
  let e = Math.floor(e2 * LOG10_2);
  // The estimate is off by at most one either way; the table settles it.
  if (e >= -40 && e < 40) {
    while (e + 1 <= 40 && a >= pow10(e + 1)) e++;
    while (e >= -40 && a < pow10(e)) e--;
    return e;
  }
  return Math.floor(Math.log10(a));
}

const POW10_TABLE = (() => {
  const t: number[] = [];
  for (let k = -41; k <= 41; k++) t.push(Number(`1e${k}`));
  return t;
})();

function pow10(k: number): number {
  return POW10_TABLE[k + 41] ?? 10 ** k;
}

/**
 * Rounds to 6 significant digits (deterministically). Profile maps write their numbers through
 * this in JSON (`json-map.ts`), so the stored record stays small.
 * @example quantize(1.23456789); // 1.23457
 */
export function quantize(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v === 0 ? 0 : v;
  const p = 5 - exp10(v < 0 ? -v : v);
  if (p >= 0) {
    const m = pow10(p);
    return Math.round(v * m) / m;
  }
  const m = pow10(-p);
  return Math.round(v / m) * m;
}
