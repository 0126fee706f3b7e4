/**
 * Item knowledge at any size: the aggregate steps run as SQL on DuckDB (`sql/sequences.sql`,
 * `transitions.sql`, `top-k.sql`, `similarity.sql`), the embedding streams the similarity matrix from
 * disk through the same subspace iteration as the in-memory reference, keeping one items × dim block of
 * doubles in memory and the other on disk, and writes its rows to disk; the published file is then
 * written item by item, reading each item's embedding back. No step holds the events in Node; the one
 * block (8 · items · dim bytes) is the largest thing Node holds.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ITEM_KNOWLEDGE_DEFAULTS, type ItemKnowledgeOptions, type PublishedItemKnowledge } from '../item-knowledge';
import { checkEmbeddingNeighbours } from '../embedding-neighbours';
import { subspaceEmbeddingRows } from '../subspace';
import { fileBlockStore, rowFileReader, rowFileWriter } from './block-file';
import { edgeFileOperator, writeEdgeFile } from './edge-file';
import { querySqlFile, runSqlFile, runSqlFileInBuckets, streamSqlChunks } from './run-sql';
import type { StepRunner } from './steps';

/** Options of {@link buildItemKnowledgeFile}: the reference's, plus the training split. */
export interface PipelineKnowledgeOptions extends ItemKnowledgeOptions {
  /** Drop each shopper's last this-many events first (0 = all; 2 = a leave-one-out training split). */
  holdOutLast?: number;
  /** Passes of the transitions step's aggregations, each over the pairs of 1/B of the first items (default: {@link transitionBuckets}). */
  transitionBuckets?: number;
  /** Rows one pass of a sorted stream out of the engine (the edge file, the item rows) covers (default {@link STREAM_ROWS_PER_PASS}). */
  streamRowsPerPass?: number;
}

/**
 * Pair rows (walk steps × window) one pass of the transitions step aggregates. Chosen from the
 * scaling runs at the default 2 GB memory limit: 10M events (100M pair rows, 9.5M pairs) aggregate
 * in one pass without spilling; 50M events (500M rows, 45M pairs) in one pass spill and took 211 CPU s
 * against 106–124 in five; so a pass gets at most what 10M events produce.
 */
export const TRANSITION_ROWS_PER_PASS = 100_000_000;

/**
 * DuckDB's memory limit while Node computes the embedding. The engine is idle then, but keeps its
 * cached pages up to its limit; lowering the limit makes it evict them and return the memory, so the
 * process's peak is the embedding's block plus this, not plus the whole limit (measured on 10M
 * events at a 256MB limit: RSS 264 → 166 MB). The limit is restored afterwards, to the 0.1 MiB DuckDB
 * reports it in.
 */
export const EMBEDDING_ENGINE_LIMIT = '32MB';

/**
 * Rows one pass of a window operator ranks or lists (DuckDB's window holds a partition group in
 * memory): the transitions window over 10M walk steps fit a 256MB engine limit in one pass, 50M did not.
 */
export const WINDOW_ROWS_PER_PASS = 10_000_000;

/**
 * Rows one pass of a sorted stream out of the engine covers (the edge file, the item rows): at 50M
 * events under a 256MB limit and a 1,024 MB cgroup, the edge file's 45M entries in passes of 10M failed
 * with DuckDB's "Out of Memory Error: failed to pin block" (the whole stream had passed in one go at a
 * 2,048 MB cgroup), and the item rows in one pass ended early; a pass of this size sorts in memory.
 */
export const STREAM_ROWS_PER_PASS = 2_000_000;

/** Passes the similarity step's ranking needs for `pairs` directed pairs (each ranked at both ends). */
export function similarityBuckets(pairs: number): number {
  return Math.max(1, Math.ceil((2 * pairs) / WINDOW_ROWS_PER_PASS));
}

/** Passes the transitions step needs for `steps` walk rows and a window of `window` steps (≥ 1). */
export function transitionBuckets(steps: number, window: number): number {
  return Math.max(1, Math.ceil((steps * window) / TRANSITION_ROWS_PER_PASS));
}

/** Counts of an item-knowledge build. */
export interface KnowledgeSummary {
  shoppers: number;
  items: number;
  /** Directed item pairs with a co-occurrence weight. */
  pairs: number;
  /** Unordered pairs of the similarity matrix. */
  similarityPairs: number;
  dim: number;
  /** Items with an embedding. */
  embedded: number;
  /** Passes the transitions step ran in. */
  transitionBuckets: number;
}

/**
 * Builds item knowledge from the `events` table (written by a reader, see `inputs.ts`) and writes it
 * to `outFile` in the {@link PublishedItemKnowledge} format, key order and rounding of
 * `publishItemKnowledge` (so either producer can feed a storefront or the benchmark).
 */
export async function buildItemKnowledgeFile(
  conn: DuckDBConnection,
  steps: StepRunner,
  workDir: string,
  outFile: string,
  options: PipelineKnowledgeOptions = {},
): Promise<KnowledgeSummary> {
  const o = { ...ITEM_KNOWLEDGE_DEFAULTS, holdOutLast: 0, ...options };
  if (!(Number.isInteger(o.window) && o.window >= 1)) throw new RangeError(`window must be an integer ≥ 1, got ${o.window}`);
  if (!(o.dim >= 0 && o.dim <= 64)) throw new RangeError(`dim must be in 0..64, got ${o.dim}`);
  checkEmbeddingNeighbours(o.embeddingNeighbours);
  if (!(Number.isInteger(o.holdOutLast) && o.holdOutLast >= 0)) throw new RangeError(`holdOutLast must be an integer ≥ 0, got ${o.holdOutLast}`);
  if (o.transitionBuckets !== undefined && !(Number.isInteger(o.transitionBuckets) && o.transitionBuckets >= 1)) {
    throw new RangeError(`transitionBuckets must be an integer ≥ 1, got ${o.transitionBuckets}`);
  }
  const perPass = o.streamRowsPerPass ?? STREAM_ROWS_PER_PASS;
  if (!(Number.isInteger(perPass) && perPass >= 1)) throw new RangeError(`streamRowsPerPass must be an integer ≥ 1, got ${perPass}`);

  await steps.run('sequences', () => runSqlFile(conn, 'sequences', { hold_out_last: o.holdOutLast }));
  const [counts] = await querySqlFile(conn, 'counts');
  const n = Number(counts!.items);
  const buckets = o.transitionBuckets ?? transitionBuckets(Number(counts!.steps), o.window);
  await steps.run('transitions', () =>
    runSqlFileInBuckets(conn, 'transitions', { window: o.window, decay: o.distanceDecay, backward_weight: o.backwardWeight, beta: o.beta }, buckets),
  );
  await steps.run('top-k', () => runSqlFile(conn, 'top-k', { top_k: o.topK }));

  let embFile: { path: string; rows: number } | undefined;
  let connected: Uint8Array | undefined;
  let similarityPairs = 0;
  if (o.dim > 0 && n > 0) {
    await steps.run('similarity', async () => {
      const [pairs] = await querySqlFile(conn, 'pair-count');
      await runSqlFileInBuckets(conn, 'similarity', { embedding_neighbours: o.embeddingNeighbours }, similarityBuckets(Number(pairs!.pairs)));
      const file = await writeEdgeFile(conn, n, join(workDir, 'similarity.bin'), perPass);
      connected = file.connected;
      similarityPairs = file.pairs;
      return file;
    }).then((file) =>
      steps.run('embedding', async () => {
        const limit = String((await conn.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjectsJS()[0]!.m);
        await conn.run(`SET memory_limit = '${EMBEDDING_ENGINE_LIMIT}'`);
        const store = fileBlockStore(join(workDir, 'block.bin'), n, Math.min(o.dim, n));
        const path = join(workDir, 'embedding.bin');
        const out = rowFileWriter(path, o.dim);
        let rows = 0;
        try {
          subspaceEmbeddingRows(edgeFileOperator(file, () => steps.sample()), o.dim, o.iterations, o.seed, store, (i, row) => out.write(i, row));
        } finally {
          rows = out.close();
          store.close();
          rmSync(join(workDir, 'block.bin'), { force: true });
          await conn.run(`SET memory_limit = '${limit}'`);
        }
        embFile = { path, rows };
      }),
    );
  }
  const dim = embFile ? o.dim : 0;
  let embedded = 0;
  await steps.run('write item knowledge', async () => {
    const emb = embFile ? rowFileReader(embFile.path, dim, embFile.rows) : null;
    try {
      embedded = await writeKnowledge(conn, outFile, dim, emb, connected, n, perPass);
    } finally {
      emb?.close();
    }
  });
  const [pairs] = await querySqlFile(conn, 'pair-count');
  return { shoppers: Number(counts!.shoppers), items: n, pairs: Number(pairs!.pairs), similarityPairs, dim, embedded, transitionBuckets: buckets };
}

/** Streams the published file; returns the number of items with an embedding. */
async function writeKnowledge(
  conn: DuckDBConnection,
  outFile: string,
  dim: number,
  emb: { row(i: number): Float32Array } | null,
  connected: Uint8Array | undefined,
  items: number,
  rowsPerPass: number,
): Promise<number> {
  const out = createWriteStream(outFile);
  let written = 0;
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  let embedded = 0;
  let first = true;
  let buf = '';
  // The item being folded: rows of one idx arrive together, neighbours then predecessors, by rank.
  let cur: { idx: number; id: string; pop: number; nb: [string, number][]; pre: [string, number][] } | undefined;
  const emit = () => {
    if (!cur) return;
    written++;
    let e: number[] | null = null;
    // Every item's row is read, in order, so the file streams through a small buffer.
    const v = emb?.row(cur.idx);
    if (v && connected?.[cur.idx]) {
      let norm = 0;
      for (let k = 0; k < dim; k++) norm += v[k]! ** 2;
      if (norm > 1e-24) {
        const inv = 1 / Math.sqrt(norm);
        // Normalized in float32 like the reference, then rounded for publishing.
        e = Array.from(Float32Array.from(v, (x) => x * inv), (x) => Math.round(x * 1e4) / 1e4);
        embedded++;
      }
    }
    const entry: PublishedItemKnowledge['items'][string] = { pop: cur.pop, nb: cur.nb, pre: cur.pre, emb: e };
    buf += `${first ? '' : ','}${JSON.stringify(cur.id)}:${JSON.stringify(entry)}`;
    first = false;
  };
  await write(`{"version":2,"dim":${dim},"items":{`);
  const [entries] = await querySqlFile(conn, 'list-entries');
  const passes = Math.max(1, Math.ceil(Number(entries!.entries) / rowsPerPass));
  for (let p = 0; p < passes; p++) {
    const range = { lo: Math.floor((items * p) / passes), hi: Math.floor((items * (p + 1)) / passes) };
    const [expected] = await querySqlFile(conn, 'item-row-count', range);
    let rows = 0;
    for await (const chunk of streamSqlChunks(conn, 'item-rows', range)) {
      // Columns of item-rows.sql: idx, id, pop, kind, rank, other, w.
      const [cIdx, cId, cPop, cKind, , cOther, cW] = Array.from({ length: 7 }, (_, i) => chunk.getColumnVector(i));
      for (let r = 0; r < chunk.rowCount; r++) {
        const idx = cIdx!.getItem(r) as number;
        if (cur?.idx !== idx) {
          emit();
          cur = { idx, id: String(cId!.getItem(r)), pop: cPop!.getItem(r) as number, nb: [], pre: [] };
        }
        const kind = cKind!.getItem(r);
        if (kind !== null) (kind === 0 ? cur.nb : cur.pre).push([String(cOther!.getItem(r)), round6(cW!.getItem(r) as number)]);
      }
      rows += chunk.rowCount;
      if (buf.length > 1 << 20) {
        await write(buf);
        buf = '';
      }
    }
    // The node-api returns no error from a stream that fails part way (DuckDB's fetch gives NULL for
    // both the end and an error): seen at 50M events under a 256MB limit in one pass, a well-formed
    // file of 131 MB instead of 2.7 GB. So the rows are counted against the engine's own count.
    if (rows !== Number(expected!.rows)) {
      out.destroy();
      throw new Error(`SiteBuildError: item-rows.sql streamed ${rows} of ${Number(expected!.rows)} rows for items ${range.lo}..${range.hi - 1}; ${outFile} is incomplete`);
    }
  }
  emit();
  await write(buf);
  await write('}}\n');
  out.end();
  await once(out, 'finish');
  if (written !== items) throw new Error(`SiteBuildError: item-rows.sql streamed ${written} of ${items} items; ${outFile} is incomplete`);
  return embedded;
}
