import type { RelatedItem } from '../types';

/** Longest related-items list that is kept (extra entries are ignored). */
export const MAX_RELATED = 100;

/**
 * Reads a related-items list from untrusted input: entries need an own string `id` (1–200 characters)
 * and a finite `score` in (0, 1]; other entries are skipped (reported through `onSkip`), at most
 * {@link MAX_RELATED} are kept, and each kept entry is a fresh `{ id, score }` object.
 * Returns undefined for anything that is not a non-empty array of valid entries.
 */
export function readRelated(value: unknown, onSkip?: (index: number) => void): RelatedItem[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: RelatedItem[] = [];
  for (let i = 0; i < value.length && out.length < MAX_RELATED; i++) {
    const r: unknown = value[i];
    const id = r !== null && typeof r === 'object' && Object.hasOwn(r, 'id') ? (r as { id: unknown }).id : undefined;
    const score = r !== null && typeof r === 'object' && Object.hasOwn(r, 'score') ? (r as { score: unknown }).score : undefined;
    if (typeof id === 'string' && id.length > 0 && id.length <= 200 && typeof score === 'number' && score > 0 && score <= 1) {
      out.push({ id, score });
    } else onSkip?.(i);
  }
  return out.length > 0 ? out : undefined;
}
