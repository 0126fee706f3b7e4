/**
 * The rerank policy: blends the server order with a personal score, then applies diversity, business
 * rules, bounded exploration and a time budget. Pure: the personal model comes in as a
 * {@link PersonalScorer}, randomness as a seeded {@link Rng}, time as a `now` clock.
 *
 * Never throws. Whatever goes wrong, the answer is the server order with `fellBack` saying why.
 */
import { describeKind, MAX_CANDIDATES, sanitizeCandidates, serverOrderIds } from '../input/candidates';
import { readIdSet } from '../input/item';
import { MESSAGES } from '../messages';
import { diversityKeys } from './mmr';
import { placeItems, relevanceOrder, sortByRelevance } from './placement';
import { ENGINE_SETTINGS } from '../settings';
import type { Rng } from '../util/rng';
import type { Candidate, RankedItem, RerankOptions, RerankResult } from '../types';

/** Reason shown on items that got their position from an exploratory (Thompson-sampled) score. */
export const EXPLORE_REASON: string = MESSAGES['reason.explore'];

/** Defaults for {@link RerankOptions}; `personalization` is the product's (`settings.ts`). */
export const RERANK_DEFAULTS = {
  personalization: ENGINE_SETTINGS.personalization,
  diversity: 0.15,
  diversityWindow: 10,
  exploration: 0.05,
  budgetMs: 50,
} as const;

/** Hard ceiling on the exploration rate, whatever the options say: exploring costs the shopper relevance. */
export const MAX_EXPLORATION = 0.2;
/** How many top positions maximal marginal relevance fills; below them the blended order stands. */
export const MMR_POSITIONS = 50;
/** How many of the most relevant candidates MMR chooses from. */
export const MMR_POOL = 150;
/**
 * Positions that get reasons: the ones the engine remembers as shown. An item moved up below them
 * gets none in the result (`explain(id)` still says why), so a long list does not pay for words
 * nobody reads.
 */
export const REASON_POSITIONS: number = ENGINE_SETTINGS.maxRememberedPositions;

/**
 * Personal scores (log-odds units, centred on the list mean) are squashed into (-3, 3) so one outlier
 * cannot outvote the server on its own.
 */
const SOFT_CLIP = 3;
const MAX_REASON_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 200;

/**
 * What a {@link PersonalScorer} returns for one list.
 * @example { scores: Float64Array.of(0.2, 1.4, -0.3), sampled: Float64Array.of(0.9, 1.1, -0.2), hasSignal: true }
 */
export interface PersonalScore {
  /** Mean personal score per candidate, in the order given (higher is better, any scale). */
  scores: ArrayLike<number>;
  /** Thompson-sampled scores on the same scale, when asked to explore. */
  sampled?: ArrayLike<number> | undefined;
  /** `false` for a shopper with no usable history: the server order is kept as is. */
  hasSignal: boolean;
  /** Per candidate, 1 when exploration must never lift it (an item the shopper bought as a one-off). */
  settled?: ArrayLike<number> | undefined;
}

/**
 * The personal model as the policy sees it. The worker implements it with the profile, the features
 * and the ranker; tests implement it with fixed numbers.
 *
 * @example
 * const scorer: PersonalScorer = {
 *   score: (candidates) => ({ scores: Float64Array.from(candidates, (c) => (c.brand === 'Acme' ? 1 : 0)), hasSignal: true }),
 *   reason: () => 'Because you like Acme',
 * };
 */
export interface PersonalScorer {
  /**
   * Personal scores for the cleaned candidates, in server order. `explore` asks for `sampled` too.
   * The candidates are the policy's own copies (for an `owned` list, the caller's objects that were
   * already clean), and pins, availability and ids are read before this call, so changing them here
   * changes nothing. May throw: the policy then falls back to the server order.
   */
  score(candidates: readonly Candidate[], rng: Rng, explore: boolean): PersonalScore;
  /** A short human reason for the candidate at `index` of the list given to `score`, if any. */
  reason?(index: number): string | undefined;
}

/**
 * {@link RerankOptions} with defaults applied and every value clamped to its range.
 * @example { limit: Infinity, personalization: 0.7, diversity: 0.15, maxPerCategory: Infinity, diversityWindow: 10, exploration: 0.05, budgetMs: 50 }
 */
export interface ResolvedRerankOptions {
  /** Output length cap; `Infinity` when unset. */
  limit: number;
  personalization: number;
  diversity: number;
  /** `Infinity` when the cap is off. */
  maxPerCategory: number;
  diversityWindow: number;
  exploration: number;
  budgetMs: number;
}

function readNumber(options: unknown, key: keyof RerankOptions): number | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const value: unknown = Object.hasOwn(options, key) ? (options as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Applies defaults and ranges to rerank options. Unknown, non-numeric or NaN values take the default;
 * out-of-range values are clamped; `maxPerCategory` below 1 and a non-positive `budgetMs` mean
 * "off" and "default" respectively. Never throws.
 *
 * @example resolveOptions({ personalization: 2, exploration: 0.9 }); // personalization 1, exploration 0.2
 */
export function resolveOptions(options: unknown): ResolvedRerankOptions {
  const get = (key: keyof RerankOptions): number | undefined => {
    try {
      return readNumber(options, key);
    } catch {
      return undefined; // a throwing getter counts as "not given"
    }
  };
  const limit = get('limit');
  const maxPerCategory = get('maxPerCategory');
  const window = get('diversityWindow');
  const budgetMs = get('budgetMs');
  return {
    limit: limit !== undefined && limit >= 0 ? Math.floor(limit) : Number.POSITIVE_INFINITY,
    personalization: clamp(get('personalization') ?? RERANK_DEFAULTS.personalization, 0, 1),
    diversity: clamp(get('diversity') ?? RERANK_DEFAULTS.diversity, 0, 1),
    maxPerCategory:
      maxPerCategory !== undefined && maxPerCategory >= 1 && Number.isFinite(maxPerCategory)
        ? Math.floor(maxPerCategory)
        : Number.POSITIVE_INFINITY,
    diversityWindow:
      window !== undefined && window >= 1 ? Math.floor(Math.min(window, MAX_CANDIDATES)) : RERANK_DEFAULTS.diversityWindow,
    exploration: clamp(get('exploration') ?? RERANK_DEFAULTS.exploration, 0, MAX_EXPLORATION),
    budgetMs: budgetMs !== undefined && budgetMs > 0 ? budgetMs : RERANK_DEFAULTS.budgetMs,
  };
}

/**
 * The server's implicit score of each position: standardised `-log(1 + rank)`, so the top positions
 * are far apart (the server is confident there) and deep positions nearly tie. Strictly decreasing,
 * which is what makes personalization 0 reproduce the server order exactly.
 *
 * @example serverScores(3); // Float64Array [1.32, -0.21, -1.11] (rounded)
 */
export function serverScores(n: number): Float64Array {
  const out = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) sum += out[r] = -Math.log1p(r);
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let r = 0; r < n; r++) ss += ((out[r] as number) - mean) ** 2;
  const sd = n > 0 ? Math.sqrt(ss / n) : 0;
  for (let r = 0; r < n; r++) out[r] = sd > 0 ? ((out[r] as number) - mean) / sd : 0;
  return out;
}

/** Mean of the finite values (0 when there are none). */
function finiteMean(xs: ArrayLike<number>, n: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    if (Number.isFinite(x)) {
      sum += x;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

/**
 * Personal scores on their own fixed scale (log-odds of the pairwise model): centred on the list mean,
 * then soft-clipped into (−{@link SOFT_CLIP}, {@link SOFT_CLIP}). Not divided by the list's spread: a
 * list where the model sees only a small difference moves little, so the size of the evidence decides
 * how far the server order bends. A non-finite score is neutral (0) rather than fatal.
 */
function personalScale(xs: ArrayLike<number>, n: number, mean: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = (xs[i] as number) - mean;
    out[i] = Number.isFinite(z) ? z / (1 + Math.abs(z) / SOFT_CLIP) : 0;
  }
  return out;
}

function blend(server: Float64Array, personal: Float64Array, p: number): Float64Array {
  const out = new Float64Array(server.length);
  for (let i = 0; i < out.length; i++) out[i] = (1 - p) * (server[i] as number) + p * (personal[i] as number);
  return out;
}

/** Position of each candidate in `order`; -1 for candidates not in it (pins). */
function positions(order: ArrayLike<number>, n: number): Int32Array {
  const rank = new Int32Array(n).fill(-1);
  for (let r = 0; r < order.length; r++) rank[order[r] as number] = r;
  return rank;
}

/**
 * The candidates allowed to use their sampled score: at most `k`, available, not pinned and not settled, whose
 * sample lifts them above their mean rank; the ones the sample ranks highest go first, as in
 * Thompson sampling, so exploration lands where the shopper can see it.
 */
function chooseExplored(
  mean: Float64Array,
  meanOrder: ArrayLike<number>,
  sampled: Float64Array,
  pinned: Uint8Array,
  unavailable: Uint8Array,
  settled: ArrayLike<number> | undefined,
  k: number,
): number[] {
  const chosen: number[] = [];
  if (k <= 0) return chosen;
  const byMean = positions(meanOrder, mean.length);
  const bySample = relevanceOrder(sampled, pinned);
  for (let r = 0; r < bySample.length && chosen.length < k; r++) {
    const i = bySample[r] as number;
    if (unavailable[i] !== 1 && settled?.[i] !== 1 && (sampled[i] as number) > (mean[i] as number) && r < (byMean[i] as number)) chosen.push(i);
  }
  return chosen;
}

/**
 * The relevance order after the chosen candidates' scores changed: a merge of the unchanged order
 * with the few changed ones, so exploration costs O(n + k log k) instead of another full sort.
 */
function reorder(order: ArrayLike<number>, score: Float64Array, changed: Uint8Array, chosen: readonly number[]): Int32Array {
  // By score, highest first, ties by position: a stable sort of the positions in ascending order.
  const moved = sortByRelevance(Int32Array.from(chosen).sort(), score);
  const out = new Int32Array(order.length);
  let k = 0;
  let j = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    if (changed[i] === 1) continue;
    const si = score[i] as number;
    // A moved candidate goes before `i` when its score is higher, or equal with an earlier position.
    for (; j < moved.length; j++) {
      const y = moved[j] as number;
      const sy = score[y] as number;
      if (!(sy > si || (sy === si && y < i))) break;
      out[k++] = y;
    }
    out[k++] = i;
  }
  while (j < moved.length) out[k++] = moved[j++] as number;
  return out;
}

function describeError(err: unknown): string {
  let text: string;
  try {
    text = err instanceof Error ? `${err.name}: ${err.message}` : `${describeKind(err)} ${String(err)}`;
  } catch {
    text = 'unprintable error';
  }
  return text.length > MAX_MESSAGE_LENGTH ? text.slice(0, MAX_MESSAGE_LENGTH) + '…' : text;
}

/** The ids `options.exclude` names; a throwing getter excludes nothing. */
function readExclude(options: unknown): Set<string> | undefined {
  try {
    return typeof options === 'object' && options !== null && Object.hasOwn(options, 'exclude')
      ? readIdSet((options as { exclude?: unknown }).exclude)
      : undefined;
  } catch {
    return undefined;
  }
}

function isArrayLikeOfLength(value: unknown, n: number): value is ArrayLike<number> {
  if (value instanceof Float64Array || value instanceof Float32Array) return value.length === n;
  return Array.isArray(value) && value.length === n;
}

/** "3 scores" or "no scores (object)", for the wrong-shape message. */
function describeScores(value: unknown): string {
  if (value instanceof Float64Array || value instanceof Float32Array || Array.isArray(value)) return `${value.length} scores`;
  return `no scores (${describeKind(value)})`;
}

function serverOrderItems(ids: readonly string[], limit: number): RankedItem[] {
  const scores = serverScores(ids.length);
  const m = Math.min(ids.length, limit);
  const items: RankedItem[] = new Array<RankedItem>(m);
  for (let i = 0; i < m; i++) items[i] = { id: ids[i] as string, score: scores[i] as number, from: i, to: i };
  return items;
}

/**
 * Reranks one server candidate list for the shopper.
 *
 * Steps: clean the list ({@link sanitizeCandidates}); score it with `scorer`; blend
 * `(1-p)·server + p·personal`, the server scores standardised within the list and the personal
 * scores on their own fixed scale (centred and soft-clipped, never divided by the list's spread); place items (pins fixed,
 * unavailable never promoted, per-category cap and MMR near the top); let at most
 * `ceil(exploration·n)` items take a position from their Thompson sample; truncate to `limit`.
 *
 * Outcomes:
 * - Item dropped, call goes on: element not an object, id missing / not a string or finite number /
 *   over 200 characters, duplicate id (first kept), id in `options.exclude`, element that throws when read.
 * - Field ignored, item kept: bad price (NaN, negative, infinite, non-number), over-long text,
 *   malformed tags / embedding / flags.
 * - Whole call falls back to the server order (`fellBack` = reason): not an array, more than 5,000
 *   candidates, scorer throws or returns the wrong shape, `scorer.reason` throws, time budget
 *   exceeded, any internal error. For a non-array there is no server order, so `items` is empty.
 * - Server order with `fellBack: false` (nothing to personalise): personalization 0, a scorer
 *   reporting `hasSignal: false`, an empty list. Diversity and exploration apply only when
 *   personalising: the server is trusted to have shaped its own order.
 *
 * `from` and `to` are positions in the cleaned server list (dropped elements do not count), so a
 * fallback always has `from === to`. Items moved up into the first {@link REASON_POSITIONS} positions
 * carry `scorer.reason`; explored items carry {@link EXPLORE_REASON}; others have no reason.
 *
 * @param candidates the server list, in server order; untrusted
 * @param scorer the personal model
 * @param options per-call options, see {@link resolveOptions}
 * @param rng seeded generator, handed to the scorer for Thompson sampling
 * @param now monotonic clock in ms (e.g. `performance.now`) for the time budget
 * @param owned the caller alone holds `candidates` and their objects (a structured clone): elements
 *   already clean are used as they are, not copied (see {@link sanitizeCandidates})
 * @example
 * const result = rerank(serverList, scorer, { personalization: 0.7, limit: 12 }, createRng(7), () => performance.now());
 * if (result.fellBack) console.debug('server order:', result.fellBack);
 * render(result.items.map((item) => item.id));
 */
export function rerank(
  candidates: unknown,
  scorer: PersonalScorer,
  options: RerankOptions | undefined,
  rng: Rng,
  now: () => number,
  owned = false,
): RerankResult {
  const clock = (): number => {
    try {
      const t = now();
      return typeof t === 'number' ? t : Number.NaN;
    } catch {
      return Number.NaN; // a broken clock disables the budget rather than the rerank
    }
  };
  const start = clock();
  const elapsed = (): number => {
    const e = clock() - start;
    return Number.isFinite(e) && e > 0 ? e : 0;
  };
  const opts = resolveOptions(options);
  // Ids in server order, copied before the scorer sees the list, so no scorer can change the fallback.
  let serverIds: string[] = [];
  const finish = (items: RankedItem[], fellBack: false | string): RerankResult => ({
    items,
    fellBack,
    tookMs: elapsed(),
  });
  const serverOrder = (fellBack: false | string): RerankResult =>
    finish(serverOrderItems(serverIds, opts.limit), fellBack);
  const overBudget = (): string | undefined => {
    const e = elapsed();
    return e > opts.budgetMs ? `time budget exceeded (${e.toFixed(1)}ms > ${opts.budgetMs}ms)` : undefined;
  };

  try {
    const exclude = readExclude(options);
    const clean = sanitizeCandidates(candidates, MAX_CANDIDATES, exclude, owned);
    if (!clean.ok) return finish(serverOrderItems(serverOrderIds(candidates, opts.limit, exclude), opts.limit), clean.reason);
    const list = clean.candidates;
    serverIds = list.map((c) => c.id);
    const n = list.length;
    const p = opts.personalization;
    if (n === 0 || p === 0) return serverOrder(false);

    // Business flags and diversity keys are read before scoring, for the same reason as serverIds.
    const pinned = new Uint8Array(n);
    const unavailable = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = list[i] as Candidate;
      if (c.pinned === true) pinned[i] = 1;
      if (c.available === false) unavailable[i] = 1;
    }
    const keys = opts.diversity > 0 || Number.isFinite(opts.maxPerCategory) ? diversityKeys(list) : undefined;

    const explore = opts.exploration > 0;
    let personal: PersonalScore;
    try {
      personal = scorer.score(list, rng, explore);
    } catch (err) {
      return serverOrder(`scorer failed: ${describeError(err)}`);
    }
    if (typeof personal !== 'object' || personal === null) {
      return serverOrder(`scorer returned ${describeKind(personal)} instead of scores`);
    }
    if (personal.hasSignal === false) return serverOrder(false);
    if (!isArrayLikeOfLength(personal.scores, n)) {
      return serverOrder(`scorer returned ${describeScores(personal.scores)} for ${n} candidates`);
    }
    const late = overBudget();
    if (late !== undefined) return serverOrder(late);

    const server = serverScores(n);
    const centre = finiteMean(personal.scores, n);
    const meanFinal = blend(server, personalScale(personal.scores, n, centre), p);

    let budgetReason: string | undefined;
    const place = (relevance: Float64Array, order: ArrayLike<number>): Int32Array | undefined =>
      placeItems({
        relevance,
        order,
        pinned,
        unavailable,
        keys,
        lambda: opts.diversity,
        maxPerCategory: opts.maxPerCategory,
        capWindow: opts.diversityWindow,
        // Positions past the limit are never shown, so diversifying them is wasted time.
        mmrPositions: Math.min(MMR_POSITIONS, opts.limit),
        mmrPool: MMR_POOL,
        overBudget: () => (budgetReason = overBudget()) !== undefined,
      });

    const meanRelevanceOrder = relevanceOrder(meanFinal, pinned);
    const meanOrder = place(meanFinal, meanRelevanceOrder);
    if (meanOrder === undefined) return serverOrder(budgetReason ?? 'time budget exceeded');
    let finalOrder = meanOrder;
    let finalScore = meanFinal;
    const explored = new Uint8Array(n);

    const sampled = personal.sampled;
    if (explore && isArrayLikeOfLength(sampled, n)) {
      // Samples share the means' centre and scale, so the sampling noise keeps its size.
      const sampledFinal = blend(server, personalScale(sampled, n, centre), p);
      const k = Math.ceil(opts.exploration * n);
      const chosen = chooseExplored(meanFinal, meanRelevanceOrder, sampledFinal, pinned, unavailable, isArrayLikeOfLength(personal.settled, n) ? personal.settled : undefined, k);
      if (chosen.length > 0) {
        const hybrid = Float64Array.from(meanFinal);
        const isChosen = new Uint8Array(n);
        for (const i of chosen) {
          hybrid[i] = sampledFinal[i] as number;
          isChosen[i] = 1;
        }
        const hybridOrder = place(hybrid, reorder(meanRelevanceOrder, hybrid, isChosen, chosen));
        if (hybridOrder === undefined) return serverOrder(budgetReason ?? 'time budget exceeded');
        const meanPos = new Int32Array(n);
        for (let t = 0; t < n; t++) meanPos[meanOrder[t] as number] = t;
        for (let t = 0; t < n; t++) {
          const i = hybridOrder[t] as number;
          // Only a chosen item that actually rose counts as explored; the cap bounds the chosen set.
          if (isChosen[i] === 1 && t < (meanPos[i] as number)) explored[i] = 1;
        }
        finalOrder = hybridOrder;
        finalScore = hybrid;
      }
    }
    const lateAfter = overBudget();
    if (lateAfter !== undefined) return serverOrder(lateAfter);

    const m = Math.min(n, opts.limit);
    const items: RankedItem[] = new Array<RankedItem>(m);
    for (let t = 0; t < m; t++) {
      const i = finalOrder[t] as number;
      const item: RankedItem = { id: serverIds[i] as string, score: finalScore[i] as number, from: i, to: t };
      if (explored[i] === 1) item.reason = EXPLORE_REASON;
      else if (t < i && t < REASON_POSITIONS && typeof scorer.reason === 'function') {
        let reason: unknown;
        try {
          reason = scorer.reason(i);
        } catch (err) {
          return serverOrder(`scorer failed: ${describeError(err)}`);
        }
        if (typeof reason === 'string' && reason.trim().length > 0) item.reason = reason.trim().slice(0, MAX_REASON_LENGTH);
      }
      items[t] = item;
    }
    return finish(items, false);
  } catch (err) {
    return serverOrder(`internal error: ${describeError(err)}`);
  }
}
