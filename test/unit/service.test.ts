import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../src/core/model/default-weights';
import { FEATURE_SCHEMA_VERSION } from '../../src/core/model/features';
import { cloneWeights } from '../../src/core/model/fm';
import { toPriorFile } from '../../src/core/model/prior';
import type { Profile } from '../../src/core/profile/profile';
import { openStore } from '../../src/worker/store';
import { PersonalizerService, type ServiceDeps } from '../../src/worker/service';
import { T0 } from './profile-helpers';

let dbCounter = 0;
const freshDb = () => `pz-service-${dbCounter++}-${T0}`;

/** Snapshot debounce in service.ts is 500 ms; waiting a little longer lets it fire and commit. */
const SNAPSHOT_WAIT_MS = 800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const started: PersonalizerService[] = [];
/** A service with a controllable clock; the learner module is loaded from the sources. */
function service(deps: Partial<ServiceDeps> = {}): { svc: PersonalizerService; clock: { t: number } } {
  const clock = { t: T0 };
  const svc = new PersonalizerService({ now: () => clock.t, loadLearner: () => import('../../src/core/model/model'), ...deps });
  started.push(svc);
  return { svc, clock };
}

/** Channels, timers and connections must not outlive the test. */
function shutdown(svc: PersonalizerService): void {
  svc.close();
}

afterEach(() => {
  for (const s of started.splice(0)) shutdown(s);
  vi.unstubAllGlobals();
});

const view = (i: number, category = 'garden/tools') => ({ type: 'view', item: { id: `i${i}`, category }, id: `ev-${i}` });
const eventCount = async (svc: PersonalizerService) => ((await svc.profile()) as { profile: Profile }).profile.eventCount;

describe('PersonalizerService', () => {
  it('starts from nothing', async () => {
    const { svc } = service();
    const status = await svc.init({ dbName: freshDb(), seed: 1 });
    expect(status).toEqual({ ready: true, version: '0.1.0', events: 0 });
    expect(await eventCount(svc)).toBe(0);
    const r = await svc.rerank([{ id: 'a' }, { id: 'b' }], {});
    expect(r.items.map((x) => x.id)).toEqual(['a', 'b']);
    expect(r.fellBack).toBe(false);
  });

  it('acknowledges events once they are durable in the store', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    const ack = await svc.track([view(1), view(2)]);
    expect(ack).toEqual({ accepted: ['ev-1', 'ev-2'], rejected: [], duplicates: 0, durable: true });
    const store = await openStore(dbName);
    expect((await store.readEvents()).map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
    store.close();
  });

  it('reports rejected events with their index and keeps the others', async () => {
    const { svc } = service();
    await svc.init({ dbName: freshDb(), seed: 1 });
    const ack = await svc.track([view(1), { type: 'view', item: { id: 'x', price: 'abc' } }, 'junk', view(2), view(1)]);
    expect(ack.accepted).toEqual(['ev-1', 'ev-2', 'ev-1']);
    expect(ack.duplicates).toBe(1);
    expect(ack.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(ack.rejected[0]!.error).toBe('InvalidEventError: item.price must be a finite number ≥ 0, got "abc"');
    expect(ack.rejected[1]!.error).toMatch(/^InvalidEventError: event must be an object/);
    expect(await eventCount(svc)).toBe(2);
  });

  it('a second tab on the same database sees the events after init, and new ones as they come', async () => {
    const dbName = freshDb();
    const a = service().svc;
    await a.init({ dbName, seed: 1 });
    await a.track([view(1), view(2), view(3)]);
    const b = service().svc;
    expect((await b.init({ dbName, seed: 2 })).events).toBe(3);
    expect(await eventCount(b)).toBe(3);
    await a.track([view(4)]);
    // Delivered over the BroadcastChannel, applied once.
    await vi.waitFor(async () => expect(await eventCount(b)).toBe(4), { timeout: 2000 });
    expect(await eventCount(a)).toBe(4);
  });

  it('saves the profile snapshot after the debounce, and a restart restores it without double counting', async () => {
    const dbName = freshDb();
    const first = service();
    await first.svc.init({ dbName, seed: 1 });
    await first.svc.track([view(1), view(2), view(3)]);
    await sleep(SNAPSHOT_WAIT_MS);
    const store = await openStore(dbName);
    const snap = await store.getProfile();
    expect(snap?.upTo).toBeTypeOf('number');
    expect((snap!.value as Profile).eventCount).toBe(3);
    store.close();
    // Two more events after the snapshot: the restart must add exactly these from the log.
    await first.svc.track([view(4), view(5)]);
    shutdown(first.svc);

    const second = service();
    const status = await second.svc.init({ dbName, seed: 1 });
    expect(status.events).toBe(5);
    expect(await eventCount(second.svc)).toBe(5);
  });

  it('erase() empties the store and the profile, and a pending snapshot does not write it back', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1), view(2)]);
    await svc.erase();
    expect(await eventCount(svc)).toBe(0);
    await sleep(SNAPSHOT_WAIT_MS);
    const store = await openStore(dbName);
    expect(await store.readEvents()).toEqual([]);
    expect(await store.getProfile()).toBeUndefined();
    store.close();
    expect((await svc.exportData()).events).toEqual([]);
  });

  it('uses a site prior served by fetchJson', async () => {
    const weights = cloneWeights(DEFAULT_WEIGHTS);
    weights.w[0] = 3;
    const file = toPriorFile({ version: 'site-prior-7', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights });
    const fetchJson = vi.fn(async (url: string) => (url === '/prior.json' ? JSON.parse(JSON.stringify(file)) : Promise.reject(new Error('404'))));
    const { svc } = service({ fetchJson });
    await svc.init({ dbName: freshDb(), seed: 1, priorUrl: '/prior.json' });
    expect(fetchJson).toHaveBeenCalledWith('/prior.json');
    await svc.track([view(1)]); // starts the learner, which starts from the prior
    await vi.waitFor(async () => expect((await svc.exportData()).model).toMatchObject({ priorVersion: 'site-prior-7' }), { timeout: 5000 });
  });

  it.each([
    ['a malformed prior', async () => ({ version: 'bad', d: 3 })],
    ['a prior for another feature schema', async () => toPriorFile({ version: 'old', featureSchemaVersion: FEATURE_SCHEMA_VERSION + 100, weights: DEFAULT_WEIGHTS })],
    ['a failed fetch', async () => Promise.reject(new Error('HTTP 500'))],
  ])('ignores %s without failing', async (_, fetchJson) => {
    const { svc } = service({ fetchJson });
    const status = await svc.init({ dbName: freshDb(), seed: 1, priorUrl: '/prior.json' });
    expect(status.ready).toBe(true);
    await svc.track([view(1)]);
    await vi.waitFor(async () => expect((await svc.exportData()).model).toMatchObject({ priorVersion: 'built-in' }), { timeout: 5000 });
  });

  it('keeps working in memory when IndexedDB cannot be opened', async () => {
    vi.stubGlobal('indexedDB', {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    const { svc } = service();
    const status = await svc.init({ dbName: freshDb(), seed: 1 });
    expect(status.ready).toBe(true);
    expect(status.storageError).toMatch(/SecurityError/);
    const ack = await svc.track([view(1), view(2)]);
    expect(ack).toMatchObject({ accepted: ['ev-1', 'ev-2'], durable: false });
    expect(await eventCount(svc)).toBe(2);
    expect((await svc.exportData()).events).toHaveLength(2);
    await svc.erase();
    expect(await eventCount(svc)).toBe(0);
  });

  it('restarts the learner from the prior after a feature-schema change and relearns from the retained log', async () => {
    const dbName = freshDb();
    const store = await openStore(dbName);
    await store.putModel({ v: 1, value: { modelVersion: 1, featureSchemaVersion: 999, priorVersion: 'built-in', d: 3, k: 1 }, savedAt: T0 });
    // The log: items looked at, then one bought (feedback without a shown list).
    await store.appendEvents([
      { id: 'v1', type: 'view', ts: T0 - 5000, item: { id: 'a', category: 'home/kitchen', price: 20 } },
      { id: 'v2', type: 'view', ts: T0 - 4000, item: { id: 'b', category: 'garden/tools', price: 90 } },
      { id: 'p1', type: 'purchase', ts: T0 - 3000, item: { id: 'c', category: 'home/kitchen', price: 25 } },
    ]);
    store.close();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await (svc as unknown as { loadLearner(): Promise<void> }).loadLearner();
    const model = (await svc.exportData()).model as { featureSchemaVersion: number; step: number };
    expect(model.featureSchemaVersion).toBe(FEATURE_SCHEMA_VERSION);
    expect(model.step).toBeGreaterThan(0);
  });
});
