/**
 * How item ids, category paths, brands and tags become profile keys. The reducer and the accessors
 * both go through these, so a lookup always finds what an event credited.
 */
import { boundedKey } from '../util/hash';
import { PROFILE_CAPS } from './config';
import { memo } from '../util/memo';

/**
 * Profile key of an item id: the id itself when it takes ≤ 16 bytes of JSON, else prefix + hash.
 * Use it to compare candidate ids with {@link recentItems}.
 * @example itemKey('sku-1'); // 'sku-1'
 */
export function itemKey(id: string): string {
  return boundedKey(id, PROFILE_CAPS.itemKeyLength);
}

/** Profile key of a brand: trimmed, lower-cased, bounded. Empty brands give `undefined`. */
export const brandKey: (brand: string) => string | undefined = memo((brand) => {
  const b = brand.trim().toLowerCase();
  return b === '' ? undefined : boundedKey(b, PROFILE_CAPS.brandKeyLength);
});

/** Profile key of a tag: trimmed, lower-cased, bounded. Empty tags give `undefined`. */
export const tagKey: (tag: string) => string | undefined = memo((tag) => {
  const t = tag.trim().toLowerCase();
  return t === '' ? undefined : boundedKey(t, PROFILE_CAPS.tagKeyLength);
});

/**
 * Keys of every level of a category path, most general first: `"a/b/c"` gives `["a", "a/b", "a/b/c"]`.
 * Segments are trimmed, empty ones dropped, at most 5 levels kept. The array is shared: do not mutate.
 * @example categoryKeys(' beauty / lipstick '); // ['beauty', 'beauty/lipstick']
 */
export const categoryKeys: (path: string) => readonly string[] = memo(splitCategory);

function splitCategory(path: string): readonly string[] {
  const out: string[] = [];
  let prefix = '';
  for (const raw of path.split('/')) {
    const seg = raw.trim();
    if (seg === '') continue;
    prefix = prefix === '' ? seg : prefix + '/' + seg;
    out.push(boundedKey(prefix, PROFILE_CAPS.categoryKeyLength));
    if (out.length >= PROFILE_CAPS.categoryDepth) break;
  }
  return out;
}
