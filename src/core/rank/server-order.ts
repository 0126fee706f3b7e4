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
    const max = limit !== undefined && Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : Infinity;
    const n = Math.min(candidates.length, 100_000);
    for (let from = 0; from < n && items.length < max; from++) {
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
