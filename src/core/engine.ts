/**
 * The engine: everything one shopper's personalizer holds in memory (profile, learner, shown lists),
 * as plain TypeScript. The worker wraps it with storage and messaging; the quality benchmark drives
 * the very same class, one shopper at a time.
 *
 * Flow per event: validate → (feedback? build pairwise examples from the list it came from, with the
 * features as they were when the list was shown) → fold into the profile. Learning runs in
 * {@link Engine.train}, which the shell calls off the hot path; reranks never wait for it.
 */
import { validateEvent } from './input/clean';
import { MAX_CANDIDATES, sanitizeCandidates } from './input/candidates';
import { ENGINE_SETTINGS } from './settings';
import { contributionBuffers, type FamilyContribution, familyList, familySums, reasonFor, reasonFromSums } from './rank/explain';
import type { Messages } from './messages';
import { boughtOneOff, FEATURE_DIM, FEATURE_INDEX, features } from './model/features';
import { type FmWeights, type PairExample, fmContributions, fmScoreBatch } from './model/fm';
import type { ListOutcome } from './model/taste';
import { applyRemovedInterests, type RemovedInterest } from './privacy/interests';
import { DEFAULT_WEIGHTS } from './model/default-weights';
import { applyEventMut, emptyProfile, type Profile, type ProfileConfig, reviveProfile, setDeclared, type DeclaredValue } from './profile/profile';
import type { LogisticModel } from './profile/propensity';
import { EXPLORE_REASON, type PersonalScorer, rerank as policy } from './rank/rerank';
import type { Rng } from './util/rng';
import type { SegmentConfig } from './profile/segments';
import type { Candidate, EventType, Impression, RankedItem, RerankOptions, RerankResult, StoredEvent } from './types';

/**
 * What the engine needs from an online learner (the tfjs `FmRanker` implements it; the product's is
 * made by `createLearner` in `model/model.ts`). Attaching one must not change any score before it
 * has learnt (it starts exactly at the weights the engine scored with).
 */
export interface Learner {
  score(X: Float32Array, n: number): Float32Array;
  scoreSampled(X: Float32Array, n: number, rng: Rng, scale?: number): Float32Array;
  learn(pairs: readonly PairExample[]): number;
  /** Per-feature contributions to the score of one row (see `fmContributions`); `out` may be reused. */
  contributions(x: Float32Array, out?: Float32Array): Float32Array;
  weights(): FmWeights;
  /**
   * Per-candidate scores of the shopper's taste over item attributes, added to {@link score}. A
   * learner with {@link itemContributions} fills `byFamily` when given (n rows of `FEATURE_FAMILIES`,
   * each what `itemContributions` would give), so reasons need not go over the candidate again.
   */
  scoreItems?(cands: readonly Candidate[], byFamily?: Float64Array): Float32Array;
  /**
   * One candidate's {@link scoreItems} by feature family, for reasons: added into `out` (indexed by
   * `FEATURE_FAMILIES`; zeros when not given), which it returns.
   */
  itemContributions?(c: Candidate, out?: Float64Array): Float64Array;
  /** Learns from shown lists: which items the shopper acted on and which they passed over. */
  observeLists?(outcomes: readonly ListOutcome[]): void;
  /** Takes the interests the shopper removed out of what it learnt, and keeps them out. */
  exclude?(removed: readonly RemovedInterest[]): void;
}

/** Engine configuration: all optional. */
export interface EngineOptions {
  profile?: Partial<ProfileConfig>;
  /** Default personalization strength for reranks (default {@link ENGINE_SETTINGS}). */
  personalization?: number;
  /** Default rerank options (diversity, exploration, budget…). */
  rerank?: RerankOptions;
  /** Scoring weights before a learner is attached: the site prior, else {@link DEFAULT_WEIGHTS}. */
  weights?: FmWeights;
  segments?: SegmentConfig;
  intentModel?: LogisticModel;
  churnModel?: LogisticModel;
  /** Learn from feedback (default true). */
  learn?: boolean;
  /** Feedback weight per event type (default {@link ENGINE_SETTINGS}). */
  feedbackWeights?: Partial<Record<EventType, number>>;
  /** Skipped items above a clicked one that become negatives (default {@link ENGINE_SETTINGS}). */
  maxNegatives?: number;
  /**
   * Temperature of Thompson sampling: the posterior spread is scaled by this (default
   * {@link ENGINE_SETTINGS}); the full spread of a fresh posterior reorders lists almost at random.
   */
  explorationScale?: number;
  /** Translation of the reasons (the message table, `messages.ts`); English where it has no key. */
  messages?: Messages;
}

/** Posterior scale for exploration (`settings.ts`). */
export const DEFAULT_EXPLORATION_SCALE = ENGINE_SETTINGS.explorationScale;

/** The product's default personalization strength (`settings.ts`). */
export const DEFAULT_PERSONALIZATION = ENGINE_SETTINGS.personalization;

const FEEDBACK: Partial<Record<EventType, number>> = ENGINE_SETTINGS.feedback;
const MAX_POOL = 200;
const SERVER_RANK = FEATURE_INDEX.server_rank;

interface ShownList {
  listId: string;
  slot: string;
  ts: number;
  candidates: Candidate[];
  /**
   * Position in {@link candidates} by id, built the first time feedback, an impression or `explain`
   * looks the list up ({@link listIndex}): a list replaced before anything asks never builds it.
   */
  index: Map<string, number> | undefined;
  /** Features as they were when shown, row-major n × d, in candidate order. */
  X: Float32Array;
  /** Candidate indices in shown order. */
  shown: number[];
  /** Candidate indices the shopper has already interacted with. */
  used: Set<number>;
  /** Handed to the learner as a {@link ListOutcome} (superseded in its slot, expired or forgotten). */
  folded: boolean;
}

/** Outcome of {@link Engine.ingest}. */
export type IngestResult =
  | { ok: true; event: StoredEvent; duplicate: boolean; pairs: number; warnings: string[] }
  | { ok: false; error: string };

/**
 * Keeps only what feedback can still reach of a list the page no longer shows: its first
 * `maxRememberedPositions` shown positions (skip-above never reaches further), with their features.
 * A list of 1,000 candidates otherwise held every one of them, with features, for two hours.
 */
function trimList(list: ShownList): void {
  const keep = ENGINE_SETTINGS.maxRememberedPositions;
  if (list.candidates.length <= keep && list.shown.length === list.candidates.length) return;
  const d = FEATURE_DIM;
  const shown = list.shown.slice(0, keep);
  const X = new Float32Array(shown.length * d);
  const from = list.X;
  const used = new Set<number>();
  for (let k = 0; k < shown.length; k++) {
    const i = shown[k]!;
    X.set(from.subarray(i * d, i * d + d), k * d);
    if (list.used.has(i)) used.add(k);
  }
  list.candidates = shown.map((i) => list.candidates[i]!);
  list.index = undefined;
  list.X = X;
  list.shown = shown.map((_, k) => k);
  list.used = used;
}

/** Position of each candidate by id, built without a pair array per candidate (lists run to 5,000). */
function indexById(cands: readonly Candidate[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < cands.length; i++) index.set(cands[i]!.id, i);
  return index;
}

/** A shown list's {@link ShownList.index}, built on first use. */
function listIndex(list: ShownList): Map<string, number> {
  return (list.index ??= indexById(list.candidates));
}

/**
 * The positions of a rerank's items in the list the scorer saw: each item's `from`, which the policy
 * counts in that same cleaned list. `undefined` when an item's id is not at its `from` there (a list
 * the scorer did not see as the policy cleaned it): the caller then looks the ids up.
 */
function shownPositions(cands: readonly Candidate[], items: readonly RankedItem[]): number[] | undefined {
  const shown = new Array<number>(items.length);
  for (let t = 0; t < items.length; t++) {
    const item = items[t]!;
    if (cands[item.from]?.id !== item.id) return undefined;
    shown[t] = item.from;
  }
  return shown;
}

/** The positions in `cands` of `ids` (in their order; ids not in `cands` are skipped), and the index that found them. */
function positionsOf(cands: readonly Candidate[], ids: readonly string[]): { shown: number[]; index: Map<string, number> } {
  const index = indexById(cands);
  return { shown: ids.map((id) => index.get(id)).filter((i): i is number => i !== undefined), index };
}

let listCounter = 0;
/** A list id unique within this engine's lifetime. */
const newListId = (now: number): string => `l${(++listCounter).toString(36)}-${now.toString(36)}`;

/** One shopper's in-memory personalizer. */
export class Engine {
  profile: Profile;
  private learner: Learner | undefined;
  private weights: FmWeights;
  private readonly lists: ShownList[] = [];
  private pool: Candidate[] = [];
  private pending: PairExample[] = [];
  private pendingLists: ListOutcome[] = [];
  private removed: readonly RemovedInterest[] = [];
  /** Scratch of {@link familySumsOf}. */
  private readonly contribution = contributionBuffers();
  /** The taste model's contributions by family of the list being ranked (grown as needed, reused). */
  private tasteRows = new Float64Array(0);

  constructor(
    readonly options: EngineOptions = {},
    now = 0,
  ) {
    this.profile = emptyProfile(now, options.profile);
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
  }

  /** The weights currently used for scoring. */
  scoringWeights(): FmWeights {
    return this.learner ? this.learner.weights() : this.weights;
  }

  /** Attaches the online learner (loaded lazily); queued feedback is learned at the next {@link train}. */
  attachLearner(learner: Learner): void {
    this.learner = learner;
    if (this.removed.length) learner.exclude?.(this.removed);
  }

  /**
   * Takes the interests the shopper removed out of the profile and the learner, and keeps them out of
   * the learner from now on (call again after events: the profile's reducer would count them again).
   */
  applyRemoved(removed: readonly RemovedInterest[]): void {
    applyRemovedInterests(this.profile, removed);
    const changed = removed.length !== this.removed.length || removed.some((r, i) => r.kind !== this.removed[i]!.kind || r.key !== this.removed[i]!.key);
    this.removed = removed.slice();
    if (changed) this.learner?.exclude?.(this.removed);
  }

  hasLearner(): boolean {
    return this.learner !== undefined;
  }

  /** Replaces the profile (e.g. a snapshot from storage); throws on a malformed one. */
  restoreProfile(raw: unknown): void {
    this.profile = reviveProfile(raw);
  }

  /**
   * Validates an untrusted event and ingests it. Never throws.
   * @param learn false: the event reaches the profile but builds no feedback for the learner (see {@link ingest})
   */
  ingestRaw(input: unknown, now: number, learn = true): IngestResult {
    const v = validateEvent(input, now);
    if (!v.ok) return { ok: false, error: String(v.error) };
    return this.ingest(v.event, now, learn, v.warnings);
  }

  /**
   * Ingests a clean event: feedback first (features as the shopper saw them), then the profile.
   * `learn: false` for events replayed from storage or from other tabs (already learned from there),
   * and for the older events of a long burst ({@link ENGINE_SETTINGS.burstLearnWindow}).
   * @param warnings what validating the event reported, returned with the result
   */
  ingest(event: StoredEvent, now: number, learn = true, warnings: string[] = []): { ok: true; event: StoredEvent; duplicate: boolean; pairs: number; warnings: string[] } {
    const before = this.profile.duplicates;
    const weight = (this.options.feedbackWeights ?? FEEDBACK)[event.type];
    const willLearn = learn && (this.options.learn ?? true) && weight !== undefined && event.item !== undefined;
    // Pairs are built before the event reaches the profile (features as the shopper saw them), but
    // nothing is committed until the profile has said the event is not a duplicate.
    const feedback = willLearn ? this.feedbackPairs(event, weight!, now) : undefined;
    applyEventMut(this.profile, event, now, this.options.profile);
    const duplicate = this.profile.duplicates !== before;
    if (duplicate) return { ok: true, event, duplicate, pairs: 0, warnings };
    // Items the shopper looked at are the "recent candidates" later feedback without a list is
    // compared with (what they saw and did not go for).
    if (event.type === 'view' && event.item) this.addToPool([event.item]);
    let pairs = 0;
    if (feedback?.pairs.length) {
      feedback.commit();
      this.pending.push(...feedback.pairs);
      pairs = feedback.pairs.length;
      // Past the cap the oldest go, a quarter of the cap at a time (one copy per quarter, not per event).
      const cap = ENGINE_SETTINGS.maxPendingPairs;
      if (this.pending.length > cap + (cap >> 2)) this.pending.splice(0, this.pending.length - cap);
    }
    if (feedback?.late) this.queueOutcome(feedback.late);
    return { ok: true, event, duplicate, pairs, warnings };
  }

  /**
   * Learns from queued feedback: every finished shown list goes to the learner's taste model, then at
   * most `max` of the oldest pending pairs to the FM in one synchronous call (the tfjs ranker splits it
   * into mini-batches of 32, one SGD step of about 0.5 ms each in the worker). The engine is consistent
   * between calls, so a shell may train in slices between reranks while {@link pendingExamples} is above
   * 0. Without a learner it does nothing and keeps the queue. Throws what the learner throws (a malformed
   * pair); that slice is dropped, the rest stay queued.
   * @param maxLists most shown lists taken in this call (a list acted on costs about half a millisecond
   *   per 200 items, and a burst can queue {@link ENGINE_SETTINGS.maxPendingLists} of them); while lists
   *   remain queued the call takes no pairs, so lists always reach the learner before later pairs
   * @returns the number of lists and pairs learnt from (0 when nothing was pending or no learner is attached)
   * @example while (engine.pendingExamples() > 0 && !rerankWaiting()) engine.train(32, 1);
   */
  train(max = 256, maxLists = Number.POSITIVE_INFINITY): number {
    const learner = this.learner;
    if (!learner) return 0;
    let done = 0;
    if (this.pendingLists.length) {
      const lists = this.pendingLists.splice(0, maxLists);
      learner.observeLists?.(lists);
      done += lists.length;
      if (this.pendingLists.length) return done;
    }
    if (this.pending.length === 0) return done;
    const batch = this.pending.splice(0, max);
    learner.learn(batch);
    return done + batch.length;
  }

  /** Feedback waiting for the learner: pairs and shown lists. */
  pendingExamples(): number {
    return this.pending.length + this.pendingLists.length;
  }

  private queueOutcome(o: ListOutcome): void {
    if (!(this.options.learn ?? true)) return;
    this.pendingLists.push(o);
    if (this.pendingLists.length > ENGINE_SETTINGS.maxPendingLists) this.pendingLists.shift();
  }

  /** Hands a shown list to the learner (once): the items in shown order and which were acted on. */
  private fold(list: ShownList): void {
    if (list.folded) return;
    list.folded = true;
    trimList(list);
    if (list.shown.length) this.queueOutcome(this.outcome(list));
  }

  /**
   * A shown list as the learner takes it: items in shown order, which were acted on, and the FM's
   * scores of them as featured when shown (the taste model learns what those leave unexplained).
   * `only`: the candidate indices that are new observations (default all).
   */
  private outcome(list: ShownList, only?: (i: number) => boolean): ListOutcome {
    const clicked = list.shown.map((i) => list.used.has(i) || (only?.(i) ?? false));
    const out: ListOutcome = { items: list.shown.map((i) => list.candidates[i]!), positions: list.shown.map((_, k) => k), clicked };
    if (only) out.observed = list.shown.map(only);
    // A list nobody acted on teaches the taste model nothing but the time: no scores needed.
    if (clicked.some(Boolean)) {
      const n = list.candidates.length;
      const fm = this.learner ? this.learner.score(list.X, n) : fmScoreBatch(this.weights, list.X, n);
      out.offsets = list.shown.map((i) => fm[i]!);
    }
    return out;
  }

  private feedbackPairs(event: StoredEvent, weight: number, now: number): { pairs: PairExample[]; commit: () => void; late?: ListOutcome } {
    const id = event.item!.id;
    const d = FEATURE_DIM;
    const list = this.findList(event, now);
    const maxNeg = this.options.maxNegatives ?? ENGINE_SETTINGS.maxNegatives;
    const out: PairExample[] = [];
    const none = { pairs: out, commit: () => undefined };
    if (list) {
      const idx = listIndex(list).get(id) ?? -1;
      const pos = list.shown.indexOf(idx);
      if (idx < 0 || pos < 0) return none;
      const x = list.X.subarray(idx * d, idx * d + d);
      // Skip-above: what the shopper passed over on the way to this item is what they liked less.
      const negatives: number[] = [];
      for (let p = pos - 1; p >= 0 && negatives.length < maxNeg; p--) {
        const j = list.shown[p]!;
        if (!list.used.has(j)) negatives.push(j);
      }
      // A click at the top says little about the rest: one softer pair with the next item below.
      let w = weight;
      if (negatives.length === 0 && pos + 1 < list.shown.length) {
        negatives.push(list.shown[pos + 1]!);
        w = weight * 0.5;
      }
      // The event's rows share one buffer (the clicked item's first, then each negative's), so an
      // event costs one allocation whatever its pair count; the learner only reads them.
      const rows = new Float32Array((negatives.length + 1) * d);
      rows.set(x);
      const clicked = rows.subarray(0, d);
      negatives.forEach((j, k) => {
        const o = (k + 1) * d;
        rows.set(list.X.subarray(j * d, j * d + d), o);
        // Skip-above always prefers the lower item: its position must not be what is learnt, or the
        // learner would unlearn the server's order. The negative takes the clicked item's server rank.
        rows[o + SERVER_RANK] = x[SERVER_RANK]!;
        out.push({ pos: clicked, neg: rows.subarray(o, o + d), weight: w });
      });
      // A list already handed to the learner counted this item as passed over: the click goes after
      // it, with the list as its context.
      const late = list.folded && !list.used.has(idx) ? this.outcome(list, (i) => i === idx) : undefined;
      return { pairs: out, commit: () => list.used.add(idx), ...(late ? { late } : {}) };
    }
    // No shown list: compare against recently shown candidates, with today's features.
    const negs: Candidate[] = [];
    for (let i = this.pool.length - 1; i >= 0 && negs.length < maxNeg; i--) if (this.pool[i]!.id !== id) negs.unshift(this.pool[i]!);
    if (negs.length === 0) return none;
    const cands: Candidate[] = [event.item!, ...negs];
    // The pairs are views of this one feature matrix (the learner only reads them).
    const X = features(this.profile, cands, { now: event.ts });
    const x = X.subarray(0, d);
    for (let j = 1; j < cands.length; j++) out.push({ pos: x, neg: X.subarray(j * d, j * d + d), weight: weight * 0.5 });
    return { pairs: out, commit: () => undefined };
  }

  private findList(event: StoredEvent, now: number): ShownList | undefined {
    const id = event.item!.id;
    const fresh = (l: ShownList) => now - l.ts <= ENGINE_SETTINGS.listTtlMs && listIndex(l).has(id);
    if (event.listId) {
      const l = this.lists.find((x) => x.listId === event.listId);
      if (l && fresh(l)) return l;
    }
    for (let i = this.lists.length - 1; i >= 0; i--) {
      const l = this.lists[i]!;
      if ((event.slot === undefined || l.slot === event.slot) && fresh(l)) return l;
    }
    return undefined;
  }

  /**
   * Reranks candidates for this shopper (never throws; see the policy in `rerank.ts`).
   * @param clock monotonic milliseconds, for the time budget
   * @param owned the caller alone holds `candidates` (the worker's structured clone of a page's list):
   *   candidates already clean are kept as they are, and the engine keeps them for feedback
   */
  rerank(candidates: unknown, options: RerankOptions, rng: Rng, now: number, clock: () => number, owned = false): RerankResult {
    const opts: RerankOptions = {
      ...this.options.rerank,
      personalization: this.options.personalization ?? DEFAULT_PERSONALIZATION,
      ...stripUndefined(options),
    };
    let scored: { cands: Candidate[]; X: Float32Array; taste?: Float64Array | undefined } | undefined;
    const learner = this.learner;
    // Read only without a learner (the learner's own weights() is a copy).
    const weights = this.weights;
    const profile = this.profile;
    const scorer: PersonalScorer = {
      score: (cands, r, explore) => {
        const X = features(profile, cands, { now });
        const n = cands.length;
        const rows = learner?.itemContributions ? this.tasteRowsFor(n) : undefined;
        scored = { cands: cands as Candidate[], X, taste: rows };
        const taste = learner?.scoreItems?.(cands, rows);
        const scores = withTaste(learner ? learner.score(X, n) : fmScoreBatch(weights, X, n), taste);
        const sampled = explore && learner ? withTaste(learner.scoreSampled(X, n, r, this.options.explorationScale ?? DEFAULT_EXPLORATION_SCALE), taste) : undefined;
        let settled: Uint8Array | undefined;
        if (sampled) {
          settled = new Uint8Array(n);
          for (let i = 0; i < n; i++) if (boughtOneOff(X, i)) settled[i] = 1;
        }
        return { scores, sampled, hasSignal: profile.eventCount > 0 || (taste?.some((x) => x !== 0) ?? false), settled };
      },
      reason: (i) => {
        if (!scored) return undefined;
        const cand = scored.cands[i]!;
        return reasonFromSums(profile, cand, this.familySumsOf(scored.X, i, learner, weights, cand, scored.taste), now, this.options.messages);
      },
    };
    const result = policy(candidates, scorer, opts, rng, clock, owned);
    const explore = this.options.messages?.['reason.explore'];
    if (explore) for (const item of result.items) if (item.reason === EXPLORE_REASON) item.reason = explore;
    const listId = newListId(now);
    if (result.items.length && (scored || result.fellBack === false)) {
      // Every list the shopper is shown teaches, personalised or not: a list kept in server order
      // (personalization 0, no signal yet) gets its features computed here, as shown.
      const slot = opts.slot ?? 'default';
      const shown = scored ? shownPositions(scored.cands, result.items) : undefined;
      if (scored && shown) this.rememberShown(listId, slot, now, scored.cands, scored.X, shown);
      else {
        const shownIds = result.items.map((it) => it.id);
        const seen = scored ?? this.serverList(candidates, shownIds, now, owned);
        if (seen) {
          const found = positionsOf(seen.cands, shownIds);
          this.rememberShown(listId, slot, now, seen.cands, seen.X, found.shown, found.index);
        }
      }
    }
    return { ...result, listId };
  }

  /** The cleaned candidates the shopper was shown (at most the remembered positions), with their features now. */
  private serverList(candidates: unknown, shownIds: readonly string[], now: number, owned: boolean): { cands: Candidate[]; X: Float32Array } | undefined {
    const clean = sanitizeCandidates(candidates, MAX_CANDIDATES, undefined, owned);
    if (!clean.ok) return undefined;
    const keep = new Set(shownIds.slice(0, ENGINE_SETTINGS.maxRememberedPositions));
    const cands = clean.candidates.filter((c) => keep.has(c.id));
    return { cands, X: features(this.profile, cands, { now }) };
  }

  /** Registers a list as shown: `shown` holds positions in `cands`, in shown order; `index` when already built. */
  private rememberShown(listId: string, slot: string, now: number, cands: Candidate[], X: Float32Array, shown: number[], index?: Map<string, number>): void {
    const list: ShownList = { listId, slot, ts: now, candidates: cands, index, X, shown, used: new Set(), folded: false };
    // A newer list in the same slot replaces the older ones on the page; lists past their feedback
    // window get no more clicks. Either way they are final: the learner can have them.
    for (const l of this.lists) if (l.slot === slot || now - l.ts > ENGINE_SETTINGS.listTtlMs) this.fold(l);
    this.remember(list);
  }

  /**
   * Row `i`'s contributions summed by feature family, in a buffer the next call reuses. `tasteRows`:
   * the taste model's by family as scored with the list ({@link Learner.scoreItems}), else asked for.
   */
  private familySumsOf(X: Float32Array, i: number, learner: Learner | undefined, weights: FmWeights, cand: Candidate, tasteRows?: Float64Array): Float64Array {
    const d = FEATURE_DIM;
    const b = this.contribution;
    const x = X.subarray(i * d, i * d + d);
    const fm = learner ? learner.contributions(x, b.features) : fmContributions(weights, x, b.features);
    if (tasteRows) return familySums(fm, tasteRows, b.families, i * b.taste.length);
    const taste = learner?.itemContributions?.(cand, b.taste.fill(0));
    return familySums(fm, taste, b.families);
  }

  private tasteRowsFor(n: number): Float64Array {
    const size = n * this.contribution.taste.length;
    if (this.tasteRows.length < size) this.tasteRows = new Float64Array(size);
    return this.tasteRows;
  }

  private remember(list: ShownList): void {
    this.lists.push(list);
    if (this.lists.length > ENGINE_SETTINGS.maxLists) this.fold(this.lists.shift()!);
    this.addToPool(list.candidates);
  }

  private addToPool(items: readonly Candidate[]): void {
    // Cut back to the newest MAX_POOL once it would hold more than twice that (cutting at every view
    // copied the whole pool); a long list is cut before it is added, not after.
    const total = this.pool.length + items.length;
    if (total <= 2 * MAX_POOL) {
      for (const c of items) this.pool.push(c);
      return;
    }
    const fromPool = Math.max(0, MAX_POOL - items.length);
    const kept = fromPool > 0 ? this.pool.slice(-fromPool) : [];
    for (let i = Math.max(0, items.length - MAX_POOL); i < items.length; i++) kept.push(items[i]!);
    this.pool = kept;
  }

  /**
   * The page reports the order it actually showed (e.g. fewer items than ranked). A list the engine
   * never ranked (the site's own order) is registered as shown, with the features of the items it
   * knows (recent lists and views; an unknown id counts with its id only), so feedback on it teaches.
   */
  recordImpression(impression: Impression, now: number = impression?.ts ?? 0): void {
    if (!impression || typeof impression.listId !== 'string' || !Array.isArray(impression.ids)) return;
    const ids = [...new Set(impression.ids.map(String))].slice(0, ENGINE_SETTINGS.maxRememberedPositions);
    const list = this.lists.find((l) => l.listId === impression.listId);
    if (list) {
      const index = listIndex(list);
      const shown = ids.map((id) => index.get(id)).filter((i): i is number => i !== undefined);
      if (shown.length) list.shown = shown;
      return;
    }
    if (!ids.length) return;
    const known = new Map<string, Candidate>();
    for (const c of this.pool) known.set(c.id, c);
    for (const l of this.lists) for (const c of l.candidates) known.set(c.id, c);
    const cands = ids.map((id) => known.get(id) ?? { id });
    const slot = typeof impression.slot === 'string' ? impression.slot : 'default';
    const { shown, index } = positionsOf(cands, ids);
    this.rememberShown(impression.listId, slot, now, cands, features(this.profile, cands, { now }), shown, index);
  }

  /** Why a recently ranked candidate sits where it does. */
  explain(id: string, now: number): { reason?: string; contributions: FamilyContribution[] } | undefined {
    for (let k = this.lists.length - 1; k >= 0; k--) {
      const list = this.lists[k]!;
      const i = listIndex(list).get(id);
      if (i === undefined) continue;
      const fam = familyList(this.familySumsOf(list.X, i, this.learner, this.scoringWeights(), list.candidates[i]!));
      const reason = reasonFor(this.profile, list.candidates[i]!, fam, now, this.options.messages);
      return { ...(reason ? { reason } : {}), contributions: fam };
    }
    return undefined;
  }

  /** Sets (or with `undefined` removes) a declared attribute. Throws on an invalid key or value. */
  declare(key: string, value: DeclaredValue | undefined): void {
    this.profile = setDeclared(this.profile, key, value === undefined ? null : value);
  }

  /** Forgets everything (erase). */
  reset(now: number): void {
    this.profile = emptyProfile(now, this.options.profile);
    this.lists.length = 0;
    this.pool = [];
    this.pending = [];
    this.pendingLists = [];
    this.removed = [];
  }
}

/** FM scores plus the taste model's, in a new array (the learner's buffers are left alone). */
function withTaste(scores: Float32Array, taste: Float32Array | undefined): Float32Array {
  if (!taste) return scores;
  const out = Float32Array.from(scores);
  for (let i = 0; i < out.length; i++) out[i]! += taste[i] ?? 0;
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
