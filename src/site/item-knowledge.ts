/**
 * Site-side, non-personal item knowledge: what a storefront can compute from aggregate
 * (all-shopper) interaction sequences and publish as a static file that every browser downloads.
 * Nothing here is about one shopper: per-item popularity, top-K co-occurrence neighbours and small
 * dense item embeddings. Pure and deterministic (seeded); no DOM, no I/O.
 */
import { checkEmbeddingNeighbours, keepStrongestPairs } from './embedding-neighbours';
import { subspaceEmbedding } from './subspace';

/** One published neighbour of an item. */
export interface Neighbour {
  id: string;
  /** Normalized co-occurrence similarity, > 0; higher = more related. */
  weight: number;
}

/** Options for {@link buildItemKnowledge}. */
export interface ItemKnowledgeOptions {
  /** Pairs at most this many positions apart in a sequence co-occur (default 10). */
  window?: number;
  /** Weight of a pair at distance `d` is `distanceDecay ** (d - 1)` (default 0.7). */
  distanceDecay?: number;
  /** Weight of the backward direction (later item → earlier item) relative to forward (default 0.3). */
  backwardWeight?: number;
  /**
   * IDF-style popularity normalization: `sim(a, b) = C(a→b) / (pop(a)^(1-beta) · pop(b)^beta)`;
   * 0.5 is cosine; a lower beta penalizes popular neighbours less (default 0.3).
   */
  beta?: number;
  /** Published neighbours per item (default 200; a size/quality trade-off). */
  topK?: number;
  /** Embedding dimension; 0 disables embeddings (default 32, at most 64). */
  dim?: number;
  /** Subspace (power) iterations for the embedding (default 12). */
  iterations?: number;
  /**
   * The embedding reads a co-occurrence pair only when it is among the this-many strongest of one of
   * its two items (default 100), so its input grows with the catalogue, not with how densely items
   * co-occur (see `embedding-neighbours.ts`). Published neighbours and predecessors are not affected.
   */
  embeddingNeighbours?: number;
  /** Seed for the random start of the subspace iteration (default 1). */
  seed?: number;
}

/**
 * Knowledge about items derived from aggregate data; the same for every shopper.
 * @example
 * const k = buildItemKnowledge([['a', 'b', 'c'], ['a', 'c']]);
 * k.popularity('a'); // 2
 * k.neighbours('a')[0]?.id; // 'c' or 'b'
 */
export interface ItemKnowledge {
  /** Every item seen in the aggregate data, in first-seen order. */
  readonly itemIds: readonly string[];
  /** Embedding dimension (0 when embeddings were not built). */
  readonly dim: number;
  /** Index of an item in {@link itemIds}, or -1 when unknown. */
  indexOf(id: string): number;
  /** Number of sequences containing the item (0 when unknown). */
  popularity(id: string): number;
  /** Top-K neighbours: the items shoppers go on to after this one, strongest first (empty when unknown). */
  neighbours(id: string): readonly Neighbour[];
  /**
   * Top-K predecessors: the items `h` whose shoppers go on to this one, by `sim(h → id)`, strongest
   * first (empty when unknown). Published with an item, they let a device score "what tends to come
   * after the shopper's recent items" from the candidate's own data.
   */
  predecessors(id: string): readonly Neighbour[];
  /** Neighbour similarity `sim(from → to)`, 0 when `to` is not among `from`'s top-K. */
  similarity(from: string, to: string): number;
  /** L2-normalized embedding, or undefined when unknown or when the item has no co-occurrences. */
  embedding(id: string): Float32Array | undefined;
}

/** The published, JSON-serializable form of {@link ItemKnowledge}. */
export interface PublishedItemKnowledge {
  version: 2;
  dim: number;
  /**
   * Per item: popularity, neighbours and predecessors as `[id, weight]`, embedding (rounded) or null.
   * A storefront sends an item's predecessors (scaled into (0, 1]) as its `related` list.
   */
  items: Record<string, { pop: number; nb: [string, number][]; pre: [string, number][]; emb: number[] | null }>;
}

/** Default options of {@link buildItemKnowledge}; the DuckDB pipeline uses the same ones. */
export const ITEM_KNOWLEDGE_DEFAULTS: Readonly<Required<ItemKnowledgeOptions>> = {
  window: 10,
  distanceDecay: 0.7,
  backwardWeight: 0.3,
  beta: 0.3,
  topK: 200,
  dim: 32,
  iterations: 12,
  embeddingNeighbours: 100,
  seed: 1,
};

/** Per-item popularity: the number of sequences that contain the item (each counted once per sequence). */
export function itemPopularity(sequences: readonly (readonly string[])[]): Map<string, number> {
  const pop = new Map<string, number>();
  for (const seq of sequences) {
    for (const id of new Set(seq)) pop.set(id, (pop.get(id) ?? 0) + 1);
  }
  return pop;
}

/** A symmetric sparse matrix in compressed-row form. */
interface Csr {
  n: number;
  rowStart: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/**
 * Builds popularity, neighbours and embeddings from chronological item sequences (one per shopper).
 * Deterministic for a given input order and seed.
 */
export function buildItemKnowledge(
  sequences: readonly (readonly string[])[],
  options: ItemKnowledgeOptions = {},
): ItemKnowledge {
  const o = { ...ITEM_KNOWLEDGE_DEFAULTS, ...options };
  if (!(o.window >= 1)) throw new RangeError(`window must be ≥ 1, got ${o.window}`);
  if (!(o.dim >= 0 && o.dim <= 64)) throw new RangeError(`dim must be in 0..64, got ${o.dim}`);
  checkEmbeddingNeighbours(o.embeddingNeighbours);
  const index = new Map<string, number>();
  const ids: string[] = [];
  const encoded: Int32Array[] = sequences.map((seq) => {
    const out = new Int32Array(seq.length);
    seq.forEach((id, i) => {
      let k = index.get(id);
      if (k === undefined) {
        k = ids.length;
        index.set(id, k);
        ids.push(id);
      }
      out[i] = k;
    });
    return out;
  });
  const n = ids.length;
  const pop = new Float64Array(n);
  const seenIn = new Int32Array(n).fill(-1);
  encoded.forEach((seq, s) => {
    for (const k of seq) {
      if (seenIn[k] !== s) {
        seenIn[k] = s;
        pop[k]! += 1;
      }
    }
  });

  // Directed, window- and distance-weighted co-occurrence counts, keyed a * n + b.
  const counts = new Map<number, number>();
  const add = (a: number, b: number, w: number): void => {
    if (a === b || !(w > 0)) return;
    const key = a * n + b;
    counts.set(key, (counts.get(key) ?? 0) + w);
  };
  for (const seq of encoded) {
    // Long sequences are damped so one very active shopper does not dominate.
    const damp = 1 / Math.log2(2 + seq.length / 10);
    for (let i = 0; i < seq.length; i++) {
      const a = seq[i]!;
      const end = Math.min(seq.length, i + o.window + 1);
      for (let j = i + 1; j < end; j++) {
        const b = seq[j]!;
        const w = damp * o.distanceDecay ** (j - i - 1);
        add(a, b, w);
        add(b, a, w * o.backwardWeight);
      }
    }
  }

  // Normalize and keep the top-K per source item.
  const rows: { col: number; w: number }[][] = Array.from({ length: n }, () => []);
  for (const [key, c] of counts) {
    const a = Math.floor(key / n);
    const b = key - a * n;
    const w = c / (pop[a]! ** (1 - o.beta) * pop[b]! ** o.beta);
    rows[a]!.push({ col: b, w });
  }
  const incoming: { col: number; w: number }[][] = Array.from({ length: n }, () => []);
  rows.forEach((row, a) => {
    for (const { col, w } of row) incoming[col]!.push({ col: a, w });
  });
  const topOf = (row: { col: number; w: number }[]): Neighbour[] => {
    row.sort((x, y) => y.w - x.w || x.col - y.col);
    return row.slice(0, o.topK).map((e) => ({ id: ids[e.col]!, weight: e.w }));
  };
  const neighbours = rows.map(topOf);
  const predecessors = incoming.map(topOf);
  const neighbourMaps = neighbours.map((nb) => new Map(nb.map((e) => [e.id, e.weight])));

  let emb: Float32Array | null = null;
  if (o.dim > 0 && n > 0) {
    const s = symmetricNormalized(rows, n, o.embeddingNeighbours);
    emb = subspaceEmbedding({ n, multiplyRows: (q, d, emit) => multiplyM(s, q, d, emit), isEmpty: (i) => s.rowStart[i + 1] === s.rowStart[i] }, o.dim, o.iterations, o.seed);
  }
  const dim = emb ? o.dim : 0;
  const hasEmbedding = new Uint8Array(n);
  if (emb) {
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let k = 0; k < dim; k++) norm += emb[i * dim + k]! ** 2;
      if (norm > 1e-24) {
        hasEmbedding[i] = 1;
        const inv = 1 / Math.sqrt(norm);
        for (let k = 0; k < dim; k++) emb[i * dim + k]! *= inv;
      }
    }
  }

  return {
    itemIds: ids,
    dim,
    indexOf: (id) => index.get(id) ?? -1,
    popularity: (id) => {
      const k = index.get(id);
      return k === undefined ? 0 : pop[k]!;
    },
    neighbours: (id) => {
      const k = index.get(id);
      return k === undefined ? [] : neighbours[k]!;
    },
    predecessors: (id) => {
      const k = index.get(id);
      return k === undefined ? [] : predecessors[k]!;
    },
    similarity: (from, to) => {
      const k = index.get(from);
      return k === undefined ? 0 : (neighbourMaps[k]!.get(to) ?? 0);
    },
    embedding: (id) => {
      const k = index.get(id);
      if (k === undefined || !emb || !hasEmbedding[k]) return undefined;
      return emb.subarray(k * dim, (k + 1) * dim);
    },
  };
}

/**
 * `S = D^-1/2 · (A + Aᵀ)/2 · D^-1/2` over the normalized co-occurrence weights, keeping only the pairs
 * among the `cap` strongest of one of their items (degrees over the kept pairs), in CSR form.
 */
function symmetricNormalized(rows: readonly { col: number; w: number }[][], n: number, cap: number): Csr {
  const sym = new Map<number, number>();
  rows.forEach((row, a) => {
    for (const { col: b, w } of row) {
      const key = a < b ? a * n + b : b * n + a;
      sym.set(key, (sym.get(key) ?? 0) + w / 2);
    }
  });
  // Map iteration order is insertion order, so everything below is deterministic.
  const lo = new Int32Array(sym.size);
  const hi = new Int32Array(sym.size);
  const w = new Float64Array(sym.size);
  let p = 0;
  for (const [key, v] of sym) {
    lo[p] = Math.floor(key / n);
    hi[p] = key - lo[p]! * n;
    w[p++] = v;
  }
  const keep = keepStrongestPairs(lo, hi, w, n, cap);
  const degree = new Float64Array(n);
  const rowCount = new Int32Array(n);
  for (let q = 0; q < p; q++) {
    if (!keep[q]) continue;
    degree[lo[q]!]! += w[q]!;
    degree[hi[q]!]! += w[q]!;
    rowCount[lo[q]!]! += 1;
    rowCount[hi[q]!]! += 1;
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i]! + rowCount[i]!;
  const fill = rowStart.slice(0, n);
  const col = new Int32Array(rowStart[n]!);
  const val = new Float64Array(rowStart[n]!);
  for (let q = 0; q < p; q++) {
    if (!keep[q]) continue;
    const a = lo[q]!;
    const b = hi[q]!;
    const v = w[q]! / Math.sqrt(degree[a]! * degree[b]!);
    col[fill[a]!] = b;
    val[fill[a]!++] = v;
    col[fill[b]!] = a;
    val[fill[b]!++] = v;
  }
  return { n, rowStart, col, val };
}

/** Rows of `(q + S·q) / 2` for a column-major n × d block, in order (see `SubspaceOperator`). */
function multiplyM(s: Csr, q: Float64Array, d: number, emit: (i: number, row: Float64Array) => void): void {
  const { n } = s;
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = q[k * n + i]! / 2;
    for (let p = s.rowStart[i]!; p < s.rowStart[i + 1]!; p++) {
      const v = s.val[p]! / 2;
      const j = s.col[p]!;
      for (let k = 0; k < d; k++) row[k]! += v * q[k * n + j]!;
    }
    emit(i, row);
  }
}

/** Serializes knowledge for publishing (embeddings rounded to 4 decimals). */
export function publishItemKnowledge(k: ItemKnowledge): PublishedItemKnowledge {
  const items: PublishedItemKnowledge['items'] = {};
  for (const id of k.itemIds) {
    const e = k.embedding(id);
    items[id] = {
      pop: k.popularity(id),
      nb: k.neighbours(id).map((x) => [x.id, Math.round(x.weight * 1e6) / 1e6]),
      pre: k.predecessors(id).map((x) => [x.id, Math.round(x.weight * 1e6) / 1e6]),
      emb: e ? Array.from(e, (v) => Math.round(v * 1e4) / 1e4) : null,
    };
  }
  return { version: 2, dim: k.dim, items };
}

/**
 * Reads a published file back into an {@link ItemKnowledge} (weights and embeddings at their published
 * precision), so whatever produced the file (this module, the SQL pipeline, a warehouse) can stand in
 * for an in-memory build.
 * @example const k = itemKnowledgeFromPublished(JSON.parse(readFileSync('public/site/item-knowledge.json', 'utf8')));
 */
export function itemKnowledgeFromPublished(file: PublishedItemKnowledge): ItemKnowledge {
  if (file.version !== 2) throw new RangeError(`item knowledge version must be 2, got ${String(file.version)}`);
  const ids = Object.keys(file.items);
  const index = new Map(ids.map((id, i) => [id, i]));
  const toList = (l: [string, number][]): Neighbour[] => l.map(([id, weight]) => ({ id, weight }));
  const nb = ids.map((id) => toList(file.items[id]!.nb));
  const pre = ids.map((id) => toList(file.items[id]!.pre));
  const nbMaps: (Map<string, number> | undefined)[] = [];
  const emb = ids.map((id) => {
    const e = file.items[id]!.emb;
    return e ? Float32Array.from(e) : undefined;
  });
  return {
    itemIds: ids,
    dim: file.dim,
    indexOf: (id) => index.get(id) ?? -1,
    popularity: (id) => {
      const k = index.get(id);
      return k === undefined ? 0 : file.items[id]!.pop;
    },
    neighbours: (id) => {
      const k = index.get(id);
      return k === undefined ? [] : nb[k]!;
    },
    predecessors: (id) => {
      const k = index.get(id);
      return k === undefined ? [] : pre[k]!;
    },
    similarity: (from, to) => {
      const k = index.get(from);
      if (k === undefined) return 0;
      nbMaps[k] ??= new Map(nb[k]!.map((e) => [e.id, e.weight]));
      return nbMaps[k]!.get(to) ?? 0;
    },
    embedding: (id) => {
      const k = index.get(id);
      return k === undefined ? undefined : emb[k];
    },
  };
}
