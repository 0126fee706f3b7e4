/**
 * The packed form of a {@link RerankResult}, for the answer to a packed rerank: scores and positions
 * in one typed array the worker transfers, ids as one array of strings, reasons only where there is
 * one. Lossless: {@link unpackResult} of {@link packResult} is the same result.
 */
import type { RankedItem, RerankResult } from '../types';

/**
 * A rerank result in columns: item `k` of the result is `ids[k]`, `numbers[3k..3k+2]` and `reasons[k]`.
 * @example packResult({ items: [{ id: 'a', score: 1.5, from: 1, to: 0, reason: 'r' }], fellBack: false, tookMs: 2 }); // { ids: ['a'], numbers: Float64Array [1.5, 1, 0], reasons: ['r'], fellBack: false, tookMs: 2 }
 */
export interface PackedRerankResult {
  ids: string[];
  /** Three per item: its score, `from` and `to` (positions are small integers, exact as doubles). */
  numbers: Float64Array;
  /** Sparse: an entry only where the item has a reason. */
  reasons: string[];
  fellBack: false | string;
  tookMs: number;
  listId?: string;
}

/**
 * A result in columns; transfer `numbers.buffer`.
 * @example const packed = packResult(result); postMessage(packed, [packed.numbers.buffer]);
 */
export function packResult({ items, ...rest }: RerankResult): PackedRerankResult {
  const p: PackedRerankResult = { ids: [], numbers: new Float64Array(3 * items.length), reasons: [], ...rest };
  const { ids, numbers, reasons } = p;
  // Written in place: this runs in the worker after every packed rerank.
  for (let k = 0; k < items.length; k++) {
    const item = items[k] as RankedItem;
    ids.push(item.id);
    numbers[3 * k] = item.score;
    numbers[3 * k + 1] = item.from;
    numbers[3 * k + 2] = item.to;
    if (item.reason !== undefined) reasons[k] = item.reason;
  }
  return p;
}

/**
 * The {@link RerankResult} a packed one stands for (items in the key order the engine writes them).
 * Throws a `TypeError` when a column is missing, so a caller can fall back.
 * @example unpackResult(packResult(result)); // deep-equal to result
 */
export function unpackResult({ ids, numbers, reasons, ...rest }: PackedRerankResult): RerankResult {
  return {
    items: ids.map((id, k) => {
      const item: RankedItem = { id, score: numbers[3 * k] as number, from: numbers[3 * k + 1] as number, to: numbers[3 * k + 2] as number };
      if (k in reasons) item.reason = reasons[k] as string;
      return item;
    }),
    ...rest,
  };
}
