/**
 * n × d blocks of numbers on disk, for the embedding: the subspace iteration's second block (written row
 * by row while the first is read, then read back whole) and the finished embedding (written row by row,
 * read back in item order while item knowledge is written). Each keeps only a small buffer in memory.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockStore } from '../subspace';

/** Rows buffered before a write (or per read). */
const CHUNK_ROWS = 1 << 14;

/**
 * A {@link BlockStore} in a file: rows are gathered column-major in a buffer of {@link CHUNK_ROWS} rows,
 * each column's piece written at its place in the file, so the block reads back column-major in one
 * sequential pass. Call `close` when done.
 */
export function fileBlockStore(path: string, n: number, d: number): BlockStore & { close(): void } {
  const fd = openSync(path, 'w+');
  const buf = new Float64Array(CHUNK_ROWS * d);
  let first = 0;
  let fill = 0;
  let written = 0;
  const flush = () => {
    for (let a = 0; a < d; a++) {
      const piece = buf.subarray(a * CHUNK_ROWS, a * CHUNK_ROWS + fill);
      writeSync(fd, piece, 0, piece.byteLength, (a * n + first) * 8);
    }
    first += fill;
    fill = 0;
  };
  return {
    write(i, row) {
      if (i !== written) throw new Error(`BlockFileError: row ${i} written after ${written} rows`);
      for (let a = 0; a < d; a++) buf[a * CHUNK_ROWS + fill] = row[a]!;
      fill++;
      written++;
      if (fill === CHUNK_ROWS) flush();
    },
    readInto(q) {
      flush();
      if (written !== n) throw new Error(`BlockFileError: ${written} of ${n} rows written`);
      const bytes = new Uint8Array(q.buffer, q.byteOffset, n * d * 8);
      for (let got = 0; got < bytes.length; ) {
        const r = readSync(fd, bytes, got, Math.min(1 << 26, bytes.length - got), got);
        if (r === 0) throw new Error(`BlockFileError: ${path} ends at byte ${got} of ${bytes.length}`);
        got += r;
      }
      first = 0;
      written = 0;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Writes float32 rows of `dim` values, in order, to `path`. Call `close` when done. */
export function rowFileWriter(path: string, dim: number): { write(i: number, row: Float32Array): void; close(): number } {
  const fd = openSync(path, 'w');
  const buf = new Float32Array(CHUNK_ROWS * dim);
  let fill = 0;
  let rows = 0;
  const flush = () => {
    if (fill > 0) writeSync(fd, buf.subarray(0, fill * dim));
    fill = 0;
  };
  return {
    write(i, row) {
      if (i !== rows) throw new Error(`BlockFileError: row ${i} written after ${rows} rows`);
      buf.set(row.subarray(0, dim), fill * dim);
      fill++;
      rows++;
      if (fill === CHUNK_ROWS) flush();
    },
    close() {
      flush();
      closeSync(fd);
      return rows;
    },
  };
}

/** Reads the rows {@link rowFileWriter} wrote, in order: `row(i)` for i = 0, 1, 2, … (the view is reused). */
export function rowFileReader(path: string, dim: number, rows: number): { row(i: number): Float32Array; close(): void } {
  const fd = openSync(path, 'r');
  const buf = new Float32Array(CHUNK_ROWS * dim);
  let first = 0;
  let count = 0;
  let next = 0;
  return {
    row(i) {
      if (i !== next) throw new Error(`BlockFileError: row ${i} read after ${next} rows`);
      if (i >= rows) throw new Error(`BlockFileError: row ${i} of ${rows}`);
      if (i >= first + count) {
        first = i;
        count = Math.min(CHUNK_ROWS, rows - i);
        const bytes = new Uint8Array(buf.buffer, 0, count * dim * 4);
        for (let got = 0; got < bytes.length; ) {
          const r = readSync(fd, bytes, got, bytes.length - got, first * dim * 4 + got);
          if (r === 0) throw new Error(`BlockFileError: ${path} ends inside row ${first + got / (dim * 4)}`);
          got += r;
        }
      }
      next++;
      return buf.subarray((i - first) * dim, (i - first + 1) * dim);
    },
    close() {
      closeSync(fd);
    },
  };
}
