/**
 * The site-wide prior: the file format a site publishes (same for every shopper, nothing personal),
 * its validation, and `fitPrior`, which trains the same FM offline on pooled pairwise examples
 * from many shoppers (a CLI calls it; it never runs in the shopper's browser).
 */
import type { FmWeights } from './fm';
import { InvalidPriorError } from '../errors';
import type { PriorWeights } from './model';

/**
 * The published JSON. `V` is row-major d × k (feature i's factor at `V[i*k .. i*k+k)`); `variance`,
 * when present, has one entry per weight (w first, then V), length d + d·k.
 * @example { "version": "2025-01-01", "featureSchemaVersion": 1, "d": 2, "k": 1, "w0": 0, "w": [0.1, 0], "V": [0.01, -0.02] }
 */
export interface PriorFile {
  version: string;
  featureSchemaVersion: number;
  d: number;
  k: number;
  w0: number;
  w: number[];
  V: number[];
  variance?: number[];
}

export { InvalidPriorError };

/** What the caller expects of the prior (to reject one built for another feature extractor). */
export interface PriorExpectation {
  d?: number;
  k?: number;
  featureSchemaVersion?: number;
}

/** Largest accepted dimensions: guards the worker against a prior that would exhaust memory. */
const MAX_D = 4096;
const MAX_K = 64;

/**
 * Validates a parsed prior JSON and converts it to typed arrays. Never throws: the worker falls
 * back to no prior on `{ ok: false }`.
 * @example
 * const r = parsePrior(await (await fetch('/prior.json')).json(), { d: 48, featureSchemaVersion: 1 });
 * const ranker = new FmRanker({ d: 48, seed: 1, prior: r.ok ? r.prior : undefined });
 */
export function parsePrior(
  input: unknown,
  expect: PriorExpectation = {},
): { ok: true; prior: PriorWeights } | { ok: false; error: InvalidPriorError } {
  try {
    return { ok: true, prior: parseOrThrow(input, expect) };
  } catch (e) {
    if (e instanceof InvalidPriorError) return { ok: false, error: e };
    throw e;
  }
}

function parseOrThrow(input: unknown, expect: PriorExpectation): PriorWeights {
  const bad = (field: string, msg: string, got?: unknown): never => {
    const shown = got === undefined ? '' : `, got ${JSON.stringify(got)?.slice(0, 40)}`;
    throw new InvalidPriorError(field, `${field} ${msg}${shown}`);
  };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) bad('prior', 'must be a JSON object');
  const o = input as Record<string, unknown>;
  if (typeof o.version !== 'string' || o.version.length === 0 || o.version.length > 200) {
    bad('version', 'must be a non-empty string', o.version);
  }
  const int = (field: string, lo: number, hi: number): number => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      bad(field, `must be an integer in [${lo}, ${hi}]`, v);
    }
    return v as number;
  };
  const featureSchemaVersion = int('featureSchemaVersion', 0, Number.MAX_SAFE_INTEGER);
  const d = int('d', 1, MAX_D);
  const k = int('k', 1, MAX_K);
  if (expect.d !== undefined && d !== expect.d) bad('d', `is ${d}, the features have d = ${expect.d}`);
  if (expect.k !== undefined && k !== expect.k) bad('k', `is ${k}, the model uses k = ${expect.k}`);
  if (expect.featureSchemaVersion !== undefined && featureSchemaVersion !== expect.featureSchemaVersion) {
    bad('featureSchemaVersion', `is ${featureSchemaVersion}, the feature extractor is ${expect.featureSchemaVersion}`);
  }
  if (typeof o.w0 !== 'number' || !Number.isFinite(o.w0)) bad('w0', 'must be a finite number', o.w0);
  const arr = (field: string, len: number, positive = false): Float32Array => {
    const v = o[field];
    if (!Array.isArray(v) || v.length !== len) {
      bad(field, `must be an array of ${len} numbers`, Array.isArray(v) ? `length ${v.length}` : v);
    }
    const out = new Float32Array(len);
    (v as unknown[]).forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || (positive && !(x > 0))) {
        bad(`${field}[${i}]`, positive ? 'must be a finite number > 0' : 'must be a finite number', x);
      }
      out[i] = x as number;
    });
    return out;
  };
  const weights: FmWeights = { d, k, w0: o.w0 as number, w: arr('w', d), V: arr('V', d * k) };
  const prior: PriorWeights = { version: o.version as string, featureSchemaVersion, weights };
  if (o.variance !== undefined) prior.variance = arr('variance', d + d * k, true);
  return prior;
}

/**
 * The JSON to publish for a prior (plain arrays; rounding is left to the caller's serializer).
 * @example writeFileSync('public/prior.json', JSON.stringify(toPriorFile(prior)));
 */
export function toPriorFile(prior: PriorWeights): PriorFile {
  const { d, k, w0, w, V } = prior.weights;
  const file: PriorFile = {
    version: prior.version,
    featureSchemaVersion: prior.featureSchemaVersion,
    d,
    k,
    w0,
    w: Array.from(w),
    V: Array.from(V),
  };
  if (prior.variance) file.variance = Array.from(prior.variance);
  return file;
}

