/**
 * The on-device learning-to-rank model: a factorization machine (linear term + pairwise
 * interactions through k latent dims) trained online in tfjs on pairwise feedback
 * ("the shopper preferred A over B"), regularised toward the site-wide prior rather than toward
 * zero (Lambda-Learner style: a new shopper starts at the prior and drifts toward their own taste),
 * with a diagonal Laplace posterior so the reranker can Thompson-sample weights.
 *
 * tfjs does the training (autodiff, and a gradient step scaled per weight by its evidence); scoring defaults to the plain-TS reference
 * (`fm.ts`) on a cached copy of the weights, which is much faster for a model this small.
 */
import {
  type FmWeights,
  type PairExample,
  cloneWeights,
  fmContributions,
  fmScoreBatch,
  marginGrad,
  sigmoid,
} from './fm';
import { LEARNER_SETTINGS } from '../settings';
import { type Rng, createRng, gaussian } from '../util/rng';
import { InvalidExampleError, ModelStateError } from '../errors';
import * as tf from './tf';

/** Version of the {@link FmState} layout; bump it when the stored shape changes. */
export const MODEL_STATE_VERSION = 1;

/**
 * A site-wide prior as the model consumes it (see `prior.ts` for the published JSON file).
 * @example const prior: PriorWeights = { version: 'p1', featureSchemaVersion: 1, weights, variance };
 */
export interface PriorWeights {
  /** Identifier of the published prior (e.g. its build date). */
  version: string;
  featureSchemaVersion: number;
  weights: FmWeights;
  /** Per-weight prior variance, length d + d·k (w first, then V row-major); optional. */
  variance?: Float32Array;
}

/** Options of {@link FmRanker}. */
export interface FmRankerOptions {
  /** Number of features per candidate. */
  d: number;
  /** Latent dimensions of the pairwise interactions (default {@link LEARNER_SETTINGS}). */
  k?: number;
  /** The site-wide prior to start from and regularise toward; zero linear weights when absent. */
  prior?: PriorWeights;
  /** Version of the feature extractor the inputs come from (default: the prior's, else 0). */
  featureSchemaVersion?: number;
  /**
   * Initial SGD learning rate. Every default of these options is the shipped one, from
   * {@link LEARNER_SETTINGS} (`settings.ts`); pass a value only to experiment.
   */
  lr?: number;
  /** The rate decays as lr / (1 + lrDecay·step)… */
  lrDecay?: number;
  /** …but never below this floor, so the model keeps following taste drift. */
  lrFloor?: number;
  /** L2 strength toward the prior. */
  l2?: number;
  /** Prior variance per weight when the prior carries none. */
  priorVariance?: number;
  /**
   * Per-example forgetting of the evidence in the precision: old feedback fades, so the posterior
   * widens again and exploration resumes when taste drifts.
   */
  forget?: number;
  /** Largest mini-batch; longer bursts are split. */
  maxBatch?: number;
  /**
   * Std of the seeded factors the first learning step starts from when the prior has no factors.
   * Until then V stays exactly the prior's, so attaching a learner changes no score.
   */
  initStd?: number;
  /** Seed of the init (required: core code never uses Math.random). */
  seed: number;
  /**
   * Scale each weight's step by its evidence share (default true: a shopper's model stays near the
   * site prior until their own feedback says otherwise). The offline pooled prior fit, which has no
   * prior to stay near, takes plain steps.
   */
  evidenceStep?: boolean;
}

/**
 * Everything needed to restore a ranker, as plain numbers and typed arrays (structured-cloneable
 * into IndexedDB).
 */
export interface FmState {
  modelVersion: number;
  featureSchemaVersion: number;
  priorVersion: string;
  d: number;
  k: number;
  /** Mini-batches learnt so far; drives the learning-rate schedule. */
  step: number;
  weights: FmWeights;
  /** Posterior precision per weight, length d + d·k. */
  precision: Float32Array;
  prior: FmWeights;
  /** Prior precision per weight, length d + d·k. */
  priorPrecision: Float32Array;
}

export { InvalidExampleError, ModelStateError };

/**
 * V = 0 is a saddle point of the FM (∂s/∂V_if = xᵢ Σ_{j≠i} V_jf xⱼ = 0), so interactions could never
 * be learnt from there: fills V with small seeded noise (the first learning step does this).
 */
function seedFactors(wt: FmWeights, seed: number, initStd: number = LEARNER_SETTINGS.initStd): void {
  const rng = createRng(seed);
  for (let j = 0; j < wt.V.length; j++) wt.V[j] = initStd * gaussian(rng);
}

/**
 * Seeded small random weights: zero bias and linear weights, noise of std `initStd` in V (for
 * experiments and tests; a ranker without a prior starts from all zeros and seeds V when it first learns).
 * @example const wt = initialWeights(31, 8, 1);
 */
export function initialWeights(d: number, k: number, seed: number, initStd?: number): FmWeights {
  const wt: FmWeights = { d, k, w0: 0, w: new Float32Array(d), V: new Float32Array(d * k) };
  seedFactors(wt, seed, initStd);
  return wt;
}

/**
 * Online pairwise factorization-machine ranker.
 * @example
 * const ranker = new FmRanker({ d: 48, k: 8, prior, seed: 1 });
 * const scores = ranker.score(X, 200);            // X: Float32Array(200 * 48)
 * ranker.learn([{ pos: xClicked, neg: xSkipped, weight: 1 }]);
 * const state = ranker.exportState();            // → IndexedDB
 * ranker.dispose();
 */
export class FmRanker {
  readonly d: number;
  readonly k: number;
  readonly featureSchemaVersion: number;
  readonly priorVersion: string;
  private readonly lr: number;
  private readonly lrDecay: number;
  private readonly lrFloor: number;
  private readonly l2: number;
  private readonly forget: number;
  private readonly maxBatch: number;
  private readonly w0: number;
  private readonly prior: FmWeights;
  private readonly priorPrecision: Float32Array;
  private readonly precision: Float32Array;
  /** Plain copy of the weights, refreshed after every update: the fast scoring path reads it. */
  private plain: FmWeights;
  private step = 0;
  /** Scratch of length k for the plain-TS paths. */
  private readonly q: Float64Array;
  /** Scratch weights the Thompson samples are drawn into. */
  private draw: FmWeights | undefined;
  private readonly w: tf.Variable;
  private readonly V: tf.Variable;
  private readonly priorW: tf.Tensor2D;
  private readonly priorV: tf.Tensor2D;
  private disposed = false;
  private readonly seed: number;
  private readonly initStd: number;
  private readonly evidenceStep: boolean;

  constructor(opts: FmRankerOptions, restored?: FmState) {
    tf.ensureTf();
    const d = opts.d;
    const k = opts.k ?? opts.prior?.weights.k ?? LEARNER_SETTINGS.k;
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`d must be an integer ≥ 1, got ${d}`);
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer ≥ 1, got ${k}`);
    this.d = d;
    this.k = k;
    const S = LEARNER_SETTINGS;
    this.lr = opts.lr ?? S.lr;
    this.lrDecay = opts.lrDecay ?? S.lrDecay;
    this.lrFloor = opts.lrFloor ?? S.lrFloor;
    this.l2 = opts.l2 ?? S.l2;
    this.forget = opts.forget ?? S.forget;
    this.maxBatch = Math.max(1, Math.floor(opts.maxBatch ?? S.maxBatch));
    this.seed = opts.seed;
    this.initStd = opts.initStd ?? S.initStd;
    this.evidenceStep = opts.evidenceStep ?? true;
    this.q = new Float64Array(k);
    const n = d + d * k;

    if (restored) {
      this.featureSchemaVersion = restored.featureSchemaVersion;
      this.priorVersion = restored.priorVersion;
      this.prior = cloneWeights(restored.prior);
      this.priorPrecision = restored.priorPrecision.slice();
      this.precision = restored.precision.slice();
      this.plain = cloneWeights(restored.weights);
      this.step = restored.step;
    } else {
      const p = opts.prior;
      if (p && (p.weights.d !== d || p.weights.k !== k)) {
        throw new RangeError(`prior is d=${p.weights.d}, k=${p.weights.k}; the model is d=${d}, k=${k}`);
      }
      this.featureSchemaVersion = opts.featureSchemaVersion ?? p?.featureSchemaVersion ?? 0;
      this.priorVersion = p?.version ?? 'none';
      // Starts exactly at the prior (zeros without one): attaching a learner changes no score.
      const prior = p ? cloneWeights(p.weights) : { d, k, w0: 0, w: new Float32Array(d), V: new Float32Array(d * k) };
      this.prior = prior;
      this.priorPrecision = new Float32Array(n);
      const pv = opts.priorVariance ?? S.priorVariance;
      for (let j = 0; j < n; j++) {
        const v = p?.variance?.[j] ?? pv;
        this.priorPrecision[j] = 1 / Math.max(v, 1e-12);
      }
      this.precision = this.priorPrecision.slice();
      this.plain = cloneWeights(prior);
    }
    this.w0 = this.plain.w0;
    // tf.variable shares the initial tensor's data but the initial tensor object still counts:
    // dispose it, or every ranker leaks two tensors.
    const w0t = tf.tensor2d(this.plain.w, [d, 1]);
    const v0t = tf.tensor2d(this.plain.V, [d, k]);
    this.w = tf.variable(w0t, true);
    this.V = tf.variable(v0t, true);
    tf.dispose([w0t, v0t]);
    this.priorW = tf.tensor2d(this.prior.w, [d, 1]);
    this.priorV = tf.tensor2d(this.prior.V, [d, k]);
  }

  /**
   * Restores a ranker from {@link exportState}. Throws {@link ModelStateError} when the layout or the
   * feature schema does not match, so the caller can fall back to a fresh ranker from the prior.
   * @example const r = FmRanker.fromState(saved, { seed: 1, featureSchemaVersion: 3 });
   */
  static fromState(
    state: FmState,
    opts: Omit<FmRankerOptions, 'd' | 'k' | 'prior'> & { featureSchemaVersion?: number },
  ): FmRanker {
    const fail = (field: string, msg: string): never => {
      throw new ModelStateError(field, `${field} ${msg}`);
    };
    if (state == null || typeof state !== 'object') fail('state', 'must be an object');
    if (state.modelVersion !== MODEL_STATE_VERSION) {
      fail('modelVersion', `is ${state.modelVersion}, this code reads ${MODEL_STATE_VERSION}`);
    }
    if (opts.featureSchemaVersion !== undefined && state.featureSchemaVersion !== opts.featureSchemaVersion) {
      fail(
        'featureSchemaVersion',
        `is ${state.featureSchemaVersion}, the feature extractor is ${opts.featureSchemaVersion}`,
      );
    }
    const { d, k } = state;
    if (!Number.isInteger(d) || d < 1 || !Number.isInteger(k) || k < 1) fail('d/k', `invalid: d=${d}, k=${k}`);
    const n = d + d * k;
    const check = (field: string, a: unknown, len: number) => {
      if (!(a instanceof Float32Array) || a.length !== len) fail(field, `must be a Float32Array of length ${len}`);
      if (!(a as Float32Array).every(Number.isFinite)) fail(field, 'holds a non-finite value');
    };
    check('weights.w', state.weights?.w, d);
    check('weights.V', state.weights?.V, d * k);
    check('prior.w', state.prior?.w, d);
    check('prior.V', state.prior?.V, d * k);
    check('precision', state.precision, n);
    check('priorPrecision', state.priorPrecision, n);
    if (!Number.isInteger(state.step) || state.step < 0) fail('step', `must be an integer ≥ 0, got ${state.step}`);
    return new FmRanker({ ...opts, d, k }, state);
  }

  /** Learning rate of the next mini-batch: decays with the step count, floored to keep adapting. */
  learningRate(): number {
    return Math.max(this.lrFloor, this.lr / (1 + this.lrDecay * this.step));
  }

  /**
   * Scores `n` candidates packed row-major in `X` (n × d) with the plain-TS path (the fast one).
   * @example const s = ranker.score(X, 200);
   */
  score(X: Float32Array, n: number): Float32Array {
    this.checkRows(X, n);
    return fmScoreBatch(this.plain, X, n);
  }

  /**
   * The same scores computed by tfjs in one batched call; kept for parity tests and benchmarks
   * (and as the path to take should a future, larger model favour tensors).
   * @example const s = ranker.scoreTf(X, 200);
   */
  scoreTf(X: Float32Array, n: number): Float32Array {
    this.checkRows(X, n);
    this.assertLive();
    return tf.tidy(() => {
      const s = this.scoreTensor(tf.tensor2d(X.subarray(0, n * this.d), [n, this.d]));
      return Float32Array.from(s.dataSync());
    });
  }

  /**
   * Scores with weights drawn from the diagonal posterior (Thompson sampling): candidates the
   * model is unsure about get a chance to be shown.
   * @example const s = ranker.scoreSampled(X, 200, createRng(now));
   */
  scoreSampled(X: Float32Array, n: number, rng: Rng, scale = 1): Float32Array {
    this.checkRows(X, n);
    this.draw ??= cloneWeights(this.plain);
    return fmScoreBatch(this.drawWeights(rng, scale, this.draw), X, n);
  }

  /**
   * One draw θ ~ N(θ̂, diag(1/precision)·scale²).
   * @example const wt = ranker.sampleWeights(createRng(7));
   */
  sampleWeights(rng: Rng, scale = 1): FmWeights {
    return this.drawWeights(rng, scale, cloneWeights(this.plain));
  }

  /** {@link sampleWeights} into `out` (weights of this ranker's shape, overwritten). */
  private drawWeights(rng: Rng, scale: number, out: FmWeights): FmWeights {
    out.w0 = this.plain.w0;
    out.w.set(this.plain.w);
    out.V.set(this.plain.V);
    const { d } = this;
    for (let i = 0; i < d; i++) out.w[i]! += scale * gaussian(rng) / Math.sqrt(this.precision[i]!);
    for (let j = 0; j < out.V.length; j++) out.V[j]! += scale * gaussian(rng) / Math.sqrt(this.precision[d + j]!);
    return out;
  }

  /**
   * Learns from a burst of pairwise feedback: mini-batches of at most `maxBatch` examples, one SGD
   * step each, after updating the Laplace precision at the current weights. Returns the mean loss
   * (objective incl. L2) over the mini-batches, 0 for an empty burst.
   * @example const loss = ranker.learn([{ pos: xClicked, neg: xSkipped, weight: 1 }]);
   */
  learn(pairs: readonly PairExample[]): number {
    this.assertLive();
    for (const [i, ex] of pairs.entries()) this.checkExample(ex, i);
    if (pairs.length > 0) this.leaveSaddle();
    let total = 0;
    for (let start = 0; start < pairs.length; start += this.maxBatch) {
      const batch = pairs.slice(start, start + this.maxBatch);
      this.updatePrecision(batch);
      total += this.sgdStep(batch) * batch.length;
    }
    return pairs.length ? total / pairs.length : 0;
  }

  /**
   * Objective and its gradient with respect to (w, V) at the current weights, through tfjs autodiff,
   * without updating anything: for gradient checks and diagnostics.
   * @example const { loss, gw, gV } = ranker.gradient(pairs);
   */
  gradient(pairs: readonly PairExample[]): { loss: number; gw: Float32Array; gV: Float32Array } {
    this.assertLive();
    for (const [i, ex] of pairs.entries()) this.checkExample(ex, i);
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.lossTensor(pairs), [this.w, this.V]);
      return {
        loss: value.dataSync()[0]!,
        gw: Float32Array.from(grads[this.w.name]!.dataSync()),
        gV: Float32Array.from(grads[this.V.name]!.dataSync()),
      };
    });
  }

  /**
   * Per-feature contributions to the score of `x` (w0 excluded): linear wᵢxᵢ plus half of each
   * pairwise interaction, so an explainer can group them by feature family.
   * Pass `out` (length d) to reuse a buffer.
   * @example const c = ranker.contributions(x); // Float32Array(d), sums to score − w0
   */
  contributions(x: Float32Array, out?: Float32Array): Float32Array {
    if (x.length !== this.d) throw new RangeError(`x has length ${x.length}, expected d = ${this.d}`);
    return fmContributions(this.plain, x, out, this.q);
  }

  /**
   * A copy of the current (mean) weights.
   * @example const wt = ranker.weights(); fmScoreBatch(wt, X, n);
   */
  weights(): FmWeights {
    return cloneWeights(this.plain);
  }

  /**
   * Posterior variance per weight (w first, then V row-major), length d + d·k.
   * @example const v = ranker.variance(); v[3]; // variance of w₃
   */
  variance(): Float32Array {
    return this.precision.map((p) => 1 / p);
  }

  /**
   * Everything needed to restore this ranker, as copies (safe to hand to IndexedDB).
   * @example await db.put('model', ranker.exportState(), 'fm');
   */
  exportState(): FmState {
    return {
      modelVersion: MODEL_STATE_VERSION,
      featureSchemaVersion: this.featureSchemaVersion,
      priorVersion: this.priorVersion,
      d: this.d,
      k: this.k,
      step: this.step,
      weights: cloneWeights(this.plain),
      precision: this.precision.slice(),
      prior: cloneWeights(this.prior),
      priorPrecision: this.priorPrecision.slice(),
    };
  }

  /**
   * Frees the tensors this ranker owns; the ranker is unusable afterwards. Idempotent.
   * @example ranker.dispose();
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([this.w, this.V, this.priorW, this.priorV]);
  }

  /** Before the first step from all-zero factors (a saddle point), seeds them with small noise. */
  private leaveSaddle(): void {
    if (!this.plain.V.every((v) => v === 0)) return;
    const seeded = cloneWeights(this.plain);
    seedFactors(seeded, this.seed, this.initStd);
    tf.tidy(() => this.V.assign(tf.tensor2d(seeded.V, [this.d, this.k])));
    this.plain = seeded;
  }

  private scoreTensor(X: tf.Tensor2D): tf.Tensor {
    // Same algebra as fm.ts: ½ Σ_f [(XV)² − X²V²] avoids the O(d²) pairwise sum.
    const lin = tf.matMul(X, this.w);
    const xv = tf.matMul(X, this.V);
    const x2v2 = tf.matMul(tf.square(X), tf.square(this.V));
    const inter = tf.sum(tf.sub(tf.square(xv), x2v2), 1, true);
    return tf.reshape(tf.add(tf.add(lin, tf.mul(inter, tf.scalar(0.5))), tf.scalar(this.w0)), [X.shape[0]]);
  }

  /** The objective of fm.ts `pairLossGrad`, as a tensor expression of the variables. */
  private lossTensor(pairs: readonly PairExample[]): tf.Scalar {
    const B = pairs.length;
    const d = this.d;
    const P = new Float32Array(B * d);
    const N = new Float32Array(B * d);
    const W = new Float32Array(B);
    pairs.forEach((ex, b) => {
      P.set(ex.pos, b * d);
      N.set(ex.neg, b * d);
      W[b] = ex.weight;
    });
    const margin = tf.sub(this.scoreTensor(tf.tensor2d(P, [B, d])), this.scoreTensor(tf.tensor2d(N, [B, d])));
    const data = tf.mul(tf.sum(tf.mul(tf.tensor1d(W), tf.softplus(tf.neg(margin)))), tf.scalar(1 / B));
    if (this.l2 === 0) return data as tf.Scalar;
    const reg = tf.add(tf.sum(tf.square(tf.sub(this.w, this.priorW))), tf.sum(tf.square(tf.sub(this.V, this.priorV))));
    return tf.add(data, tf.mul(reg, tf.scalar(0.5 * this.l2))) as tf.Scalar;
  }

  /**
   * The share of each weight's posterior precision that comes from the shopper's own feedback,
   * 1 − prior precision / precision (w first, then V row-major): 0 before any, toward 1 as it piles up.
   */
  evidenceShare(): Float32Array {
    return this.precision.map((p, j) => Math.max(0, 1 - this.priorPrecision[j]! / p));
  }

  /**
   * One gradient step, each weight's scaled by its {@link evidenceShare}: the Gaussian posterior mean
   * weighs the data against the prior by exactly that share, so a weight the shopper's feedback has
   * barely touched (one list's few pairs) moves only that much away from the site prior, and the step
   * grows toward the full rate as evidence accumulates. When it was chosen, Beauty validation NDCG@10
   * after one shown list (`PZ_BEAUTY_WARM=1 npx tsx bench/tune.ts`, 3,000 users) was 0.3881 for the prior,
   * 0.3842 with the unscaled step and 0.3879 with the scaled one; rerun that command for today's figures.
   */
  private sgdStep(batch: readonly PairExample[]): number {
    const lr = this.learningRate();
    const { d, k } = this;
    const share = this.evidenceStep ? this.evidenceShare() : new Float32Array(this.precision.length).fill(1);
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => this.lossTensor(batch), [this.w, this.V]);
      const sw = tf.mul(tf.tensor2d(share.subarray(0, d), [d, 1]), tf.scalar(lr));
      const sV = tf.mul(tf.tensor2d(share.subarray(d), [d, k]), tf.scalar(lr));
      this.w.assign(tf.sub(this.w, tf.mul(grads[this.w.name]!, sw)));
      this.V.assign(tf.sub(this.V, tf.mul(grads[this.V.name]!, sV)));
      return value.dataSync()[0]!;
    });
    this.step++;
    // Two small reads (d + d·k floats) keep the fast scorer in sync with the variables.
    this.plain = {
      d: this.d,
      k: this.k,
      w0: this.w0,
      w: Float32Array.from(this.w.dataSync()),
      V: Float32Array.from(this.V.dataSync()),
    };
    return loss;
  }

  /**
   * Laplace update of the diagonal precision at the current weights:
   * precision ← prior + forget^B·(precision − prior) + Σ ω·p(1−p)·g², with p = σ(margin) and g the
   * gradient of the margin. Forgetting lets the posterior widen again when feedback stops agreeing.
   */
  private updatePrecision(batch: readonly PairExample[]): void {
    const { d, k } = this;
    const gw = new Float32Array(d);
    const gV = new Float32Array(d * k);
    const keep = this.forget ** batch.length;
    const pp = this.priorPrecision;
    const prec = this.precision;
    for (let j = 0; j < prec.length; j++) prec[j] = pp[j]! + keep * (prec[j]! - pp[j]!);
    for (const ex of batch) {
      const p = sigmoid(marginGrad(this.plain, ex.pos, ex.neg, gw, gV));
      const h = ex.weight * p * (1 - p);
      for (let i = 0; i < d; i++) prec[i]! += h * gw[i]! * gw[i]!;
      for (let j = 0; j < d * k; j++) prec[d + j]! += h * gV[j]! * gV[j]!;
    }
  }

  private checkRows(X: Float32Array, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be an integer ≥ 0, got ${n}`);
    if (X.length < n * this.d) throw new RangeError(`X has ${X.length} values, need n·d = ${n * this.d}`);
  }

  private checkExample(ex: PairExample, i: number): void {
    const bad = (field: string, msg: string): never => {
      throw new InvalidExampleError(`pairs[${i}].${field}`, `pairs[${i}].${field} ${msg}`);
    };
    if (!(ex.pos instanceof Float32Array) || ex.pos.length !== this.d) bad('pos', `must be a Float32Array(${this.d})`);
    if (!(ex.neg instanceof Float32Array) || ex.neg.length !== this.d) bad('neg', `must be a Float32Array(${this.d})`);
    if (!Number.isFinite(ex.weight) || ex.weight < 0) bad('weight', `must be a finite number ≥ 0, got ${ex.weight}`);
    if (!ex.pos.every(Number.isFinite)) bad('pos', 'holds a non-finite value');
    if (!ex.neg.every(Number.isFinite)) bad('neg', 'holds a non-finite value');
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('FmRanker: used after dispose()');
  }
}
