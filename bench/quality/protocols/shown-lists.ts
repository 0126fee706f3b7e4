/**
 * shown-lists: the standard semi-synthetic online learning-to-rank setup, on the real Beauty
 * catalogue. Each simulated shopper sees a stream of server lists (category/brand pages of 10–25 real
 * Beauty items with their public features: attribute ids as tags, the site embeddings and related
 * lists, plus a synthetic price) and clicks by a position-based click model; the device ranks every
 * list before the shopper sees it and learns only from what the shopper did.
 *
 * - **Hidden taste** (per shopper, heterogeneous in ways no site-wide model knows): each simulated
 *   shopper takes the history of one real Beauty user (training split s[:n-2]) — the shares of the
 *   attribute ids in it, the mean embedding of its items and the mean log-price of its items — and
 *   seeded per-shopper strengths for each part (log-normal) and a price sensitivity (exponential).
 *   utility(item) = a·Σ attribute shares + e·cos(embedding, history centroid) − γ·((ln price − μ)/0.5)²
 *   + 0.3·popularity z-score. Graded relevance 0–4 by the shopper's own utility percentiles over the
 *   catalogue (50/80/93/98 %).
 * - **Drift**: a quarter of the shoppers switch to another real user's taste at list
 *   {@link SHOWN_LISTS}.driftAt.
 * - **Lists** (non-personal server): the shopper opens the page of one attribute id (60 % one they
 *   like, 40 % by global popularity), the server lists 10–25 items having it, by popularity.
 * - **Clicks**: position-based model, examination η(k) = 1/k (Joachims et al., WSDM 2017, η = 1);
 *   attraction P(click | grade) of Hofmann et al. (ACM TOIS 2013, Table 1): perfect 0/.2/.4/.8/1,
 *   navigational .05/.3/.5/.7/.95, informational .4/.6/.7/.8/.9. Common random numbers: the
 *   examination and attraction draws belong to (shopper, list, item), so every row faces the same
 *   shoppers, lists and coin flips and only its order differs.
 * - **Prior**: fitted on other Beauty users' simulated logs of server-order lists and their clicks
 *   (no evaluated user's taste, lists or clicks).
 * - **Metrics** per list number (1, 2, 3–4, 5–9, 10–19, 20+): NDCG@10 of the graded relevance for the
 *   order the row showed, clicks per list; the oracle (true utility order) and random bound them.
 *   Each row's gain over `pz-prior` per group with a 95 % bootstrap interval over shoppers.
 */
import { createRng, gaussian, type Rng } from '../../../src/core/util/rng';
import type { Candidate, StoredEvent } from '../../../src/core/types';
import type { PriorShopper } from '../../../src/site/prior-examples';
import { hashSeed, mixSeed, sampleIndices } from '../seeds';
import type { ReplayPolicy, SiteKnowledge } from '../types';
import type { BeautyLooSetup } from './beauty-loo';
import { checkScores } from './common';

/** Protocol constants (none tuned on reported numbers). */
export const SHOWN_LISTS = {
  shoppers: 200,
  quickShoppers: 40,
  tuneShoppers: 1500,
  quickTuneShoppers: 200,
  lists: 30,
  minItems: 10,
  maxItems: 25,
  driftShare: 0.25,
  driftAt: 15,
  /** Minutes between two lists (all within the engine's list memory). */
  gapMinutes: 10,
  bootstrap: 1000,
} as const;

/** Seed of the tuning shoppers (`bench/tune-shown-lists.ts`; the reported run uses the benchmark's seed, 20240601). */
export const TUNE_SEED = 77;

export type ClickModel = 'perfect' | 'navigational' | 'informational';
/** P(click | examined, grade 0..4), Hofmann et al. 2013, Table 1. */
export const ATTRACTION: Record<ClickModel, readonly number[]> = {
  perfect: [0, 0.2, 0.4, 0.8, 1],
  navigational: [0.05, 0.3, 0.5, 0.7, 0.95],
  informational: [0.4, 0.6, 0.7, 0.8, 0.9],
};
/** Examination probability at 1-based position k. */
export const examination = (k: number): number => 1 / k;

/** List-number groups of the report. */
export const LIST_GROUPS: readonly { label: string; lo: number; hi: number }[] = [
  { label: 'lists-1', lo: 1, hi: 1 },
  { label: 'lists-2', lo: 2, hi: 2 },
  { label: 'lists-3-4', lo: 3, hi: 4 },
  { label: 'lists-5-9', lo: 5, hi: 9 },
  { label: 'lists-10-19', lo: 10, hi: 19 },
  { label: 'lists-20+', lo: 20, hi: Number.POSITIVE_INFINITY },
];
/** Drift shoppers only: the lists before and after their switch. */
export const DRIFT_GROUPS: readonly { label: string; lo: number; hi: number }[] = [
  { label: 'drift-before-10-14', lo: 10, hi: SHOWN_LISTS.driftAt - 1 },
  { label: 'drift-after-1-5', lo: SHOWN_LISTS.driftAt, hi: SHOWN_LISTS.driftAt + 4 },
  { label: 'drift-after-6+', lo: SHOWN_LISTS.driftAt + 5, hi: Number.POSITIVE_INFINITY },
];

const T0 = Date.UTC(2015, 0, 1);
/** Largest inverse-propensity weight of a click in the prior's log. */
const IPS_CLIP = 10;
const GRADE_PERCENTILES = [0.5, 0.8, 0.93, 0.98];

/** A simulated shopper's hidden taste (exported for the tuning diagnostics). */
export interface Taste {
  attrs: Map<string, number>;
  centroid: Float32Array | undefined;
  mu: number;
  a: number;
  e: number;
  gamma: number;
  /** Utility cut points for grades 1..4. */
  cuts: number[];
  /** Attribute ids the shopper likes, for choosing pages. */
  liked: string[];
  likedWeights: number[];
}

/** Everything a run needs: the catalogue, its public features and the simulated shoppers. */
export interface ShownListsSetup {
  site: SiteKnowledge;
  catalogue: string[];
  candidates: Map<string, Candidate>;
  attrs: Map<string, readonly string[]>;
  itemsByAttr: Map<string, string[]>;
  popAttrs: { ids: string[]; cum: number[] };
  popZ: Map<string, number>;
  logPrice: Map<string, number>;
  /** Evaluated shoppers: a taste, and a second one for drift shoppers. */
  shoppers: { id: string; taste: Taste; drift?: Taste; seed: number }[];
  tuneShoppers: { id: string; taste: Taste; seed: number }[];
  seed: number;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function pickWeighted(ids: readonly string[], cum: readonly number[], rng: Rng): string {
  const r = rng() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return ids[lo]!;
}

/** Builds the catalogue, the simulated shoppers and the site knowledge from a beauty-loo setup. */
export function setupShownLists(beauty: BeautyLooSetup, opts: { seed: number; quick?: boolean }): ShownListsSetup {
  const { data, knowledge } = beauty;
  const catalogue = knowledge.itemIds.filter((id) => (data.attributes.get(id)?.length ?? 0) > 0 && knowledge.popularity(id) > 0);
  const attrs = new Map<string, readonly string[]>();
  const itemsByAttr = new Map<string, string[]>();
  const attrPop = new Map<string, number>();
  for (const id of catalogue) {
    const a = data.attributes.get(id)!;
    attrs.set(id, a);
    for (const x of a) {
      let l = itemsByAttr.get(x);
      if (!l) itemsByAttr.set(x, (l = []));
      l.push(id);
      attrPop.set(x, (attrPop.get(x) ?? 0) + knowledge.popularity(id));
    }
  }
  // Pages worth listing: attributes with at least minItems items.
  const pageAttrs = [...itemsByAttr.keys()].filter((x) => itemsByAttr.get(x)!.length >= SHOWN_LISTS.minItems).sort();
  const cum: number[] = [];
  let acc = 0;
  for (const x of pageAttrs) cum.push((acc += attrPop.get(x)!));
  for (const l of itemsByAttr.values()) l.sort((p, q) => knowledge.popularity(q) - knowledge.popularity(p) || (p < q ? -1 : 1));
  const logPops = catalogue.map((id) => Math.log1p(knowledge.popularity(id)));
  const mean = logPops.reduce((s, x) => s + x, 0) / logPops.length;
  const sd = Math.sqrt(logPops.reduce((s, x) => s + (x - mean) ** 2, 0) / logPops.length) || 1;
  const popZ = new Map(catalogue.map((id, i) => [id, (logPops[i]! - mean) / sd]));
  // Synthetic prices (Beauty has none): a level per first attribute (the brand when known), spread around it.
  const logPrice = new Map<string, number>();
  for (const id of catalogue) {
    const brand = attrs.get(id)![0]!;
    const level = Math.log(20) + 0.7 * gaussian(createRng(hashSeed(`brand:${brand}`)));
    logPrice.set(id, level + 0.35 * gaussian(createRng(hashSeed(`item:${id}`))));
  }
  const candidates = new Map<string, Candidate>();
  for (const id of catalogue) {
    const c = beauty.features.get(id);
    candidates.set(id, Object.freeze({ ...(c ?? { id }), price: Math.round(Math.exp(logPrice.get(id)!) * 100) / 100 }));
  }
  const base = { catalogue, candidates, attrs, itemsByAttr, popAttrs: { ids: pageAttrs, cum }, popZ, logPrice };

  const rng = createRng(mixSeed(opts.seed, 401));
  const eligible = data.users.map((u, i) => ({ u, i })).filter(({ u }) => u.items.length - 2 >= 5).map(({ i }) => i);
  const wantEval = opts.quick ? SHOWN_LISTS.quickShoppers : SHOWN_LISTS.shoppers;
  const wantTune = opts.quick ? SHOWN_LISTS.quickTuneShoppers : SHOWN_LISTS.tuneShoppers;
  const picked = sampleIndices(eligible.length, Math.min(eligible.length, 2 * wantEval + wantTune), rng).map((k) => eligible[k]!);
  // A small catalogue (tests) shares its users out in the same proportions.
  const scale = Math.min(1, picked.length / (2 * wantEval + wantTune));
  const nEval = Math.max(1, Math.floor(wantEval * scale));
  const nTune = Math.max(0, picked.length - 2 * nEval);
  // Shuffle, then: evaluated tastes, their drift tastes, tuning tastes (disjoint users).
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  const taste = (ui: number, seed: number): Taste => tasteOf(beauty, base, ui, seed);
  const shoppers = Array.from({ length: nEval }, (_, s) => {
    const ui = picked[s]!;
    const seed = mixSeed(opts.seed, 403, s);
    const drifts = createRng(mixSeed(seed, 1))() < SHOWN_LISTS.driftShare;
    return { id: `s${s}`, taste: taste(ui, seed), ...(drifts ? { drift: taste(picked[nEval + s]!, mixSeed(seed, 2)) } : {}), seed };
  });
  const tuneShoppers = Array.from({ length: nTune }, (_, s) => {
    const seed = mixSeed(opts.seed, 409, s);
    return { id: `t${s}`, taste: taste(picked[2 * nEval + s]!, seed), seed };
  });
  return {
    site: { protocol: 'shown-lists', items: knowledge, embeddingDim: knowledge.dim },
    ...base,
    shoppers,
    tuneShoppers,
    seed: opts.seed,
  };
}

function tasteOf(
  beauty: BeautyLooSetup,
  base: Pick<ShownListsSetup, 'catalogue' | 'attrs' | 'popZ' | 'logPrice' | 'itemsByAttr'>,
  ui: number,
  seed: number,
): Taste {
  const u = beauty.data.users[ui]!;
  const history = u.items.slice(0, u.items.length - 2);
  const counts = new Map<string, number>();
  let total = 0;
  let centroid: Float32Array | undefined;
  let mu = 0;
  let priced = 0;
  for (const id of history) {
    for (const a of beauty.data.attributes.get(id) ?? []) {
      counts.set(a, (counts.get(a) ?? 0) + 1);
      total++;
    }
    const e = beauty.knowledge.embedding(id);
    if (e) {
      centroid ??= new Float32Array(e.length);
      for (let j = 0; j < e.length; j++) centroid[j]! += e[j]!;
    }
    const lp = base.logPrice.get(id);
    if (lp !== undefined) {
      mu += lp;
      priced++;
    }
  }
  const attrs = new Map([...counts].map(([a, c]) => [a, c / Math.max(1, total)]));
  const rng = createRng(seed);
  const t: Taste = {
    attrs,
    centroid,
    mu: priced ? mu / priced : Math.log(20),
    a: 4 * Math.exp(0.5 * gaussian(rng)),
    e: 1.5 * Math.exp(0.5 * gaussian(rng)),
    gamma: -Math.log(1 - rng() * 0.999) * 0.5,
    cuts: [],
    liked: [],
    likedWeights: [],
  };
  const liked = [...attrs].filter(([a]) => (base.itemsByAttr.get(a)?.length ?? 0) >= SHOWN_LISTS.minItems).sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1));
  let acc = 0;
  for (const [a, w] of liked) {
    t.liked.push(a);
    t.likedWeights.push((acc += w));
  }
  // Grade cut points: the shopper's own utility percentiles over a catalogue sample.
  const sample = Array.from({ length: 1500 }, () => utility(t, base, base.catalogue[Math.floor(rng() * base.catalogue.length)]!, undefined));
  sample.sort((p, q) => p - q);
  t.cuts = GRADE_PERCENTILES.map((p) => sample[Math.floor(p * (sample.length - 1))]!);
  return t;
}

/** The hidden utility of an item for a taste. */
export function utility(t: Taste, base: Pick<ShownListsSetup, 'attrs' | 'popZ' | 'logPrice'>, id: string, emb: ArrayLike<number> | undefined): number {
  let a = 0;
  for (const x of base.attrs.get(id) ?? []) a += t.attrs.get(x) ?? 0;
  const e = emb && t.centroid ? cosine(emb, t.centroid) : 0;
  const z = ((base.logPrice.get(id) ?? t.mu) - t.mu) / 0.5;
  return t.a * a + t.e * e - t.gamma * z * z + 0.3 * (base.popZ.get(id) ?? 0);
}

/** Graded relevance 0–4 of a utility for a taste. */
export const grade = (t: Taste, u: number): number => {
  let g = 0;
  while (g < 4 && u >= t.cuts[g]!) g++;
  return g;
};

/** The server list of list number `l` (1-based) for a shopper: ids in server order. */
function serverList(setup: ShownListsSetup, taste: Taste, seed: number, l: number): string[] {
  const rng = createRng(mixSeed(seed, 17, l));
  const page =
    rng() < 0.6 && taste.liked.length ? pickWeighted(taste.liked, taste.likedWeights, rng) : pickWeighted(setup.popAttrs.ids, setup.popAttrs.cum, rng);
  const pool = setup.itemsByAttr.get(page)!;
  const n = SHOWN_LISTS.minItems + Math.floor(rng() * (SHOWN_LISTS.maxItems - SHOWN_LISTS.minItems + 1));
  // Popular items are listed more often (weight ∝ 1/√rank), in popularity order.
  const chosen = new Set<number>();
  const m = Math.min(n, pool.length);
  while (chosen.size < m) chosen.add(Math.floor(pool.length * rng() ** 2));
  return [...chosen].sort((p, q) => p - q).map((k) => pool[k]!);
}

/** NDCG@10 of graded relevance for an order (positions of `grades`); undefined when nothing is relevant. */
export function gradedNdcg10(grades: readonly number[], order: readonly number[]): number | undefined {
  const gain = (g: number) => 2 ** g - 1;
  const ideal = [...grades].sort((p, q) => q - p);
  let idcg = 0;
  for (let k = 0; k < Math.min(10, ideal.length); k++) idcg += gain(ideal[k]!) / Math.log2(k + 2);
  if (idcg === 0) return undefined;
  let dcg = 0;
  for (let k = 0; k < Math.min(10, order.length); k++) dcg += gain(grades[order[k]!]!) / Math.log2(k + 2);
  return dcg / idcg;
}

/** Clicks on an order under the position-based model, with per-(shopper, list, item) random numbers. */
function simulateClicks(order: readonly number[], grades: readonly number[], model: ClickModel, seed: number, l: number, ids: readonly string[]): number[] {
  const out: number[] = [];
  order.forEach((i, k) => {
    const r = createRng(mixSeed(seed, 23, l, hashSeed(ids[i]!)));
    if (r() < examination(k + 1) && r() < ATTRACTION[model][grades[i]!]!) out.push(i);
  });
  return out;
}

/** Sorted positions by score, ties by server order. */
function orderOf(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((p, q) => (scores[q]! - scores[p]!) || p - q);
}

/** Per-shopper, per-list results of one row. */
export interface ShownListsRun {
  policy: string;
  model: ClickModel;
  /** ndcg[s][l-1] (NaN when the list had nothing relevant), clicks[s][l-1]. */
  ndcg: Float64Array[];
  clicks: Uint8Array[];
  seconds: number;
}

type Ranker = { observe(e: StoredEvent): void; rank(c: readonly Candidate[], now: number): Float64Array };

function runShoppers(setup: ShownListsSetup, name: string, model: ClickModel, make: (shopper: ShownListsSetup['shoppers'][number]) => Ranker | 'oracle'): ShownListsRun {
  const t0 = performance.now();
  const L = SHOWN_LISTS.lists;
  const ndcg: Float64Array[] = [];
  const clicks: Uint8Array[] = [];
  for (const sh of setup.shoppers) {
    const session = make(sh);
    const nd = new Float64Array(L).fill(Number.NaN);
    const cl = new Uint8Array(L);
    for (let l = 1; l <= L; l++) {
      const taste = sh.drift && l >= SHOWN_LISTS.driftAt ? sh.drift : sh.taste;
      const ids = serverList(setup, sh.taste, sh.seed, l);
      const cands = ids.map((id) => setup.candidates.get(id)!);
      const utilities = cands.map((c) => utility(taste, setup, c.id, c.embedding));
      const grades = utilities.map((u) => grade(taste, u));
      const now = T0 + l * SHOWN_LISTS.gapMinutes * 60_000;
      let order: number[];
      if (session === 'oracle') order = orderOf(utilities);
      else {
        const scores = session.rank(cands, now);
        checkScores(name, scores, cands.length);
        order = orderOf(scores);
      }
      nd[l - 1] = gradedNdcg10(grades, order) ?? Number.NaN;
      const clicked = simulateClicks(order, grades, model, sh.seed, l, ids);
      cl[l - 1] = clicked.length;
      if (session !== 'oracle') {
        clicked.forEach((i, j) => {
          session.observe({ id: `${sh.id}:${l}:${j}`, type: 'click', item: cands[i]!, ts: now + 1000 * (j + 1) });
        });
      }
    }
    ndcg.push(nd);
    clicks.push(cl);
  }
  return { policy: name, model, ndcg, clicks, seconds: (performance.now() - t0) / 1000 };
}

/** Runs one policy (or the oracle) on the evaluated shoppers under a click model. */
export function runShownLists(setup: ShownListsSetup, policy: ReplayPolicy | 'oracle', model: ClickModel): ShownListsRun {
  if (policy === 'oracle') return runShoppers(setup, 'oracle', model, () => 'oracle');
  policy.prepare?.(setup.site);
  return runShoppers(setup, policy.name, model, (sh) => policy.newShopper(sh.id, sh.seed));
}

/**
 * The site's own log for fitting the prior: other Beauty users' tastes, shown the server order,
 * clicking by the same click model (what a site sees before it personalises anything). Clicks are
 * position-biased (the top is examined most), so each click counts 1/η(position) times (inverse
 * propensity weighting, Joachims et al. 2017, clipped at {@link IPS_CLIP}) against negatives drawn
 * from the whole list: the prior learns taste, not the server's order. (Skip-above pairs alone would
 * teach it the opposite bias: every pair prefers the lower item.)
 */
export function shownListsPriorShoppers(setup: ShownListsSetup, model: ClickModel): PriorShopper[] {
  return setup.tuneShoppers.map((sh) => {
    const events: StoredEvent[] = [];
    const lists: { candidates: Candidate[]; target: number }[] = [];
    for (let l = 1; l <= SHOWN_LISTS.lists; l++) {
      const ids = serverList(setup, sh.taste, sh.seed, l);
      const cands = ids.map((id) => setup.candidates.get(id)!);
      const grades = cands.map((c) => grade(sh.taste, utility(sh.taste, setup, c.id, c.embedding)));
      const order = ids.map((_, i) => i);
      const now = T0 + l * SHOWN_LISTS.gapMinutes * 60_000;
      simulateClicks(order, grades, model, sh.seed, l, ids).forEach((i, j) => {
        // The same event repeated: the profile counts it once (same id), the prior's examples IPS times.
        const copies = Math.min(IPS_CLIP, Math.round(1 / examination(i + 1)));
        const event: StoredEvent = { id: `${sh.id}:${l}:${j}`, type: 'click', item: cands[i]!, ts: now + 1000 * (j + 1) };
        for (let c = 0; c < copies; c++) {
          events.push(event);
          lists.push({ candidates: cands, target: i });
        }
      });
    }
    return { events, listFor: (t: number) => lists[t] };
  });
}

/** Mean of the finite values of `xs` over lists `lo..hi` (1-based) of each shopper: one value per shopper (NaN when none). */
function perShopper(rows: readonly ArrayLike<number>[], lo: number, hi: number, keep: (s: number) => boolean): number[] {
  const out: number[] = [];
  rows.forEach((r, s) => {
    if (!keep(s)) return;
    let sum = 0;
    let n = 0;
    for (let l = lo; l <= Math.min(hi, r.length); l++) {
      const v = r[l - 1]!;
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    out.push(n ? sum / n : Number.NaN);
  });
  return out;
}

/** Summary of a group: mean NDCG@10, clicks per list, and the gain over a reference with a 95 % bootstrap interval. */
export interface GroupSummary {
  ndcg10: number;
  clicksPerList: number;
  shoppers: number;
  gain?: { mean: number; lo: number; hi: number };
}

const finiteMean = (xs: readonly number[]): number => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((s, x) => s + x, 0) / f.length : Number.NaN;
};

/** Per group: metrics of `run` and, with `ref`, its gain over `ref` (paired by shopper, bootstrap over shoppers). */
export function summarize(run: ShownListsRun, ref: ShownListsRun | undefined, setup: ShownListsSetup, seed: number): Record<string, GroupSummary> {
  const out: Record<string, GroupSummary> = {};
  const groups = [...LIST_GROUPS.map((g) => ({ ...g, keep: (_: number) => true })), ...DRIFT_GROUPS.map((g) => ({ ...g, keep: (s: number) => setup.shoppers[s]!.drift !== undefined }))];
  for (const g of groups) {
    const nd = perShopper(run.ndcg, g.lo, g.hi, g.keep);
    const cl = perShopper(run.clicks as unknown as ArrayLike<number>[], g.lo, g.hi, g.keep);
    const s: GroupSummary = { ndcg10: finiteMean(nd), clicksPerList: finiteMean(cl), shoppers: nd.filter(Number.isFinite).length };
    if (ref) {
      const base = perShopper(ref.ndcg, g.lo, g.hi, g.keep);
      const diff = nd.map((v, i) => v - base[i]!).filter(Number.isFinite);
      s.gain = bootstrap(diff, createRng(mixSeed(seed, 601, hashSeed(g.label))));
    }
    out[g.label] = s;
  }
  return out;
}

/** Mean and 95 % percentile bootstrap interval of the mean. */
export function bootstrap(xs: readonly number[], rng: Rng, draws: number = SHOWN_LISTS.bootstrap): { mean: number; lo: number; hi: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const means = new Float64Array(draws);
  for (let b = 0; b < draws; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += xs[Math.floor(rng() * n)]!;
    means[b] = sum / n;
  }
  means.sort();
  return { mean: xs.reduce((s, x) => s + x, 0) / n, lo: means[Math.floor(0.025 * draws)]!, hi: means[Math.ceil(0.975 * draws) - 1]! };
}
