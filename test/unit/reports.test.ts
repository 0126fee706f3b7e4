import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/util/rng';
import { Reporter, type ReporterDeps } from '../../src/worker/reports';
import { openStore, type Store } from '../../src/worker/store';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a period boundary for days

/** A fake clock with timers run in time order. */
function fakeTime(start: number) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    /** Moves the clock to `to`, firing due timers in order and letting their async work settle. */
    async advance(to: number) {
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        // A timer's callback returns its work's promise: waited for, not guessed with a sleep.
        await (due[1].fn() as unknown);
        await settle();
      }
      now = to;
    },
  };
}
/** Lets promise reactions and fake-indexeddb's queued callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

const QUESTIONS = {
  budget: 1,
  questions: [
    { id: 'top-category', type: 'top-category', epsilon: 0.5, period: 'day', categories: ['beauty', 'home', 'garden', 'toys', 'books', 'music', 'sports', 'tools', 'food', 'pets', 'baby', 'auto'] },
  ],
};

type Sent = { url: string; init: RequestInit };
const stores: Store[] = [];
const reporters: Reporter[] = [];
afterEach(() => {
  for (const r of reporters.splice(0)) r.stop();
  for (const s of stores.splice(0)) s.close();
});

async function tab(dbName: string, time: ReturnType<typeof fakeTime>, sent: Sent[], config: unknown = QUESTIONS, seed = 1): Promise<Reporter> {
  const store = await openStore(dbName);
  stores.push(store);
  const deps: ReporterDeps = {
    store: async () => store,
    now: time.now,
    rng: createRng(seed),
    fetch: async (url, init) => {
      if ((init.method ?? 'GET') === 'GET') return { ok: true, status: 200, json: async () => config };
      sent.push({ url, init });
      return { ok: true, status: 204, json: async () => ({}) };
    },
    setTimeout: time.setTimeout,
    clearTimeout: time.clearTimeout,
    facts: async () => ({ categories: new Map([['beauty', 3], ['home', 1]]), purchaseIntent: 0.2, boughtLastPeriod: true }),
  };
  const r = new Reporter('https://shop.test/pz-report', deps);
  reporters.push(r);
  await r.start();
  return r;
}

const bodies = (sent: Sent[]) => sent.map((s) => JSON.parse(String(s.init.body)) as { reports: Record<string, unknown>[] });

describe('locally private reports', () => {
  it('one report per question per period, at a moment within the period, carrying only q, p and the encoded value', async () => {
    const time = fakeTime(T0 + 1000);
    const sent: Sent[] = [];
    await tab(`pz-reports-a-${T0}`, time, sent);
    await time.advance(T0 + DAY - 1);
    expect(sent).toHaveLength(1);
    const [body] = bodies(sent);
    expect(body!.reports).toHaveLength(1);
    const report = body!.reports[0]!;
    expect(Object.keys(report).sort()).toEqual(['p', 'q', 'v']);
    expect(report.q).toBe('top-category');
    expect(report.p).toBe(Math.floor(T0 / DAY));
    expect(report.v).toMatch(/^[01]{13}$/); // OUE over 12 categories + "none"
    expect(sent[0]!.init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
  });

  it('the ledger refuses a report over the budget, across reloads and tabs (fake clock)', async () => {
    const dbName = `pz-reports-b-${T0}`;
    const time = fakeTime(T0 + 1000);
    const sent: Sent[] = [];
    // Two tabs of the same shopper, each with its own timers and connection.
    const a = await tab(dbName, time, sent, QUESTIONS, 1);
    await tab(dbName, time, sent, QUESTIONS, 2);
    await time.advance(T0 + DAY + 1000);
    // Day 1: one report although two tabs reached the moment.
    expect(bodies(sent).flatMap((b) => b.reports)).toHaveLength(1);
    // A reload of tab A: a new connection and a new reporter.
    a.stop();
    const status = await (await tab(dbName, time, sent, QUESTIONS, 3)).status();
    expect(status.sent).toHaveLength(1);
    expect(status.left).toBeCloseTo(0.5, 9);
    await time.advance(T0 + 5 * DAY);
    // Budget 1 per 7 days at ε = 0.5 per report: day 2 is the last report until the window moves on.
    const reports = bodies(sent).flatMap((b) => b.reports);
    expect(reports.map((r) => r.p)).toEqual([Math.floor(T0 / DAY), Math.floor(T0 / DAY) + 1]);
    await time.advance(T0 + 9 * DAY);
    expect(bodies(sent).flatMap((b) => b.reports).length).toBe(4); // days 7 and 8: the first two charges left the window
  });

  it('the site cannot raise the budget above ε = 4, and a bad question file sends nothing', async () => {
    const time = fakeTime(T0 + 1000);
    const sent: Sent[] = [];
    const greedy = { budget: 100, questions: [{ id: 'q', type: 'intent-bucket', epsilon: 2, period: 'day', thresholds: [0.5] }] };
    const r = await tab(`pz-reports-c-${T0}`, time, sent, greedy);
    expect((await r.status()).budget).toBe(4);
    await time.advance(T0 + 6 * DAY);
    expect(bodies(sent).flatMap((b) => b.reports)).toHaveLength(2);
    // Every later day's report was withheld before any request: the status counts them.
    expect((await r.status()).withheld).toBe(4);
    const bad: Sent[] = [];
    await tab(`pz-reports-d-${T0}`, time, bad, { questions: [{ id: 'x', type: 'top-category', epsilon: 9, categories: ['a'] }] });
    await time.advance(T0 + 9 * DAY);
    expect(bad).toEqual([]);
  });

  it('the lift arm is a persistent local coin and travels with the lift bit', async () => {
    const dbName = `pz-reports-e-${T0}`;
    const time = fakeTime(T0 + 1000);
    const sent: Sent[] = [];
    const lift = { questions: [{ id: 'lift', type: 'lift', epsilon: 1, period: 'day', controlShare: 0.5 }] };
    const first = await tab(dbName, time, sent, lift, 7);
    const arm = first.arm();
    first.stop();
    for (let seed = 8; seed < 14; seed++) expect((await tab(dbName, time, sent, lift, seed)).arm()).toBe(arm);
    await time.advance(T0 + DAY - 1);
    const [report] = bodies(sent).flatMap((b) => b.reports);
    expect(Object.keys(report!).sort()).toEqual(['a', 'p', 'q', 'v']);
    expect(report!.a).toBe(arm);
    expect([0, 1]).toContain(report!.v);
  });
});
