/**
 * The product under test: replay policies that drive the very same core code as the worker
 * (events → profile → features → FM scorer / tfjs learner → rerank policy), one fresh shopper at a
 * time. Only public knowledge crosses shoppers: the prior (trained on the tuning split) and the
 * per-item public features the protocol attaches to candidates.
 */
import { DEFAULT_WEIGHTS, FM_K } from '../../src/core/default-weights';
import { Engine } from '../../src/core/engine';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../../src/core/features';
import type { FmWeights } from '../../src/core/fm';
import { FmRanker } from '../../src/core/model';
import { createRng } from '../../src/core/rng';
import type { Candidate } from '../../src/core/types';
import type { ReplayPolicy, ShopperSession } from './types';

/** Options of one product configuration. */
export interface ProductPolicyOptions {
  name: string;
  /** Online learning from the shopper's own feedback. */
  learn: boolean;
  /** Starting weights (a trained prior); the built-in heuristics when absent. */
  prior?: FmWeights;
  personalization: number;
  /** Exploration rate (Thompson sampling); 0 = off. */
  exploration: number;
  diversity?: number;
}

/** A replay policy running the product engine. */
export function productPolicy(o: ProductPolicyOptions): ReplayPolicy {
  let current: FmRanker | undefined;
  const weights = o.prior ?? DEFAULT_WEIGHTS;
  return {
    name: o.name,
    protocols: ['beauty-loo', 'taobao-replay'],
    newShopper(_userId, seed): ShopperSession {
      // One shopper at a time: the previous shopper's tensors go before the next one starts.
      current?.dispose();
      current = undefined;
      const engine = new Engine(
        {
          weights,
          personalization: o.personalization,
          learn: o.learn,
          rerank: { exploration: o.exploration, diversity: o.diversity ?? 0, budgetMs: 10_000 },
        },
        0,
      );
      if (o.learn) {
        current = new FmRanker({
          d: FEATURE_DIM,
          k: FM_K,
          prior: { version: o.prior ? 'bench-prior' : 'built-in', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights },
          featureSchemaVersion: FEATURE_SCHEMA_VERSION,
          seed,
        });
        engine.attachLearner(current);
      }
      const rng = createRng(seed);
      return {
        observe(event) {
          engine.ingest(event, event.ts);
          if (o.learn) engine.train();
        },
        rank(candidates: readonly Candidate[], now: number): Float64Array {
          const r = engine.rerank(candidates, { slot: 'bench' }, rng, now, () => performance.now());
          const n = candidates.length;
          const scores = new Float64Array(n);
          // Higher is better: position in the reranked list, read back onto server indices.
          const index = new Map(candidates.map((c, i) => [c.id, i]));
          for (const it of r.items) {
            const i = index.get(it.id);
            if (i !== undefined) scores[i] = n - it.to;
          }
          return scores;
        },
      };
    },
  };
}
