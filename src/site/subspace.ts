/**
 * Randomized subspace iteration for the site's item embeddings: the dense linear algebra shared by
 * the in-memory reference (`item-knowledge.ts`) and the DuckDB pipeline (`pipeline/edge-file.ts`),
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
  /**
   * Rows of `(q + S·q) / 2` for a column-major n × d block `q` (column `a` at `q[a·n … a·n + n)`), in
   * order i = 0 … n − 1: `emit(i, row)` gets row i in `row` (length ≥ d, reused for the next row).
   * Row i is `q[i] / 2`, then `S(i, j) / 2 · q[j]` added for each entry of row i, in an order fixed by
   * the operator (the pipeline's edge file: ascending j), so a run's bits do not depend on anything else.
   */
  multiplyRows(q: Float64Array, d: number, emit: (i: number, row: Float64Array) => void): void;
  /** True when row `i` of `S` is empty (an item that never co-occurs). */
  isEmpty(i: number): boolean;
}

/**
 * Where the subspace iteration keeps the block a product writes while it still reads the other one:
 * a second array (the reference) or a file (the pipeline), so only one n × d block need be resident.
 */
export interface BlockStore {
  /** Row i (written in order 0 … n − 1) of the n × d block being produced. */
  write(i: number, row: Float64Array, d: number): void;
  /** Copies the block written since the last call into `q`, column-major; the next writes start a new block. */
  readInto(q: Float64Array, d: number): void;
}

/** A {@link BlockStore} in memory: a second n × d block (8 · n · d bytes). */
export function memoryBlockStore(n: number, d: number): BlockStore {
  const y = new Float64Array(n * d);
  return {
    write(i, row) {
      for (let a = 0; a < d; a++) y[a * n + i] = row[a]!;
    },
    readInto(q) {
      q.set(y);
    },
  };
}

/**
 * Top-`dim` eigenvectors of the PSD matrix `M = (I + S) / 2` by seeded randomized subspace iteration
 * (Halko, Martinsson & Tropp 2011, "Finding structure with randomness", algorithm 4.3), scaled by the
 * square root of their eigenvalues (so `E·Eᵀ ≈ M`). Returns a row-major n × dim array; rows of items
 * with no co-occurrence are zero. Holds two n × d blocks of doubles (16 · n · d bytes); the pipeline
 * uses {@link subspaceEmbeddingRows} with a block on disk instead. The same numbers either way.
 */
export function subspaceEmbedding(op: SubspaceOperator, dim: number, iterations: number, seed: number): Float32Array {
  const out = new Float32Array(op.n * dim);
  subspaceEmbeddingRows(op, dim, iterations, seed, memoryBlockStore(op.n, Math.min(dim, op.n)), (i, row) => out.set(row, i * dim));
  return out;
}

/**
 * {@link subspaceEmbedding} with the result streamed out: `emit(i, row)` gets row i (length dim, reused)
 * in order i = 0 … n − 1. Resident: one n × d block of doubles (8 · n · d bytes) and what `store` keeps;
 * each product's result goes to `store` row by row while the current block is read, then replaces it.
 */
export function subspaceEmbeddingRows(
  op: SubspaceOperator,
  dim: number,
  iterations: number,
  seed: number,
  store: BlockStore,
  emit: (i: number, row: Float32Array) => void,
): void {
  const { n } = op;
  const d = Math.min(dim, n);
  const rng = createRng(seed);
  // Column-major throughout: q[a·n + i] is entry (i, a). Drawn in row-major order, as always.
  const q = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) q[a * n + i] = gaussian(rng);
  orthonormalizeColumns(q, n, d);
  for (let it = 0; it < iterations; it++) {
    op.multiplyRows(q, d, (i, row) => store.write(i, row, d));
    store.readInto(q, d);
    orthonormalizeColumns(q, n, d);
  }
  // Rayleigh–Ritz: T = Qᵀ M Q (each entry summed over i in order, as the product's rows arrive), then
  // eigenvectors of the small symmetric T.
  const t = new Float64Array(d * d);
  op.multiplyRows(q, d, (i, y) => {
    for (let a = 0; a < d; a++) {
      const qa = q[a * n + i]!;
      for (let b = 0; b < d; b++) t[a * d + b]! += qa * y[b]!;
    }
  });
  const { values, vectors } = jacobiEigen(t, d);
  const row = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    // Items with no co-occurrence only carry the `I/2` part: zero them so they read as "unknown".
    if (!op.isEmpty(i)) {
      for (let k = 0; k < d; k++) {
        let v = 0;
        for (let a = 0; a < d; a++) v += q[a * n + i]! * vectors[a * d + k]!;
        row[k] = v * Math.sqrt(Math.max(0, values[k]!));
      }
    }
    emit(i, row);
  }
}

/** Modified Gram–Schmidt on the columns of a column-major n × d block, in place (twice, for stability). */
function orthonormalizeColumns(c: Float64Array, n: number, d: number): void {
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

