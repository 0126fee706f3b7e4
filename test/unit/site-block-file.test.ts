/**
 * The embedding's blocks on disk: the file store gives back what was written, column-major; the
 * embedding computed with it equals the in-memory one bit for bit; the row files round-trip and refuse
 * rows out of order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileBlockStore, rowFileReader, rowFileWriter } from '../../src/site/pipeline/block-file';
import { memoryBlockStore, type SubspaceOperator, subspaceEmbedding, subspaceEmbeddingRows } from '../../src/site/subspace';

const tmp = mkdtempSync(join(tmpdir(), 'pz-block-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A ring of n items, each tied to its next two, with item n − 1 left alone. */
function ring(n: number): SubspaceOperator {
  const nb = (i: number) => (i === n - 1 ? [] : [(i + 1) % (n - 1), (i + 2) % (n - 1)].filter((j) => j !== i)).sort((a, b) => a - b);
  return {
    n,
    isEmpty: (i) => i === n - 1,
    multiplyRows(q, d, emit) {
      const row = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < d; k++) row[k] = q[k * n + i]! / 2;
        for (const j of nb(i)) for (let k = 0; k < d; k++) row[k]! += (0.25 / 2) * q[k * n + j]!;
        emit(i, row);
      }
    },
  };
}

describe('embedding blocks on disk', () => {
  it('a file store reads back the rows written, column-major, block after block (more rows than one buffer)', () => {
    const n = 40_000;
    const d = 3;
    const store = fileBlockStore(join(tmp, 'block.bin'), n, d);
    for (let pass = 0; pass < 2; pass++) {
      const row = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < d; a++) row[a] = i * 10 + a + pass / 2;
        store.write(i, row, d);
      }
      const q = new Float64Array(n * d);
      store.readInto(q, d);
      expect(q[0 * n + 7]).toBe(70 + pass / 2);
      expect(q[2 * n + 39_999]).toBe(399_992 + pass / 2);
      expect(q[1 * n + 20_000]).toBe(200_001 + pass / 2);
    }
    expect(() => store.write(5, new Float64Array(d), d)).toThrow(/BlockFileError/);
    store.close();
  });

  it('refuses to read a block with rows missing', () => {
    const store = fileBlockStore(join(tmp, 'short.bin'), 10, 2);
    store.write(0, new Float64Array(2), 2);
    expect(() => store.readInto(new Float64Array(20), 2)).toThrow(/1 of 10 rows/);
    store.close();
  });

  it('the embedding with its block on disk is the in-memory embedding, bit for bit', () => {
    const n = 20_000;
    const op = ring(n);
    const mem = subspaceEmbedding(op, 8, 4, 3);
    const disk = new Float32Array(n * 8);
    const store = fileBlockStore(join(tmp, 'emb-block.bin'), n, 8);
    subspaceEmbeddingRows(op, 8, 4, 3, store, (i, row) => disk.set(row, i * 8));
    store.close();
    expect(Buffer.from(disk.buffer).equals(Buffer.from(mem.buffer))).toBe(true);
    expect(Array.from(mem.subarray((n - 1) * 8))).toEqual(new Array(8).fill(0));
    expect(mem.some((x) => x !== 0)).toBe(true);
    // The memory store is the same store the reference uses.
    const again = new Float32Array(n * 8);
    subspaceEmbeddingRows(op, 8, 4, 3, memoryBlockStore(n, 8), (i, row) => again.set(row, i * 8));
    expect(Buffer.from(again.buffer).equals(Buffer.from(mem.buffer))).toBe(true);
  });

  it('row files round-trip in order and refuse other orders', () => {
    const path = join(tmp, 'rows.bin');
    const w = rowFileWriter(path, 4);
    const n = 50_000;
    for (let i = 0; i < n; i++) w.write(i, Float32Array.of(i, -i, i / 4, 1));
    expect(() => w.write(7, new Float32Array(4))).toThrow(/BlockFileError/);
    expect(w.close()).toBe(n);
    const r = rowFileReader(path, 4, n);
    for (let i = 0; i < n; i++) {
      const row = r.row(i);
      if (i % 9999 === 0) expect(Array.from(row)).toEqual([i, -i, i / 4, 1]);
    }
    expect(() => r.row(n)).toThrow(/BlockFileError/);
    r.close();
    const r2 = rowFileReader(path, 4, n);
    expect(() => r2.row(3)).toThrow(/read after 0 rows/);
    r2.close();
  });
});
