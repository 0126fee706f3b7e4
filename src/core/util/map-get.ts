/**
 * Reads a profile map that may not have been revived: a Map (the normal case, or after
 * structured clone) or a plain object (after `JSON.parse`), reading only own properties so a key
 * like `constructor` never finds a prototype member.
 */
export function mapGet<V>(m: Map<string, V> | Record<string, V>, key: string): V | undefined {
  if (m instanceof Map) return m.get(key);
  return Object.hasOwn(m, key) ? m[key] : undefined;
}

/** Entries of a profile map (Map or plain object), as above. */
export function mapEntries<V>(m: Map<string, V> | Record<string, V>): Iterable<[string, V]> {
  return m instanceof Map ? m.entries() : (Object.entries(m) as Array<[string, V]>);
}
