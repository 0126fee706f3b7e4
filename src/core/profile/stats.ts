/**
 * Behaviour statistics derived from a {@link Profile} at `now`: sessions, dwell, purchases,
 * recency, cart abandonment and RFM scores. Pure and O(1).
 */
import type { Profile } from './profile';
import { longValue } from './accessors';
import { DAY_MS, DEFAULT_PROFILE_CONFIG } from './config';
import type { EventType } from '../types';

/**
 * RFM thresholds. Each list holds the lower bounds for scores 5, 4, 3, 2 (anything else scores 1).
 * Recency is "at most this many days since the last purchase"; frequency (lifetime orders) and
 * monetary (lifetime spend) are "at least".
 */
export interface RfmThresholds {
  recencyDays: [number, number, number, number];
  frequency: [number, number, number, number];
  monetary: [number, number, number, number];
}

/**
 * Default RFM thresholds: recency ≤ 7 / 30 / 90 / 180 days; frequency ≥ 10 / 5 / 3 / 2 orders;
 * monetary ≥ 1000 / 500 / 200 / 50 in the shop's currency (sites should publish their own).
 */
export const DEFAULT_RFM_THRESHOLDS: Readonly<RfmThresholds> = Object.freeze<RfmThresholds>({
  recencyDays: [7, 30, 90, 180],
  frequency: [10, 5, 3, 2],
  monetary: [1000, 500, 200, 50],
});

/** RFM scores, each 1..5 (5 best). */
export interface Rfm {
  recency: number;
  frequency: number;
  monetary: number;
}

/** Everything {@link behaviourStats} reports. Durations in ms, recencies in days; `null` when unknown. */
export interface BehaviourStats {
  events: number;
  counts: Readonly<Record<EventType, number>>;
  sessions: number;
  /** Sessions decayed with the long half-life (a recent-activity measure). */
  recentSessions: number;
  meanSessionDepth: number;
  meanSessionDurationMs: number;
  /** Whether the latest session is still open at `now`. */
  sessionOpen: boolean;
  meanDwellMs: number | null;
  orders: number;
  purchaseLines: number;
  totalSpend: number;
  averageOrderValue: number | null;
  meanPurchaseIntervalDays: number | null;
  lastPurchaseIntervalDays: number | null;
  daysSinceFirstSeen: number | null;
  daysSinceLastVisit: number | null;
  daysSinceLastPurchase: number | null;
  /** Closed sessions with an add_to_cart but no purchase, over closed sessions with an add_to_cart. */
  cartAbandonmentRate: number | null;
  /** The open session has an add_to_cart and no purchase yet. */
  openCart: boolean;
  rfm: Rfm;
}

function scoreAtMost(v: number | null, bounds: readonly number[]): number {
  if (v === null) return 1;
  for (let i = 0; i < bounds.length; i++) if (v <= (bounds[i] as number)) return 5 - i;
  return 1;
}

function scoreAtLeast(v: number, bounds: readonly number[]): number {
  for (let i = 0; i < bounds.length; i++) if (v >= (bounds[i] as number)) return 5 - i;
  return 1;
}

/**
 * RFM scores from recency (days since last purchase, `null` = never), lifetime orders and spend.
 * @example rfmScores(3, 4, 250); // { recency: 5, frequency: 3, monetary: 3 }
 */
export function rfmScores(
  daysSinceLastPurchase: number | null,
  orders: number,
  spend: number,
  t: Readonly<RfmThresholds> = DEFAULT_RFM_THRESHOLDS,
): Rfm {
  return {
    recency: scoreAtMost(daysSinceLastPurchase, t.recencyDays),
    frequency: scoreAtLeast(orders, t.frequency),
    monetary: scoreAtLeast(spend, t.monetary),
  };
}

/**
 * Behaviour statistics at `now`. `sessionGapMs` must match the reducer's (default 30 minutes).
 * @example const s = behaviourStats(p, now); s.rfm.recency; s.cartAbandonmentRate;
 */
export function behaviourStats(
  p: Profile,
  now: number,
  options: { rfm?: Readonly<RfmThresholds>; sessionGapMs?: number } = {},
): BehaviourStats {
  const s = p.sessions;
  const b = p.purchases;
  const gap = options.sessionGapMs ?? DEFAULT_PROFILE_CONFIG.sessionGapMs;
  const open = s.count > 0 && now - s.last <= gap;
  const depthSum = s.depthSum + (s.count > 0 ? s.depth : 0);
  const durSum = s.durationSum + (s.count > 0 ? s.last - s.start : 0);
  let cartSessions = s.cartSessions;
  let abandoned = s.abandoned;
  if (s.count > 0 && !open && s.cart) {
    cartSessions++;
    if (!s.bought) abandoned++;
  }
  const days = (t: number | null) => (t === null ? null : Math.max(0, now - t) / DAY_MS);
  const sinceBuy = days(b.lastTs);
  return {
    events: p.eventCount,
    counts: p.counts,
    sessions: s.count,
    recentSessions: longValue(p, s.weight, now),
    meanSessionDepth: s.count > 0 ? depthSum / s.count : 0,
    meanSessionDurationMs: s.count > 0 ? durSum / s.count : 0,
    sessionOpen: open,
    meanDwellMs: p.dwell.count > 0 ? p.dwell.totalMs / p.dwell.count : null,
    orders: b.orders,
    purchaseLines: b.lines,
    totalSpend: b.spend,
    averageOrderValue: b.orders > 0 ? b.spend / b.orders : null,
    meanPurchaseIntervalDays: b.intervalCount > 0 ? b.intervalSum / b.intervalCount / DAY_MS : null,
    lastPurchaseIntervalDays: b.lastInterval === null ? null : b.lastInterval / DAY_MS,
    daysSinceFirstSeen: days(p.firstTs),
    daysSinceLastVisit: days(p.lastTs),
    daysSinceLastPurchase: sinceBuy,
    cartAbandonmentRate: cartSessions > 0 ? abandoned / cartSessions : null,
    openCart: open && s.cart === 1 && s.bought === 0,
    rfm: rfmScores(sinceBuy, b.orders, b.spend, options.rfm),
  };
}
