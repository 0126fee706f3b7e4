/**
 * beauty-loo: the S3-Rec leave-one-out protocol on Amazon Beauty. Per user with sequence s (length n):
 * validation target s[n-2] with history s[:n-2], test target s[n-1] with history s[:n-1]; candidates =
 * target + the user's 99 fixed negatives; server order = training-split popularity, ties broken by a
 * seeded random key. Site knowledge is built from the training split only (every user's s[:n-2]).
 */
import { createRng } from '../../../src/core/util/rng';
import type { Candidate, StoredEvent } from '../../../src/core/types';
import { type ItemKnowledge, type ItemKnowledgeOptions, buildItemKnowledge } from '../../../src/site/item-knowledge';
import type { BeautyData } from '../data/beauty';
import { placeTarget } from '../metrics';
import { StepRecords } from '../records';
import { mixSeed } from '../seeds';
import type { ReplayPolicy, SiteKnowledge } from '../types';
import { type RankRunResult, checkScores, learningCurve, sliceMetrics } from './common';

/** Synthetic event times: position i of a sequence happens at BASE + i days. */
export const BEAUTY_BASE_TS = Date.UTC(2014, 0, 1);
export const DAY_MS = 86_400_000;
/** Related items published per item (the product keeps at most 100). */
export const RELATED_PER_ITEM = 100;
/**
 * Dimension of the published item embeddings (the product accepts up to 64). Chosen on Beauty
 * validation (6,000 users, prior 99 negatives × 2 epochs): 32-d NDCG@10 0.3823 / MRR 0.3432,
 * 64-d 0.3872 / 0.3500.
 */
export const BEAUTY_EMBEDDING_DIM = 64;

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
  prior: { heldOut: number; knowledge: ItemKnowledge; features: Map<string, Candidate> }[];
  /** Indices into data.users of the evaluated users. */
  userIndices: number[];
  data: BeautyData;
  seed: number;
  /** Seconds to build every level of site knowledge (the reported steps' and the prior's). */
  knowledgeSeconds: number;
}

/** The training split: every user's s[:n-2]. */
export function beautyTrainingSequences(data: BeautyData, heldOut = 2): string[][] {
  return data.users.map((u) => u.items.slice(0, Math.max(0, u.items.length - heldOut)));
}

/**
 * Public features of every item from one build of the site knowledge: tags = attribute ids, the
 * embedding, and the related items = the item's strongest predecessors ("shoppers of these go on to
 * this item"), on one scale for all items so scores compare across candidates.
 */
export function beautyItemFeatures(data: BeautyData, knowledge: ItemKnowledge): Map<string, Candidate> {
  const features = new Map<string, Candidate>();
  const lists = knowledge.itemIds.map((id) => knowledge.predecessors(id).slice(0, RELATED_PER_ITEM));
  // The 95th percentile of items' strongest related weight maps to score 1.
  const tops = lists.map((l) => l[0]?.weight ?? 0).filter((w) => w > 0).sort((a, b) => a - b);
  const relatedScale = tops[Math.floor(tops.length * 0.95)] ?? 1;
  const feature = (id: string): void => {
    if (features.has(id)) return;
    const c: Candidate = { id, tags: data.attributes.get(id) ?? [] };
    const e = knowledge.embedding(id);
    if (e) c.embedding = Array.from(e);
    const k = knowledge.indexOf(id);
    const nb = k >= 0 ? lists[k]! : [];
    if (nb.length) c.related = nb.map((n) => ({ id: n.id, score: Math.min(1, n.weight / relatedScale) }));
    features.set(id, Object.freeze(c));
  };
  for (const u of data.users) {
    for (const id of u.items) feature(id);
    for (const id of u.negatives) feature(id);
  }
  return features;
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

/** Candidates for one step in server order, and the target's position. */
export function beautyCandidates(
  setup: BeautyLooSetup,
  userIndex: number,
  split: 'valid' | 'test',
): { candidates: Candidate[]; target: number } {
  const u = setup.data.users[userIndex]!;
  const targetId = u.items[u.items.length - (split === 'test' ? 1 : 2)]!;
  const rng = createRng(mixSeed(setup.seed, 11, userIndex, split === 'test' ? 1 : 0));
  const ids = [targetId, ...u.negatives];
  const keyed = ids.map((id) => ({ id, pop: setup.knowledge.popularity(id), key: rng() }));
  keyed.sort((a, b) => b.pop - a.pop || a.key - b.key);
  const candidates = keyed.map((k) => setup.features.get(k.id)!);
  return { candidates, target: keyed.findIndex((k) => k.id === targetId) };
}

function purchase(setup: BeautyLooSetup, userId: string, id: string, pos: number): StoredEvent {
  return { id: `${userId}:${pos}`, type: 'purchase', item: setup.features.get(id)!, ts: BEAUTY_BASE_TS + pos * DAY_MS };
}

/** Runs one policy over the evaluated users (validation step, then test step, one session per user). */
export function runBeautyLoo(setup: BeautyLooSetup, policy: ReplayPolicy): RankRunResult {
  const t0 = performance.now();
  policy.prepare?.(setup.site);
  const records = new StepRecords();
  for (const ui of setup.userIndices) {
    const u = setup.data.users[ui]!;
    const n = u.items.length;
    const rec = records.addUser(u.id);
    const session = policy.newShopper(u.id, mixSeed(setup.seed, 13, ui));
    for (let i = 0; i < n - 2; i++) session.observe(purchase(setup, u.id, u.items[i]!, i));
    for (const split of ['valid', 'test'] as const) {
      const pos = split === 'valid' ? n - 2 : n - 1;
      if (split === 'test') session.observe(purchase(setup, u.id, u.items[n - 2]!, n - 2));
      const { candidates, target } = beautyCandidates(setup, ui, split);
      const scores = session.rank(candidates, BEAUTY_BASE_TS + pos * DAY_MS);
      checkScores(policy.name, scores, candidates.length);
      records.add(rec, pos, split, placeTarget(scores, target), false);
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
