/**
 * The packed form of a server candidate list, for crossing the worker boundary: columns instead of
 * one object per candidate (a structured clone writes every key of every object, and the worker
 * rebuilds every object and array), the embeddings in a typed array the page transfers instead of
 * copying.
 *
 * Packing cleans nothing: it keeps the raw value of every field the cleaner reads (`readItem` in
 * `item.ts`), as far as it can affect the cleaned candidate, so the worker cleans the unpacked list
 * with the same {@link sanitizeCandidates} and gets exactly what cleaning the original gives. A value
 * of a kind no field accepts (an object, a BigInt) is packed as absent: the cleaner would have left
 * it out. Categories, brands and tags, which a list repeats, travel once each in a table of strings
 * and are referred to by their place in it (a structured clone writes every string it meets, and the
 * worker reads each back as a string of its own). Packing runs on the page over untrusted input and
 * never throws:
 * anything it cannot pack (a getter that throws, a nested list of more than {@link MAX_PACKED_ARRAY})
 * gives `undefined`, and the caller sends the list as objects.
 */
import { isRecord, own } from './item';

/** Longest `tags`, `embedding` or `related` list that is packed; a longer one sends the whole list as objects. */
export const MAX_PACKED_ARRAY = 1000;

/** The fields with one value each, one column each in `fields`; the first two hold places in `strings`. */
const FIELDS = ['category', 'brand', 'title', 'price', 'consumable', 'pinned', 'available'] as const;
/** The list fields: three ends per element in `ends`, one column each in `lists`. */
const LISTS = ['tags', 'embedding', 'related'] as const;

/**
 * A candidate list in columns; element `i` of the list is row `i` of every column. Built by
 * {@link packCandidates}, read by {@link unpackCandidates}.
 * @example packCandidates([{ id: 'a', brand: 'B', price: 2, tags: ['x', 'B'] }, 7]); // { ids: ['a', null], strings: ['B', 'x'], fields: [[undefined], [0], [undefined], [2], …], ends: [2, 0, 0, 2, 0, 0], lists: [[1, 0], Float64Array [], []] }
 */
export interface PackedCandidates {
  /** Per element: its own `id` ({@link primitive}); `null` when the element is not an object. */
  ids: unknown[];
  /** The distinct category, brand and tag strings, each once. */
  strings: string[];
  /**
   * Per field of {@link FIELDS}, per element: its own value ({@link primitive}); for `category` and
   * `brand`, the place of a string value in `strings` (any other value, which the cleaner leaves out,
   * as absent).
   */
  fields: unknown[][];
  /** Three per element: where its tags, embedding and related entries end (exclusive) in `lists`. */
  ends: number[];
  /**
   * Every element's list entries: the places in `strings` of the strings of its `tags`; its
   * `embedding` entries (not a number: NaN); for each object in its `related`, its own `id` and `score` ({@link primitive}), two values.
   */
  lists: [tags: number[], embedding: Float64Array, related: unknown[]];
}

/**
 * A raw value as far as the cleaner can use it: a string, number or boolean as it is; anything else
 * (an object, a BigInt, `null`) as `undefined`, which no field accepts either.
 */
const primitive = (v: unknown): unknown => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined);

/**
 * The list in columns, or `undefined` when it is not an array or cannot be packed safely (then send
 * it as it is). Never throws. Its embeddings are a fresh typed array: transfer it (`lists[1].buffer`).
 * @example
 * const packed = packCandidates(serverList);
 * if (packed) worker.postMessage(packed, [packed.lists[1].buffer]); else worker.postMessage(serverList);
 */
export function packCandidates(list: unknown): PackedCandidates | undefined {
  try {
    if (!Array.isArray(list)) return undefined;
    const n = list.length;
    const ids: unknown[] = [];
    const fields: unknown[][] = [[], [], [], [], [], [], []];
    const ends: number[] = [];
    const strings: string[] = [];
    const places = new Map<string, number>();
    /** The place of a string in `strings` (added when new); anything else `undefined`. */
    const place = (v: unknown): number | undefined => {
      if (typeof v !== 'string') return undefined;
      let k = places.get(v);
      if (k === undefined) places.set(v, (k = strings.push(v) - 1));
      return k;
    };
    const tags: number[] = [];
    const related: unknown[] = [];
    // The embeddings go straight into a typed array, grown by doubling (`e` entries used).
    let embedding = new Float64Array(0);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const raw: unknown = list[i];
      ids.push(null);
      if (isRecord(raw)) {
        ids[i] = primitive(own(raw, 'id'));
        for (let j = 0; j < 7; j++) (fields[j] as unknown[])[i] = (j < 2 ? place : primitive)(own(raw, FIELDS[j] as string));
        for (let j = 0; j < 3; j++) {
          const v = own(raw, LISTS[j] as string);
          if (!Array.isArray(v)) continue;
          if (v.length > MAX_PACKED_ARRAY) return undefined;
          if (j === 1 && e + v.length > embedding.length) {
            const grown = new Float64Array(2 * (e + v.length));
            grown.set(embedding);
            embedding = grown;
          }
          // Read by index, as the cleaner reads them (a sparse list's holes are undefined).
          for (let k = 0; k < v.length; k++) {
            const x: unknown = v[k];
            if (j === 0) typeof x === 'string' && tags.push(place(x) as number);
            else if (j === 1) embedding[e++] = typeof x === 'number' ? x : Number.NaN;
            else if (isRecord(x)) related.push(primitive(own(x, 'id')), primitive(own(x, 'score')));
          }
        }
      }
      ends.push(tags.length, e, related.length);
    }
    // A view of the entries used: transferring its buffer moves the spare room too, copying nothing.
    return { ids, strings, fields, ends, lists: [tags, embedding.subarray(0, e), related] };
  } catch {
    // A throwing getter, a proxy, a replaced built-in: the list goes as objects, as it always could.
    return undefined;
  }
}

/**
 * The list a {@link PackedCandidates} stands for, as plain objects holding the packed raw values (for
 * {@link sanitizeCandidates}, which cleans them as it cleans any list); `undefined` when `p` is not a
 * packed list. `p` crosses from the page, so nothing about it is trusted: every read is bounded by the
 * arrays it has, and every value it yields is cleaned afterwards.
 * @example sanitizeCandidates(unpackCandidates(packCandidates(list))); // the same as sanitizeCandidates(list)
 */
export function unpackCandidates(p: unknown): unknown[] | undefined {
  try {
    const { ids, strings, fields, ends, lists } = p as PackedCandidates;
    if (!Array.isArray(ids)) return undefined;
    const [tags, embedding, related] = lists;
    const at = [0, 0, 0];
    const n = ids.length;
    const out = new Array<unknown>(n);
    // Plain loops, one per list: this runs in the worker before every packed rerank.
    for (let i = 0; i < n; i++) {
      const id: unknown = ids[i];
      if (id === null) {
        out[i] = null;
        continue;
      }
      // An empty literal has room for four properties in the object itself; `{ id }` has room for one,
      // and every field added after it regrows a separate property store.
      const c: Record<string, unknown> = {};
      c.id = id;
      for (let j = 0; j < 7; j++) {
        const v = (fields[j] as unknown[])[i];
        if (v !== undefined) c[FIELDS[j] as string] = j < 2 ? strings[v as number] : v;
      }
      for (let j = 0; j < 3; j++) {
        let k = at[j] as number;
        const end = Math.min(Number(ends[3 * i + j]), (lists[j] as ArrayLike<unknown>).length);
        if (!(k < end)) continue;
        // Tags as one slice of places, then their strings, and related at their length (pushing onto
        // an empty list reserves room for 17); the generic slice reads any array-like by index, as a
        // loop would.
        if (j === 0) {
          const list: unknown[] = (c.tags = [].slice.call(tags, k, end));
          for (let m = 0; m < list.length; m++) list[m] = strings[list[m] as number];
          k = end;
        } else if (j === 1) {
          const list: number[] = (c.embedding = []);
          for (; k < end; k++) list.push(embedding[k] as number);
        } else {
          const list = (c.related = new Array<unknown>((end - k + 1) >> 1));
          for (let m = 0; k < end; k += 2) list[m++] = { id: related[k], score: related[k + 1] };
        }
        at[j] = k;
      }
      out[i] = c;
    }
    return out;
  } catch {
    // Only a list that did not come from packCandidates gets here.
    return undefined;
  }
}
