/**
 * The similarity matrix on disk: the rows of the `similarity` table (lo, hi, v) copied once into a
 * binary file of fixed-size blocks, then streamed block by block for every product `S·q` of the
 * subspace iteration. Memory stays at one block whatever the number of pairs.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SubspaceOperator } from '../subspace';

/** Rows per block. */
const BLOCK = 1 << 16;

/** What {@link writeEdgeFile} wrote. */
export interface EdgeFile {
  path: string;
  n: number;
  pairs: number;
  /** 1 for items with at least one pair. */
  connected: Uint8Array;
}

/**
 * Copies the rows of `similarity` into `path`, ordered by (lo, hi): the embedding adds each row's
 * products in file order, so a fixed order keeps its bits the same however the engine stored the
 * table (threads, spilled partitions, passes).
 */
export async function writeEdgeFile(conn: DuckDBConnection, n: number, path: string): Promise<EdgeFile> {
  const fd = openSync(path, 'w');
  const connected = new Uint8Array(n);
  const lo = new Int32Array(BLOCK);
  const hi = new Int32Array(BLOCK);
  const v = new Float64Array(BLOCK);
  const header = new Int32Array(1);
  let fill = 0;
  let pairs = 0;
  const flush = () => {
    if (fill === 0) return;
    header[0] = fill;
    writeSync(fd, header);
    writeSync(fd, lo.subarray(0, fill));
    writeSync(fd, hi.subarray(0, fill));
    writeSync(fd, v.subarray(0, fill));
    fill = 0;
  };
  try {
    const result = await conn.stream('SELECT lo, hi, v FROM similarity ORDER BY lo, hi');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const cl = chunk.getColumnVector(0);
      const ch = chunk.getColumnVector(1);
      const cv = chunk.getColumnVector(2);
      for (let r = 0; r < chunk.rowCount; r++) {
        const a = cl.getItem(r) as number;
        const b = ch.getItem(r) as number;
        lo[fill] = a;
        hi[fill] = b;
        v[fill] = cv.getItem(r) as number;
        connected[a] = 1;
        connected[b] = 1;
        fill++;
        pairs++;
        if (fill === BLOCK) flush();
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { path, n, pairs, connected };
}

/**
 * The operator `M = (I + S) / 2` over an edge file: each product reads the file once, block by block.
 * Each stored pair contributes in both directions (S is symmetric).
 */
export function edgeFileOperator(file: EdgeFile, onPass: () => void = () => undefined): SubspaceOperator {
  const header = new Int32Array(1);
  const lo = new Int32Array(BLOCK);
  const hi = new Int32Array(BLOCK);
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
  return {
    n: file.n,
    isEmpty: (i) => file.connected[i] === 0,
    multiply(q, out, d) {
      for (let i = 0; i < q.length; i++) out[i] = q[i]! / 2;
      const fd = openSync(file.path, 'r');
      try {
        for (;;) {
          const r = readSync(fd, new Uint8Array(header.buffer), 0, 4, null);
          if (r === 0) break;
          const count = header[0]!;
          readFully(fd, lo, count);
          readFully(fd, hi, count);
          readFully(fd, v, count);
          for (let p = 0; p < count; p++) {
            const w = v[p]! / 2;
            const ab = lo[p]! * d;
            const bb = hi[p]! * d;
            for (let k = 0; k < d; k++) {
              out[ab + k]! += w * q[bb + k]!;
              out[bb + k]! += w * q[ab + k]!;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      onPass();
    },
  };
}
