/**
 * The device's privacy-loss ledger: every report's ε is charged before it is sent, and the total over
 * any 7 days never exceeds the site's budget (default ε = 1, hard cap ε = 4 whatever the site asks).
 * Sequential composition: the ε of several reports add up (Dwork and Roth, Theorem 3.16).
 * Pure: the worker keeps the entries in IndexedDB and charges inside one transaction, so two tabs
 * cannot both spend the last of the budget.
 */
import { DAY_MS } from '../util/time';

/** Rolling window the budget applies to. */
export const LEDGER_WINDOW_MS = 7 * DAY_MS;
/** Budget per window when the site sets none. */
export const DEFAULT_BUDGET = 1;
/** No site can set more than this per window. */
export const MAX_BUDGET = 4;
/** Entries are kept this long (so the panel can show what was sent), then dropped. */
export const LEDGER_KEEP_MS = 5 * LEDGER_WINDOW_MS;

/** One report charged to the ledger. */
export interface LedgerEntry {
  /** Question id. */
  q: string;
  /** Period index the report belongs to. */
  p: number;
  epsilon: number;
  /** When it was charged (epoch ms). */
  at: number;
}

/** The budget that applies: the site's, clamped to (0, {@link MAX_BUDGET}]; {@link DEFAULT_BUDGET} when unset or invalid. */
export function budgetOf(site: unknown): number {
  return typeof site === 'number' && Number.isFinite(site) && site > 0 ? Math.min(site, MAX_BUDGET) : DEFAULT_BUDGET;
}

/** ε spent in the window ending at `now`. */
export function spent(entries: readonly LedgerEntry[], now: number): number {
  let s = 0;
  for (const e of entries) if (e.at > now - LEDGER_WINDOW_MS && e.at <= now) s += e.epsilon;
  return s;
}

/** Reads stored entries, dropping malformed ones and those older than {@link LEDGER_KEEP_MS}. */
export function readLedger(raw: unknown, now: number): LedgerEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: LedgerEntry[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) continue;
    const { q, p, epsilon, at } = e as Record<string, unknown>;
    if (typeof q === 'string' && Number.isInteger(p) && typeof epsilon === 'number' && epsilon >= 0 && typeof at === 'number') {
      // A charge "from the future" (clock moved back) still counts until the clock passes it.
      out.push({ q, p: p as number, epsilon, at: Math.min(at, now) });
    }
  }
  return out.filter((e) => e.at > now - LEDGER_KEEP_MS);
}

/** Outcome of {@link charge}. */
export type ChargeResult =
  | { ok: true; entries: LedgerEntry[]; left: number }
  | { ok: false; reason: 'over-budget' | 'already-reported'; entries: LedgerEntry[]; left: number };

/**
 * Charges one report if the budget allows and this question has not reported in this period yet.
 * @example charge([], { q: 'top-category', p: 2930, epsilon: 1, at: now }, 1, now) // ok, left 0
 */
export function charge(entries: readonly LedgerEntry[], entry: LedgerEntry, budget: number, now: number): ChargeResult {
  const cap = budgetOf(budget);
  const used = spent(entries, now);
  const kept = entries.filter((e) => e.at > now - LEDGER_KEEP_MS);
  if (kept.some((e) => e.q === entry.q && e.p === entry.p)) return { ok: false, reason: 'already-reported', entries: kept, left: Math.max(0, cap - used) };
  // A tiny tolerance so that e.g. 0.1 × 10 fits a budget of 1 despite floating-point sums.
  if (!(entry.epsilon > 0) || used + entry.epsilon > cap + 1e-9) return { ok: false, reason: 'over-budget', entries: kept, left: Math.max(0, cap - used) };
  return { ok: true, entries: [...kept, entry], left: Math.max(0, cap - used - entry.epsilon) };
}
