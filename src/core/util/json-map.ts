import { quantize } from '../profile/decay';

/**
 * A `Map<string, V>` that serialises with `JSON.stringify` as a plain object. Profiles keep their
 * maps as these: `Map` is fast with the dynamic, untrusted keys events bring (no prototype, so
 * `__proto__` is just a key; no property-key internalisation on every lookup), while the stored
 * JSON stays a compact `{ "key": value }` object.
 *
 * In JSON, non-integer numbers (values, or elements of array values) are written with 6
 * significant digits: in memory they keep full precision, but a record full of 17-digit decimals
 * would not fit the 64 KB budget.
 */
export class JsonMap<V> extends Map<string, V> {
  /** Plain-object form for `JSON.stringify` (null prototype, so any key is safe). */
  toJSON(): Record<string, V> {
    const o = Object.create(null) as Record<string, V>;
    for (const [k, v] of this) o[k] = compact(v) as V;
    return o;
  }

  /**
   * A JsonMap from a Map (e.g. after structured clone) or a plain object (e.g. after `JSON.parse`);
   * only own enumerable properties are read. `copy` maps each value (e.g. to copy tuples).
   * @example JsonMap.from(JSON.parse('{"a":1}')).get('a'); // 1
   */
  static from<V>(src: unknown, copy?: (v: V) => V): JsonMap<V> {
    const m = new JsonMap<V>();
    if (src instanceof Map) {
      for (const [k, v] of src as Map<string, V>) m.set(String(k), copy ? copy(v) : v);
    } else if (typeof src === 'object' && src !== null) {
      for (const k of Object.keys(src)) {
        const v = (src as Record<string, V>)[k] as V;
        m.set(k, copy ? copy(v) : v);
      }
    }
    return m;
  }
}

function compactNumber(x: number): number {
  return Number.isInteger(x) ? x : quantize(x);
}

function compact(v: unknown): unknown {
  if (typeof v === 'number') return compactNumber(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' ? compactNumber(x) : x));
  return v;
}
