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
 * Returns `s` unchanged when it fits in `max` characters, otherwise a fixed-length key made of a
 * prefix and a hash of the whole string. Keeps the stored profile small whatever ids a site uses;
 * two long ids collide only if they share the prefix and the 32-bit hash.
 * @example boundedKey('a'.repeat(300), 16).length; // 16
 */
export function boundedKey(s: string, max: number): string {
  if (s.length <= max) return s;
  const h = fnv1a(s).toString(16).padStart(8, '0');
  return s.slice(0, Math.max(0, max - 9)) + '~' + h;
}
