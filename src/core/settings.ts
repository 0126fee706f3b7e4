/**
 * The settings the product ships, stated once. The worker and the quality benchmark both build their
 * engine ({@link import('./engine').Engine}, whose defaults come from here) and their learner
 * (`createLearner` in `model/learner.ts`, which reads {@link LEARNER_SETTINGS}) from this file, so the
 * benchmark measures exactly what the worker runs. Change a value here, rerun `npm run bench:quality`.
 *
 * Pure constants: no imports, so the loader, the worker and the lazily loaded learner chunk can all
 * read them without pulling in each other's code; each object is marked pure, so a bundle keeps only
 * the ones it reads.
 */

/** The IndexedDB database (and remembered-choices key) name when the page sets none (`data-db`). */
export const DEFAULT_DB_NAME = 'on-device-personalizer';

/**
 * How long a rerank waits for the worker (and, from `pz.js`, for the client file) to start; then the
 * server order. A constant of its own so that `pz.js`, which reads only this one, bundles no object.
 */
export const READY_TIMEOUT_MS = 800;

/** The page-side client's deadlines when the page sets none (`data-budget-ms`, `data-ready-timeout-ms`). */
export const CLIENT_SETTINGS = /* @__PURE__ */ Object.freeze({
  /** Time a rerank may take once the worker is ready; then the server order. */
  budgetMs: 50,
  /** See {@link READY_TIMEOUT_MS}. */
  readyTimeoutMs: READY_TIMEOUT_MS,
});

/** Latent dimension of the factorization machine's pairwise interactions. */
export const FM_K = 8;

/**
 * The per-shopper online learner (tfjs FM ranker). Chosen on the benchmarks' tuning splits
 * (`bench/tune.ts`), never on reported data.
 */
export const LEARNER_SETTINGS = /* @__PURE__ */ Object.freeze({
  k: FM_K,
  /** Initial SGD learning rate of the shared weights. */
  lr: 0.05,
  /** The rate decays as lr / (1 + lrDecay·step)… */
  lrDecay: 0.02,
  /** …but never below this floor, so drift is followed. */
  lrFloor: 0.02,
  /** L2 pull toward the prior. */
  l2: 0.01,
  /** Prior variance per weight when the prior carries none. */
  priorVariance: 1,
  /** Per-example forgetting of the evidence in the posterior precision. */
  forget: 0.995,
  /** Largest mini-batch; longer bursts are split. */
  maxBatch: 32,
  /**
   * Std of the seeded factors the first learning step starts from when the prior has no pairwise
   * factors (V = 0 is a saddle point of the FM). Scoring before that step equals the prior exactly.
   */
  initStd: 0.05,
  /** Seed of that initialisation (core code never uses Math.random). */
  seed: 7,
});

/**
 * The per-shopper taste model over item attributes (`model/taste.ts`): learns from every shown list,
 * clicks and items passed over, under a position-based click model. Chosen on the shown-lists tuning
 * shoppers (`bench/tune-shown-lists.ts`), never on reported data.
 */
export const TASTE_SETTINGS = /* @__PURE__ */ Object.freeze({
  /** η(k) = k^−power, the probability that 1-based position k is examined (Joachims et al. 2017: 1). */
  examinationPower: 1,
  /** Prior variance of one weight, by attribute family (log-odds of a click). */
  variance: /* @__PURE__ */ Object.freeze({ item: 1, brand: 0.5, category: 0.25, tags: 0.05, similar: 1, price: 0.25, bias: 4 }),
  /** Per shown list, each variance moves back toward its prior by this factor… */
  forget: 0.9,
  /** …and each weight shrinks toward 0 by this one, so an old taste fades once it stops being confirmed. */
  meanKeep: 0.93,
  /** Most attribute weights kept (least recently updated evicted first). */
  maxTokens: 4000,
  /**
   * Adaptive forgetting: a list whose clicks are less likely under the model than it expects by more
   * than this (z-score of their log-likelihood at the current weights) hints that the taste changed…
   */
  surpriseThreshold: 1,
  /**
   * …and counts as this many extra lists of forgetting per unit of z above it (0 = off). Off: on the
   * tuning shoppers with informational clicks, 3 per unit above z = 1 gains +0.0038 NDCG@10 over the
   * prior in the 5 lists after a drift against +0.0082 off, and +0.0147 / +0.0191 at lists 10–19 / 20+
   * against +0.0185 / +0.0223 (README, shown-lists).
   */
  surpriseLists: 0,
});

/** The engine: rerank defaults and the feedback rule. */
export const ENGINE_SETTINGS = /* @__PURE__ */ Object.freeze({
  /** Personalization strength when the page sets none (0 = server order, 1 = fully personal). */
  personalization: 0.7,
  /**
   * Temperature of Thompson sampling: the posterior spread is scaled by this; the full spread of a
   * fresh posterior reorders lists almost at random.
   */
  explorationScale: 0.1,
  /** Pair weight per feedback event type (a click on an item of a shown list beats the skipped items above it). */
  feedback: /* @__PURE__ */ Object.freeze({ click: 1, favorite: 1.5, add_to_cart: 2, purchase: 3 }),
  /** Skipped items above a clicked one that become negatives. */
  maxNegatives: 10,
  /** Shown lists remembered for feedback, and for how long. */
  maxLists: 16,
  listTtlMs: 2 * 3_600_000,
  /** Shown lists waiting for a learner to attach (the oldest go first). */
  maxPendingLists: 64,
  /**
   * Preference pairs waiting for the learner. A burst of events (another tab's backlog, a replay) that
   * makes more teaches the learner its newest ones; the events themselves all reach the profile. About
   * 0.4 KB each: unbounded, a 5,000-event burst held 3 MB until training caught up.
   */
  maxPendingPairs: 2_000,
  /**
   * Events of one burst that build pairs: an event with more events than this waiting behind it (in the
   * same and later track calls) is stored and reaches the profile, but builds no pairs and marks no
   * shown list as acted on. Those pairs would mostly be dropped by {@link maxPendingPairs} before
   * training starts, and building them was three fifths of a 5,000-event burst's allocation.
   */
  burstLearnWindow: 2_000,
  /** Positions of a list kept for feedback (items below are never reached by skip-above). */
  maxRememberedPositions: 100,
});
