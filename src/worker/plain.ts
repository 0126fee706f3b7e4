/**
 * Plain JSON data for the page: the profile's maps serialise as objects through their `toJSON`, which
 * structured cloning (postMessage) would skip, leaving the shopper's panel and export with empty maps.
 */
export function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}
