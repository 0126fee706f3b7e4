/**
 * Offline fitting of the site-wide prior (used by `npm run train-prior` and the benchmarks, never in
 * the page): trains the same FM through tfjs (or the same steps in plain TS, `trainer: 'plain'`) on
 * pairwise examples pooled over many shoppers.
 * Kept apart from `prior.ts` so the worker can parse a prior without bundling tfjs.
 */
import { cloneWeights, fmSgdStep, type PairExample } from './fm';
import { FmRanker, initialWeights, type PriorWeights } from './model';
import { type Rng, createRng } from '../util/rng';

/** Options of {@link fitPrior}. */
export interface FitPriorOptions {
  d: number;
  k?: number;
  /** Passes over the pooled examples (default 5). */
  epochs?: number;
  /** Mini-batch size (default 64). */
  batchSize?: number;
  /** Learning rate at the start (default 0.2); decays to `lrFloor` (default 0.01). */
  lr?: number;
  lrFloor?: number;
  /** L2 toward zero (default 1e-3): the population model has no prior of its own. */
  l2?: number;
  /** Seeds the init and the shuffling. */
  seed: number;
  version: string;
  featureSchemaVersion: number;
  /**
   * Also publish a per-weight variance from the Laplace precision of the pooled fit, scaled by
   * this many "virtual shoppers" (default 0 = publish none). Larger values → a tighter prior.
   */
  varianceShoppers?: number;
  /**
   * `'tfjs'` (default): the on-device {@link FmRanker}, through tfjs autodiff. `'plain'`: the same
   * objective and step in plain TypeScript ({@link fmSgdStep}, which the tests hold equal to the tfjs
   * gradient), about 5× faster on a CPU without a tfjs native backend; it publishes no variance.
   */
  trainer?: 'tfjs' | 'plain';
}

/**
 * Trains the site-wide prior on pooled pairwise examples from many shoppers (offline, in tfjs, the
 * same FM and loss as the on-device ranker) and returns it ready for {@link toPriorFile}.
 * Pure apart from its tfjs tensors, which it disposes.
 * @example
 * const prior = fitPrior(pairs, { d: 48, seed: 1, version: '2025-01-01', featureSchemaVersion: 1 });
 * writeFileSync('public/prior.json', JSON.stringify(toPriorFile(prior)));
 */
export function fitPrior(examples: readonly PairExample[], options: FitPriorOptions): PriorWeights {
  const epochs = options.epochs ?? 5;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 64));
  const batchesPerEpoch = Math.ceil(examples.length / batchSize);
  const lr = options.lr ?? 0.2;
  const lrFloor = options.lrFloor ?? 0.01;
  // Reach about the floor by the last epoch: lr / (1 + decay·T) = floor.
  const totalSteps = Math.max(1, epochs * batchesPerEpoch);
  const lrDecay = Math.max(0, (lr / lrFloor - 1) / totalSteps);
  if (options.trainer === 'plain') {
    if ((options.varianceShoppers ?? 0) > 0) throw new RangeError('varianceShoppers needs the tfjs trainer');
    return fitPlain(examples, options, { epochs, batchSize, lr, lrFloor, lrDecay });
  }
  const ranker = new FmRanker({
    d: options.d,
    k: options.k ?? 8,
    lr,
    lrFloor,
    lrDecay,
    l2: options.l2 ?? 1e-3,
    maxBatch: batchSize,
    // No forgetting offline: every shopper's evidence counts for the variance.
    forget: 1,
    // Pooled and started from scratch: plain steps, as fitPlain takes.
    evidenceStep: false,
    seed: options.seed,
    featureSchemaVersion: options.featureSchemaVersion,
  });
  try {
    const rng = createRng(options.seed ^ 0x5eed);
    const order = examples.map((_, i) => i);
    for (let e = 0; e < epochs; e++) {
      shuffle(order, rng);
      for (let b = 0; b < order.length; b += batchSize) {
        const batch = order.slice(b, b + batchSize).map((i) => examples[i]!);
        ranker.learn(batch);
      }
    }
    const prior: PriorWeights = {
      version: options.version,
      featureSchemaVersion: options.featureSchemaVersion,
      weights: ranker.weights(),
    };
    const shoppers = options.varianceShoppers ?? 0;
    if (shoppers > 0) {
      // The pooled precision counts every example `epochs` times; per shopper it is 1/shoppers of
      // the pooled evidence, which is how sure a typical shopper's prior should be.
      const v = ranker.variance();
      prior.variance = v.map((x) => Math.min(1e6, x * epochs * shoppers));
    }
    return prior;
  } finally {
    ranker.dispose();
  }
}

/** The plain-TypeScript trainer: same init, schedule, shuffling, batches and objective as the tfjs path. */
function fitPlain(
  examples: readonly PairExample[],
  options: FitPriorOptions,
  s: { epochs: number; batchSize: number; lr: number; lrFloor: number; lrDecay: number },
): PriorWeights {
  const wt = initialWeights(options.d, options.k ?? 8, options.seed);
  const prior = cloneWeights(wt);
  const l2 = options.l2 ?? 1e-3;
  const rng = createRng(options.seed ^ 0x5eed);
  const order = examples.map((_, i) => i);
  let step = 0;
  for (let e = 0; e < s.epochs; e++) {
    shuffle(order, rng);
    for (let b = 0; b < order.length; b += s.batchSize) {
      const batch = order.slice(b, b + s.batchSize).map((i) => examples[i]!);
      const lr = Math.max(s.lrFloor, s.lr / (1 + s.lrDecay * step++));
      fmSgdStep(wt, batch, lr, { l2, prior });
    }
  }
  return { version: options.version, featureSchemaVersion: options.featureSchemaVersion, weights: wt };
}

function shuffle(a: number[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
