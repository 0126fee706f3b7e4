/**
 * Plain-TypeScript factorization machine: scores, pairwise (BPR-style) loss, analytic gradient,
 * per-feature contributions and a reference SGD step. It is the test oracle for the tfjs trainer
 * (`model.ts`) and the fast path for scoring: for d ≈ 50 and k = 8 a hand loop beats tfjs by two
 * orders of magnitude (NOTES.md), because tfjs spends its time in kernel dispatch, not arithmetic.
 *
 * Model: s(x) = w0 + Σᵢ wᵢxᵢ + Σᵢ<ⱼ ⟨vᵢ, vⱼ⟩ xᵢxⱼ, computed in O(d·k) as
 * w0 + Σᵢ wᵢxᵢ + ½ Σ_f [(Σᵢ V_if xᵢ)² − Σᵢ V_if² xᵢ²].
 */

/**
 * The weights of a factorization machine over `d` features with `k` latent dimensions.
 * `V` is row-major: the factor of feature `i` is `V[i*k .. i*k+k)`.
 * @example const wt: FmWeights = { d: 2, k: 1, w0: 0, w: new Float32Array([1, 0]), V: new Float32Array([0.1, 0.2]) };
 */
export interface FmWeights {
  d: number;
  k: number;
  w0: number;
  w: Float32Array;
  V: Float32Array;
}

/**
 * One pairwise preference: the shopper preferred `pos` over `neg` (e.g. clicked `pos`, skipped `neg`
 * shown above it). `weight` scales its pull (a purchase counts more than a click; a position-bias
 * correction can go here too).
 * @example const ex: PairExample = { pos: xClicked, neg: xSkipped, weight: 1 };
 */
export interface PairExample {
  pos: Float32Array;
  neg: Float32Array;
  weight: number;
}

/** Numerically stable log(1 + e^z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Numerically stable logistic function. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Zero weights of the right shapes (w0 = 0, w = 0, V = 0).
 * @example const wt = zeroWeights(48, 8);
 */
export function zeroWeights(d: number, k: number): FmWeights {
  return { d, k, w0: 0, w: new Float32Array(d), V: new Float32Array(d * k) };
}

/**
 * A deep copy, so callers can keep a snapshot while a trainer keeps moving.
 * @example const snap = cloneWeights(model.weights());
 */
export function cloneWeights(wt: FmWeights): FmWeights {
  return { d: wt.d, k: wt.k, w0: wt.w0, w: wt.w.slice(), V: wt.V.slice() };
}

/**
 * Score of the row of `X` that starts at `offset` (length `wt.d`). Zero features are skipped, so
 * sparse one-hot rows cost only their non-zeros. `q` is scratch of length `k` (avoids garbage on
 * the hot path); it is left holding Σᵢ V_if xᵢ.
 * @example fmScore(wt, x); // one candidate
 */
export function fmScore(
  wt: FmWeights,
  X: Float32Array,
  offset = 0,
  q: Float64Array = new Float64Array(wt.k),
): number {
  if (wt.k === 8) return fmScore8(wt, X, offset, q);
  const { d, k, w, V } = wt;
  q.fill(0);
  let lin = wt.w0;
  let sq = 0;
  for (let i = 0; i < d; i++) {
    const xi = X[offset + i]!;
    if (xi === 0) continue;
    lin += w[i]! * xi;
    const row = i * k;
    for (let f = 0; f < k; f++) {
      const vx = V[row + f]! * xi;
      q[f]! += vx;
      sq += vx * vx;
    }
  }
  let inter = 0;
  for (let f = 0; f < k; f++) inter += q[f]! * q[f]!;
  return lin + 0.5 * (inter - sq);
}

/**
 * {@link fmScore} for k = 8 (the shipped `FM_K`), with the factor sums in locals rather than in `q`:
 * the same operations in the same order, so the same score, about twice as fast (a generic loop over
 * `q` keeps every partial sum in memory).
 */
function fmScore8(wt: FmWeights, X: Float32Array, offset: number, q: Float64Array): number {
  const { d, w, V } = wt;
  let lin = wt.w0;
  let sq = 0;
  let q0 = 0;
  let q1 = 0;
  let q2 = 0;
  let q3 = 0;
  let q4 = 0;
  let q5 = 0;
  let q6 = 0;
  let q7 = 0;
  for (let i = 0; i < d; i++) {
    const xi = X[offset + i]!;
    if (xi === 0) continue;
    lin += w[i]! * xi;
    const row = i * 8;
    let v = V[row]! * xi;
    q0 += v;
    sq += v * v;
    v = V[row + 1]! * xi;
    q1 += v;
    sq += v * v;
    v = V[row + 2]! * xi;
    q2 += v;
    sq += v * v;
    v = V[row + 3]! * xi;
    q3 += v;
    sq += v * v;
    v = V[row + 4]! * xi;
    q4 += v;
    sq += v * v;
    v = V[row + 5]! * xi;
    q5 += v;
    sq += v * v;
    v = V[row + 6]! * xi;
    q6 += v;
    sq += v * v;
    v = V[row + 7]! * xi;
    q7 += v;
    sq += v * v;
  }
  q[0] = q0;
  q[1] = q1;
  q[2] = q2;
  q[3] = q3;
  q[4] = q4;
  q[5] = q5;
  q[6] = q6;
  q[7] = q7;
  let inter = 0;
  inter += q0 * q0;
  inter += q1 * q1;
  inter += q2 * q2;
  inter += q3 * q3;
  inter += q4 * q4;
  inter += q5 * q5;
  inter += q6 * q6;
  inter += q7 * q7;
  return lin + 0.5 * (inter - sq);
}

/**
 * Scores `n` candidates packed row-major in `X` (n × d) in one call.
 * @example const s = fmScoreBatch(wt, X, 200); // Float32Array(200)
 */
export function fmScoreBatch(
  wt: FmWeights,
  X: Float32Array,
  n: number,
  out: Float32Array = new Float32Array(n),
): Float32Array {
  if (X.length < n * wt.d) throw new RangeError(`X has ${X.length} values, need n*d = ${n * wt.d}`);
  const q = new Float64Array(wt.k);
  for (let r = 0; r < n; r++) out[r] = fmScore(wt, X, r * wt.d, q);
  return out;
}

/**
 * Adds `scale · ∂s(x)/∂θ` into `gw` (length d) and `gV` (length d·k); θ excludes w0, which cancels in
 * every pairwise difference. ∂s/∂wᵢ = xᵢ and ∂s/∂V_if = xᵢ (q_f − V_if xᵢ).
 */
function addScoreGrad(
  wt: FmWeights,
  x: Float32Array,
  scale: number,
  gw: Float32Array,
  gV: Float32Array,
  q: Float64Array,
): void {
  const { d, k, V } = wt;
  fmScore(wt, x, 0, q);
  for (let i = 0; i < d; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    gw[i]! += scale * xi;
    const row = i * k;
    for (let f = 0; f < k; f++) gV[row + f]! += scale * xi * (q[f]! - V[row + f]! * xi);
  }
}

/**
 * Gradient of the margin m = s(pos) − s(neg) with respect to (w, V), written into `gw`, `gV`
 * (overwritten). Returns the margin. This is the `g` of the Laplace precision update.
 * @example const m = marginGrad(wt, ex.pos, ex.neg, gw, gV);
 */
export function marginGrad(
  wt: FmWeights,
  pos: Float32Array,
  neg: Float32Array,
  gw: Float32Array,
  gV: Float32Array,
): number {
  const q = new Float64Array(wt.k);
  gw.fill(0);
  gV.fill(0);
  addScoreGrad(wt, pos, 1, gw, gV, q);
  addScoreGrad(wt, neg, -1, gw, gV, q);
  return fmScore(wt, pos, 0, q) - fmScore(wt, neg, 0, q);
}

/** Loss options shared by the reference and the tfjs trainer, so both optimise the same objective. */
export interface PairLossOptions {
  /** Strength of the L2 pull toward `prior`: adds (l2/2)·‖θ − θ_prior‖². */
  l2: number;
  /** Weights the L2 term pulls toward; zero weights when absent. */
  prior?: FmWeights;
}

/**
 * The training objective on one mini-batch, with its gradient:
 * L = (1/B) Σ_b ω_b · softplus(−(s(pos_b) − s(neg_b))) + (l2/2)·(‖w − w_p‖² + ‖V − V_p‖²).
 * Averaging over the batch keeps the step size independent of the burst size.
 * @example const { loss, gw, gV } = pairLossGrad(wt, pairs, { l2: 0.01, prior });
 */
export function pairLossGrad(
  wt: FmWeights,
  pairs: readonly PairExample[],
  opts: PairLossOptions,
): { loss: number; gw: Float32Array; gV: Float32Array } {
  const { d, k } = wt;
  const gw = new Float32Array(d);
  const gV = new Float32Array(d * k);
  const q = new Float64Array(k);
  const B = pairs.length;
  let loss = 0;
  for (const ex of pairs) {
    const m = fmScore(wt, ex.pos, 0, q) - fmScore(wt, ex.neg, 0, q);
    loss += (ex.weight * softplus(-m)) / B;
    // d softplus(−m)/dm = −σ(−m)
    const c = (-ex.weight * sigmoid(-m)) / B;
    addScoreGrad(wt, ex.pos, c, gw, gV, q);
    addScoreGrad(wt, ex.neg, -c, gw, gV, q);
  }
  const l2 = opts.l2;
  if (l2 > 0) {
    const pw = opts.prior?.w;
    const pV = opts.prior?.V;
    let reg = 0;
    for (let i = 0; i < d; i++) {
      const diff = wt.w[i]! - (pw ? pw[i]! : 0);
      reg += diff * diff;
      gw[i]! += l2 * diff;
    }
    for (let j = 0; j < d * k; j++) {
      const diff = wt.V[j]! - (pV ? pV[j]! : 0);
      reg += diff * diff;
      gV[j]! += l2 * diff;
    }
    loss += 0.5 * l2 * reg;
  }
  return { loss, gw, gV };
}

/**
 * One plain-TypeScript SGD step on a mini-batch, in place: θ ← θ − lr·scale⊙∇L (`scale`: a factor per
 * weight, w first then V row-major, default 1). Same objective and step as the tfjs trainer; used as
 * its oracle and by the benchmark. Returns the loss before the step.
 * @example const loss = fmSgdStep(wt, pairs, 0.05, { l2: 0.01, prior });
 */
export function fmSgdStep(
  wt: FmWeights,
  pairs: readonly PairExample[],
  lr: number,
  opts: PairLossOptions,
  scale?: Float32Array,
): number {
  if (pairs.length === 0) return 0;
  const { loss, gw, gV } = pairLossGrad(wt, pairs, opts);
  const d = wt.d;
  for (let i = 0; i < d; i++) wt.w[i]! -= lr * (scale ? scale[i]! : 1) * gw[i]!;
  for (let j = 0; j < wt.V.length; j++) wt.V[j]! -= lr * (scale ? scale[d + j]! : 1) * gV[j]!;
  return loss;
}

/**
 * Per-feature contributions to s(x) − w0: cᵢ = wᵢxᵢ + ½ Σ_{j≠i} ⟨vᵢ, vⱼ⟩ xᵢxⱼ (each pairwise
 * interaction split evenly between its two features), so Σᵢ cᵢ = s(x) − w0 and an explainer can sum
 * them by feature family. `out` (length d, overwritten) and `q` (scratch of length k) let a caller
 * reuse buffers.
 * @example const c = fmContributions(wt, x); // Float32Array(d)
 */
export function fmContributions(
  wt: FmWeights,
  x: Float32Array,
  out: Float32Array = new Float32Array(wt.d),
  q: Float64Array = new Float64Array(wt.k),
): Float32Array {
  const { d, k, w, V } = wt;
  fmScore(wt, x, 0, q);
  for (let i = 0; i < d; i++) {
    const xi = x[i]!;
    out[i] = 0;
    if (xi === 0) continue;
    const row = i * k;
    let pair = 0;
    for (let f = 0; f < k; f++) pair += V[row + f]! * (q[f]! - V[row + f]! * xi);
    out[i] = w[i]! * xi + 0.5 * xi * pair;
  }
  return out;
}
