import { readIdSet, readItemId } from '../input/item';
import type { RankedItem, RerankResult } from '../types';

/**
 * The safe answer: candidates in the server's order, unchanged, with `fellBack` saying why.
 * Tolerates any input (non-arrays give an empty list; entries without a usable id are skipped, by
 * the same id rule as the worker, {@link readItemId}; duplicate ids keep their first place; ids in
 * `exclude` are left out). Small on purpose: the main-thread loader bundles it.
 * @example serverOrder([{ id: 'a' }, { id: 2 }], undefined, 'worker unavailable', 0).items.map((i) => i.id); // ['a', '2']
 */
export function serverOrder(
  candidates: unknown,
  limit: number | undefined,
  why: string,
  tookMs: number,
  exclude?: unknown,
): RerankResult {
  const items: RankedItem[] = [];
  if (Array.isArray(candidates)) {
    const seen = readIdSet(exclude) ?? new Set<string>();
    // undefined, NaN and negative limits are no limit (`>=` is false for the first two).
    const max = (limit as number) >= 0 ? Math.floor(limit as number) : Infinity;
    for (let from = 0; from < candidates.length && from < 100_000 && items.length < max; from++) {
      let id: string | undefined;
      try {
        id = readItemId(candidates[from]);
      } catch {
        // an entry that throws when read is skipped, as in the worker
      }
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      items.push({ id, score: -items.length, from: items.length, to: items.length });
    }
  }
  return { items, fellBack: why, tookMs };
}
