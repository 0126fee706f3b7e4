/**
 * The product's per-shopper learner, as the worker and the quality benchmark both create it
 * ({@link createLearner}): the tfjs factorization machine ({@link FmRanker}), which re-weighs the
 * profile features from pairwise feedback on top of the site prior, together with the taste model
 * ({@link TasteModel}), which learns the shopper's own preference for item attributes from every
 * list they were shown. The engine adds the two scores.
 */
import type { Candidate } from '../types';
import type { FmWeights, PairExample } from './fm';
import { FmRanker, type FmRankerOptions, type FmState } from './model';
import { LEARNER_SETTINGS, TASTE_SETTINGS } from '../settings';
import { type ListOutcome, TasteModel, type TasteSettings, type TasteState } from './taste';
import type { Rng } from '../util/rng';

/** Version of {@link LearnerState}. A bare {@link FmState} (version 1, before the taste model) is still read. */
export const LEARNER_STATE_VERSION = 2;

/** What the worker stores for a shopper's learner. */
export interface LearnerState {
  v: typeof LEARNER_STATE_VERSION;
  fm: FmState;
  taste: TasteState;
}

/** A prior as the learner factory takes it: its weights and the version that identifies them. */
export interface LearnerBase {
  weights: FmWeights;
  version: string;
  featureSchemaVersion: number;
  variance?: Float32Array;
}

/** The FM ranker and the taste model of one shopper, behind the engine's `Learner` interface. */
export class ShopperLearner {
  constructor(
    readonly fm: FmRanker,
    readonly taste: TasteModel,
  ) {}

  score(X: Float32Array, n: number): Float32Array {
    return this.fm.score(X, n);
  }

  scoreSampled(X: Float32Array, n: number, rng: Rng, scale?: number): Float32Array {
    return this.fm.scoreSampled(X, n, rng, scale);
  }

  learn(pairs: readonly PairExample[]): number {
    return this.fm.learn(pairs);
  }

  contributions(x: Float32Array, out?: Float32Array): Float32Array {
    return this.fm.contributions(x, out);
  }

  weights(): FmWeights {
    return this.fm.weights();
  }

  /** The taste model's residual score per candidate (0 for all until it has seen a list); see {@link TasteModel.score}. */
  scoreItems(cands: readonly Candidate[], byFamily?: Float64Array): Float32Array {
    return this.taste.score(cands, byFamily);
  }

  /** The taste model's part of one candidate's score, by feature family (see {@link TasteModel.contributions}). */
  itemContributions(c: Candidate, out?: Float64Array): Float64Array {
    return this.taste.contributions(c, out);
  }

  /** Learns from shown lists (clicked and passed-over items). */
  observeLists(outcomes: readonly ListOutcome[]): void {
    this.taste.observe(outcomes);
  }

  /** Takes removed interests out of the taste model and keeps them out (the FM has no per-attribute weights). */
  exclude(removed: readonly { kind: string; key: string }[]): void {
    this.taste.exclude(removed);
  }

  /** A structured-clone safe copy of both models, for storage and export. */
  exportState(): LearnerState {
    return { v: LEARNER_STATE_VERSION, fm: this.fm.exportState(), taste: this.taste.exportState() };
  }

  dispose(): void {
    this.fm.dispose();
  }
}

/** Experiment-only overrides (`bench/tune*.ts`); the product passes none. */
export interface LearnerExperiment extends Partial<Omit<FmRankerOptions, 'd' | 'k' | 'prior' | 'featureSchemaVersion'>> {
  taste?: Partial<TasteSettings>;
}

/**
 * The product's learner with the shipped {@link LEARNER_SETTINGS} and {@link TASTE_SETTINGS}. The FM
 * is restored from `saved` when it was learnt from the same prior and feature schema, else starts
 * fresh from `base` (`restarted`: the worker then relearns it from the event log). The taste model
 * does not depend on the prior or the feature schema: it is restored whenever its state is valid.
 * @example const { ranker, restarted } = createLearner(base, saved);
 */
export function createLearner(base: LearnerBase, saved?: unknown, experiment: LearnerExperiment = {}): { ranker: ShopperLearner; restarted: boolean } {
  const { taste: tasteExperiment, ...fmExperiment } = experiment;
  const S = LEARNER_SETTINGS;
  const tasteSettings: TasteSettings = { ...TASTE_SETTINGS, ...tasteExperiment };
  const stored = saved as Partial<LearnerState> | undefined;
  const fmSaved = stored && stored.v === LEARNER_STATE_VERSION ? stored.fm : (saved as FmState | undefined);
  let taste: TasteModel | undefined;
  if (stored?.v === LEARNER_STATE_VERSION) {
    try {
      taste = TasteModel.fromState(stored.taste, tasteSettings);
    } catch {
      // a malformed taste state: start it again (the FM is unaffected)
    }
  }
  taste ??= new TasteModel(tasteSettings);
  if (fmSaved !== undefined) {
    try {
      if (fmSaved?.priorVersion === base.version) {
        const fm = FmRanker.fromState(fmSaved, { seed: S.seed, ...fmExperiment, featureSchemaVersion: base.featureSchemaVersion });
        return { ranker: new ShopperLearner(fm, taste), restarted: false };
      }
    } catch {
      // another feature schema or layout: restart from the prior below
    }
  }
  const fm = new FmRanker({
    d: base.weights.d,
    k: base.weights.k,
    prior: { version: base.version, featureSchemaVersion: base.featureSchemaVersion, weights: base.weights, ...(base.variance ? { variance: base.variance } : {}) },
    featureSchemaVersion: base.featureSchemaVersion,
    seed: S.seed,
    ...fmExperiment,
  });
  return { ranker: new ShopperLearner(fm, taste), restarted: saved !== undefined };
}
