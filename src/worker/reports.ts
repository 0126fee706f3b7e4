/**
 * Locally private reports (opt-in per site with `data-report`, and only under granted consent): the
 * imperative shell around `core/privacy`. It reads the site's questions (GET of the report URL), and once
 * per period, at a moment drawn uniformly within the period, answers every due question, perturbs the
 * answer with an ε-LDP oracle, charges the ε ledger (one IndexedDB transaction, so tabs cannot both
 * spend the last of the budget) and sends what was charged in one request:
 * `fetch(url, { method: 'POST', keepalive: true, credentials: 'omit' })`, body
 * `{ "reports": [{ "q": id, "p": period, "v": encoded, "a"?: arm }] }` and nothing else.
 */
import { type Arm, assignArm } from '../core/privacy/lift';
import { budgetOf, charge, readLedger, spent } from '../core/privacy/ledger';
import { encode } from '../core/privacy/oracle';
import { answer, type Facts, oracleOf, periodIndex, type Question, readReportConfig, type ReportConfig } from '../core/privacy/questions';
import type { ReportStatus } from '../core/api';
import type { Rng } from '../core/util/rng';
import { purchaseIntent } from '../core/profile/propensity';
import type { PersonalizerService } from './service';
import type { Store } from './store';

/** After a missed moment (no page open then), send within this long of the next start, at random. */
const CATCH_UP_MS = 60_000;
const LEDGER_KEY = 'ledger';
const ARM_KEY = 'lift-arm';
const momentKey = (periodMs: number) => `report-moment:${periodMs}`;

/** What the reporter needs from the worker. */
export interface ReporterDeps {
  /** The writable store, or undefined when storage is unavailable (then nothing is reported). */
  store(): Promise<Store | undefined>;
  now(): number;
  /** Unpredictable randomness (`crypto.getRandomValues`); tests pass a seeded generator. */
  rng: Rng;
  /** `epsilon`: for a POST, the ε its reports spent (for the worker's request log). */
  fetch(url: string, init: RequestInit, epsilon?: number): Promise<unknown>;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** The true facts, with "bought something" over [from, to). */
  facts(from: number, to: number): Promise<Facts>;
  debug?: boolean;
}


/** `crypto.getRandomValues` as an {@link Rng}: the site cannot predict the perturbation. */
export function cryptoRng(): Rng {
  const buf = new Uint32Array(1);
  return () => {
    crypto.getRandomValues(buf);
    return buf[0]! / 4294967296;
  };
}

export class Reporter {
  private config: ReportConfig | undefined;
  private armValue: Arm | undefined;
  private timers = new Map<number, unknown>();
  private stopped = false;
  private withheldCount = 0;

  constructor(
    private readonly url: string,
    private readonly deps: ReporterDeps,
  ) {}

  /** Reads the questions, settles the lift arm and schedules each period's moment. Never throws. */
  async start(): Promise<void> {
    try {
      const raw = await this.deps.fetch(this.url, { method: 'GET', credentials: 'omit', cache: 'no-cache' });
      const res = raw as { ok: boolean; status: number; json(): Promise<unknown> };
      if (!res.ok) throw new Error(`${this.url}: HTTP ${res.status}`);
      this.config = readReportConfig(await res.json());
      const lift = this.config.questions.find((q) => q.type === 'lift');
      const store = await this.deps.store();
      if (lift && lift.type === 'lift' && store) {
        // The coin is flipped once per device and kept: a shopper stays in their arm.
        this.armValue = await store.updateMeta(ARM_KEY, (old) => {
          const o = old as { q?: string; arm?: unknown } | undefined;
          const arm: Arm = o?.q === lift.id && (o.arm === 0 || o.arm === 1) ? o.arm : assignArm(lift.controlShare, this.deps.rng);
          return { value: { q: lift.id, arm }, result: arm };
        });
      }
      for (const periodMs of new Set(this.config.questions.map((q) => q.periodMs))) await this.schedule(periodMs);
    } catch (err) {
      if (this.deps.debug) console.warn('[pz] reports off:', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
  }

  /** 0 in the lift experiment's control arm (the server order is shown), 1 in treatment. */
  arm(): Arm | undefined {
    return this.armValue;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) this.deps.clearTimeout(t);
    this.timers.clear();
  }

  async status(): Promise<ReportStatus> {
    const now = this.deps.now();
    const budget = budgetOf(this.config?.budget);
    const store = await this.deps.store();
    const sent = readLedger(await store?.getMeta(LEDGER_KEY), now);
    return {
      budget,
      left: Math.max(0, budget - spent(sent, now)),
      sent,
      withheld: this.withheldCount,
      ...(this.armValue !== undefined ? { arm: this.armValue === 0 ? 'control' : 'treatment' } : {}),
    };
  }

  /** Sets the timer for this period's moment (drawn once per period and kept, so reloads do not redraw it). */
  private async schedule(periodMs: number): Promise<void> {
    const store = await this.deps.store();
    if (!store || this.stopped) return;
    const now = this.deps.now();
    const p = Math.floor(now / periodMs);
    const start = p * periodMs;
    const at = await store.updateMeta(momentKey(periodMs), (old) => {
      const o = old as { p?: number; at?: number } | undefined;
      const moment = o?.p === p && typeof o.at === 'number' ? o.at : start + this.deps.rng() * periodMs;
      return { value: { p, at: moment }, result: moment };
    });
    const end = start + periodMs;
    // Missed (the page was not open then): a random moment soon, still within this period.
    const when = at >= now ? at : now + this.deps.rng() * Math.min(CATCH_UP_MS, end - now);
    // The callback returns its work's promise (a timer ignores it; a test's clock can wait for it).
    const timer = this.deps.setTimeout(() => {
      this.timers.delete(periodMs);
      return this.send(periodMs, p)
        .catch(() => undefined)
        .finally(() => {
          // Next period's moment.
          const wait = Math.max(0, end - this.deps.now());
          this.timers.set(periodMs, this.deps.setTimeout(() => this.schedule(periodMs).catch(() => undefined), wait));
        });
    }, Math.max(0, when - now));
    this.timers.set(periodMs, timer);
  }

  /** Answers, perturbs, charges and sends every question of this period length that is due. */
  private async send(periodMs: number, p: number): Promise<void> {
    const store = await this.deps.store();
    const questions = (this.config?.questions ?? []).filter((q) => q.periodMs === periodMs);
    if (!store || this.stopped || !questions.length) return;
    const now = this.deps.now();
    if (Math.floor(now / periodMs) !== p) return; // the period ended while waiting
    const facts = await this.deps.facts((p - 1) * periodMs, p * periodMs);
    const drafts = questions.map((q: Question) => ({ q, v: encode(oracleOf(q), answer(q, facts), this.deps.rng) }));
    const budget = this.config?.budget;
    const charged = await store.updateMeta(LEDGER_KEY, (old) => {
      let entries = readLedger(old, now);
      const ok: typeof drafts = [];
      for (const d of drafts) {
        const r = charge(entries, { q: d.q.id, p: periodIndex(d.q, now), epsilon: d.q.epsilon, at: now }, budgetOf(budget), now);
        entries = r.entries;
        if (r.ok) ok.push(d);
      }
      return { value: entries, result: ok };
    });
    this.withheldCount += drafts.length - charged.length;
    if (!charged.length || this.stopped) return;
    const reports = charged.map((d) => ({ q: d.q.id, p, v: d.v, ...(d.q.type === 'lift' && this.armValue !== undefined ? { a: this.armValue } : {}) }));
    const epsilon = charged.reduce((sum, d) => sum + d.q.epsilon, 0);
    await this.deps.fetch(
      this.url,
      {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
      },
      epsilon,
    );
  }
}

/**
 * Starts the reporter of the worker's service `s` for the site's report URL (`s.reporter`), unless an
 * erase turned reporting off meanwhile. Its requests go into the service's request log: a POST is a
 * report (with the ε it spent), the questions' GET a static file.
 */
export async function startReporter(s: PersonalizerService, url: string): Promise<void> {
  if (s.reportsOff) return;
  const reportFetch = async (u: string, init: RequestInit, epsilon?: number): Promise<unknown> => {
    const post = init.method === 'POST';
    const entry = s.requestLog.add({ url: u, method: init.method ?? 'GET', kind: post ? 'report' : 'static', ...(post ? { epsilon } : {}), at: s.now() });
    try {
      const res = await fetch(u, init);
      entry.ok = res.ok;
      return res;
    } catch (err) {
      entry.ok = false;
      throw err;
    }
  };
  s.reporter = new Reporter(url, {
    store: () => (s.writable ? s.openedStore() : Promise.resolve(undefined)),
    now: () => s.now(),
    rng: cryptoRng(),
    fetch: reportFetch,
    setTimeout: (fn, ms) => s.timers.setTimeout(fn, ms),
    clearTimeout: (t) => s.timers.clearTimeout(t),
    facts: async (from, to) => {
      const store = await s.openedStore();
      const events = store ? await store.readEvents(s.now()) : [];
      await s.profileFiles; // the site's purchase-intent model, when it publishes one
      const now = s.now();
      return {
        categories: s.engine.profile.categories.long,
        purchaseIntent: purchaseIntent(s.engine.profile, now, s.engineOptions.intentModel),
        boughtLastPeriod: events.some((e) => e.type === 'purchase' && e.ts >= from && e.ts < to),
      };
    },
    debug: s.config.debug === true,
  });
  await s.reporter.start();
}
