/** Reads the demo server's static JSON (`/api/…`, the same for every visitor). */
const cache = new Map<string, Promise<unknown>>();

/** GETs `/api/<path>` once per page load. Rejects with the status on a missing file. */
export function api<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = fetch(`/api/${path}`).then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${path}`);
      return r.json();
    });
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}
