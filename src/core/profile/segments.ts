/**
 * Segments of a shopper, computed on the device from the profile at `now`:
 * rule-based lifecycle, value and behaviour tags (each with its evidence), soft memberships by
 * fuzzy c-means against site-published centroids, and propensity segments ("likely to buy").
 * Rules use `≥` at every threshold: a value exactly at a threshold is in the segment.
 */
import type { Profile } from './profile';
import { brandAffinity, categoryAffinity, longValue, tagAffinity, topAffinities } from './accessors';
import { behaviourStats, type RfmThresholds } from './stats';
import { InvalidCentroidsError } from '../errors';
import { churnRisk, type LogisticModel, purchaseIntent } from './propensity';

/** Why a rule fired: a human sentence plus the numbers it used. */
export interface Evidence {
  text: string;
  values: Record<string, number>;
}

/** A named segment with its evidence. */
export interface Segment {
  name: string;
  evidence: Evidence;
}

/** Lifecycle stages. */
export type Lifecycle = 'new' | 'active' | 'at-risk' | 'dormant';

/** Site-published fuzzy c-means centroids (a static JSON). */
export interface CentroidFile {
  /** Feature names (see {@link segmentFeature}), one per centroid dimension. */
  features: string[];
  centroids: number[][];
  /** Optional centroid names (default `cluster-<i>`). */
  names?: string[];
  /** Fuzzifier > 1 (default 2). */
  m?: number;
}

/** Site configuration for segments; every field is optional and has a documented default. */
export interface SegmentConfig {
  lifecycle?: {
    /** First seen less than this many days ago → new (default 7). */
    newDays?: number;
    /** Last visit at least this many days ago → at-risk (default 21). */
    atRiskDays?: number;
    /** Last visit at least this many days ago → dormant (default 60). */
    dormantDays?: number;
  };
  /** High value when spend ≥ `spend` or average order value ≥ `aov` (each only if given). */
  value?: { spend?: number; aov?: number };
  behaviour?: {
    /** Events needed before behaviour tags are evaluated (default 10). */
    minEvents?: number;
    /** Tags that mark a deal (default sale, discount, deal, clearance, promo, outlet). */
    dealTags?: string[];
    /** Share of tag credit on deal tags for "bargain hunter" (default 0.3). */
    bargainShare?: number;
    /** Share of brand credit on the top brand for "brand loyal" (default 0.5). */
    brandLoyalShare?: number;
    /** Item views+clicks with no order for "window shopper" (default 20). */
    windowShopperViews?: number;
    /** Top-level categories each holding ≥ 5 % of credit for "explorer" (default 4). */
    explorerCategories?: number;
  };
  rfm?: Readonly<RfmThresholds>;
  centroids?: CentroidFile;
  propensity?: {
    purchaseIntent?: LogisticModel;
    churnRisk?: LogisticModel;
    /** Probability at which "likely-to-buy" / "churn-risk" apply (default 0.5). */
    threshold?: number;
  };
}

/** Everything {@link segmentsOf} returns. `names` lists every segment that applies. */
export interface SegmentResult {
  lifecycle: Segment & { name: Lifecycle };
  value: Segment | null;
  behaviour: Segment[];
  fuzzy: Array<{ name: string; membership: number }>;
  propensity: { purchaseIntent: number; churnRisk: number; segments: Segment[] };
  names: string[];
}

const DEFAULT_DEAL_TAGS = ['sale', 'discount', 'deal', 'clearance', 'promo', 'outlet'];

/**
 * Lifecycle stage by rule: `new` if first seen < newDays ago; else `dormant` if the last visit
 * was ≥ dormantDays ago; else `at-risk` if ≥ atRiskDays ago; else `active`.
 */
export function lifecycleOf(profile: Profile, now: number, config: SegmentConfig = {}): Segment & { name: Lifecycle } {
  const s = behaviourStats(profile, now);
  const newDays = config.lifecycle?.newDays ?? 7;
  const atRisk = config.lifecycle?.atRiskDays ?? 21;
  const dormant = config.lifecycle?.dormantDays ?? 60;
  const first = s.daysSinceFirstSeen ?? 0;
  const last = s.daysSinceLastVisit ?? 0;
  const values = { daysSinceFirstSeen: first, daysSinceLastVisit: last, newDays, atRiskDays: atRisk, dormantDays: dormant };
  const f = (x: number) => x.toFixed(1);
  if (s.daysSinceFirstSeen === null || first < newDays) {
    return { name: 'new', evidence: { text: `first seen ${f(first)} days ago (< ${newDays})`, values } };
  }
  if (last >= dormant) {
    return { name: 'dormant', evidence: { text: `last visit ${f(last)} days ago (≥ ${dormant})`, values } };
  }
  if (last >= atRisk) {
    return { name: 'at-risk', evidence: { text: `last visit ${f(last)} days ago (≥ ${atRisk})`, values } };
  }
  return { name: 'active', evidence: { text: `last visit ${f(last)} days ago (< ${atRisk})`, values } };
}

/** "high-value" when spend or average order value reach the site's thresholds; `null` otherwise or without thresholds. */
export function valueSegmentOf(profile: Profile, now: number, config: SegmentConfig = {}): Segment | null {
  const v = config.value;
  if (!v) return null;
  const s = behaviourStats(profile, now);
  const aov = s.averageOrderValue ?? 0;
  const values = { totalSpend: s.totalSpend, averageOrderValue: aov };
  if (v.spend !== undefined && s.totalSpend >= v.spend) {
    return { name: 'high-value', evidence: { text: `spent ${s.totalSpend} (≥ ${v.spend})`, values: { ...values, spendThreshold: v.spend } } };
  }
  if (v.aov !== undefined && s.orders > 0 && aov >= v.aov) {
    return {
      name: 'high-value',
      evidence: { text: `average order ${aov.toFixed(2)} (≥ ${v.aov})`, values: { ...values, aovThreshold: v.aov } },
    };
  }
  return null;
}

/** Behaviour tags (bargain-hunter, brand-loyal, window-shopper, explorer), each with its evidence. */
export function behaviourSegmentsOf(profile: Profile, now: number, config: SegmentConfig = {}): Segment[] {
  const b = config.behaviour ?? {};
  const minEvents = b.minEvents ?? 10;
  const s = behaviourStats(profile, now);
  if (s.events < minEvents) return [];
  const out: Segment[] = [];
  const deal = tagAffinity(profile, b.dealTags ?? DEFAULT_DEAL_TAGS, now);
  const bargain = b.bargainShare ?? 0.3;
  // Shares of different deal tags overlap on one item, so the strongest one is the evidence.
  if (deal.max >= bargain) {
    out.push({
      name: 'bargain-hunter',
      evidence: { text: `${(deal.max * 100).toFixed(0)} % of tag interest on deal tags (≥ ${bargain * 100} %)`, values: { dealShare: deal.max, threshold: bargain } },
    });
  }
  const top = topAffinities(profile, 'brands', 1, now)[0];
  const loyal = b.brandLoyalShare ?? 0.5;
  if (top && brandAffinity(profile, top.key, now).share >= loyal) {
    out.push({
      name: 'brand-loyal',
      evidence: { text: `${(top.share * 100).toFixed(0)} % of brand interest on "${top.key}" (≥ ${loyal * 100} %)`, values: { topBrandShare: top.share, threshold: loyal } },
    });
  }
  const views = s.counts.view + s.counts.click;
  const wsViews = b.windowShopperViews ?? 20;
  if (s.orders === 0 && views >= wsViews) {
    out.push({
      name: 'window-shopper',
      evidence: { text: `${views} item views and clicks, no order (≥ ${wsViews})`, values: { views, orders: 0, threshold: wsViews } },
    });
  }
  const explorerN = b.explorerCategories ?? 4;
  let broad = 0;
  for (const c of topAffinities(profile, 'categories', 200, now)) {
    if (!c.key.includes('/') && categoryAffinity(profile, c.key, now).share >= 0.05) broad++;
  }
  if (broad >= explorerN) {
    out.push({
      name: 'explorer',
      evidence: { text: `${broad} top-level categories each with ≥ 5 % of interest (≥ ${explorerN})`, values: { categories: broad, threshold: explorerN } },
    });
  }
  return out;
}

/**
 * A named scalar feature of the profile for centroid files: `recency_days`, `frequency`,
 * `monetary`, `aov`, `sessions`, `recent_sessions`, `session_depth`, `cart_rate`,
 * `abandonment_rate`, `price_level` (mean log-price), `cat:<path>`, `brand:<name>`, `tag:<name>`
 * (long-horizon shares). Unknown names give 0.
 */
export function segmentFeature(profile: Profile, name: string, now: number): number {
  if (name.startsWith('cat:')) return categoryAffinity(profile, name.slice(4), now).share;
  if (name.startsWith('brand:')) return brandAffinity(profile, name.slice(6), now).share;
  if (name.startsWith('tag:')) return tagAffinity(profile, [name.slice(4)], now).sum;
  const s = behaviourStats(profile, now);
  switch (name) {
    case 'recency_days':
      return Math.min(365, s.daysSinceLastVisit ?? 365);
    case 'frequency':
      return s.orders;
    case 'monetary':
      return s.totalSpend;
    case 'aov':
      return s.averageOrderValue ?? 0;
    case 'sessions':
      return s.sessions;
    case 'recent_sessions':
      return longValue(profile, profile.sessions.weight, now);
    case 'session_depth':
      return s.meanSessionDepth;
    case 'cart_rate':
      return Math.min(1, s.counts.add_to_cart / Math.max(1, s.counts.view + s.counts.click));
    case 'abandonment_rate':
      return s.cartAbandonmentRate ?? 0;
    case 'price_level': {
      const b = profile.prices.all;
      return b[0] > 0 ? b[1] / b[0] : 0;
    }
    default:
      return 0;
  }
}

export { InvalidCentroidsError };

/** Validates a site centroid file (dimensions, finite numbers, m > 1). */
export function checkCentroidFile(raw: unknown): CentroidFile {
  const f = raw as CentroidFile;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(f.features) || !Array.isArray(f.centroids)) {
    throw new InvalidCentroidsError('centroids', 'centroid file must have features[] and centroids[][]');
  }
  if (f.centroids.length === 0) throw new InvalidCentroidsError('centroids', 'centroids must not be empty');
  f.centroids.forEach((c, i) => {
    if (!Array.isArray(c) || c.length !== f.features.length || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new InvalidCentroidsError(`centroids[${i}]`, `centroids[${i}] must hold ${f.features.length} finite numbers`);
    }
  });
  if (f.m !== undefined && !(Number.isFinite(f.m) && f.m > 1)) throw new InvalidCentroidsError('m', 'm must be a finite number > 1');
  return f;
}

/**
 * Fuzzy c-means memberships of a point: u_i = 1 / Σ_k (d_i / d_k)^(2 / (m - 1)), with Euclidean
 * distances. They sum to 1. A point on one or more centroids belongs to those equally.
 * @example fuzzyMemberships([0, 0], [[1, 0], [3, 0]]); // [0.9, 0.1]
 */
export function fuzzyMemberships(point: readonly number[], centroids: readonly (readonly number[])[], m = 2): number[] {
  const d = centroids.map((c) => {
    let s = 0;
    for (let j = 0; j < c.length; j++) s += ((point[j] ?? 0) - (c[j] as number)) ** 2;
    return Math.sqrt(s);
  });
  const zeros = d.filter((x) => x === 0).length;
  if (zeros > 0) return d.map((x) => (x === 0 ? 1 / zeros : 0));
  const e = 2 / (m - 1);
  // Summing (d_i/d_k)^e in ratio form avoids overflow for large exponents.
  return d.map((di) => {
    let s = 0;
    for (const dk of d) s += (di / dk) ** e;
    return 1 / s;
  });
}

/**
 * All segments of the shopper at `now` under the site's configuration.
 * @example
 * const seg = segmentsOf(p, now, { value: { spend: 500 }, centroids: await (await fetch('/segments.json')).json() });
 * seg.names; // ['active', 'brand-loyal', 'likely-to-buy']
 */
export function segmentsOf(profile: Profile, now: number, siteConfig: SegmentConfig = {}): SegmentResult {
  const lifecycle = lifecycleOf(profile, now, siteConfig);
  const value = valueSegmentOf(profile, now, siteConfig);
  const behaviour = behaviourSegmentsOf(profile, now, siteConfig);
  let fuzzy: Array<{ name: string; membership: number }> = [];
  if (siteConfig.centroids) {
    const f = checkCentroidFile(siteConfig.centroids);
    const point = f.features.map((name) => segmentFeature(profile, name, now));
    fuzzy = fuzzyMemberships(point, f.centroids, f.m ?? 2).map((membership, i) => ({
      name: f.names?.[i] ?? `cluster-${i}`,
      membership,
    }));
  }
  const pi = purchaseIntent(profile, now, siteConfig.propensity?.purchaseIntent);
  const cr = churnRisk(profile, now, siteConfig.propensity?.churnRisk);
  const th = siteConfig.propensity?.threshold ?? 0.5;
  const propSegs: Segment[] = [];
  if (pi >= th) propSegs.push({ name: 'likely-to-buy', evidence: { text: `purchase intent ${pi.toFixed(2)} (≥ ${th})`, values: { purchaseIntent: pi, threshold: th } } });
  if (cr >= th) propSegs.push({ name: 'churn-risk', evidence: { text: `churn risk ${cr.toFixed(2)} (≥ ${th})`, values: { churnRisk: cr, threshold: th } } });
  const names = [lifecycle.name, ...(value ? [value.name] : []), ...behaviour.map((s) => s.name), ...propSegs.map((s) => s.name)];
  return { lifecycle, value, behaviour, fuzzy, propensity: { purchaseIntent: pi, churnRisk: cr, segments: propSegs }, names };
}
