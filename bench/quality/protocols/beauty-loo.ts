/**
 * beauty-loo: the S3-Rec leave-one-out protocol on Amazon Beauty. Per user with sequence s (length n):
 * validation target s[n-2] with history s[:n-2], test target s[n-1] with history s[:n-1]; candidates =
 * target + the user's 99 fixed negatives; server order = training-split popularity, ties broken by a
 * seeded random key. Site knowledge is built from the training split only (every user's s[:n-2]).
 */
import { createRng, mixSeed } from '../../../src/core/util/rng';
import { DAY_MS } from '../../../src/core/util/time';
import type { Candidate, StoredEvent } from '../../../src/core/types';
import { BEAUTY_EMBEDDING_DIM, type BeautyKnowledgeLevel, beautyItemFeatures, beautyTrainingSequences } from '../../../src/site/beauty-prior';
import { type ItemKnowledge, type ItemKnowledgeOptions, buildItemKnowledge } from '../../../src/site/item-knowledge';
import { type BeautyData, SEQUENCES_BASE_TS } from '../../../src/site/logs/beauty';
import { placeTarget } from '../metrics';
import { StepRecords } from '../records';
import type { ReplayPolicy, SiteKnowledge } from '../types';
import { type RankRunResult, checkScores, learningCurve, sliceMetrics } from './common';

export interface BeautyLooSetup {
  site: SiteKnowledge;
  knowledge: ItemKnowledge;
  /** Public features per item (shared, frozen): tags = attribute ids, embedding and related items from the training split. */
  features: Map<string, Candidate>;
  /**
   * What the site knew earlier, for fitting the prior without look-ahead: per level h (3, 4, …),
   * knowledge from every user's s[:n-h] and the features built from it. A prior example predicts
   * s[n-h] from s[:n-h], a transition its knowledge has never seen, exactly as the reported steps
   * relate to `knowledge`.
   */
  prior: BeautyKnowledgeLevel[];
  /** Indices into data.users of the evaluated users. */
  userIndices: number[];
  data: BeautyData;
  seed: number;
  /** Seconds to build every level of site knowledge (the reported steps' and the prior's). */
  knowledgeSeconds: number;
}

/** Options of a beauty-loo setup. */
export interface BeautyLooOptions {
  seed: number;
  /** Evaluated users (default: all). */
  userIndices?: number[];
  /** Site-knowledge settings (default: the reference's, at {@link BEAUTY_EMBEDDING_DIM}). */
  knowledge?: ItemKnowledgeOptions;
  /** Earlier training splits for the prior: s[:n-3], s[:n-4], … (default 1). */
  priorLevels?: number;
}

/** The training splits a setup needs, by held-out count: 2 for the reported steps, then the prior's 3, 4, …. */
export function beautyKnowledgeLevels(opts: Pick<BeautyLooOptions, 'priorLevels'>): number[] {
  return [2, ...Array.from({ length: opts.priorLevels ?? 1 }, (_, i) => 3 + i)];
}

/**
 * A setup from site knowledge built elsewhere: `levels` holds one build per entry of
 * {@link beautyKnowledgeLevels}, in that order (the site pipeline's files read back, or the in-memory
 * reference); `knowledgeSeconds` is what building all of them took.
 */
export function beautyLooFromKnowledge(data: BeautyData, opts: BeautyLooOptions, levels: readonly ItemKnowledge[], knowledgeSeconds: number): BeautyLooSetup {
  const heldOut = beautyKnowledgeLevels(opts);
  if (levels.length !== heldOut.length) throw new RangeError(`expected ${heldOut.length} levels of site knowledge, got ${levels.length}`);
  const knowledge = levels[0]!;
  const prior = levels.slice(1).map((k, i) => ({ heldOut: heldOut[i + 1]!, knowledge: k, features: beautyItemFeatures(data, k) }));
  return {
    site: { protocol: 'beauty-loo', items: knowledge, embeddingDim: knowledge.dim },
    knowledge,
    features: beautyItemFeatures(data, knowledge),
    prior,
    userIndices: opts.userIndices ?? data.users.map((_, i) => i),
    data,
    seed: opts.seed,
    knowledgeSeconds,
  };
}

/**
 * The setup with site knowledge from the in-memory reference (`buildItemKnowledge`). The quality
 * benchmark builds it with the site pipeline instead (`setupBeautyLooFromPipeline` in
 * `bench/quality/site-knowledge.ts`); this stays for unit tests, tuning scripts and the equivalence check.
 */
export function setupBeautyLoo(data: BeautyData, opts: BeautyLooOptions): BeautyLooSetup {
  const t0 = performance.now();
  const levels = beautyKnowledgeLevels(opts).map((heldOut) =>
    buildItemKnowledge(beautyTrainingSequences(data, heldOut), { seed: opts.seed, dim: BEAUTY_EMBEDDING_DIM, ...opts.knowledge }),
  );
  return beautyLooFromKnowledge(data, opts, levels, (performance.now() - t0) / 1000);
}

/**
 * A step of the protocol: `valid` and `test` are reported; `warm` (target s[n-3], tuning only, see
 * {@link BeautyRunOptions.warmList}) gives the validation step the one shown list the test step has.
 */
export type BeautyStep = 'warm' | 'valid' | 'test';
const HELD_OUT: Record<BeautyStep, number> = { warm: 3, valid: 2, test: 1 };
const STEP_SEED: Record<BeautyStep, number> = { valid: 0, test: 1, warm: 2 };

/** Candidates for one step in server order, and the target's position. */
export function beautyCandidates(
  setup: BeautyLooSetup,
  userIndex: number,
  split: BeautyStep,
): { candidates: Candidate[]; target: number } {
  const u = setup.data.users[userIndex]!;
  const targetId = u.items[u.items.length - HELD_OUT[split]]!;
  const rng = createRng(mixSeed(setup.seed, 11, userIndex, STEP_SEED[split]));
  const ids = [targetId, ...u.negatives];
  const keyed = ids.map((id) => ({ id, pop: setup.knowledge.popularity(id), key: rng() }));
  keyed.sort((a, b) => b.pop - a.pop || a.key - b.key);
  const candidates = keyed.map((k) => setup.features.get(k.id)!);
  return { candidates, target: keyed.findIndex((k) => k.id === targetId) };
}

function purchase(setup: BeautyLooSetup, userId: string, id: string, pos: number): StoredEvent {
  return { id: `${userId}:${pos}`, type: 'purchase', item: setup.features.get(id)!, ts: SEQUENCES_BASE_TS + pos * DAY_MS };
}

/** Options of {@link runBeautyLoo}. */
export interface BeautyRunOptions {
  /**
   * Tuning only: the shopper is also shown a list at s[n-3] (its target and the same 99 negatives)
   * and buys s[n-3] from it, so the validation step has what the test step has: one shown list with
   * its click for the learner. Without it, no learner has any input before the validation step and
   * the validation split cannot tell a learner from none. Its records are not reported.
   */
  warmList?: boolean;
}

/** Runs one policy over the evaluated users (validation step, then test step, one session per user). */
export function runBeautyLoo(setup: BeautyLooSetup, policy: ReplayPolicy, opts: BeautyRunOptions = {}): RankRunResult {
  const t0 = performance.now();
  policy.prepare?.(setup.site);
  const records = new StepRecords();
  const steps: BeautyStep[] = opts.warmList ? ['warm', 'valid', 'test'] : ['valid', 'test'];
  for (const ui of setup.userIndices) {
    const u = setup.data.users[ui]!;
    const n = u.items.length;
    const rec = records.addUser(u.id);
    const session = policy.newShopper(u.id, mixSeed(setup.seed, 13, ui));
    const first = n - HELD_OUT[steps[0]!];
    for (let i = 0; i < first; i++) session.observe(purchase(setup, u.id, u.items[i]!, i));
    for (const split of steps) {
      const pos = n - HELD_OUT[split];
      if (pos > first) session.observe(purchase(setup, u.id, u.items[pos - 1]!, pos - 1));
      const { candidates, target } = beautyCandidates(setup, ui, split);
      const scores = session.rank(candidates, SEQUENCES_BASE_TS + pos * DAY_MS);
      checkScores(policy.name, scores, candidates.length);
      if (split !== 'warm') records.add(rec, pos, split, placeTarget(scores, target), false);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    protocol: 'beauty-loo',
    policy: policy.name,
    slices: {
      valid: sliceMetrics(records, (r) => r.split === 'valid'),
      test: sliceMetrics(records, (r) => r.split === 'test'),
    },
    curve: learningCurve(records, (s) => s === 'test'),
    records,
    seconds,
    stepsPerSecond: records.length / Math.max(seconds, 1e-9),
  };
}
