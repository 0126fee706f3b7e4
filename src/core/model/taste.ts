/**
 * The shopper's own taste over item attributes, learnt from every list they were shown: which items,
 * brands, categories, tags, embedding directions and price levels they click more (or less) often
 * than their position in the list explains. It complements the factorization machine, whose inputs
 * are profile-relative features (shares of what the shopper clicked) and so cannot see the items a
 * shopper was shown and passed over.
 *
 * **Click model.** Position-based: an item at 1-based position k is examined with probability
 * η(k) = k^−{@link TasteSettings.examinationPower} (η = 1/k, the estimate of Joachims et al., WSDM
 * 2017), and clicked when examined with probability σ(s), s = bias + Σ wᵢxᵢ over the item's
 * attributes. So a click low in the list is strong evidence of taste, and an item passed over at
 * the top is evidence against it, while one passed over at position 20 says almost nothing.
 *
 * **Learning.** Bayesian: a Gaussian posterior per weight (mean, variance; prior mean 0 and a variance
 * per attribute family). Each list is one Laplace step on the click likelihood at the current means:
 * every item's gradient and information, damped by the item's own score variance, summed per weight
 * (see {@link TasteModel.observe}). Attributes are centred on the list's examination-weighted mean,
 * and the FM's scores for the list are an offset, so the model learns only the part of the shopper's
 * choices that the page itself and the FM leave unexplained. Between lists each variance relaxes
 * toward its prior (`forget`) and each mean shrinks toward 0 (`meanKeep`): a taste that stops being
 * confirmed fades, and a shopper whose taste drifts is followed. Interests the shopper removed are
 * neither scored nor learnt ({@link TasteModel.exclude}). Pure TypeScript, sparse: a list costs
 * O(its attributes + items × (own attributes + embedding length)).
 *
 * **What it ranks with.** {@link TasteModel.score}: Σ wᵢxᵢ without the bias, in log-odds of a click
 * (the scale of the FM's pairwise scores), added to the FM score by the engine.
 */
import { ModelStateError } from '../errors';
import { brandKey, categoryKeys, itemKey, tagKey } from '../profile/keys';
import { FAMILY_INDEX, FEATURE_FAMILIES } from './features';
import type { Candidate } from '../types';
import { evictLowest } from '../util/evict';
import { memo } from '../util/memo';

/**
 * Version of {@link TasteState}; bump when the stored layout changes. Version 1 (no `clock`: the
 * forgetting clock was the list count) is still read.
 */
export const TASTE_STATE_VERSION = 2;

/** Settings of the taste model (the shipped values are `TASTE_SETTINGS` in `settings.ts`). */
export interface TasteSettings {
  /** η(k) = k^−power: the probability that position k (1-based) is examined. */
  examinationPower: number;
  /** Prior variance of each weight, by the attribute family it belongs to (`bias`: the click rate). */
  variance: Readonly<Record<TasteFamily, number>>;
  /** Per shown list, each variance moves back toward its prior by this factor (1 = never forget). */
  forget: number;
  /** Per shown list, each weight shrinks toward 0 (its prior mean) by this factor (1 = never). */
  meanKeep: number;
  /** Most attribute weights kept; the least recently updated go first. */
  maxTokens: number;
  /**
   * Adaptive forgetting: a list whose clicks are less likely under the model than the model itself
   * expects (surprise z = (E[log-lik] − log-lik) / sd[log-lik], at the current weights) by more than
   * this threshold is taken as a sign the taste changed…
   */
  surpriseThreshold: number;
  /** …and moves the forgetting clock on by this many extra lists per unit of z above it (0 = off). */
  surpriseLists: number;
}

/** Families of attributes the model weighs. */
export type TasteFamily = 'item' | 'brand' | 'category' | 'tags' | 'similar' | 'price' | 'bias';

/** One shown list as the model learns from it: items in shown order and whether each was clicked. */
export interface ListOutcome {
  /** The items in the order shown (index 0 = the top position). */
  items: readonly Candidate[];
  /** 0-based shown position of each item (its examination depends on it). */
  positions: readonly number[];
  /** Whether each item was clicked (or acted on more strongly). */
  clicked: readonly boolean[];
  /**
   * What the rest of the ranker already scored each item (log-odds): the taste model learns only
   * what that score does not explain, so the sum of the two is what ranks.
   */
  offsets?: readonly number[];
  /**
   * Which items are new observations (default all). The others only give the list's context: a
   * click that arrives after its list was learnt from is learnt with the list around it, once.
   */
  observed?: readonly boolean[];
}

/** The model's stored state: plain arrays, structured-clone and JSON safe. */
export interface TasteState {
  v: number;
  /** Lists learnt from. */
  lists: number;
  /**
   * The forgetting clock: one per list, more for a surprising one (absent in version 1, where it was
   * `lists`). The `…Lists` fields and each token's last field are its readings when last updated.
   */
  clock: number;
  /** Attribute key → [mean, variance, clock when last updated]. */
  tokens: [string, number, number, number][];
  /** Embedding weights: mean, variance (empty until an item with an embedding was seen). */
  embMean: number[];
  embVar: number[];
  embLists: number;
  /** [bias, z, z²] means and variances, z = ln price − priceCentre. */
  dense: number[];
  denseVar: number[];
  denseLists: number;
  /** Log price the price terms are centred on (the first priced list's mean), or null. */
  priceCentre: number | null;
}

const FAMILY_OF_PREFIX: Record<string, TasteFamily> = { i: 'item', b: 'brand', c: 'category', t: 'tags' };
const MAX_TAGS = 32;
/** Most extra forgetting one surprising list can add, in lists (past it everything is forgotten anyway). */
const MAX_EXTRA_LISTS = 50;
const BIAS = 0;
const Z = 1;
const Z2 = 2;

const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));


/** Item, brand, category-level and tag tokens by the raw strings lists repeat (concatenated once). */
const itemToken = memo((id) => `i:${itemKey(id)}`);
const brandToken = memo((brand) => {
  const b = brandKey(brand);
  return b ? `b:${b}` : undefined;
});
const categoryTokens = memo((path) => categoryKeys(path).map((k) => `c:${k}`));
const tagToken = memo((tag) => {
  const k = tagKey(tag);
  return k ? `t:${k}` : undefined;
});

/**
 * Attribute keys of an item, each with its family's prefix (`i:` item, `b:` brand, `c:` category
 * level, `t:` tag): the item's, its brand's, its category's levels, then its first {@link MAX_TAGS}
 * tags' without repeats. Scoring (`scoreOne`) walks the same tokens in the same order by the raw
 * strings they come from, to look each string up once per list: a change here goes there too
 * (`taste.test.ts` checks the two agree).
 */
export function tasteTokens(c: Candidate): readonly string[] {
  const out: string[] = [itemToken(c.id)];
  const b = c.brand ? brandToken(c.brand) : undefined;
  if (b) out.push(b);
  if (c.category) for (const k of categoryTokens(c.category)) out.push(k);
  if (c.tags) {
    const first = out.length;
    const m = Math.min(c.tags.length, MAX_TAGS);
    for (let i = 0; i < m; i++) {
      const k = tagToken(c.tags[i]!);
      // At most 32 tags: a scan of the ones kept is cheaper than a set.
      if (k && out.indexOf(k, first) < 0) out.push(k);
    }
  }
  return out;
}

/**
 * What one scoring pass looked up, by the raw strings a list repeats: the means of the weights of a
 * brand's token and of a category's level tokens (those the model holds, in token order), and each
 * tag's token with its weight's mean (undefined: no weight). Valid while the model does not change.
 */
interface Lookups {
  brands: Map<string, readonly number[]>;
  categories: Map<string, readonly number[]>;
  tags: Map<string, readonly [token: string | undefined, mean: number | undefined]>;
}

const lookups = (): Lookups => ({ brands: new Map(), categories: new Map(), tags: new Map() });

/** The unit-length embedding of an item, or undefined when it has none (or a zero one). */
function unitEmbedding(c: Candidate, dim: number): Float64Array | undefined {
  const e = c.embedding;
  if (!e || e.length === 0 || (dim > 0 && e.length !== dim)) return undefined;
  let norm = 0;
  for (const x of e) norm += x * x;
  if (!(norm > 0) || !Number.isFinite(norm)) return undefined;
  const inv = 1 / Math.sqrt(norm);
  return Float64Array.from(e, (x) => x * inv);
}

/**
 * An attribute weight: mean, variance, clock when last updated, and its mean now as last computed,
 * with the model {@link TasteModel.version} it was computed at (a list learnt moves every mean).
 */
type Weight = [mean: number, variance: number, at: number, meanNow: number, meanAt: number];

const logPrice = (c: Candidate): number | undefined => (c.price !== undefined && Number.isFinite(c.price) && c.price > 0 ? Math.log(c.price) : undefined);

/** A per-shopper Bayesian click model over item attributes; see the file comment. */
export class TasteModel {
  private lists = 0;
  /** The forgetting clock (see {@link TasteState.clock}). */
  private clock = 0;
  private readonly tokens = new Map<string, Weight>();
  /** Moves on whenever a weight or the clock may have changed (a list learnt, interests removed). */
  private version = 0;
  /** Scratch for one item's tokens while scoring. */
  private readonly scratch: string[] = [];
  private embMean = new Float64Array(0);
  private embVar = new Float64Array(0);
  private embLists = 0;
  private readonly dense = new Float64Array(3);
  private readonly denseVar: Float64Array;
  private denseLists = 0;
  private priceCentre: number | undefined;
  /** Attributes the shopper removed from their interests: never scored, never learnt. */
  private excluded: ((token: string) => boolean) | undefined;

  constructor(private readonly settings: TasteSettings) {
    const v = settings.variance;
    this.denseVar = Float64Array.of(v.bias, v.price, v.price);
  }

  /** Restores a model from {@link TasteModel.exportState}; throws {@link ModelStateError} on a malformed state. */
  static fromState(state: unknown, settings: TasteSettings): TasteModel {
    const s = state as TasteState;
    const bad = (what: string): never => {
      throw new ModelStateError('taste', `taste state: ${what}`);
    };
    if (!s || typeof s !== 'object' || (s.v !== TASTE_STATE_VERSION && s.v !== 1)) bad(`version must be 1 or ${TASTE_STATE_VERSION}`);
    const finite = (xs: unknown, n?: number): xs is number[] => Array.isArray(xs) && (n === undefined || xs.length === n) && xs.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!Number.isInteger(s.lists) || s.lists < 0) bad('lists must be an integer ≥ 0');
    const clock = s.v === 1 ? s.lists : s.clock;
    if (typeof clock !== 'number' || !(clock >= s.lists) || !Number.isFinite(clock)) bad('clock must be a finite number ≥ lists');
    if (!finite(s.dense, 3) || !finite(s.denseVar, 3) || !s.denseVar.every((x) => x > 0)) bad('dense weights malformed');
    if (!finite(s.embMean) || !finite(s.embVar, s.embMean.length) || !s.embVar.every((x) => x > 0)) bad('embedding weights malformed');
    if (s.priceCentre !== null && !(typeof s.priceCentre === 'number' && Number.isFinite(s.priceCentre))) bad('priceCentre malformed');
    if (!Array.isArray(s.tokens)) bad('tokens must be an array');
    const m = new TasteModel(settings);
    m.lists = s.lists;
    m.clock = clock;

    for (const t of s.tokens) {
      if (!Array.isArray(t) || typeof t[0] !== 'string' || !FAMILY_OF_PREFIX[t[0].slice(0, 1)] || !finite(t.slice(1), 3) || !(t[2] > 0)) bad('a token entry is malformed');
      m.tokens.set(t[0], [t[1], t[2], t[3], 0, -1]);
    }
    m.embMean = Float64Array.from(s.embMean);
    m.embVar = Float64Array.from(s.embVar);
    m.embLists = Number.isFinite(s.embLists) ? s.embLists : clock;
    m.dense.set(s.dense);
    m.denseVar.set(s.denseVar);
    m.denseLists = Number.isFinite(s.denseLists) ? s.denseLists : clock;
    m.priceCentre = s.priceCentre ?? undefined;
    return m;
  }

  /** A structured-clone and JSON safe copy of the model. */
  exportState(): TasteState {
    return {
      v: TASTE_STATE_VERSION,
      lists: this.lists,
      clock: this.clock,
      tokens: [...this.tokens].map(([k, [m, v, at]]) => [k, m, v, at]),
      embMean: [...this.embMean],
      embVar: [...this.embVar],
      embLists: this.embLists,
      dense: [...this.dense],
      denseVar: [...this.denseVar],
      denseLists: this.denseLists,
      priceCentre: this.priceCentre ?? null,
    };
  }

  /**
   * Takes the interests the shopper removed out of the model and keeps them out: a removed brand or
   * tag, and a removed category with everything under it, lose what was learnt about them and are
   * neither scored nor learnt again, until the shopper restores them (a call without them).
   */
  exclude(removed: readonly { kind: string; key: string }[]): void {
    this.version++;
    const brands = new Set(removed.filter((r) => r.kind === 'brand').map((r) => `b:${r.key}`));
    const tags = new Set(removed.filter((r) => r.kind === 'tag').map((r) => `t:${r.key}`));
    const cats = removed.filter((r) => r.kind === 'category').map((r) => `c:${r.key}`);
    this.excluded = removed.length
      ? (t) => brands.has(t) || tags.has(t) || cats.some((c) => t === c || t.startsWith(`${c}/`))
      : undefined;
    const out = this.excluded;
    if (out) for (const k of [...this.tokens.keys()]) if (out(k)) this.tokens.delete(k);
  }

  /** The item's attribute keys the model may use. */
  private tokensOf(c: Candidate): readonly string[] {
    const all = tasteTokens(c);
    const out = this.excluded;
    return out ? all.filter((t) => !out(t)) : all;
  }

  /** Lists learnt from so far. */
  listsSeen(): number {
    return this.lists;
  }

  /** Attribute weights held. */
  size(): number {
    return this.tokens.size;
  }

  /**
   * Residual score of each candidate (log-odds of a click, without the bias), in candidate order.
   * With `byFamily` (n × {@link FEATURE_FAMILIES} values, row-major, overwritten), each candidate's
   * {@link contributions} too, from the same pass.
   */
  score(cands: readonly Candidate[], byFamily?: Float64Array): Float32Array {
    const out = new Float32Array(cands.length);
    const f = FEATURE_FAMILIES.length;
    byFamily?.fill(0, 0, cands.length * f);
    // Nothing learnt yet (no list with an action): every score is 0.
    if (this.tokens.size === 0 && this.embMean.length === 0 && this.dense[Z] === 0 && this.dense[Z2] === 0) return out;
    const seen = lookups();
    for (let i = 0; i < cands.length; i++) out[i] = this.scoreOne(cands[i]!, byFamily, i * f, seen);
    return out;
  }

  /**
   * Residual score of one item by the feature family a reason would name, added into `out` (indexed
   * by {@link FEATURE_FAMILIES}; zeros by default, so each family is its own terms summed in order).
   */
  contributions(c: Candidate, out: Float64Array = new Float64Array(FEATURE_FAMILIES.length)): Float64Array {
    this.scoreOne(c, out, 0, lookups());
    return out;
  }

  /**
   * One item's residual score: its attributes' weights in {@link tasteTokens} order, its embedding's
   * and its price terms. With `byFamily`, each term is also added into `byFamily[at + family slot]`. `seen` holds
   * what this call already looked up for the raw brand, category and tag strings (see {@link Lookups}).
   */
  private scoreOne(c: Candidate, byFamily: Float64Array | undefined, at: number, seen: Lookups): number {
    let s = 0;
    const w = this.weightOf(itemToken(c.id));
    if (w) {
      const m = this.meanNow(w);
      s += m;
      if (byFamily) byFamily[at + FAMILY_INDEX.item]! += m;
    }
    if (c.brand) {
      let means = seen.brands.get(c.brand);
      if (means === undefined) seen.brands.set(c.brand, (means = this.means([brandToken(c.brand)])));
      for (let j = 0; j < means.length; j++) {
        s += means[j]!;
        if (byFamily) byFamily[at + FAMILY_INDEX.brand]! += means[j]!;
      }
    }
    if (c.category) {
      let means = seen.categories.get(c.category);
      if (means === undefined) seen.categories.set(c.category, (means = this.means(categoryTokens(c.category))));
      for (let j = 0; j < means.length; j++) {
        s += means[j]!;
        if (byFamily) byFamily[at + FAMILY_INDEX.category]! += means[j]!;
      }
    }
    if (c.tags) {
      // Each distinct tag token of the first MAX_TAGS once, as tasteTokens lists them.
      const tokens = this.scratch;
      tokens.length = 0;
      const n = Math.min(c.tags.length, MAX_TAGS);
      for (let i = 0; i < n; i++) {
        const raw = c.tags[i]!;
        let tag = seen.tags.get(raw);
        if (tag === undefined) {
          const k = tagToken(raw);
          const tw = k ? this.weightOf(k) : undefined;
          seen.tags.set(raw, (tag = [k, tw ? this.meanNow(tw) : undefined]));
        }
        const [k, m] = tag;
        if (!k || tokens.indexOf(k) >= 0) continue;
        tokens.push(k);
        if (m === undefined) continue;
        s += m;
        if (byFamily) byFamily[at + FAMILY_INDEX.tags]! += m;
      }
    }
    if (this.embMean.length) {
      const e = this.embeddingScore(c);
      s += e;
      if (byFamily) byFamily[at + FAMILY_INDEX.similar]! += e;
    }
    const p = this.priceScore(c);
    if (byFamily) byFamily[at + FAMILY_INDEX.price]! += p;
    return s + p;
  }

  /** The means now of the weights the model holds for `tokens` (in order; tokens without one are left out). */
  private means(tokens: readonly (string | undefined)[]): number[] {
    const out: number[] = [];
    for (const t of tokens) {
      const w = t ? this.weightOf(t) : undefined;
      if (w) out.push(this.meanNow(w));
    }
    return out;
  }

  /** The weight of a token the model may use (none for an interest the shopper removed). */
  private weightOf(token: string): Weight | undefined {
    return this.excluded?.(token) ? undefined : this.tokens.get(token);
  }

  /** {@link mean}, computed once per weight between two changes of the model (a list scores hundreds of items sharing a few). */
  private meanNow(w: Weight): number {
    if (w[4] !== this.version) {
      w[3] = this.mean(w);
      w[4] = this.version;
    }
    return w[3];
  }

  /** An attribute weight's mean now: shrunk by `meanKeep` for every tick of the clock since it was last updated. */
  private mean(w: Weight): number {
    return w[0] * this.settings.meanKeep ** (this.clock - w[2]);
  }

  /** The price terms' score (0 without a price, or before any priced list). */
  private priceScore(c: Candidate): number {
    const lp = logPrice(c);
    if (lp === undefined || this.priceCentre === undefined) return 0;
    const z = lp - this.priceCentre;
    return this.dense[Z]! * z + this.dense[Z2]! * z * z;
  }

  /** u·ê for the candidate's embedding e (0 without one of the model's length), without allocating. */
  private embeddingScore(c: Candidate): number {
    const e = c.embedding;
    const u = this.embMean;
    if (!e || e.length !== u.length) return 0;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < e.length; j++) {
      dot += u[j]! * e[j]!;
      norm += e[j]! * e[j]!;
    }
    return norm > 0 && Number.isFinite(norm) ? dot / Math.sqrt(norm) : 0;
  }

  /** Learns from shown lists, in order; items without a position or flag are skipped. */
  observe(outcomes: readonly ListOutcome[]): void {
    try {
      for (const o of outcomes) this.observeList(o);
    } finally {
      this.version++;
    }
  }

  /**
   * One list, one Laplace step: every observed item's gradient and information are taken at the
   * current weights, damped by the item's own score variance (c = 1/(1 + I·v), the rank-one update
   * of one observation), and summed per weight; each weight then moves by −var·Σ c·g·x and its
   * precision grows by Σ c·I·x². Attributes are centred on the list's examination-weighted mean, so
   * the work is sparse: O(attributes of the list + items × their own attributes + items × dim).
   */
  private observeList(o: ListOutcome): void {
    const n = Math.min(o.items.length, o.positions.length, o.clicked.length);
    if (n === 0) return;
    const items = o.items.slice(0, n);
    const eta = items.map((_, i) => {
      const k = o.positions[i]!;
      return Number.isInteger(k) && k >= 0 ? (k + 1) ** -this.settings.examinationPower : 0;
    });
    const etaSum = eta.reduce((a, b) => a + b, 0);
    if (!(etaSum > 0)) return;
    this.lists++;
    this.clock++;
    // A list nobody acted on says almost nothing about which items suit the shopper: centred, its
    // first-order evidence cancels (every item passed over, each as likely as its position says). It
    // only moves the forgetting clock, so the work stays off the common case.
    if (!o.clicked.slice(0, n).some((c, i) => c && o.observed?.[i] !== false)) return;
    if (this.priceCentre === undefined) {
      const lps = items.map(logPrice).filter((x): x is number => x !== undefined);
      if (lps.length) this.priceCentre = lps.reduce((a, b) => a + b, 0) / lps.length;
    }
    // Every attribute is centred on its examination-weighted mean over the list: what all the items
    // of a page share (its own category, the page's tag) is the list's context, not a preference,
    // and would otherwise soak up the blame for every item passed over.
    const keys = new Map<string, number>();
    const has = items.map((c) =>
      this.tokensOf(c).map((t) => {
        let j = keys.get(t);
        if (j === undefined) keys.set(t, (j = keys.size));
        return j;
      }),
    );
    const T = keys.size;
    const mean = new Float64Array(T);
    has.forEach((js, i) => {
      for (const j of js) mean[j]! += eta[i]! / etaSum;
    });
    const dim = this.embeddingDim(items);
    const emb = items.map((c) => (dim ? unitEmbedding(c, dim) : undefined));
    const embMean = new Float64Array(dim);
    let embMass = 0;
    emb.forEach((e, i) => {
      if (!e) return;
      embMass += eta[i]!;
      for (let j = 0; j < dim; j++) embMean[j]! += eta[i]! * e[j]!;
    });
    if (embMass > 0) for (let j = 0; j < dim; j++) embMean[j]! /= embMass;
    const zs = items.map((c) => {
      const lp = logPrice(c);
      return lp !== undefined && this.priceCentre !== undefined ? lp - this.priceCentre : undefined;
    });
    let zMass = 0;
    let zMean = 0;
    let z2Mean = 0;
    zs.forEach((z, i) => {
      if (z === undefined) return;
      zMass += eta[i]!;
      zMean += eta[i]! * z;
      z2Mean += eta[i]! * z * z;
    });
    if (zMass > 0) {
      zMean /= zMass;
      z2Mean /= zMass;
    }
    let offsetMean = 0;
    if (o.offsets) for (let i = 0; i < n; i++) offsetMean += (eta[i]! / etaSum) * (Number.isFinite(o.offsets[i]) ? o.offsets[i]! : 0);

    // Per item: its damped gradient (c·g) and information (c·I) at the current weights, and how
    // surprising the list's clicks are under them.
    const cg = new Float64Array(n);
    const ci = new Float64Array(n);
    const xe = new Float64Array(dim);
    let weights: Weight[] = [];
    const pass = (): number => {
      this.relaxDense();
      weights = [...keys.keys()].map((t) => this.token(t));
      // Σ_t w_t·m_t and Σ_t var_t·m_t²: the centring's share of every item's score and variance.
      let wm = 0;
      let vm = 0;
      for (let j = 0; j < T; j++) {
        wm += weights[j]![0] * mean[j]!;
        vm += weights[j]![1] * mean[j]! * mean[j]!;
      }
      // The clicks' log-likelihood, and its mean and variance were the model right.
      let ll = 0;
      let llMean = 0;
      let llVar = 0;
      for (let i = 0; i < n; i++) {
        cg[i] = 0;
        ci[i] = 0;
        if (eta[i] === 0 || o.observed?.[i] === false) continue;
        let s = this.dense[BIAS]! - wm + (o.offsets && Number.isFinite(o.offsets[i]) ? o.offsets[i]! - offsetMean : 0);
        let v = this.denseVar[BIAS]! + vm;
        for (const j of has[i]!) {
          const w = weights[j]!;
          s += w[0];
          v += w[1] * (1 - 2 * mean[j]!);
        }
        const e = emb[i];
        if (e) {
          for (let j = 0; j < dim; j++) {
            const x = e[j]! - embMean[j]!;
            s += this.embMean[j]! * x;
            v += this.embVar[j]! * x * x;
          }
        }
        const z = zs[i];
        if (z !== undefined) {
          const a = z - zMean;
          const b = z * z - z2Mean;
          s += this.dense[Z]! * a + this.dense[Z2]! * b;
          v += this.denseVar[Z]! * a * a + this.denseVar[Z2]! * b * b;
        }
        const sig = sigmoid(s);
        const p = Math.min(1 - 1e-9, Math.max(1e-9, eta[i]! * sig));
        const g = o.clicked[i] ? -(1 - sig) : (eta[i]! * sig * (1 - sig)) / (1 - p);
        const info = (eta[i]! * sig * (1 - sig) ** 2) / (1 - p);
        const c = 1 / (1 + info * Math.max(0, v));
        cg[i] = c * g;
        ci[i] = c * info;
        const lp = Math.log(p);
        const lq = Math.log(1 - p);
        ll += o.clicked[i] ? lp : lq;
        llMean += p * lp + (1 - p) * lq;
        llVar += p * (1 - p) * (lp - lq) ** 2;
      }
      return llVar > 0 ? (llMean - ll) / Math.sqrt(llVar) : 0;
    };
    // Adaptive forgetting: clicks much less likely than the model itself expects say its taste may be
    // out of date, so the list counts as more time passed (weights shrink, variances widen) before it
    // is learnt, and its evidence weighs more against the old.
    const surprise = pass();
    const extra = this.settings.surpriseLists * Math.max(0, surprise - this.settings.surpriseThreshold);
    if (extra > 0) {
      this.clock += Math.min(extra, MAX_EXTRA_LISTS);
      pass();
    }

    // Sums per weight. A token's input is 1[t ∈ item] − m_t: Σᵢ cgᵢ·xᵢₜ = Σ_{i∋t} cgᵢ − m_t·Σᵢ cgᵢ, and
    // Σᵢ ciᵢ·xᵢₜ² = Σ_{i∋t} ciᵢ·(1 − 2m_t) + m_t²·Σᵢ ciᵢ.
    let cgSum = 0;
    let ciSum = 0;
    for (let i = 0; i < n; i++) {
      cgSum += cg[i]!;
      ciSum += ci[i]!;
    }
    const G = new Float64Array(T);
    const H = new Float64Array(T);
    has.forEach((js, i) => {
      for (const j of js) {
        G[j]! += cg[i]!;
        H[j]! += ci[i]! * (1 - 2 * mean[j]!);
      }
    });
    const update = (m: number, v: number, g: number, h: number): [number, number] => [m - v * g, v / (1 + v * Math.max(0, h))];
    for (let j = 0; j < T; j++) {
      const w = weights[j]!;
      [w[0], w[1]] = update(w[0], w[1], G[j]! - mean[j]! * cgSum, H[j]! + mean[j]! * mean[j]! * ciSum);
    }
    [this.dense[BIAS], this.denseVar[BIAS]] = update(this.dense[BIAS]!, this.denseVar[BIAS]!, cgSum, ciSum);
    if (dim) {
      const ge = new Float64Array(dim);
      const he = new Float64Array(dim);
      emb.forEach((e, i) => {
        if (!e || (cg[i] === 0 && ci[i] === 0)) return;
        for (let j = 0; j < dim; j++) {
          xe[j] = e[j]! - embMean[j]!;
          ge[j]! += cg[i]! * xe[j]!;
          he[j]! += ci[i]! * xe[j]! * xe[j]!;
        }
      });
      for (let j = 0; j < dim; j++) [this.embMean[j], this.embVar[j]] = update(this.embMean[j]!, this.embVar[j]!, ge[j]!, he[j]!);
    }
    let gz = 0;
    let hz = 0;
    let gz2 = 0;
    let hz2 = 0;
    zs.forEach((z, i) => {
      if (z === undefined) return;
      const a = z - zMean;
      const b = z * z - z2Mean;
      gz += cg[i]! * a;
      hz += ci[i]! * a * a;
      gz2 += cg[i]! * b;
      hz2 += ci[i]! * b * b;
    });
    [this.dense[Z], this.denseVar[Z]] = update(this.dense[Z]!, this.denseVar[Z]!, gz, hz);
    [this.dense[Z2], this.denseVar[Z2]] = update(this.dense[Z2]!, this.denseVar[Z2]!, gz2, hz2);
  }

  /**
   * Prior variance of one embedding weight: the family's variance shared out over the dimensions, so
   * the prior spread of u·ê (ê of unit length) is the family's whatever the embedding's length.
   */
  private embPrior(dim: number): number {
    return this.settings.variance.similar / Math.max(1, dim);
  }

  /** The embedding length the model uses: fixed by the first item with an embedding (0 until then). */
  private embeddingDim(items: readonly Candidate[]): number {
    if (this.embMean.length === 0) {
      const first = items.find((c) => unitEmbedding(c, 0));
      if (!first) return 0;
      const dim = first.embedding!.length;
      this.embMean = new Float64Array(dim);
      this.embVar = new Float64Array(dim).fill(this.embPrior(dim));
    }
    return this.embMean.length;
  }

  /** Moves the dense and embedding variances toward their priors for the lists since they were last relaxed. */
  private relaxDense(): void {
    const keep = this.settings.forget ** (this.clock - this.denseLists);
    const v = this.settings.variance;
    this.denseVar[BIAS] = v.bias - (v.bias - this.denseVar[BIAS]!) * keep;
    this.denseVar[Z] = v.price - (v.price - this.denseVar[Z]!) * keep;
    this.denseVar[Z2] = v.price - (v.price - this.denseVar[Z2]!) * keep;
    const km = this.settings.meanKeep ** (this.clock - this.denseLists);
    for (let j = 0; j < 3; j++) this.dense[j]! *= km;
    this.denseLists = this.clock;
    const kme = this.settings.meanKeep ** (this.clock - this.embLists);
    for (let j = 0; j < this.embMean.length; j++) this.embMean[j]! *= kme;
    const ke = this.settings.forget ** (this.clock - this.embLists);
    const ve = this.embPrior(this.embVar.length);
    for (let j = 0; j < this.embVar.length; j++) this.embVar[j] = ve - (ve - this.embVar[j]!) * ke;
    this.embLists = this.clock;
  }

  private token(key: string): Weight {
    const family = FAMILY_OF_PREFIX[key.slice(0, 1)]!;
    const prior = this.settings.variance[family];
    let w = this.tokens.get(key);
    if (!w) {
      // Full: the least recently updated quarter goes.
      if (this.tokens.size >= this.settings.maxTokens) evictLowest(this.tokens, this.settings.maxTokens, (t) => t[2]);
      w = [0, prior, this.clock, 0, -1];
      this.tokens.set(key, w);
    } else {
      w[0] = this.mean(w);
      w[1] = prior - (prior - w[1]) * this.settings.forget ** (this.clock - w[2]);
      w[2] = this.clock;
    }
    return w;
  }
}
