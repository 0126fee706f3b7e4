import { describe, expect, it } from 'vitest';
import { keepStrongestPairs, rankKey } from '../../src/site/embedding-neighbours';
import { buildItemKnowledge, itemKnowledgeFromPublished, itemPopularity, publishItemKnowledge } from '../../src/site/item-knowledge';
import { createRng } from '../../src/core/util/rng';
import { HAND_PAIRS, HAND_PAIRS_KEPT } from './hand-pairs';

// Two clusters of items that co-occur only within their cluster.
const sequences: string[][] = [];
for (let u = 0; u < 40; u++) {
  const cluster = u % 2 === 0 ? ['a1', 'a2', 'a3', 'a4'] : ['b1', 'b2', 'b3', 'b4'];
  const rot = u % 4;
  sequences.push([...cluster.slice(rot), ...cluster.slice(0, rot)]);
}

const cos = (x: Float32Array, y: Float32Array): number => x.reduce((s, v, i) => s + v * y[i]!, 0);

describe('site item knowledge', () => {
  it('counts popularity once per sequence', () => {
    const pop = itemPopularity([['x', 'y', 'x'], ['x']]);
    expect(pop.get('x')).toBe(2);
    expect(pop.get('y')).toBe(1);
  });

  it('publishes neighbours only from co-occurrence, strongest first', () => {
    const k = buildItemKnowledge(sequences, { dim: 4 });
    const nb = k.neighbours('a1');
    expect(nb.length).toBe(3);
    expect(nb.every((n) => n.id.startsWith('a'))).toBe(true);
    for (let i = 1; i < nb.length; i++) expect(nb[i - 1]!.weight).toBeGreaterThanOrEqual(nb[i]!.weight);
    expect(k.similarity('a1', 'b1')).toBe(0);
    expect(k.similarity('a1', nb[0]!.id)).toBe(nb[0]!.weight);
    expect(k.neighbours('unknown')).toEqual([]);
    expect(k.popularity('unknown')).toBe(0);
    expect(k.indexOf('unknown')).toBe(-1);
  });

  it('lists predecessors as the mirror of neighbours: h precedes c with sim(h → c)', () => {
    const k = buildItemKnowledge([['x', 'y', 'z'], ['x', 'z'], ['w', 'z']], { dim: 0, backwardWeight: 0 });
    const pre = k.predecessors('z');
    expect(pre.map((p) => p.id).sort()).toEqual(['w', 'x', 'y']);
    for (const p of pre) expect(p.weight).toBe(k.similarity(p.id, 'z'));
    for (let i = 1; i < pre.length; i++) expect(pre[i - 1]!.weight).toBeGreaterThanOrEqual(pre[i]!.weight);
    // Nothing follows z, so nothing has z as a predecessor; x starts every sequence it is in.
    expect(k.neighbours('z')).toEqual([]);
    expect(k.predecessors('x')).toEqual([]);
    expect(k.predecessors('unknown')).toEqual([]);
  });

  it('builds unit-norm embeddings that separate the clusters', () => {
    const k = buildItemKnowledge(sequences, { dim: 4, seed: 3 });
    const a1 = k.embedding('a1')!;
    const a2 = k.embedding('a2')!;
    const b1 = k.embedding('b1')!;
    expect(a1.length).toBe(4);
    expect(cos(a1, a1)).toBeCloseTo(1, 6);
    expect(cos(a1, a2)).toBeGreaterThan(cos(a1, b1) + 0.5);
    expect(k.embedding('unknown')).toBeUndefined();
  });

  it('is deterministic for a seed', () => {
    const a = publishItemKnowledge(buildItemKnowledge(sequences, { dim: 4, seed: 9 }));
    const b = publishItemKnowledge(buildItemKnowledge(sequences, { dim: 4, seed: 9 }));
    expect(a).toEqual(b);
    expect(a.items.a1?.emb?.length).toBe(4);
    expect(a.items.a1?.pre.map(([id]) => id).sort()).toEqual(['a2', 'a3', 'a4']);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('gives an item without co-occurrences no embedding', () => {
    const k = buildItemKnowledge([['lonely'], ['p', 'q']], { dim: 2 });
    expect(k.embedding('lonely')).toBeUndefined();
    expect(k.embedding('p')).toBeDefined();
  });

  it('rejects bad options by name', () => {
    expect(() => buildItemKnowledge(sequences, { dim: 65 })).toThrow(/dim/);
    expect(() => buildItemKnowledge(sequences, { window: 0 })).toThrow(/window/);
    expect(() => buildItemKnowledge(sequences, { embeddingNeighbours: 0 })).toThrow(/embeddingNeighbours/);
    expect(() => buildItemKnowledge(sequences, { embeddingNeighbours: 2.5 })).toThrow(/embeddingNeighbours/);
  });
});

describe('embedding neighbour cap', () => {
  it('keeps a pair when it is among the cap strongest of either of its items', () => {
    for (const [cap, kept] of Object.entries(HAND_PAIRS_KEPT)) {
      expect(Array.from(keepStrongestPairs(HAND_PAIRS.lo, HAND_PAIRS.hi, HAND_PAIRS.w, HAND_PAIRS.n, Number(cap))), `cap ${cap}`).toEqual(kept);
    }
  });

  it('ranks by weight rounded to 1e-9, so last-digit differences between producers cannot reorder a tie', () => {
    expect(rankKey(1 + 1e-13)).toBe(rankKey(1));
    expect(rankKey(1 + 2e-9)).toBeGreaterThan(rankKey(1));
  });

  it('bounds the pairs by cap · items on a dense random graph, and every item with a pair keeps one', () => {
    const rng = createRng(4);
    const n = 60;
    const lo: number[] = [];
    const hi: number[] = [];
    const w: number[] = [];
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (rng() < 0.5) {
          lo.push(a);
          hi.push(b);
          w.push(rng());
        }
      }
    }
    for (const cap of [1, 3, 10]) {
      const k = keepStrongestPairs(Int32Array.from(lo), Int32Array.from(hi), Float64Array.from(w), n, cap);
      const kept = k.reduce((s, x) => s + x, 0);
      expect(kept).toBeLessThanOrEqual(cap * n);
      expect(kept).toBeLessThan(lo.length);
      const has = new Set<number>();
      for (let p = 0; p < k.length; p++) {
        if (k[p]) has.add(lo[p]!).add(hi[p]!);
      }
      expect(has.size).toBe(new Set([...lo, ...hi]).size);
    }
    expect(() => keepStrongestPairs(Int32Array.of(), Int32Array.of(), Float64Array.of(), 0, 0)).toThrow(/embeddingNeighbours/);
  });

  it('changes the embeddings of a dense co-occurrence, never the published lists', () => {
    const dense = Array.from({ length: 30 }, (_, u) => Array.from({ length: 12 }, (_, i) => `i${(u * 7 + i * (1 + (u % 5))) % 25}`));
    const wide = publishItemKnowledge(buildItemKnowledge(dense, { dim: 4, embeddingNeighbours: 1000 }));
    const capped = publishItemKnowledge(buildItemKnowledge(dense, { dim: 4, embeddingNeighbours: 3 }));
    for (const id of Object.keys(wide.items)) {
      expect(capped.items[id]!.nb).toEqual(wide.items[id]!.nb);
      expect(capped.items[id]!.pre).toEqual(wide.items[id]!.pre);
      expect(capped.items[id]!.emb === null).toBe(wide.items[id]!.emb === null);
    }
    expect(Object.keys(wide.items).some((id) => JSON.stringify(capped.items[id]!.emb) !== JSON.stringify(wide.items[id]!.emb))).toBe(true);
  });
});

describe('published item knowledge read back', () => {
  it('answers like the build it was published from, at published precision', () => {
    const k = buildItemKnowledge(sequences, { dim: 4, seed: 2 });
    const back = itemKnowledgeFromPublished(publishItemKnowledge(k));
    expect(back.itemIds).toEqual(k.itemIds);
    expect(back.dim).toBe(4);
    for (const id of k.itemIds) {
      expect(back.popularity(id)).toBe(k.popularity(id));
      expect(back.neighbours(id).map((n) => n.id)).toEqual(k.neighbours(id).map((n) => n.id));
      expect(back.predecessors(id).map((n) => n.id)).toEqual(k.predecessors(id).map((n) => n.id));
      const nb = k.neighbours(id)[0];
      if (nb) expect(back.similarity(id, nb.id)).toBeCloseTo(nb.weight, 5);
      const e = k.embedding(id)!;
      const b = back.embedding(id)!;
      for (let i = 0; i < e.length; i++) expect(b[i]).toBeCloseTo(e[i]!, 3);
    }
    expect(back.indexOf('nope')).toBe(-1);
    expect(back.neighbours('nope')).toEqual([]);
    expect(() => itemKnowledgeFromPublished({ version: 1 } as never)).toThrow(/version/);
  });
});
