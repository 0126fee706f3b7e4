/**
 * Compares two published item-knowledge files (say, the in-memory reference and the SQL pipeline, or
 * the pipeline and a warehouse run). Weights are published rounded to 1e-6, so two producers that sum
 * the same terms in a different order can differ by one unit in the last digit, and entries whose
 * weights tie may come in either order; everything else must be identical.
 */
import type { PublishedItemKnowledge } from '../item-knowledge';

/** Differences found by {@link compareKnowledge}. */
export interface KnowledgeComparison {
  items: number;
  /** Lists (neighbours and predecessors) compared. */
  lists: number;
  /** Lists equal entry by entry. */
  identicalLists: number;
  /** Lists equal up to the order of tied weights (and which tied entries a top-K cut kept). */
  tieOrderLists: number;
  /** Lists that differ otherwise; the first few are described in `examples`. */
  differentLists: number;
  /** Largest weight difference at the same rank. */
  maxWeightDiff: number;
  /** Items whose popularity differs. */
  popularityDiffs: number;
  /** Largest difference of an embedding coordinate (published values, rounded to 1e-4). */
  maxEmbeddingDiff: number;
  /** Items with an embedding in one file and none in the other. */
  embeddingPresenceDiffs: number;
  /** Items in one file only. */
  missingItems: number;
  examples: string[];
}

/** Two published weights differing by at most this are one value (two rounding units). */
const WEIGHT_TOLERANCE = 2.000001e-6;

type Entry = [string, number];

function compareList(a: readonly Entry[], b: readonly Entry[]): { kind: 'same' | 'ties' | 'different'; maxDiff: number } {
  let maxDiff = 0;
  if (a.length !== b.length) return { kind: 'different', maxDiff: Number.POSITIVE_INFINITY };
  let same = true;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]![1] - b[i]![1]));
    if (a[i]![0] !== b[i]![0]) same = false;
  }
  if (maxDiff > WEIGHT_TOLERANCE) return { kind: 'different', maxDiff };
  if (same) return { kind: 'same', maxDiff };
  // Walk runs of tied weights: each run must hold the same ids, except the last run, cut by top-K.
  const wb = new Map(b);
  let i = 0;
  while (i < a.length) {
    let j = i + 1;
    while (j < a.length && Math.abs(a[j]![1] - a[i]![1]) <= WEIGHT_TOLERANCE) j++;
    const runA = new Set(a.slice(i, j).map((e) => e[0]));
    const runB = new Set(b.slice(i, j).map((e) => e[0]));
    const last = j === a.length;
    for (const id of runA) {
      if (runB.has(id)) continue;
      // Across a run boundary or the top-K cut, an id may sit in a neighbouring tied position.
      const w = wb.get(id);
      if (!last && (w === undefined || Math.abs(w - a[i]![1]) > WEIGHT_TOLERANCE)) return { kind: 'different', maxDiff };
    }
    i = j;
  }
  return { kind: 'ties', maxDiff };
}

/**
 * Compares `other` against `reference`.
 * @example const c = compareKnowledge(publishItemKnowledge(buildItemKnowledge(seqs)), JSON.parse(readFileSync(file, 'utf8')));
 */
export function compareKnowledge(reference: PublishedItemKnowledge, other: PublishedItemKnowledge): KnowledgeComparison {
  const c: KnowledgeComparison = {
    items: 0,
    lists: 0,
    identicalLists: 0,
    tieOrderLists: 0,
    differentLists: 0,
    maxWeightDiff: 0,
    popularityDiffs: 0,
    maxEmbeddingDiff: 0,
    embeddingPresenceDiffs: 0,
    missingItems: 0,
    examples: [],
  };
  const ids = new Set([...Object.keys(reference.items), ...Object.keys(other.items)]);
  for (const id of ids) {
    const a = reference.items[id];
    const b = other.items[id];
    if (!a || !b) {
      c.missingItems++;
      if (c.examples.length < 5) c.examples.push(`${id}: only in the ${a ? 'reference' : 'other'} file`);
      continue;
    }
    c.items++;
    if (a.pop !== b.pop) c.popularityDiffs++;
    for (const key of ['nb', 'pre'] as const) {
      c.lists++;
      const r = compareList(a[key], b[key]);
      c.maxWeightDiff = Math.max(c.maxWeightDiff, r.maxDiff);
      if (r.kind === 'same') c.identicalLists++;
      else if (r.kind === 'ties') c.tieOrderLists++;
      else {
        c.differentLists++;
        if (c.examples.length < 5) c.examples.push(`${id} ${key}: ${JSON.stringify(a[key].slice(0, 5))} vs ${JSON.stringify(b[key].slice(0, 5))}`);
      }
    }
    if ((a.emb === null) !== (b.emb === null)) c.embeddingPresenceDiffs++;
    else if (a.emb && b.emb) {
      if (a.emb.length !== b.emb.length) c.maxEmbeddingDiff = Number.POSITIVE_INFINITY;
      else for (let k = 0; k < a.emb.length; k++) c.maxEmbeddingDiff = Math.max(c.maxEmbeddingDiff, Math.abs(a.emb[k]! - b.emb[k]!));
    }
  }
  return c;
}
