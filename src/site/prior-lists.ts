/**
 * The training lists a site prior learns from, shared by `scripts/train-prior.ts` (whole log in
 * memory) and the SQL pipeline (shopper by shopper, streamed): which events are positives and how
 * strongly, and the list shown at each of them (the item plus 99 sampled untouched items, in a seeded
 * random server order: the taobao-replay protocol, so the prior learns the task the device faces).
 */
import type { Rng } from '../core/util/rng';
import type { Candidate, EventType, StoredEvent } from '../core/types';
import type { PriorShopper } from './prior-examples';

/** Candidates per training list: the item the shopper went for plus 99 sampled ones, as in the benchmark. */
export const LIST_SIZE = 100;
/** Pairs kept per training step. */
export const NEGATIVES_PER_STEP = 8;
/** Share of shoppers held out to measure the fitted prior. */
export const HELD_OUT_SHARE = 0.1;

/**
 * Pull of each event type as a positive, on the scale of the engine's feedback weights (click 1 …
 * purchase 3), so the prior learns the same trade-offs the device later learns from. Views count
 * like clicks: in most logs a "view" is a click through to the product page.
 */
export const PAIR_WEIGHTS: Partial<Record<EventType, number>> = {
  view: 1,
  click: 1,
  rating: 1.5,
  favorite: 1.5,
  add_to_cart: 2,
  purchase: 3,
};


/** Is event `e` one the shopper "went for", i.e. a positive of a training list? */
export function isPositive(e: StoredEvent): boolean {
  if (!e.item || PAIR_WEIGHTS[e.type] === undefined) return false;
  return e.type !== 'rating' || (e.value ?? 0) >= 4;
}

/**
 * Replay input for one shopper: at each positive event, the item + up to 99 items sampled
 * uniformly from the log's distinct items the shopper had not touched before, in a seeded random
 * server order (the taobao-replay protocol, so the prior learns the task the device faces).
 */
export function logShopper(events: readonly StoredEvent[], items: readonly Candidate[], rng: Rng): PriorShopper {
  const touched = new Set<string>();
  let upTo = 0;
  return {
    events,
    listFor(t) {
      const e = events[t]!;
      if (!isPositive(e)) return undefined;
      if (t < upTo) {
        touched.clear();
        upTo = 0;
      }
      for (; upTo < t; upTo++) {
        const id = events[upTo]!.item?.id;
        if (id !== undefined) touched.add(id);
      }
      const target = e.item!;
      const picked = new Set<string>([target.id]);
      const candidates: Candidate[] = [target];
      const eligible = items.length - touched.size - (touched.has(target.id) ? 0 : 1);
      if (eligible <= 2 * LIST_SIZE) {
        // Small catalogue: enumerate instead of rejection sampling, which could spin.
        const rest = items.filter((c) => !touched.has(c.id) && c.id !== target.id);
        shuffle(rest, rng);
        candidates.push(...rest.slice(0, LIST_SIZE - 1));
      } else {
        while (candidates.length < LIST_SIZE) {
          const c = items[Math.floor(rng() * items.length)]!;
          if (picked.has(c.id) || touched.has(c.id)) continue;
          picked.add(c.id);
          candidates.push(c);
        }
      }
      shuffle(candidates, rng);
      return { candidates, target: candidates.indexOf(target) };
    },
  };
}

/** Keeps each training step with probability `keep` (seeded), so a cap spreads over every shopper. */
export function subsample(s: PriorShopper, keep: number, rng: Rng): PriorShopper {
  if (keep >= 1) return s;
  return { events: s.events, listFor: (t) => (rng() < keep ? s.listFor(t) : undefined) };
}

export function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}


