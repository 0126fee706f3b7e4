import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PersonalizerService } from '../../src/worker/service';
import { manualClock } from './manual-clock';
import { T0 } from './profile-helpers';

// The worker's lazily imported files (site-files, retention, readouts, corrections, reports) are ordinary dynamic
// imports of the sources here; the built chunks are exercised in Chromium (test/e2e/worker-lazy.spec.ts).
let n = 0;
const freshDb = () => `pz-service-lazy-${n++}-${T0}`;
const started: PersonalizerService[] = [];

async function service(fetchJson?: (url: string) => Promise<unknown>) {
  const { PersonalizerService } = await import('../../src/worker/service');
  const c = manualClock(T0);
  const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => import('../../src/core/model/learner'), ...(fetchJson ? { fetchJson } : {}) });
  started.push(svc);
  return { svc, ...c };
}

afterEach(() => {
  for (const s of started.splice(0)) s.close();
  vi.doUnmock('../../src/worker/site-files');
  vi.doUnmock('../../src/worker/retention');
  vi.doUnmock('../../src/worker/corrections');
  vi.resetModules();
});

const list = [
  { id: 'a', category: 'garden/tools', price: 10 },
  { id: 'b', category: 'home/kitchen', price: 20 },
  { id: 'c', category: 'home/kitchen', price: 25 },
];

describe("the worker's lazily loaded paths", () => {
  it('exportData, explainLast and requests answer when each is the first call after start', async () => {
    const dbName = freshDb();
    const before = await service();
    await before.svc.init({ dbName, seed: 1 });
    await before.svc.track([{ id: 'ev-1', type: 'view', item: { id: 'b', category: 'home/kitchen' } }]);
    before.svc.close();
    for (const first of ['exportData', 'explainLast', 'requests'] as const) {
      vi.resetModules(); // each start imports its lazy file afresh
      const { svc } = await service();
      await svc.init({ dbName, seed: 1 });
      if (first === 'exportData') expect(((await svc.exportData()).events as { id: string }[]).map((e) => e.id)).toEqual(['ev-1']);
      if (first === 'explainLast') expect(await svc.explainLast()).toBeUndefined();
      if (first === 'requests') expect(await svc.requests()).toEqual([]);
      const r = await svc.rerank(list, { slot: 's' });
      expect(r.fellBack).toBe(false);
      expect((await svc.explainLast())?.items.map((i) => i.id).sort()).toEqual(['a', 'b', 'c']);
    }
  });

  it("when the site files' reader does not load, the worker starts with its built-in rules and answers", async () => {
    vi.resetModules();
    vi.doMock('../../src/worker/site-files', () => {
      throw new Error('the chunk did not load');
    });
    const fetchJson = vi.fn(async () => ({ de: { 'reason.buy-again': 'Wieder kaufen' } }));
    const { svc } = await service(fetchJson);
    const status = await svc.init({ dbName: freshDb(), seed: 1, messagesUrl: '/messages.json', lang: 'de' });
    expect(status.ready).toBe(true);
    expect(fetchJson).toHaveBeenCalledWith('/messages.json');
    const r = await svc.rerank(list, {});
    expect(r.fellBack).toBe(false);
    expect(r.items.map((i) => i.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a site that names none of its files never imports their reader', async () => {
    vi.resetModules();
    const imported = vi.fn();
    vi.doMock('../../src/worker/site-files', async (original) => {
      imported();
      return original();
    });
    const { svc } = await service();
    expect((await svc.init({ dbName: freshDb(), seed: 1 })).ready).toBe(true);
    expect((await svc.rerank(list, {})).fellBack).toBe(false);
    expect(imported).not.toHaveBeenCalled();
  });

  it('a write past the log limit is durable even when retention cannot run (its file did not load); the next write tries again', async () => {
    vi.resetModules();
    const attempts = vi.fn();
    vi.doMock('../../src/worker/retention', () => {
      attempts();
      throw new Error('the chunk did not load');
    });
    const { openStore } = await import('../../src/worker/store');
    const dbName = freshDb();
    const { svc } = await service();
    await svc.init({ dbName, seed: 1, maxEvents: 5 });
    const events = (from: number) => Array.from({ length: 4 }, (_, i) => ({ id: `ev-${from + i}`, type: 'view', item: { id: `i${from + i}`, category: 'home/kitchen' } }));
    expect((await svc.track(events(0))).durable).toBe(true);
    expect(attempts).not.toHaveBeenCalled();
    // Each write past the limit tries the trim once; a track call's events may reach storage in more
    // than one write (ingest runs in time slices), so the calls are counted, not their writes.
    expect((await svc.track(events(4))).durable).toBe(true); // 8 > 5: the trim is tried, and fails
    const tried = attempts.mock.calls.length;
    expect(tried).toBeGreaterThanOrEqual(1);
    expect((await svc.track(events(8))).durable).toBe(true); // and tried again
    expect(attempts.mock.calls.length).toBeGreaterThan(tried);
    const store = await openStore(dbName);
    expect((await store.readEvents(T0)).length).toBe(12);
    store.close();
  });
  it('removeInterest and restoreInterest answer from their own file; a stored removal applies at the next start', async () => {
    const dbName = freshDb();
    const kitchen = { id: 'ev-k', type: 'view', item: { id: 'b', category: 'home/kitchen' } };
    const first = await service();
    await first.svc.init({ dbName, seed: 1 });
    await first.svc.track([kitchen]);
    expect(await first.svc.removeInterest('category', 'home/kitchen')).toBe(true);
    expect(await first.svc.removeInterest('category', '')).toBe(false);
    await first.svc.idle();
    first.svc.close();

    const { svc } = await service();
    await svc.init({ dbName, seed: 1 });
    const removed = (p: unknown) => (p as { removedInterests: { kind: string; key: string }[] }).removedInterests.map((r) => `${r.kind}:${r.key}`);
    expect(removed(await svc.profile())).toEqual(['category:home/kitchen']);
    expect(await svc.restoreInterest('category', 'home/kitchen')).toBe(true);
    expect(removed(await svc.profile())).toEqual([]);
    expect(await svc.restoreInterest('category', 'home/kitchen')).toBe(false);
  });

  it('when the corrections file does not load, removeInterest rejects and nothing is removed', async () => {
    vi.resetModules();
    vi.doMock('../../src/worker/corrections', () => {
      throw new Error('the chunk did not load');
    });
    const { svc } = await service();
    await svc.init({ dbName: freshDb(), seed: 1 });
    await expect(svc.removeInterest('category', 'home/kitchen')).rejects.toThrow();
    expect((await svc.profile()) as { removedInterests: unknown[] }).toMatchObject({ removedInterests: [] });
    expect((await svc.rerank(list, {})).fellBack).toBe(false);
  });
});
