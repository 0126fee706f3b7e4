/**
 * The similarity matrix on disk, as rows: each pair (lo, hi, v) of the `similarity` table written twice,
 * as entries (lo → hi) and (hi → lo), ordered by (row, column), in binary blocks of fixed size; every
 * product `S·q` of the subspace iteration streams it once and produces the result row by row, so the
 * result can leave memory as it is formed. Memory stays at one block whatever the number of pairs.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SubspaceOperator } from '../subspace';
import { querySqlFile, streamSqlChunks } from './run-sql';

/** Entries per block. */
const BLOCK = 1 << 16;

/** What {@link writeEdgeFile} wrote. */
export interface EdgeFile {
  path: string;
  n: number;
  /** Unordered pairs (each stored as two entries). */
  pairs: number;
  /** 1 for items with at least one pair. */
  connected: Uint8Array;
}

/**
 * Copies the rows of `similarity` into `path` as entries ordered by (row, column), in passes over
 * contiguous ranges of rows, one per `entriesPerPass` entries (`sql/edge-rows.sql`; each pass sorts only
 * its range). The order is
 * fixed, so the embedding's sums are the same however the engine stored the table; the entries are
 * counted against the table, so a stream that ended early fails instead of giving a smaller matrix.
 */
export async function writeEdgeFile(conn: DuckDBConnection, n: number, path: string, entriesPerPass: number): Promise<EdgeFile> {
  const [count] = await querySqlFile(conn, 'edge-count');
  const pairs = Number(count!.pairs);
  const passes = Math.max(1, Math.ceil((2 * pairs) / entriesPerPass));
  const fd = openSync(path, 'w');
  const connected = new Uint8Array(n);
  const row = new Int32Array(BLOCK);
  const col = new Int32Array(BLOCK);
  const v = new Float64Array(BLOCK);
  const header = new Int32Array(1);
  let fill = 0;
  let entries = 0;
  const flush = () => {
    if (fill === 0) return;
    header[0] = fill;
    writeSync(fd, header);
    writeSync(fd, row.subarray(0, fill));
    writeSync(fd, col.subarray(0, fill));
    writeSync(fd, v.subarray(0, fill));
    fill = 0;
  };
  try {
    for (let p = 0; p < passes; p++) {
      const lo = Math.floor((n * p) / passes);
      const hi = Math.floor((n * (p + 1)) / passes);
      for await (const chunk of streamSqlChunks(conn, 'edge-rows', { lo, hi })) {
        const cr = chunk.getColumnVector(0);
        const cc = chunk.getColumnVector(1);
        const cv = chunk.getColumnVector(2);
        for (let r = 0; r < chunk.rowCount; r++) {
          const a = cr.getItem(r) as number;
          row[fill] = a;
          col[fill] = cc.getItem(r) as number;
          v[fill] = cv.getItem(r) as number;
          connected[a] = 1;
          fill++;
          entries++;
          if (fill === BLOCK) flush();
        }
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  if (entries !== 2 * pairs) throw new Error(`SiteBuildError: edge-rows.sql streamed ${entries} of ${2 * pairs} entries; ${path} is incomplete`);
  return { path, n, pairs, connected };
}

/**
 * The operator `M = (I + S) / 2` over an edge file: each product reads the file once, block by block,
 * and emits row i once its entries (ascending column) are added, in row order.
 */
export function edgeFileOperator(file: EdgeFile, onPass: () => void = () => undefined): SubspaceOperator {
  const header = new Int32Array(1);
  const rows = new Int32Array(BLOCK);
  const cols = new Int32Array(BLOCK);
  const v = new Float64Array(BLOCK);
  const readFully = (fd: number, view: Int32Array | Float64Array, count: number) => {
    const bytes = count * view.BYTES_PER_ELEMENT;
    const buf = new Uint8Array(view.buffer, view.byteOffset, bytes);
    let got = 0;
    while (got < bytes) {
      const r = readSync(fd, buf, got, bytes - got, null);
      if (r === 0) throw new Error(`EdgeFileError: ${file.path} ends inside a block`);
      got += r;
    }
  };
  const { n } = file;
  return {
    n,
    isEmpty: (i) => file.connected[i] === 0,
    multiplyRows(q, d, emit) {
      const out = new Float64Array(d);
      let i = 0;
      const start = (r: number) => {
        for (let k = 0; k < d; k++) out[k] = q[k * n + r]! / 2;
      };
      start(0);
      const fd = openSync(file.path, 'r');
      try {
        for (;;) {
          const r = readSync(fd, new Uint8Array(header.buffer), 0, 4, null);
          if (r === 0) break;
          const count = header[0]!;
          readFully(fd, rows, count);
          readFully(fd, cols, count);
          readFully(fd, v, count);
          for (let p = 0; p < count; p++) {
            const row = rows[p]!;
            while (i < row) {
              emit(i, out);
              start(++i);
            }
            const w = v[p]! / 2;
            const j = cols[p]!;
            for (let k = 0; k < d; k++) out[k]! += w * q[k * n + j]!;
          }
        }
      } finally {
        closeSync(fd);
      }
      while (i < n) {
        emit(i, out);
        if (++i < n) start(i);
      }
      onPass();
    },
  };
}
