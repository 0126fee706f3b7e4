/**
 * Site-side, offline: turns an event log into pairwise training examples for the prior (the model
 * every shopper starts from). Each shopper is replayed through the same profile reducer and feature
 * extractor the worker runs; at each step the item the shopper went for is paired with sampled
 * candidates they did not, with features as they were just before the step (no look-ahead).
 */
import { FEATURE_DIM, features } from '../core/model/features';
import type { PairExample } from '../core/model/fm';
import { applyEventMut, emptyProfile, type ProfileConfig } from '../core/profile/profile';
import type { Rng } from '../core/util/rng';
import type { Candidate, EventType, StoredEvent } from '../core/types';

/** One shopper's replay input. */
export interface PriorShopper {
  /** The shopper's events, oldest first. */
  events: readonly StoredEvent[];
  /**
   * The list shown at step `t` (in server order) and the index of the item the shopper chose, or
   * undefined when step `t` is not a training step (e.g. held out).
   */
  listFor(t: number): { candidates: readonly Candidate[]; target: number } | undefined;
}

/** Options of {@link priorExamples}. */
export interface PriorExampleOptions {
  /** Negatives kept per step, sampled from the list (default 8). */
  negativesPerStep?: number;
  rng: Rng;
  profile?: Partial<ProfileConfig>;
  /** Weight per event type of the chosen item (default: every type 1). */
  weights?: Partial<Record<EventType, number>>;
  /** Stop after this many examples (default unlimited). */
  maxExamples?: number;
}

/**
 * Pairwise examples from many shoppers' logs.
 * @example const pairs = priorExamples(shoppers, { rng: createRng(1) }); const prior = fitPrior(pairs, { d: FEATURE_DIM, seed: 1, ... });
 */
export function priorExamples(shoppers: Iterable<PriorShopper>, opts: PriorExampleOptions): PairExample[] {
  const k = opts.negativesPerStep ?? 8;
  const d = FEATURE_DIM;
  const out: PairExample[] = [];
  const max = opts.maxExamples ?? Number.POSITIVE_INFINITY;
  for (const s of shoppers) {
    if (s.events.length === 0) continue;
    const profile = emptyProfile(s.events[0]!.ts, opts.profile);
    for (let t = 0; t < s.events.length && out.length < max; t++) {
      const e = s.events[t]!;
      const list = t > 0 ? s.listFor(t) : undefined;
      if (list && list.candidates.length > 1) {
        const X = features(profile, list.candidates, { now: e.ts });
        const pos = X.slice(list.target * d, list.target * d + d);
        const weight = opts.weights?.[e.type] ?? 1;
        const n = list.candidates.length;
        for (let j = 0; j < k; j++) {
          let neg = Math.floor(opts.rng() * (n - 1));
          if (neg >= list.target) neg++;
          out.push({ pos, neg: X.slice(neg * d, neg * d + d), weight });
        }
      }
      applyEventMut(profile, e, e.ts, opts.profile);
    }
    if (out.length >= max) break;
  }
  return out;
}
