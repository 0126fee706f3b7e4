/**
 * Tiny non-cryptographic string hashing, used to keep profile keys short and ids deterministic.
 */

/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units.
 * @example fnv1a('sku-1'); // an unsigned 32-bit integer
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Upper bound on the bytes `s` takes inside a JSON string (UTF-8, with escapes): 1 for printable
 * ASCII, 2 for `"` and `\\`, 6 for control characters and lone surrogates (`\\u00XX`), 3 for
 * other UTF-16 units (a surrogate pair counts 2 + 2 for its 4 bytes).
 * @example jsonCost('ab'); // 2
 */
export function jsonCost(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) n += c === 0x22 || c === 0x5c ? 2 : 1;
    else if (c < 0x20 || c === 0x7f) n += 6;
    else if (c >= 0xd800 && c <= 0xdfff) n += isPairAt(s, i) ? 2 : 6;
    else n += 3;
  }
  return n;
}

function isPairAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff;
  }
  const b = s.charCodeAt(i - 1);
  return b >= 0xd800 && b <= 0xdbff;
}

/** The longest prefix of `s` whose {@link jsonCost} is at most `budget` (never splitting a surrogate pair). */
export function prefixWithin(s: string, budget: number): string {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    n += jsonCost(s[i] as string) === 6 && isPairAt(s, i) ? 2 : jsonCost(s[i] as string);
    if (n > budget) break;
  }
  // Do not end on the first half of a surrogate pair.
  if (i > 0 && i < s.length && isPairAt(s, i - 1) && s.charCodeAt(i - 1) <= 0xdbff) i--;
  return s.slice(0, i);
}

/**
 * Returns `s` unchanged when it takes at most `max` bytes in JSON (see {@link jsonCost}),
 * otherwise a key of at most `max` bytes made of a prefix and a hash of the whole string. Keeps
 * the stored profile small whatever ids a site uses (long, non-Latin or full of escapes); two long
 * ids collide only if they share the prefix and the 32-bit hash.
 * @example boundedKey('a'.repeat(300), 16).length; // 16
 */
export function boundedKey(s: string, max: number): string {
  if (s.length <= max && (s.length * 6 <= max || jsonCost(s) <= max)) return s;
  const h = fnv1a(s).toString(16).padStart(8, '0');
  return prefixWithin(s, Math.max(0, max - 9)) + '~' + h;
}
