/**
 * The contracts of the offline quality benchmark: what a policy under test implements and what
 * public, non-personal site knowledge it may receive. The product pipeline plugs in here.
 */
import type { Candidate, StoredEvent } from '../../src/core/types';
import type { ItemKnowledge } from '../../src/site/item-knowledge';
import type { PriorShopper } from '../../src/site/prior-examples';

/** The protocols the harness runs. */
export type ProtocolName = 'beauty-loo' | 'taobao-replay' | 'taobao-intent' | 'shown-lists';

/**
 * Public, same-for-every-shopper knowledge a site could publish, handed to policies once per protocol.
 * Taobao protocols get `items: undefined` (the rule there: candidates carry only item id and category).
 */
export interface SiteKnowledge {
  protocol: ProtocolName;
  /** Popularity, co-occurrence neighbours and embeddings from the training split (Beauty only). */
  items?: ItemKnowledge;
  /** Embedding dimension attached to candidates (0 when none). */
  embeddingDim: number;
  /**
   * The site's own training log for fitting a prior, restricted to the tuning data (Beauty: the
   * training split; Taobao: the first half of each shopper's steps). Never includes reported steps.
   */
  priorShoppers?: () => PriorShopper[];
  /** True in `--quick` runs: fits use smaller samples. */
  quick?: boolean;
  /** taobao-intent: labelled examples from the tuning days only, built with the policy's own featurizer. */
  intentTuneExamples?: (
    makeSession: () => { observe(e: StoredEvent): void; features(now: number): number[] },
  ) => { rows: number[][]; labels: boolean[] };
}

/** One shopper's personal state inside a policy: sees only that shopper's own events. */
export interface ShopperSession {
  /** Called for each of the shopper's events, in time order, strictly before any step that follows it. */
  observe(event: StoredEvent): void;
  /**
   * Scores candidates (higher = better). Candidates arrive in server order; the array and the
   * candidate objects are shared and must not be mutated. Ties are resolved neutrally by the harness.
   */
  rank(candidates: readonly Candidate[], now: number): Float64Array;
}

/** A ranking policy under test. */
export interface ReplayPolicy {
  name: string;
  /** Protocols this policy can run; omitted = all ranking protocols. */
  protocols?: readonly ProtocolName[];
  /** Called once per protocol, before any shopper, with public non-personal site knowledge. */
  prepare?(site: SiteKnowledge): void;
  newShopper(userId: string, rngSeed: number): ShopperSession;
}

/** One shopper's purchase-intent state. */
export interface IntentSession {
  observe(event: StoredEvent): void;
  /** Propensity (any monotone score) that the shopper buys within the next 24 hours after `now`. */
  intent(now: number): number;
}

/** A purchase-intent policy under test (the product's propensity plugs in here). */
export interface IntentPolicy {
  name: string;
  prepare?(site: SiteKnowledge): void;
  newShopper(userId: string, rngSeed: number): IntentSession;
}
