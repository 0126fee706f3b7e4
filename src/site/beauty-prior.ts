/**
 * The prior's training lists from S3-Rec sequence logs (Amazon Beauty): shared by `train-prior` and the
 * quality benchmark. Each user contributes one step per knowledge level h: target s[n-h] with history
 * s[:n-h], its candidates featurized with the site knowledge built from every user's s[:n-h], so no
 * example is scored with related lists or embeddings that already contain its own transition.
 */
import { createRng, mixSeed } from '../core/util/rng';
import { DAY_MS } from '../core/util/time';
import type { Candidate, StoredEvent } from '../core/types';
import type { ItemKnowledge } from './item-knowledge';
import { type BeautyData, SEQUENCES_BASE_TS } from './logs/beauty';
import type { PriorShopper } from './prior-examples';

/** Related items published per item (the product keeps at most 100). */
export const RELATED_PER_ITEM = 100;
/**
 * Dimension of the published item embeddings (the product accepts up to 64). Chosen on Beauty
 * validation (6,000 users, prior 99 negatives × 2 epochs): 32-d NDCG@10 0.3823 / MRR 0.3432,
 * 64-d 0.3872 / 0.3500.
 */
export const BEAUTY_EMBEDDING_DIM = 64;
/** Candidates per training list: the target plus 99 items the user never touched. */
const LIST_SIZE = 100;

/** The site knowledge of one training split (every user's s[:n-heldOut]) and the features built from it. */
export interface BeautyKnowledgeLevel {
  heldOut: number;
  knowledge: ItemKnowledge;
  features: Map<string, Candidate>;
}

/** A training split: every user's s[:n-heldOut] (default 2: the leave-one-out training split). */
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

/**
 * Per user and per level (see the module comment), one step. Negatives are uniform over items the user
 * never touched (99, or all of them in a smaller catalogue); the list is in popularity order by that
 * level's knowledge, ties by a seeded key.
 */
export function beautyPriorShoppers(data: BeautyData, levels: readonly BeautyKnowledgeLevel[], userIndices: readonly number[], seed: number): PriorShopper[] {
  return levels.flatMap(({ heldOut, knowledge, features }) => {
    const allIds = [...features.keys()];
    return userIndices.map((ui): PriorShopper => {
      const u = data.users[ui]!;
      const t0 = u.items.length - heldOut;
      const seen = u.items.slice(0, Math.max(0, t0 + 1));
      const touched = new Set(u.items);
      const events: StoredEvent[] = seen.map((id, i) => ({
        id: `${u.id}:${i}`,
        type: 'purchase',
        item: features.get(id)!,
        ts: SEQUENCES_BASE_TS + i * DAY_MS,
      }));
      const rng = createRng(mixSeed(seed, 31 + heldOut, ui));
      return {
        events,
        listFor(t: number) {
          if (t !== t0) return undefined;
          const target = u.items[t]!;
          const ids = new Set<string>([target]);
          // A small catalogue gives shorter lists: every item the user never touched, never a hang.
          const size = Math.min(LIST_SIZE, 1 + allIds.length - touched.size);
          while (ids.size < size) {
            const id = allIds[Math.floor(rng() * allIds.length)]!;
            if (!touched.has(id)) ids.add(id);
          }
          const keyed = [...ids].map((id) => ({ id, pop: knowledge.popularity(id), key: rng() }));
          keyed.sort((a, b) => b.pop - a.pop || a.key - b.key);
          const candidates: Candidate[] = keyed.map((k) => features.get(k.id)!);
          return { candidates, target: keyed.findIndex((k) => k.id === target) };
        },
      };
    });
  });
}
