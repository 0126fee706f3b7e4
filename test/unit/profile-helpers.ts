import { createRng, type Rng } from '../../src/core/util/rng';
import { EVENT_TYPES, type EventType, type StoredEvent } from '../../src/core/types';

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday, 12:00 UTC
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

let counter = 0;
/** A stored event with sensible defaults; ids are unique per call. */
export function ev(type: EventType, ts: number, item?: StoredEvent['item'], extra: Partial<StoredEvent> = {}): StoredEvent {
  counter++;
  return { id: `t${counter}`, type, ts, ...(item ? { item } : {}), ...extra };
}

function pool(alphabet: readonly string[]): string {
  const rng = createRng(99);
  const chars: string[] = [];
  for (let i = 0; i < 1 << 19; i++) chars.push(alphabet[Math.floor(rng() * alphabet.length)] as string);
  return chars.join('');
}
const POOL = pool(Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i)));
/** Characters that cost the most bytes in JSON: escapes, lone surrogates, multi-byte UTF-8. */
const NASTY = pool(['\u0000', '"', '\\', '\u4e2d', '\ud800', '\udc00', '\u00e9', '\n', '\u{1f600}', 'a']);

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

/**
 * A deterministic random event stream. With `hostile`, ids, categories, brands and tags are
 * long and mostly unique: the worst case for the size bound.
 */
export function randomEvents(
  n: number,
  seed: number,
  opts: { hostile?: boolean; nasty?: boolean; start?: number; maxGapMs?: number } = {},
): StoredEvent[] {
  const rng = createRng(seed);
  const out: StoredEvent[] = [];
  let ts = opts.start ?? T0;
  // Slices of one random pool: unique enough, and cheap to make by the hundred thousand.
  const chars = opts.nasty ? NASTY : POOL;
  const long = (prefix: string, len: number) => {
    const off = Math.floor(rng() * (chars.length - len));
    return prefix + chars.slice(off, off + len - prefix.length);
  };
  for (let i = 0; i < n; i++) {
    ts += Math.floor(rng() * (opts.maxGapMs ?? 120_000));
    const type = pick(rng, EVENT_TYPES);
    const hostile = opts.hostile === true || opts.nasty === true;
    const c = Math.floor(rng() * 40);
    const e: StoredEvent = { id: hostile ? long('id-', 128) : `r${seed}-${i}`, type, ts };
    if (type !== 'search') {
      e.item = {
        id: hostile ? long('sku-', 200) : `sku-${Math.floor(rng() * 3000)}`,
        category: hostile
          ? [long('a', 60), long('b', 60), long('c', 60), long('d', 60), long('e', 60), 'f'].join('/')
          : `c${c % 6}/c${c}/c${c}-${Math.floor(rng() * 8)}`,
        brand: hostile ? long('brand-', 100) : `brand-${Math.floor(rng() * 400)}`,
        price: Math.round(rng() * 50_000) / 100,
        tags: Array.from({ length: hostile ? 32 : 1 + Math.floor(rng() * 3) }, () =>
          hostile ? long('tag-', 64) : `t${Math.floor(rng() * 600)}`,
        ),
      };
      if (rng() < 0.2) e.item.embedding = Array.from({ length: 64 }, () => rng() * 2 - 1);
      if (hostile && rng() < 0.3) {
        e.item.related = Array.from({ length: 100 }, (_, j) => ({ id: long(`rel-${j}-`, 200), score: rng() * 0.999 + 0.001 }));
      }
      if (rng() < 0.3) e.item.consumable = rng() < 0.5;
    } else e.query = hostile ? long('q', 200) : 'shoes';
    if (type === 'rating') e.value = 1 + Math.floor(rng() * 5);
    if (type === 'add_to_cart' || type === 'purchase' || type === 'remove_from_cart') e.value = 1 + Math.floor(rng() * 3);
    if (type === 'view' && rng() < 0.5) e.dwellMs = Math.floor(rng() * 120_000);
    if (rng() < 0.5) e.device = pick(rng, ['mobile', 'tablet', 'desktop', 'unknown'] as const);
    out.push(e);
  }
  return out;
}
