/**
 * Item-to-item similarity for diversity: category paths and brands, interned to small integers once
 * per list so the maximal-marginal-relevance loop compares numbers, not strings.
 */
import type { Candidate } from '../types';

/** Share of similarity that comes from the category path; the rest comes from the brand. */
export const CATEGORY_WEIGHT = 0.7;
/** Share of similarity that comes from the brand. */
export const BRAND_WEIGHT = 1 - CATEGORY_WEIGHT;

/**
 * Interned diversity keys of a list, indexed like the list.
 * @example diversityKeys([{ id: 'a', category: 'home/garden', brand: 'Acme' }]).category; // Int32Array [0]
 */
export interface DiversityKeys {
  /** Per item: ids of its category prefixes, most general first (`a`, `a/b`, `a/b/c`); empty when unknown. */
  categoryPrefixes: Int32Array[];
  /** Per item: id of its full category path, or -1 when unknown. Used by the per-category cap. */
  category: Int32Array;
  /** Per item: id of its brand, or -1 when unknown. */
  brand: Int32Array;
  /** Number of distinct full category paths (upper bound of `category`). */
  categoryCount: number;
  /**
   * Per item: id of its (category path, brand) pair. Similarity depends on nothing else, so MMR can
   * track one "most similar so far" per group instead of per item: lists have few distinct groups.
   */
  group: Int32Array;
  /** Number of distinct groups. */
  groupCount: number;
  /** Per group: one member item, to compute the group's similarities with. */
  groupMember: Int32Array;
  /**
   * {@link categorySimilarity} by full category path id (`categoryCount`² entries, row-major), when the
   * list has at most {@link CATEGORY_TABLE_MAX} paths: the MMR loop then reads a number instead of
   * comparing prefixes.
   */
  categorySim?: Float64Array | undefined;
}

/** Largest (path, brand) pair table {@link diversityKeys} numbers groups with; past it, a map. */
const GROUP_TABLE_MAX = 4096;

/** Most distinct category paths for which {@link diversityKeys} tabulates their similarities (64² numbers). */
export const CATEGORY_TABLE_MAX = 64;

const EMPTY = new Int32Array(0);

/** Case- and spacing-insensitive path segments: `" Beauty / Lipstick/"` → `["beauty", "lipstick"]`. */
function pathSegments(category: string): string[] {
  const out: string[] = [];
  for (const part of category.split('/')) {
    const s = part.trim().toLowerCase();
    if (s.length > 0) out.push(s);
  }
  return out;
}

/**
 * Interns the category paths and brands of a list.
 *
 * @example
 * const keys = diversityKeys([{ id: 'a', category: 'beauty/lipstick' }, { id: 'b', category: 'Beauty/Mascara' }]);
 * similarity(keys, 0, 1); // 0.35: same top level, different leaf, no brand
 */
export function diversityKeys(candidates: readonly Candidate[]): DiversityKeys {
  const n = candidates.length;
  const prefixIds = new Map<string, number>();
  const fullIds = new Map<string, number>();
  const brandIds = new Map<string, number>();
  const rawBrands = new Map<string, number>();
  // Lists repeat a handful of category strings, so each raw string is parsed once.
  const parsed = new Map<string, { prefixes: Int32Array; full: number }>();
  const categoryPrefixes: Int32Array[] = new Array<Int32Array>(n);
  const category = new Int32Array(n).fill(-1);
  const brand = new Int32Array(n).fill(-1);
  const group = new Int32Array(n);
  const groupMember: number[] = [];
  const categoryMember: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    categoryPrefixes[i] = EMPTY;
    if (c?.category !== undefined) {
      let entry = parsed.get(c.category);
      if (entry === undefined) {
        const segments = pathSegments(c.category);
        const prefixes = new Int32Array(segments.length);
        let path = '';
        for (let d = 0; d < segments.length; d++) {
          path = d === 0 ? (segments[d] as string) : path + '/' + (segments[d] as string);
          let id = prefixIds.get(path);
          if (id === undefined) prefixIds.set(path, (id = prefixIds.size));
          prefixes[d] = id;
        }
        let full = -1;
        if (segments.length > 0) {
          full = fullIds.get(path) ?? -1;
          if (full < 0) {
            // A path is new at the first item that has it (under any spelling): its member.
            fullIds.set(path, (full = fullIds.size));
            categoryMember.push(i);
          }
        }
        entry = { prefixes, full };
        parsed.set(c.category, entry);
      }
      categoryPrefixes[i] = entry.prefixes;
      category[i] = entry.full;
    }
    if (c?.brand !== undefined) {
      // Lists repeat a handful of brand spellings too: each raw string is normalised once.
      let id = rawBrands.get(c.brand);
      if (id === undefined) {
        const b = c.brand.trim().toLowerCase();
        id = -1;
        if (b.length > 0) {
          id = brandIds.get(b) ?? -1;
          if (id < 0) brandIds.set(b, (id = brandIds.size));
        }
        rawBrands.set(c.brand, id);
      }
      brand[i] = id;
    }
  }
  // Groups in order of first appearance: through a table of (path, brand) pairs when it is small,
  // else a map (both ids are < 2^21, lists are capped far below that, so a pair packs into one number).
  const paths = fullIds.size + 1;
  const brands = brandIds.size + 1;
  let groupCount = 0;
  if (paths * brands <= GROUP_TABLE_MAX) {
    const table = new Int32Array(paths * brands).fill(-1);
    for (let i = 0; i < n; i++) {
      const pair = ((category[i] as number) + 1) * brands + ((brand[i] as number) + 1);
      let g = table[pair] as number;
      if (g < 0) {
        table[pair] = g = groupCount++;
        groupMember.push(i);
      }
      group[i] = g;
    }
  } else {
    const groupIds = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const pair = ((category[i] as number) + 1) * 2_097_152 + ((brand[i] as number) + 1);
      let g = groupIds.get(pair);
      if (g === undefined) {
        groupIds.set(pair, (g = groupCount++));
        groupMember.push(i);
      }
      group[i] = g;
    }
  }
  const keys: DiversityKeys = {
    categoryPrefixes,
    category,
    brand,
    categoryCount: fullIds.size,
    group,
    groupCount,
    groupMember: Int32Array.from(groupMember),
  };
  const m = fullIds.size;
  if (m <= CATEGORY_TABLE_MAX) {
    // Items of one full path share its prefixes, so one member per path stands for all.
    const table = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) table[a * m + b] = categorySimilarity(keys, categoryMember[a] as number, categoryMember[b] as number);
    keys.categorySim = table;
  }
  return keys;
}

/**
 * Category-path similarity in [0, 1]: shared leading segments over the longer path's depth, so the
 * same path is 1, siblings under one top level share partly (`a/b` vs `a/c` = 0.5), and different
 * top levels or unknown categories are 0.
 *
 * @example categorySimilarity(keys, i, j); // 2/3 for "a/b/c" vs "a/b/d"
 */
export function categorySimilarity(keys: DiversityKeys, i: number, j: number): number {
  const a = keys.categoryPrefixes[i] ?? EMPTY;
  const b = keys.categoryPrefixes[j] ?? EMPTY;
  const depth = Math.min(a.length, b.length);
  let shared = 0;
  while (shared < depth && a[shared] === b[shared]) shared++;
  return shared === 0 ? 0 : shared / Math.max(a.length, b.length);
}

/**
 * Similarity of two items of a list in [0, 1]: weighted category-path similarity plus same brand.
 *
 * @example similarity(diversityKeys(list), 0, 1); // 1 for two items of the same category and brand
 */
export function similarity(keys: DiversityKeys, i: number, j: number): number {
  const bi = keys.brand[i] ?? -1;
  const sameBrand = bi >= 0 && bi === keys.brand[j] ? 1 : 0;
  const table = keys.categorySim;
  let category: number;
  if (table === undefined) category = categorySimilarity(keys, i, j);
  else {
    // An item without a category path (id -1) shares nothing.
    const a = keys.category[i] ?? -1;
    const b = keys.category[j] ?? -1;
    category = a < 0 || b < 0 ? 0 : (table[a * keys.categoryCount + b] as number);
  }
  return CATEGORY_WEIGHT * category + BRAND_WEIGHT * sameBrand;
}
