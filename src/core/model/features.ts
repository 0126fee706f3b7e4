/**
 * Candidate features: `features(profile, candidates, context)` turns each candidate into a fixed-length
 * vector the ranking model scores. One documented, versioned schema ({@link FEATURES}); bump
 * {@link FEATURE_SCHEMA_VERSION} whenever the list or a definition changes (the worker then restarts the
 * learner from the prior and replays the retained event log).
 *
 * Every feature is bounded (roughly [-1, 1] or [0, 1]) and missing candidate fields give 0 (neutral),
 * never NaN. Per-list work (profile totals, context) is done once per call; what the profile's recent
 * lists give (recent items, categories, related lists, embeddings) once per state of those lists.
 */
import {
  affinityTotals,
  bandFit,
  brandAffinity,
  categoryAffinity,
  categoryKeys,
  combineTagShares,
  itemKey,
  type ItemMemory,
  itemMemoryAt,
  longFactor,
  type PriceBandInfo,
  type Profile,
  priceBand,
  type TagAffinity,
  tagShare,
} from '../profile/profile';
import { STRONGEST_TYPES } from '../profile/config';
import type { Candidate, RelatedItem } from '../types';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../util/time';

/** Bump on any change to {@link FEATURES} or to how a feature is computed. */
export const FEATURE_SCHEMA_VERSION = 5;

/** Feature families, used to group contributions into human reasons. */
export type FeatureFamily = 'category' | 'brand' | 'price' | 'tags' | 'item' | 'similar' | 'server' | 'context';

/** One feature of the schema: its name and family (its meaning: `FEATURE_DOCS` in feature-docs.ts). */
export interface FeatureSpec {
  name: string;
  family: FeatureFamily;
}

/**
 * The feature schema, in vector order: the one list every slot name comes from ({@link FeatureName}),
 * so a misspelt slot is a type error rather than a silent `X[NaN]`.
 */
export const FEATURES = [
  { name: 'cat_long', family: 'category' },
  { name: 'cat_short', family: 'category' },
  { name: 'cat_depth', family: 'category' },
  { name: 'cat_rank', family: 'category' },
  { name: 'cat_known', family: 'category' },
  { name: 'brand_long', family: 'brand' },
  { name: 'brand_short', family: 'brand' },
  { name: 'price_fit', family: 'price' },
  { name: 'price_below', family: 'price' },
  { name: 'tag_mean', family: 'tags' },
  { name: 'tag_max', family: 'tags' },
  { name: 'tag_short', family: 'tags' },
  { name: 'tag_overlap', family: 'tags' },
  { name: 'item_seen', family: 'item' },
  { name: 'item_recent', family: 'item' },
  { name: 'item_day', family: 'item' },
  { name: 'item_rank', family: 'item' },
  { name: 'item_strength', family: 'item' },
  { name: 'item_weight', family: 'item' },
  { name: 'bought_oneoff', family: 'item' },
  { name: 'bought_consumable', family: 'item' },
  { name: 'emb_max', family: 'similar' },
  { name: 'emb_mean', family: 'similar' },
  { name: 'emb_last', family: 'similar' },
  { name: 'rel_sum', family: 'similar' },
  { name: 'rel_max', family: 'similar' },
  { name: 'rel_back', family: 'similar' },
  { name: 'server_rank', family: 'server' },
  { name: 'ctx_new', family: 'context' },
  { name: 'ctx_session', family: 'context' },
  { name: 'ctx_hour', family: 'context' },
] as const satisfies readonly FeatureSpec[];

/** Name of one feature slot. */
export type FeatureName = (typeof FEATURES)[number]['name'];

/** Number of features (the model's input dimension). */
export const FEATURE_DIM = FEATURES.length;

/** The feature families in the order the schema first lists them: the index family sums use. */
export const FEATURE_FAMILIES: readonly FeatureFamily[] = [...new Set(FEATURES.map((f) => f.family))];

/** Each key's position in `keys`, frozen. */
function positions<K extends string>(keys: readonly K[]): Readonly<Record<K, number>> {
  return Object.freeze(Object.fromEntries(keys.map((k, i) => [k, i])) as Record<K, number>);
}

/** Index of each feature family in {@link FEATURE_FAMILIES}. */
export const FAMILY_INDEX = /* @__PURE__ */ positions(FEATURE_FAMILIES);

/** Index of each feature by name. */
export const FEATURE_INDEX = /* @__PURE__ */ positions(FEATURES.map((f) => f.name));

const F = FEATURE_INDEX;
const CLICK_RANK = STRONGEST_TYPES.indexOf('click');
/** Strength ranks run 1 (view) … {@link STRONGEST_RANK} (purchase). */
const STRONGEST_RANK = STRONGEST_TYPES.length - 1;
/** Decayed view weight that counts as full attention (a product-page view with a minute of dwell). */
const VIEW_FULL_ATTENTION = 1.5;
/** Repurchase interval of a consumable when the shopper has no purchase-interval history. */
const DEFAULT_REPURCHASE_MS = 30 * DAY_MS;
/**
 * `bought_oneoff` of an item the page marked `consumable: false`: four times an item of unknown kind,
 * so its demotion outweighs the category affinity its own purchase earned (a shopper does not buy the
 * same laptop twice); logs that never say (Beauty, Taobao) only ever see 1.
 */
const KNOWN_ONEOFF = 4;
/** Share of the repurchase interval after which a bought consumable starts coming due. */
const DUE_FROM = 0.7;

/**
 * Whether row `i` of a feature matrix is an item the shopper bought and the page marked
 * `consumable: false`: settled, so exploration must never lift it back into view.
 */
export function boughtOneOff(X: Float32Array, i: number): boolean {
  return X[i * FEATURE_DIM + F.bought_oneoff] === KNOWN_ONEOFF;
}

/** What the features need besides the profile and the candidates. */
export interface FeatureContext {
  /** Epoch ms of the request. */
  now: number;
}

/** √(Σ aᵢ²) over the first `n` values of `a`. */
function prefixNorm(a: readonly number[], n: number): number {
  let na = 0;
  for (let i = 0; i < n; i++) na += a[i]! * a[i]!;
  return Math.sqrt(na);
}

/**
 * Cosine similarity over the first `n` = min(length) values, given both norms over those values
 * ({@link prefixNorm}; a candidate's is the same for every recent embedding of its length).
 */
function cosine(a: readonly number[], aNorm: number, b: readonly number[], bNorm: number, n: number): number {
  let dot = 0;
  for (let i = 0; i < n; i++) dot += a[i]! * b[i]!;
  const denom = aNorm * bNorm;
  return denom > 0 ? dot / denom : 0;
}

/** Related lists seen once, and the key → score index of those seen again. */
const relatedSeen = new WeakSet<readonly RelatedItem[]>();
const relatedIndexes = new WeakMap<readonly RelatedItem[], Map<string, readonly [sum: number, max: number]>>();

/**
 * A key → score index of a related list that keeps coming back (the same candidate objects ranked
 * again, as in a replay), so matching costs one lookup per recent item instead of one per entry.
 * A list seen for the first time, or longer-recent-than-related, is matched by a plain loop
 * (undefined), so one-off lists (structured clones from the page) pay nothing extra.
 * Per key it keeps the sum and the largest of the scores, so a repeated id counts as in the plain loop.
 */
function relatedIndex(related: readonly RelatedItem[], recentCount: number): Map<string, readonly [number, number]> | undefined {
  const cached = relatedIndexes.get(related);
  if (cached) return cached;
  if (related.length <= recentCount) return undefined;
  if (!relatedSeen.has(related)) {
    relatedSeen.add(related);
    return undefined;
  }
  const index = new Map<string, readonly [number, number]>();
  for (const r of related) {
    const key = itemKey(r.id);
    const had = index.get(key);
    index.set(key, had ? [had[0] + r.score, Math.max(had[1], r.score)] : [r.score, r.score]);
  }
  relatedIndexes.set(related, index);
  return index;
}

/**
 * What the features read of the profile's recent lists, the same for every candidate and every call
 * until those lists change (built by {@link recentTables}): recent categories by event order, every
 * level of each path, key → 0.8^(steps back); what the recent items' own related lists point at,
 * candidate key → recency-weighted score; recent items by event order, key → 0.8^(steps back), and
 * the same as two parallel arrays; the recent embeddings' norms and recency weights (0.7^r), and the
 * weights' sum.
 */
type RecentTables = readonly [
  catRank: ReadonlyMap<string, number>,
  relatedBack: ReadonlyMap<string, number>,
  recentRank: ReadonlyMap<string, number>,
  recentKeys: readonly string[],
  recentWeights: readonly number[],
  recentNorms: readonly number[],
  recentW: readonly number[],
  recentWsum: number,
];

/** Each profile's tables as last built, with the entries they were built from (see {@link recentTables}). */
const tablesOf = new WeakMap<Profile, readonly [from: readonly unknown[], tables: RecentTables]>();

/**
 * The per-profile lookup tables ({@link RecentTables}): the ones last built for this profile when
 * every entry they read is the same, else new ones. The entries are compared by reference: recent
 * items and categories one by one (the profile edits those lists in place), related lists and
 * embeddings by array (the profile replaces those, never edits them).
 */
function recentTables(profile: Profile): RecentTables {
  const recent = profile.embeddings;
  // 0 between the lists, which hold only strings and arrays, so no entry moves from one to the other unseen.
  const from: unknown[] = [...profile.recent, 0, ...profile.recentCategories, 0];
  for (const r of profile.recentRelated) from.push(r[1], r[2]);
  for (const r of recent) from.push(0, r[1]);
  const cached = tablesOf.get(profile);
  if (cached !== undefined && cached[0].length === from.length && cached[0].every((x, i) => x === from[i])) return cached[1];
  const catRank = new Map<string, number>();
  profile.recentCategories.forEach((path, k) => {
    for (const key of categoryKeys(path)) if (!catRank.has(key)) catRank.set(key, 0.8 ** k);
  });
  const relatedBack = new Map<string, number>();
  profile.recentRelated.forEach(([, ids, scores], k) => {
    const w = 0.8 ** k;
    for (let j = 0; j < ids.length; j++) relatedBack.set(ids[j]!, (relatedBack.get(ids[j]!) ?? 0) + w * (scores[j] ?? 0));
  });
  const recentRank = new Map<string, number>();
  const recentKeys: string[] = [];
  const recentWeights: number[] = [];
  profile.recent.forEach((key, k) => {
    if (recentRank.has(key)) return;
    recentRank.set(key, 0.8 ** k);
    recentKeys.push(key);
    recentWeights.push(0.8 ** k);
  });
  const recentW = recent.map((_, r) => 0.7 ** r);
  let recentWsum = 0;
  for (const w of recentW) recentWsum += w;
  const t: RecentTables = [catRank, relatedBack, recentRank, recentKeys, recentWeights, recent.map(([, e]) => Math.sqrt(e.reduce((n, x) => n + x * x, 0))), recentW, recentWsum];
  tablesOf.set(profile, [from, t]);
  return t;
}

/** Number of `/`-separated segments of a category path, empty ones included (`split('/').length`). */
function segments(path: string): number {
  let n = 1;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const finite = (x: number) => (Number.isFinite(x) ? x : 0);

/**
 * What the features read of the profile for one category string: the same for every candidate of
 * that category, so a list (which repeats a handful of categories) looks each one up once.
 */
interface CategoryRow {
  /** `cat_long`, `cat_depth` (and `cat_known` = 1) when the profile knows the category or a parent. */
  long: { share: number; depth: number } | undefined;
  short: number;
  /** `cat_rank`, when a level of the path is among the recent categories. */
  rank: number | undefined;
  /** The price band candidates of this category are compared with. */
  band: PriceBandInfo | undefined;
}

function categoryRow(profile: Profile, path: string, now: number, catRank: ReadonlyMap<string, number>): CategoryRow {
  const long = categoryAffinity(profile, path, now, 'long');
  const keys = categoryKeys(path);
  let rank: number | undefined;
  for (let k = keys.length - 1; k >= 0; k--) {
    const r = catRank.get(keys[k]!);
    if (r !== undefined) {
      rank = r * ((k + 1) / keys.length);
      break;
    }
  }
  return {
    long: long.depth > 0 ? { share: clamp(long.share, -1, 1), depth: long.depth / segments(path) } : undefined,
    short: clamp(categoryAffinity(profile, path, now, 'short').share, -1, 1),
    rank,
    band: priceBand(profile, path),
  };
}

/** A tag's long- and short-term {@link tagShare}. */
type TagRow = readonly [long: number | null | undefined, short: number | null | undefined];

/**
 * Feature vectors for a candidate list, row-major (`n × FEATURE_DIM`), in candidate order.
 * Pass `out` to reuse a buffer on the hot path.
 * @example
 * const X = features(profile, candidates, { now });
 * const scores = model.score(X, candidates.length);
 */
export function features(
  profile: Profile,
  candidates: readonly Candidate[],
  context: FeatureContext,
  out?: Float32Array,
): Float32Array {
  const n = candidates.length;
  const d = FEATURE_DIM;
  const reuse = out !== undefined && out.length >= n * d;
  const X = reuse ? out : new Float32Array(n * d);
  if (reuse) X.fill(0, 0, n * d);
  const { now } = context;

  // Per-list values.
  const recent = profile.embeddings;
  const events = profile.eventCount;
  const ctxNew = events < 5 ? 1 : 0;
  const shortTotal = affinityTotals(profile, now).categories.short;
  const ctxSession = finite(1 - Math.exp(-shortTotal / 5));
  const hour = Math.floor((((now + profile.tzOffsetMinutes * MINUTE_MS) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS);
  const hourTotal = profile.hours.reduce((s, x) => s + x, 0);
  const ctxHour = hourTotal > 0 ? (profile.hours[hour] ?? 0) / hourTotal : 0;
  const globalBand = priceBand(profile);
  const intervals = profile.purchases.intervalCount;
  const repurchaseMs = intervals > 0 ? Math.max(DAY_MS, profile.purchases.intervalSum / intervals) : DEFAULT_REPURCHASE_MS;
  const [catRank, relatedBack, recentRank, recentKeys, recentWeights, recentNorms, recentW, recentWsum] = recentTables(profile);
  const logN = Math.log1p(n);
  // Lookup tables filled as the list is read: each distinct category, brand and tag once per call.
  const categories = new Map<string, CategoryRow>();
  const brands = new Map<string, readonly [long: number, short: number]>();
  const tagRows = new Map<string, TagRow>();
  // The rows of the candidate's tags being read, by index: each tag looked up once for both horizons.
  const candidateTags: TagRow[] = [];
  const longTag = (_: string, j: number) => candidateTags[j]![0];
  const shortTag = (_: string, j: number) => candidateTags[j]![1];
  const tagScratch: TagAffinity = { sum: 0, mean: 0, max: 0, matched: 0 };
  const memScratch = {} as ItemMemory;
  const memoryFactor = longFactor(profile, now);

  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    const o = i * d;
    let band = globalBand;
    if (c.category) {
      let row = categories.get(c.category);
      if (row === undefined) categories.set(c.category, (row = categoryRow(profile, c.category, now, catRank)));
      if (row.long !== undefined) {
        X[o + F.cat_long] = row.long.share;
        X[o + F.cat_depth] = row.long.depth;
        X[o + F.cat_known] = 1;
      }
      X[o + F.cat_short] = row.short;
      if (row.rank !== undefined) X[o + F.cat_rank] = row.rank;
      band = row.band;
    }
    if (c.brand) {
      let row = brands.get(c.brand);
      if (row === undefined) {
        row = [clamp(brandAffinity(profile, c.brand, now, 'long').share, -1, 1), clamp(brandAffinity(profile, c.brand, now, 'short').share, -1, 1)];
        brands.set(c.brand, row);
      }
      X[o + F.brand_long] = row[0];
      X[o + F.brand_short] = row[1];
    }
    if (c.price !== undefined && Number.isFinite(c.price) && c.price > 0) {
      X[o + F.price_fit] = finite(bandFit(band, c.price));
      if (band) X[o + F.price_below] = clamp(finite((band.mean - Math.log(c.price)) / (3 * band.sd)), 0, 1);
    }
    if (c.tags?.length) {
      const tags = c.tags;
      candidateTags.length = 0;
      for (let j = 0; j < tags.length; j++) {
        const t = tags[j]!;
        let row = tagRows.get(t);
        if (row === undefined) tagRows.set(t, (row = [tagShare(profile, t, 'long'), tagShare(profile, t, 'short')]));
        candidateTags.push(row);
      }
      const long = combineTagShares(tags, longTag, tagScratch);
      X[o + F.tag_mean] = clamp(long.mean, -1, 1);
      X[o + F.tag_max] = clamp(long.max, -1, 1);
      X[o + F.tag_overlap] = Math.min(1, long.matched / Math.min(c.tags.length, 32));
      X[o + F.tag_short] = clamp(combineTagShares(c.tags, shortTag, tagScratch).mean, -1, 1);
    }
    const key = itemKey(c.id);
    const mem = itemMemoryAt(profile, key, memoryFactor, memScratch);
    // What a bought item is: a consumable (the event or the candidate says so), a one-off (the
    // candidate says `consumable: false`), or unknown (the site said nothing).
    const boughtKind = mem === undefined || mem.bought === 0 ? undefined : mem.consumable || c.consumable === true ? 'consumable' : c.consumable === false ? 'oneoff' : 'unknown';
    // A bought item of known kind is no longer "something you are interested in": its memory stops
    // promoting it. A one-off is demoted; a consumable comes back once its repurchase interval has
    // about passed. Of unknown kind, it keeps its memory and is marked bought (the prior weighs both).
    const bought = boughtKind === 'consumable' || boughtKind === 'oneoff';
    if (mem && boughtKind === 'consumable') {
      const age = Math.max(0, now - mem.lastTs);
      X[o + F.bought_consumable] = clamp((age / repurchaseMs - DUE_FROM) / (1 - DUE_FROM), 0, 1);
    } else if (boughtKind === 'oneoff') {
      X[o + F.bought_oneoff] = KNOWN_ONEOFF;
    } else if (mem) {
      if (boughtKind === 'unknown') X[o + F.bought_oneoff] = 1;
      const age = Math.max(0, now - mem.lastTs);
      const rank = mem.strongest ? STRONGEST_TYPES.indexOf(mem.strongest) : 0;
      // Attention, not mere exposure: a click or stronger is full interest; views count by their
      // weight (dwell, product page versus tile impression, repeats; see the profile's event weights).
      X[o + F.item_seen] = rank >= CLICK_RANK ? 1 : clamp(finite(mem.weight / VIEW_FULL_ATTENTION), 0, 1);
      X[o + F.item_recent] = 2 ** (-age / HOUR_MS);
      X[o + F.item_day] = 2 ** (-age / DAY_MS);
      X[o + F.item_strength] = rank / STRONGEST_RANK;
      X[o + F.item_weight] = finite(1 - Math.exp(-Math.max(0, mem.weight) / 3));
    }
    const back = relatedBack.get(key);
    if (back !== undefined) X[o + F.rel_back] = Math.min(1, back / 3);
    const rank = bought ? undefined : recentRank.get(key);
    if (rank !== undefined) X[o + F.item_rank] = rank;
    if (c.related?.length && recentRank.size) {
      let sum = 0;
      let max = 0;
      const index = relatedIndex(c.related, recentRank.size);
      if (index) {
        for (let k = 0; k < recentKeys.length; k++) {
          const hit = index.get(recentKeys[k]!);
          if (hit === undefined) continue;
          sum += hit[0] * recentWeights[k]!;
          if (hit[1] > max) max = hit[1];
        }
      } else {
        for (const r of c.related) {
          const w = recentRank.get(itemKey(r.id));
          if (w === undefined) continue;
          sum += r.score * w;
          if (r.score > max) max = r.score;
        }
      }
      X[o + F.rel_sum] = finite(sum / 5);
      X[o + F.rel_max] = max;
    }
    if (c.embedding?.length && recent.length) {
      const e = c.embedding;
      let max = -1;
      let mean = 0;
      // The candidate's norm over the values compared: recent embeddings of one length share it.
      let len = -1;
      let eNorm = 0;
      for (let r = 0; r < recent.length; r++) {
        const b = recent[r]![1];
        const m = Math.min(e.length, b.length);
        if (m !== len) {
          len = m;
          eNorm = prefixNorm(e, m);
        }
        const s = finite(cosine(e, eNorm, b, recentNorms[r]!, m));
        if (s > max) max = s;
        mean += recentW[r]! * s;
        if (r === 0) X[o + F.emb_last] = s;
      }
      X[o + F.emb_max] = max;
      X[o + F.emb_mean] = mean / recentWsum;
    }
    X[o + F.server_rank] = n > 1 ? 1 - Math.log1p(i) / logN : 1;
    X[o + F.ctx_new] = ctxNew;
    X[o + F.ctx_session] = ctxSession;
    X[o + F.ctx_hour] = ctxHour;
  }
  return X;
}
