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
import { groupContributions, reasonFor, type FamilyContribution } from './rank/explain';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION, features } from './model/features';
import { type FmWeights, type PairExample, fmContributions, fmScoreBatch } from './model/fm';
import { DEFAULT_WEIGHTS } from './model/default-weights';
import { applyEventMut, emptyProfile, type Profile, type ProfileConfig, reviveProfile, setDeclared, type DeclaredValue } from './profile/profile';
import { churnRisk, purchaseIntent, type LogisticModel } from './profile/propensity';
import { type PersonalScorer, rerank as policy } from './rank/rerank';
import type { Rng } from './util/rng';
import { type SegmentConfig, segmentsOf } from './profile/segments';
import type { Candidate, EventType, Impression, RerankOptions, RerankResult, StoredEvent } from './types';

/** What the engine needs from an online learner (the tfjs {@link FmRanker} implements it). */
export interface Learner {
  score(X: Float32Array, n: number): Float32Array;
  scoreSampled(X: Float32Array, n: number, rng: Rng, scale?: number): Float32Array;
  learn(pairs: readonly PairExample[]): number;
  contributions(x: Float32Array): Float32Array;
  weights(): FmWeights;
}

/** Engine configuration: all optional. */
export interface EngineOptions {
  profile?: Partial<ProfileConfig>;
  /** Default personalization strength for reranks. */
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
  /** Feedback weight per event type. */
  feedbackWeights?: Partial<Record<EventType, number>>;
  /** Skipped items above a clicked one that become negatives (default 10). */
  maxNegatives?: number;
  /**
   * Temperature of Thompson sampling: the posterior spread is scaled by this (default
   * {@link DEFAULT_EXPLORATION_SCALE}); the full spread of a fresh posterior reorders lists almost at random.
   */
  explorationScale?: number;
}

/** Posterior scale for exploration, chosen on the benchmarks' tuning splits. */
export const DEFAULT_EXPLORATION_SCALE = 0.1;

/** The personalization strength the quality benchmark tuned on its validation splits. */
export const DEFAULT_PERSONALIZATION = 0.7;

const FEEDBACK: Partial<Record<EventType, number>> = { click: 1, favorite: 1.5, add_to_cart: 2, purchase: 3 };
const MAX_LISTS = 16;
const MAX_POOL = 200;
const LIST_TTL_MS = 2 * 3_600_000;

interface ShownList {
  listId: string;
  slot: string;
  ts: number;
  candidates: Candidate[];
  /** Features as they were when shown, row-major n × d, in candidate order. */
  X: Float32Array;
  /** Candidate indices in shown order. */
  shown: number[];
  /** Candidate indices the shopper has already interacted with. */
  used: Set<number>;
}

/** Outcome of {@link Engine.ingest}. */
export type IngestResult =
  | { ok: true; event: StoredEvent; duplicate: boolean; pairs: number; warnings: string[] }
  | { ok: false; error: string };

let listCounter = 0;

/** One shopper's in-memory personalizer. */
export class Engine {
  profile: Profile;
  private learner: Learner | undefined;
  private weights: FmWeights;
  private readonly lists: ShownList[] = [];
  private pool: Candidate[] = [];
  private pending: PairExample[] = [];

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
  }

  hasLearner(): boolean {
    return this.learner !== undefined;
  }

  /** Replaces the profile (e.g. a snapshot from storage); throws on a malformed one. */
  restoreProfile(raw: unknown): void {
    this.profile = reviveProfile(raw);
  }

  /** Validates an untrusted event and ingests it. Never throws. */
  ingestRaw(input: unknown, now: number): IngestResult {
    const v = validateEvent(input, now);
    if (!v.ok) return { ok: false, error: String(v.error) };
    const r = this.ingest(v.event, now);
    return { ...r, warnings: v.warnings };
  }

  /**
   * Ingests a clean event: feedback first (features as the shopper saw them), then the profile.
   * `learn: false` for events replayed from storage or from other tabs (already learned from there).
   */
  ingest(event: StoredEvent, now: number, learn = true): { ok: true; event: StoredEvent; duplicate: boolean; pairs: number; warnings: string[] } {
    const before = this.profile.duplicates;
    let pairs = 0;
    const weight = (this.options.feedbackWeights ?? FEEDBACK)[event.type];
    const willLearn = learn && (this.options.learn ?? true) && weight !== undefined && event.item !== undefined;
    const snapshot = willLearn ? this.feedbackPairs(event, weight!, now) : [];
    applyEventMut(this.profile, event, now, this.options.profile);
    const duplicate = this.profile.duplicates !== before;
    // Items the shopper looked at are the "recent candidates" later feedback without a list is
    // compared with (what they saw and did not go for).
    if (!duplicate && event.type === 'view' && event.item) this.addToPool([event.item]);
    if (!duplicate && snapshot.length) {
      this.pending.push(...snapshot);
      pairs = snapshot.length;
    }
    return { ok: true, event, duplicate, pairs, warnings: [] };
  }

  /** Learns from queued feedback (one mini-batched step). Returns the number of examples used. */
  train(): number {
    if (!this.learner || this.pending.length === 0) return 0;
    const batch = this.pending.splice(0, 256);
    this.learner.learn(batch);
    return batch.length;
  }

  /** Feedback waiting for the learner. */
  pendingExamples(): number {
    return this.pending.length;
  }

  private feedbackPairs(event: StoredEvent, weight: number, now: number): PairExample[] {
    const id = event.item!.id;
    const d = FEATURE_DIM;
    const list = this.findList(event, now);
    const maxNeg = this.options.maxNegatives ?? 10;
    const out: PairExample[] = [];
    if (list) {
      const idx = list.candidates.findIndex((c) => c.id === id);
      const pos = list.shown.indexOf(idx);
      if (idx < 0 || pos < 0) return out;
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
      list.used.add(idx);
      for (const j of negatives) out.push({ pos: x.slice(), neg: list.X.slice(j * d, j * d + d), weight: w });
      return out;
    }
    // No shown list: compare against recently shown candidates, with today's features.
    const negs = this.pool.filter((c) => c.id !== id).slice(-maxNeg);
    if (negs.length === 0) return out;
    const cands: Candidate[] = [event.item!, ...negs];
    const X = features(this.profile, cands, { now: event.ts });
    const x = X.slice(0, d);
    for (let j = 1; j < cands.length; j++) out.push({ pos: x, neg: X.slice(j * d, j * d + d), weight: weight * 0.5 });
    return out;
  }

  private findList(event: StoredEvent, now: number): ShownList | undefined {
    const id = event.item!.id;
    const fresh = (l: ShownList) => now - l.ts <= LIST_TTL_MS && l.candidates.some((c) => c.id === id);
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
   */
  rerank(candidates: unknown, options: RerankOptions, rng: Rng, now: number, clock: () => number): RerankResult {
    const opts: RerankOptions = {
      ...this.options.rerank,
      personalization: this.options.personalization ?? DEFAULT_PERSONALIZATION,
      ...stripUndefined(options),
    };
    let scored: { cands: Candidate[]; X: Float32Array } | undefined;
    const learner = this.learner;
    const weights = this.scoringWeights();
    const profile = this.profile;
    const scorer: PersonalScorer = {
      score: (cands, r, explore) => {
        const X = features(profile, cands, { now });
        scored = { cands: cands as Candidate[], X };
        const n = cands.length;
        const scores = learner ? learner.score(X, n) : fmScoreBatch(weights, X, n);
        const sampled = explore && learner ? learner.scoreSampled(X, n, r, this.options.explorationScale ?? DEFAULT_EXPLORATION_SCALE) : undefined;
        return { scores, sampled, hasSignal: profile.eventCount > 0 };
      },
      reason: (i) => {
        if (!scored) return undefined;
        const fam = this.familiesFor(scored.X, i, learner, weights);
        return reasonFor(profile, scored.cands[i]!, fam, now);
      },
    };
    const result = policy(candidates, scorer, opts, rng, clock);
    const listId = `l${(++listCounter).toString(36)}-${now.toString(36)}`;
    if (scored && result.items.length) {
      const index = new Map(scored.cands.map((c, i) => [c.id, i]));
      const list: ShownList = {
        listId,
        slot: opts.slot ?? 'default',
        ts: now,
        candidates: scored.cands,
        X: scored.X,
        shown: result.items.map((it) => index.get(it.id)!).filter((i) => i !== undefined),
        used: new Set(),
      };
      this.remember(list);
    }
    return { ...result, listId };
  }

  private familiesFor(X: Float32Array, i: number, learner: Learner | undefined, weights: FmWeights): FamilyContribution[] {
    const d = FEATURE_DIM;
    const x = X.subarray(i * d, i * d + d);
    return groupContributions(learner ? learner.contributions(x) : fmContributions(weights, x));
  }

  private remember(list: ShownList): void {
    this.lists.push(list);
    if (this.lists.length > MAX_LISTS) this.lists.shift();
    this.addToPool(list.candidates);
  }

  private addToPool(items: readonly Candidate[]): void {
    for (const c of items) this.pool.push(c);
    if (this.pool.length > MAX_POOL) this.pool = this.pool.slice(-MAX_POOL);
  }

  /** The page reports the order it actually showed (e.g. fewer items than ranked). */
  recordImpression(impression: Impression): void {
    const list = this.lists.find((l) => l.listId === impression.listId);
    if (!list || !Array.isArray(impression.ids)) return;
    const index = new Map(list.candidates.map((c, i) => [c.id, i]));
    const shown = impression.ids.map((id) => index.get(String(id))).filter((i): i is number => i !== undefined);
    if (shown.length) list.shown = shown;
  }

  /** Why a recently ranked candidate sits where it does. */
  explain(id: string, now: number): { reason?: string; contributions: FamilyContribution[] } | undefined {
    for (let k = this.lists.length - 1; k >= 0; k--) {
      const list = this.lists[k]!;
      const i = list.candidates.findIndex((c) => c.id === id);
      if (i < 0) continue;
      const fam = this.familiesFor(list.X, i, this.learner, this.scoringWeights());
      const reason = reasonFor(this.profile, list.candidates[i]!, fam, now);
      return { ...(reason ? { reason } : {}), contributions: fam };
    }
    return undefined;
  }

  /** Sets (or with `undefined` removes) a declared attribute. Throws on an invalid key or value. */
  declare(key: string, value: DeclaredValue | undefined): void {
    this.profile = setDeclared(this.profile, key, value === undefined ? null : value);
  }

  /** What the shopper sees about themselves: the profile plus derived segments and propensities. */
  view(now: number): { profile: Profile; segments: ReturnType<typeof segmentsOf>; propensities: { purchaseIntent: number; churnRisk: number }; model: { featureSchemaVersion: number; learning: boolean; pendingExamples: number } } {
    return {
      profile: this.profile,
      segments: segmentsOf(this.profile, now, this.options.segments),
      propensities: {
        purchaseIntent: purchaseIntent(this.profile, now, this.options.intentModel),
        churnRisk: churnRisk(this.profile, now, this.options.churnModel),
      },
      model: { featureSchemaVersion: FEATURE_SCHEMA_VERSION, learning: this.learner !== undefined, pendingExamples: this.pending.length },
    };
  }

  /** Forgets everything (erase). */
  reset(now: number): void {
    this.profile = emptyProfile(now, this.options.profile);
    this.lists.length = 0;
    this.pool = [];
    this.pending = [];
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
