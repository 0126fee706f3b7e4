/**
 * The engine: everything one shopper's personalizer holds in memory (profile, learner, shown lists),
 * as plain TypeScript. The worker wraps it with storage and messaging; the quality benchmark drives
 * the very same class, one shopper at a time.
 *
 * PLACEHOLDER (foundation issue): the profile here is decayed counts per category and the rerank
 * rule sorts by them. The profile, learner and rerank issues replace both.
 */
import { serverOrder } from './server-order';
import type { Candidate, Impression, RankedItem, RerankOptions, RerankResult, ShopperEvent, StoredEvent } from './types';
import { EVENT_TYPES } from './types';

export interface EngineOptions {
  halfLifeDays?: number;
  personalization?: number;
}

export type Validation = { ok: true; event: StoredEvent } | { ok: false; error: string };

let counter = 0;
/** Minimal validation (placeholder until the cleaning module lands). */
export function validate(input: unknown, now: number): Validation {
  if (input === null || typeof input !== 'object') return { ok: false, error: 'InvalidEventError: event must be an object' };
  const e = input as ShopperEvent;
  if (!EVENT_TYPES.includes(e.type)) return { ok: false, error: `InvalidEventError: type must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(e.type)}` };
  if (e.type !== 'search' && (typeof e.item?.id !== 'string' || e.item.id === '')) return { ok: false, error: 'InvalidEventError: item.id is required' };
  if (e.item?.price !== undefined && !(Number.isFinite(e.item.price) && e.item.price >= 0)) return { ok: false, error: `InvalidEventError: item.price must be a finite number ≥ 0, got ${JSON.stringify(e.item.price)}` };
  const ts = typeof e.ts === 'number' && Number.isFinite(e.ts) ? Math.min(e.ts, now) : now;
  return { ok: true, event: { ...e, id: e.id ?? `e${now.toString(36)}-${(counter++).toString(36)}`, ts } };
}

export class Engine {
  private counts = new Map<string, number>();
  private anchor = 0;
  private seen = new Set<string>();
  constructor(private readonly options: EngineOptions = {}) {}

  /** Applies one stored event; returns false for a duplicate. */
  apply(event: StoredEvent): boolean {
    if (this.seen.has(event.id)) return false;
    this.seen.add(event.id);
    const cat = event.item?.category;
    if (!cat) return true;
    const h = (this.options.halfLifeDays ?? 14) * 86_400_000;
    if (this.anchor === 0) this.anchor = event.ts;
    const w = 2 ** ((event.ts - this.anchor) / h);
    this.counts.set(cat, (this.counts.get(cat) ?? 0) + w);
    return true;
  }

  recordImpression(_impression: Impression): void {}

  rerank(candidates: unknown, options: RerankOptions, clock: () => number): RerankResult {
    const t0 = clock();
    if (!Array.isArray(candidates)) return serverOrder(candidates, options.limit, 'candidates must be an array', clock() - t0);
    const base = serverOrder(candidates, options.limit, 'x', 0).items;
    if (this.counts.size === 0) return { items: base, fellBack: false, tookMs: clock() - t0 };
    const byId = new Map((candidates as Candidate[]).map((c) => [String(c.id), c]));
    const score = (id: string) => this.counts.get(byId.get(id)?.category ?? '') ?? 0;
    const items: RankedItem[] = base
      .map((r) => ({ ...r, score: score(r.id) }))
      .sort((a, b) => b.score - a.score || a.from - b.from)
      .map((r, to) => ({ ...r, to, ...(r.score > 0 ? { reason: `You looked at ${byId.get(r.id)?.category}` } : {}) }));
    return { items, fellBack: false, tookMs: clock() - t0 };
  }

  profile(): unknown {
    return { categories: Object.fromEntries(this.counts) };
  }

  reset(): void {
    this.counts.clear();
    this.seen.clear();
    this.anchor = 0;
  }
}
