import type { RankedItem, RerankResult } from '../types';

/**
 * The safe answer: candidates in the server's order, unchanged, with `fellBack` saying why.
 * Tolerates any input (non-arrays give an empty list; entries without a usable id are skipped;
 * duplicate ids keep their first place). Small on purpose: the main-thread loader bundles it.
 * @example serverOrder([{ id: 'a' }, { id: 'b' }], undefined, 'worker unavailable', 0).items.map((i) => i.id); // ['a', 'b']
 */
export function serverOrder(candidates: unknown, limit: number | undefined, why: string, tookMs: number): RerankResult {
  const items: RankedItem[] = [];
  if (Array.isArray(candidates)) {
    const seen = new Set<string>();
    const max = limit !== undefined && Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : Infinity;
    const n = Math.min(candidates.length, 100_000);
    for (let from = 0; from < n && items.length < max; from++) {
      const c: unknown = candidates[from];
      const raw = c !== null && typeof c === 'object' ? (c as { id?: unknown }).id : undefined;
      const id = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      items.push({ id, score: -items.length, from, to: items.length });
    }
  }
  return { items, fellBack: why, tookMs };
}
