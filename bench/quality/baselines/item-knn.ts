/**
 * Item-kNN over site-published co-occurrence neighbours (Beauty only: Taobao candidates may carry no
 * cross-user statistics). A candidate scores the sum of its similarity to the shopper's history items,
 * each weighted by `decay ** age` (age 0 = most recent event); decay = 1 is plain item-kNN.
 * Optional extra terms: embedding cosine to the recency-weighted history, attribute affinity, popularity.
 */
import type { Candidate } from '../../../src/core/types';
import type { ItemKnowledge } from '../../../src/site/item-knowledge';
import type { ReplayPolicy } from '../types';
import { serverTiebreak } from './util';

export interface ItemKnnOptions {
  name?: string;
  /** Per-event recency decay of history weights (default 1 = none). */
  decay?: number;
  /** Weight of the embedding cosine term (default 0). */
  embeddingWeight?: number;
  /** Weight of the attribute (tag) overlap term (default 0). */
  tagWeight?: number;
  /** Weight of log(1 + popularity) (default 0). */
  popularityWeight?: number;
}

export function itemKnnPolicy(o: ItemKnnOptions = {}): ReplayPolicy {
  const decay = o.decay ?? 1;
  const embW = o.embeddingWeight ?? 0;
  const tagW = o.tagWeight ?? 0;
  const popW = o.popularityWeight ?? 0;
  let k: ItemKnowledge | undefined;
  return {
    name: o.name ?? (decay === 1 ? 'item-knn' : 'item-knn-recency'),
    protocols: ['beauty-loo'],
    prepare: (site) => {
      if (!site.items) throw new Error('PolicyPrepareError: item-knn needs site item knowledge');
      k = site.items;
    },
    newShopper: () => {
      const history: Candidate[] = [];
      return {
        observe: (e) => {
          if (e.item) history.push(e.item);
        },
        rank: (candidates) => {
          const knowledge = k!;
          const acc = new Map<string, number>();
          const tags = new Map<string, number>();
          const dim = knowledge.dim;
          const profile = new Float64Array(dim);
          let w = 1;
          for (let h = history.length - 1; h >= 0; h--, w *= decay) {
            const item = history[h]!;
            for (const nb of knowledge.neighbours(item.id)) acc.set(nb.id, (acc.get(nb.id) ?? 0) + w * nb.weight);
            if (tagW) for (const t of item.tags ?? []) tags.set(t, (tags.get(t) ?? 0) + w);
            if (embW && item.embedding) for (let d = 0; d < dim; d++) profile[d]! += w * item.embedding[d]!;
          }
          let pnorm = 0;
          for (let d = 0; d < dim; d++) pnorm += profile[d]! ** 2;
          pnorm = Math.sqrt(pnorm) || 1;
          return Float64Array.from(candidates, (c, i) => {
            let s = acc.get(c.id) ?? 0;
            if (embW && c.embedding) {
              let dot = 0;
              for (let d = 0; d < dim; d++) dot += profile[d]! * c.embedding[d]!;
              s += (embW * dot) / pnorm;
            }
            if (tagW && c.tags?.length) {
              let t = 0;
              for (const tag of c.tags) t += tags.get(tag) ?? 0;
              s += (tagW * t) / Math.sqrt(c.tags.length);
            }
            if (popW) s += popW * Math.log1p(knowledge.popularity(c.id));
            return s + serverTiebreak(i, candidates.length);
          });
        },
      };
    },
  };
}
