/**
 * Randomized subspace iteration for the site's item embeddings: the dense linear algebra shared by
 * the in-memory reference (`item-knowledge.ts`) and the DuckDB pipeline (`pipeline/embedding.ts`),
 * so both compute the same numbers from the same seed. Pure; no I/O.
 */
import { createRng, gaussian } from '../core/util/rng';

/**
 * The operator the embedding is computed from: `M = (I + S) / 2` for a symmetric, normalized
 * co-occurrence matrix `S`, only ever touched through products, so `S` may live in memory (the
 * reference) or be streamed from disk (the pipeline).
 */
export interface SubspaceOperator {
  /** Number of items (rows of `S`). */
  n: number;
  /** `out = (q + S·q) / 2` for a row-major n × d block; `out` is fully overwritten. */
  multiply(q: Float64Array, out: Float64Array, d: number): void;
  /** True when row `i` of `S` is empty (an item that never co-occurs). */
  isEmpty(i: number): boolean;
}

/**
 * Top-`dim` eigenvectors of the PSD matrix `M = (I + S) / 2` by seeded randomized subspace iteration
 * (Halko, Martinsson & Tropp 2011, "Finding structure with randomness", algorithm 4.3), scaled by the
 * square root of their eigenvalues (so `E·Eᵀ ≈ M`). Returns a row-major n × dim array; rows of items
 * with no co-occurrence are zero. Memory is two n × d blocks of doubles (16 · n · d bytes), nothing
 * else of that size: the orthonormalization and the result reuse the block that is free at the time,
 * so a catalogue's embedding needs no more than that however many events made it. `S` is only read
 * through `op.multiply`.
 */
export function subspaceEmbedding(op: SubspaceOperator, dim: number, iterations: number, seed: number): Float32Array {
  const { n } = op;
  const d = Math.min(dim, n);
  const rng = createRng(seed);
  let q = new Float64Array(n * d);
  for (let i = 0; i < q.length; i++) q[i] = gaussian(rng);
  let y = new Float64Array(n * d);
  orthonormalizeColumns(q, n, d, y);
  for (let it = 0; it < iterations; it++) {
    op.multiply(q, y, d);
    [q, y] = [y, q];
    // y (the previous q) is overwritten by the next product: scratch until then.
    orthonormalizeColumns(q, n, d, y);
  }
  // Rayleigh–Ritz: T = Qᵀ M Q, then eigenvectors of the small symmetric T.
  op.multiply(q, y, d);
  const t = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const qa = q[i * d + a]!;
      for (let b = 0; b < d; b++) t[a * d + b]! += qa * y[i * d + b]!;
    }
  }
  const { values, vectors } = jacobiEigen(t, d);
  // y is not read again: the result takes its memory when it fits (always, unless n < dim / 2).
  const out = n * dim * 4 <= y.byteLength ? new Float32Array(y.buffer, 0, n * dim).fill(0) : new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      let v = 0;
      for (let a = 0; a < d; a++) v += q[i * d + a]! * vectors[a * d + k]!;
      out[i * dim + k] = v * Math.sqrt(Math.max(0, values[k]!));
    }
  }
  // Items with no co-occurrence only carry the `I/2` part: zero them so they read as "unknown".
  for (let i = 0; i < n; i++) {
    if (op.isEmpty(i)) out.fill(0, i * dim, (i + 1) * dim);
  }
  return out;
}

/**
 * Modified Gram–Schmidt on the columns of a row-major n × d block (twice, for stability); `c` is
 * n × d of scratch, overwritten.
 */
function orthonormalizeColumns(q: Float64Array, n: number, d: number, c: Float64Array): void {
  // Work on a column-major copy: every sweep below reads one column contiguously instead of one
  // double per cache line. Same operations in the same order, so the same bits.
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) c[a * n + i] = q[i * d + a]!;
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < d; a++) {
      const ca = a * n;
      for (let b = 0; b < a; b++) {
        const cb = b * n;
        let dot = 0;
        for (let i = 0; i < n; i++) dot += c[ca + i]! * c[cb + i]!;
        for (let i = 0; i < n; i++) c[ca + i]! -= dot * c[cb + i]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += c[ca + i]! ** 2;
      const inv = norm > 1e-300 ? 1 / Math.sqrt(norm) : 0;
      for (let i = 0; i < n; i++) c[ca + i]! *= inv;
    }
  }
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) q[i * d + a] = c[a * n + i]!;
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric d × d matrix; eigenvalues descending. */
function jacobiEigen(input: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const m = (a[i * d + j]! + a[j * d + i]!) / 2;
      a[i * d + j] = m;
      a[j * d + i] = m;
    }
  }
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let r = p + 1; r < d; r++) off += a[p * d + r]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < d; p++) {
      for (let r = p + 1; r < d; r++) {
        const apr = a[p * d + r]!;
        if (Math.abs(apr) < 1e-300) continue;
        const theta = (a[r * d + r]! - a[p * d + p]!) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p]!;
          const akr = a[k * d + r]!;
          a[k * d + p] = c * akp - sn * akr;
          a[k * d + r] = sn * akp + c * akr;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k]!;
          const ark = a[r * d + k]!;
          a[p * d + k] = c * apk - sn * ark;
          a[r * d + k] = sn * apk + c * ark;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkr = v[k * d + r]!;
          v[k * d + p] = c * vkp - sn * vkr;
          v[k * d + r] = sn * vkp + c * vkr;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => a[y * d + y]! - a[x * d + x]! || x - y);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, k) => {
    values[k] = a[src * d + src]!;
    for (let r = 0; r < d; r++) vectors[r * d + k] = v[r * d + src]!;
  });
  return { values, vectors };
}

