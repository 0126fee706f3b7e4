/**
 * A small memo for pure functions of a string: shoppers and lists repeat the same categories, brands
 * and tags, so most calls skip splitting, lower-casing, hashing and concatenating. Cleared when full
 * (bounded memory).
 * @example const upper = memo((s) => s.toUpperCase()); upper('a'); // 'A', computed once
 */
export function memo<R>(fn: (s: string) => R, max = 2048): (s: string) => R {
  const cache = new Map<string, R>();
  return (s) => {
    let r = cache.get(s);
    if (r === undefined && !cache.has(s)) {
      r = fn(s);
      if (cache.size >= max) cache.clear();
      cache.set(s, r);
    }
    return r as R;
  };
}
