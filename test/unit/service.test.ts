import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../src/core/model/default-weights';
import { FEATURE_SCHEMA_VERSION } from '../../src/core/model/features';
import { cloneWeights } from '../../src/core/model/fm';
import { toPriorFile } from '../../src/core/model/prior';
import type { Profile } from '../../src/core/profile/profile';
import { openStore, SCHEMA_VERSION, Store } from '../../src/worker/store';
import { PersonalizerService, type ServiceDeps } from '../../src/worker/service';
import { manualClock } from './manual-clock';
import { appendEvents } from './store-helpers';
import { T0 } from './profile-helpers';

let dbCounter = 0;
const freshDb = () => `pz-service-${dbCounter++}-${T0}`;

const started: PersonalizerService[] = [];
/** A service with a virtual clock and timers; the learner module is loaded from the sources. */
function service(deps: Partial<ServiceDeps> = {}) {
  const c = manualClock(T0);
  const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => import('../../src/core/model/learner'), ...deps });
  started.push(svc);
  return { svc, ...c };
}

/** Channels, timers and connections must not outlive the test. */
function shutdown(svc: PersonalizerService): void {
  svc.close();
}

afterEach(() => {
  for (const s of started.splice(0)) shutdown(s);
  vi.unstubAllGlobals();
});

const databaseNames = async () => (await indexedDB.databases()).map((d) => d.name);

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
    expect((await store.readEvents(T0)).map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
    store.close();
  });

  it('calls that arrive while a write commits are stored together by the next write, each acknowledged once durable', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(0)]);
    const append = vi.spyOn(Store.prototype, 'appendEvents');
    const acks = await Promise.all([1, 2, 3, 4].map((i) => svc.track([view(i)])));
    expect(acks.map((a) => [a.accepted, a.durable])).toEqual([1, 2, 3, 4].map((i) => [[`ev-${i}`], true]));
    // Four calls, fewer commits: the ones that came while the first was being written share one.
    expect(append.mock.calls.length).toBeLessThan(4);
    expect(append.mock.calls.flatMap(([, texts]) => texts.flatMap((t) => (JSON.parse(t) as { id: string }[]).map((e) => e.id)))).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    append.mockRestore();
    expect(await storedIds(dbName)).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4']);
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

  it('a track call past 1,000 events ingests the first 1,000 and rejects each one after them, as an array or as JSON lines', async () => {
    const { svc } = service();
    await svc.init({ dbName: freshDb(), seed: 1 });
    const events = Array.from({ length: 1003 }, (_, i) => view(i));
    const asArray = await svc.track(events);
    expect(asArray.accepted).toHaveLength(1000);
    expect(asArray.rejected.map((r) => r.index)).toEqual([1000, 1001, 1002]);
    expect(asArray.rejected[0]!.error).toBe('UsageError: a track call takes at most 1000 events');
    expect(asArray.durable).toBe(true);
    const more = Array.from({ length: 1002 }, (_, i) => JSON.stringify(view(2000 + i)));
    const asLines = await svc.track(more.join('\n'));
    expect(asLines.accepted).toHaveLength(1000);
    expect(asLines.rejected.map((r) => r.index)).toEqual([1000, 1001]);
    expect(await eventCount(svc)).toBe(2000);
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
    // The events start the learner (a real dynamic import): wait for it here, so its first training
    // timer is already due when the clock moves, and the count below is the snapshot's alone.
    await (first.svc as unknown as { loadLearner(): Promise<void> }).loadLearner();
    // Before the debounce nothing is written; after it, exactly the snapshot.
    await first.svc.idle();
    expect(await (await openStore(dbName)).getProfile()).toBeUndefined();
    first.advance(499);
    await first.svc.idle();
    expect(await (await openStore(dbName)).getProfile()).toBeUndefined();
    expect(first.advance(1)).toBe(1);
    await first.svc.idle();
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
    const { svc, advance, pending } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1), view(2)]);
    expect(pending()).toBeGreaterThan(0); // the snapshot (and the learner start) are due
    await svc.erase();
    expect(await eventCount(svc)).toBe(0);
    advance(60_000);
    await svc.idle();
    expect(await databaseNames()).not.toContain(dbName);
    expect((await svc.exportData()).events).toEqual([]);
    // Reading the export does not create the database again.
    expect(await databaseNames()).not.toContain(dbName);
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
    await vi.waitFor(async () => expect((await svc.exportData()).model).toMatchObject({ fm: { priorVersion: 'site-prior-7' } }), { timeout: 30_000 });
  });

  it('opens the database while the site files are fetched, not after them', async () => {
    const dbName = freshDb();
    const file = toPriorFile({ version: 'site-prior-7b', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights: DEFAULT_WEIGHTS });
    let openedMeanwhile = false;
    // The prior's answer waits (up to a second) for the database to exist: a start that opened it only
    // after the fetch would leave this false.
    const fetchJson = async () => {
      for (let i = 0; i < 200 && !openedMeanwhile; i++) {
        openedMeanwhile = (await databaseNames()).includes(dbName);
        if (!openedMeanwhile) await new Promise((done) => setTimeout(done, 5));
      }
      return JSON.parse(JSON.stringify(file));
    };
    const { svc } = service({ fetchJson });
    expect(await svc.init({ dbName, seed: 1, priorUrl: '/prior.json' })).toMatchObject({ ready: true });
    expect(openedMeanwhile).toBe(true);
    await svc.track([view(1)]);
    expect(await storedIds(dbName)).toEqual(['ev-1']);
  });

  it("uses the site's purchase-intent model published with the prior, for the panel's figure and the segment alike", async () => {
    // A model that says "likely to buy" for everyone: intercept 5, no weights.
    const intent = { version: 'pz-propensity-2', features: ['open_cart'], intercept: 5, weights: [0] };
    const file = { ...toPriorFile({ version: 'site-prior-8', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights: DEFAULT_WEIGHTS }), propensity: { purchaseIntent: intent } };
    const { svc } = service({ fetchJson: async () => JSON.parse(JSON.stringify(file)) });
    await svc.init({ dbName: freshDb(), seed: 1, priorUrl: '/prior.json' });
    await svc.track([view(1)]);
    const shown = (await svc.profile()) as { propensities: { purchaseIntent: number }; segments: { propensity: { purchaseIntent: number; segments: { name: string }[] } } };
    expect(shown.propensities.purchaseIntent).toBeGreaterThan(0.99);
    expect(shown.segments.propensity.purchaseIntent).toBeCloseTo(shown.propensities.purchaseIntent, 12);
    expect(shown.segments.propensity.segments.map((x) => x.name)).toContain('likely-to-buy');
  });

  it('answers ready and reranks before the segment file arrives; the profile waits for it and uses it', async () => {
    // A segment file that publishes an intent model of "likely to buy" for everyone.
    const intent = { version: 'pz-propensity-2', features: ['open_cart'], intercept: 5, weights: [0] };
    const file = { propensity: { purchaseIntent: intent } };
    let send!: (v: unknown) => void;
    const arrives = new Promise((resolve) => {
      send = resolve;
    });
    const fetchJson = vi.fn(async () => JSON.parse(JSON.stringify(await arrives)));
    const { svc } = service({ fetchJson });
    expect(await svc.init({ dbName: freshDb(), seed: 1, segmentsUrl: '/segments.json' })).toMatchObject({ ready: true });
    expect(fetchJson).toHaveBeenCalledWith('/segments.json');
    await svc.track([view(1)]);
    expect((await svc.rerank([{ id: 'a', category: 'garden/tools' }, { id: 'b' }], { slot: 's' })).fellBack).toBe(false);
    let read = false;
    const shown = svc.profile().then((p) => {
      read = true;
      return p as { propensities: { purchaseIntent: number } };
    });
    await new Promise((done) => setTimeout(done, 20));
    expect(read).toBe(false);
    send(file);
    expect((await shown).propensities.purchaseIntent).toBeGreaterThan(0.99);
  });

  it('ignores a malformed purchase-intent model and keeps the built-in one', async () => {
    const file = { ...toPriorFile({ version: 'site-prior-9', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights: DEFAULT_WEIGHTS }), propensity: { purchaseIntent: { features: ['no-such-feature'], intercept: 5, weights: [1] } } };
    const { svc } = service({ fetchJson: async () => JSON.parse(JSON.stringify(file)) });
    await svc.init({ dbName: freshDb(), seed: 1, priorUrl: '/prior.json' });
    await svc.track([view(1)]);
    const shown = (await svc.profile()) as { propensities: { purchaseIntent: number } };
    expect(shown.propensities.purchaseIntent).toBeLessThan(0.5);
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
    await vi.waitFor(async () => expect((await svc.exportData()).model).toMatchObject({ fm: { priorVersion: 'built-in' } }), { timeout: 30_000 });
  });

  it('keeps working in memory when IndexedDB cannot be opened', async () => {
    const insecure = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    vi.stubGlobal('indexedDB', { open: insecure, deleteDatabase: insecure });
    const { svc } = service();
    const status = await svc.init({ dbName: freshDb(), seed: 1 });
    expect(status.ready).toBe(true);
    expect(status.storageError).toMatch(/SecurityError/);
    const ack = await svc.track([view(1), view(2)]);
    expect(ack).toMatchObject({ accepted: ['ev-1', 'ev-2'], durable: false });
    expect(await eventCount(svc)).toBe(2);
    // The unwritten events are kept as the text they will be written as: the export reads them back whole.
    expect((await svc.exportData()).events).toEqual([1, 2].map((i) => ({ ...view(i), ts: T0 })));
    // Memory is cleared, but whether anything was on disk cannot be known: erase does not say it was erased.
    await expect(svc.erase()).rejects.toThrow(/SecurityError|insecure/);
    expect(await eventCount(svc)).toBe(0);
  });

  it('restarts the learner from the prior after a feature-schema change and relearns from the retained log', async () => {
    const dbName = freshDb();
    const store = await openStore(dbName);
    await store.putModel({ v: 1, value: { modelVersion: 1, featureSchemaVersion: 999, priorVersion: 'built-in', d: 3, k: 1 }, savedAt: T0 });
    // The log: items looked at, then one bought (feedback without a shown list).
    await appendEvents(store, [
      { id: 'v1', type: 'view', ts: T0 - 5000, item: { id: 'a', category: 'home/kitchen', price: 20 } },
      { id: 'v2', type: 'view', ts: T0 - 4000, item: { id: 'b', category: 'garden/tools', price: 90 } },
      { id: 'p1', type: 'purchase', ts: T0 - 3000, item: { id: 'c', category: 'home/kitchen', price: 25 } },
    ]);
    store.close();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await (svc as unknown as { loadLearner(): Promise<void> }).loadLearner();
    const model = (await svc.exportData()).model as { fm: { featureSchemaVersion: number; step: number } };
    expect(model.fm.featureSchemaVersion).toBe(FEATURE_SCHEMA_VERSION);
    expect(model.fm.step).toBeGreaterThan(0);
  });
});

/** Events stored under `dbName`, read with a plain connection that is closed again. */
async function storedIds(dbName: string): Promise<string[]> {
  if (!(await databaseNames()).includes(dbName)) return [];
  const store = await openStore(dbName);
  const ids = (await store.readEvents(T0)).map((e) => e.id);
  store.close();
  return ids;
}

/** Puts raw records into the event log, as a bug, an old version or another script might have. */
async function putRawBatches(dbName: string, records: unknown[]): Promise<void> {
  const db = await openDB(dbName);
  for (const r of records) await db.add('batches', r);
  db.close();
}

describe('storage faults: never lose, never lie', () => {
  it('defect 1: erase deletes a database at a newer schema version (a rolled-back deploy) that the worker could not open', async () => {
    const dbName = freshDb();
    const newer = await openDB(dbName, SCHEMA_VERSION + 1, { upgrade: (db) => void db.createObjectStore('batches', { keyPath: 'id', autoIncrement: true }) });
    await newer.add('batches', { lastTs: T0, events: [{ id: 'kept-by-v3', type: 'view', ts: T0, item: { id: 'x' } }] });
    newer.close();
    const { svc } = service();
    const status = await svc.init({ dbName, seed: 1 });
    expect(status.storageError).toMatch(/^VersionError/);
    await svc.erase();
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('defect 1: erase deletes the database whatever the worker holds, and resolves only once it is gone', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1), view(2)]);
    // A connection that never closes (another script on the page) holds the deletion back.
    const holder = await openDB(dbName);
    let settled = false;
    const erased = svc.erase().then(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(databaseNames()).resolves.toContain(dbName));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    holder.close();
    await erased;
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('defects 1 and 2: one malformed record is quarantined; storage stays on and erase deletes everything', async () => {
    const dbName = freshDb();
    (await openStore(dbName)).close();
    await putRawBatches(dbName, [
      { lastTs: T0 - 3000, events: [view(1), view(2)].map((e, i) => ({ ...e, ts: T0 - 3000 + i })) },
      { lastTs: 'junk', events: 'not a list' },
      { lastTs: T0 - 1000, events: [{ ...view(3), ts: T0 - 1000 }, { id: 'bad', type: 'teleport' }, null] },
    ]);
    const { svc, advance } = service();
    const status = await svc.init({ dbName, seed: 1, maxEvents: 2 });
    expect(status.storageError).toBeUndefined();
    expect(status.quarantined).toBe(3);
    expect(await eventCount(svc)).toBe(3); // every readable event counts in the profile…
    advance(0); // …and start-up retention, which runs right after ready, keeps the 2 newest in the log
    await svc.idle();
    expect(await storedIds(dbName)).toEqual(['ev-2', 'ev-3']);
    const ack = await svc.track([view(4)]);
    expect(ack.durable).toBe(true);
    expect(await storedIds(dbName)).toContain('ev-4');
    await svc.erase();
    expect(await databaseNames()).not.toContain(dbName);
    expect(await eventCount(svc)).toBe(0);
  });

  it('defect 3: after another tab deleted the database, the next write opens it again', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1)]);
    // Another tab (or "clear site data") deletes the database: this worker's connection is closed.
    await indexedDB.deleteDatabase(dbName);
    await vi.waitFor(() => expect(databaseNames()).resolves.not.toContain(dbName));
    // What it remembered of the deleted database is gone; what comes next is durable again.
    const ack = await svc.track([view(2)]);
    expect(ack.durable).toBe(true);
    expect(await storedIds(dbName)).toEqual(['ev-2']);
    expect(await eventCount(svc)).toBe(1);
    expect((await svc.exportData()).events.map((e) => (e as { id: string }).id)).toEqual(['ev-2']);
    await svc.erase();
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('defect 3: after another tab upgraded the database, writes say they are not durable, and erase still deletes it', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1)]);
    const newer = await openDB(dbName, SCHEMA_VERSION + 1);
    newer.close();
    const ack = await svc.track([view(2)]);
    expect(ack).toMatchObject({ accepted: ['ev-2'], durable: false });
    // ev-1 is on disk out of reach: an export without it would say it is not there.
    await expect(svc.exportData()).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    await svc.erase();
    expect(await databaseNames()).not.toContain(dbName);
  });

  it('defect 3: an open blocked by an older tab goes on in memory after a deadline, and opens once the tab lets go', async () => {
    const dbName = freshDb();
    // An older version's connection that does not close on versionchange.
    const old = await openDB(dbName, 1);
    const { svc, advance } = service();
    const starting = svc.init({ dbName, seed: 1 });
    await vi.waitFor(() => expect(advance(3000)).toBeGreaterThan(0));
    const status = await starting;
    expect(status.storageError).toMatch(/^BlockedError/);
    expect((await svc.track([view(1)])).durable).toBe(false);
    old.close();
    expect((await svc.track([view(2)])).durable).toBe(false);
    await vi.waitFor(async () => expect((await svc.track([])).durable).toBe(true));
    expect(await storedIds(dbName)).toEqual(['ev-1', 'ev-2']);
  });

  it('defect 7: retention holds as the log grows, not only at start', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1, maxEvents: 100 });
    // Past 100 events a write prunes back to 95 (5 % below the limit), the oldest first.
    let expected = 0;
    for (let b = 0; b < 30; b++) {
      await svc.track(Array.from({ length: 10 }, (_, i) => view(b * 10 + i)));
      expected += 10;
      if (expected > 100) expected = 95;
      const ids = await storedIds(dbName);
      expect(ids).toEqual(Array.from({ length: expected }, (_, i) => `ev-${(b + 1) * 10 - expected + i}`));
    }
  });

  it('defect 8: after a quota failure nothing is claimed durable, and the events are written with the next batch', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1), view(2)]);
    const full = () => Promise.reject(new DOMException('full', 'QuotaExceededError'));
    const append = vi.spyOn(Store.prototype, 'appendEvents').mockImplementationOnce(full).mockImplementationOnce(full);
    const ack = await svc.track([view(3)]);
    expect(ack.durable).toBe(false);
    expect(await storedIds(dbName)).toEqual(['ev-2']); // one oldest event made room, in vain
    expect((await svc.exportData()).events.map((e) => (e as { id: string }).id)).toEqual(['ev-2', 'ev-3']);
    append.mockRestore();
    expect((await svc.track([view(4)])).durable).toBe(true);
    expect(await storedIds(dbName)).toEqual(['ev-2', 'ev-3', 'ev-4']);
  });

  it('defect 8: a quota failure is retried once after pruning the oldest events', async () => {
    const dbName = freshDb();
    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1), view(2), view(3)]);
    const append = vi.spyOn(Store.prototype, 'appendEvents').mockImplementationOnce(() => Promise.reject(new DOMException('full', 'QuotaExceededError')));
    const ack = await svc.track([view(4), view(5)]);
    append.mockRestore();
    expect(ack.durable).toBe(true);
    expect(await storedIds(dbName)).toEqual(['ev-3', 'ev-4', 'ev-5']);
  });

  it('defect 8: a snapshot never holds events the log does not', async () => {
    const dbName = freshDb();
    const { svc, advance } = service();
    await svc.init({ dbName, seed: 1 });
    await svc.track([view(1)]);
    advance(500);
    await svc.idle();
    const append = vi.spyOn(Store.prototype, 'appendEvents').mockRejectedValue(new DOMException('full', 'QuotaExceededError'));
    await svc.track([view(2)]);
    advance(500);
    await svc.idle();
    append.mockRestore();
    svc.close();
    // The snapshot counts ev-1 (since pruned to make room, as retention would), never the unwritten ev-2.
    const { svc: next } = service();
    await next.init({ dbName, seed: 1 });
    expect(await eventCount(next)).toBe(1);
    expect((await next.exportData()).events).toEqual([]);
  });

  it('defect 9: erase in one tab clears the events another tab had not sent yet', async () => {
    const dbName = freshDb();
    const a = service();
    const b = service();
    await a.svc.init({ dbName, seed: 1 });
    await b.svc.init({ dbName, seed: 2 });
    // Tab b's page stamped three events before the erase; its client sends them after it.
    const before = [1, 2, 3].map((i) => ({ ...view(i), ts: T0 - 10 }));
    await a.svc.track([view(9)]);
    await vi.waitFor(async () => expect(await eventCount(b.svc)).toBe(1));
    await a.svc.erase();
    await vi.waitFor(async () => expect(await eventCount(b.svc)).toBe(0));
    const ack = await b.svc.track(before);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected.map((r) => r.error)).toEqual(Array(3).fill('ErasedError: the event happened before the data was erased'));
    expect(await storedIds(dbName)).toEqual([]);
    // Later events are taken as usual.
    expect((await b.svc.track([{ ...view(4), ts: T0 + 10 }])).accepted).toEqual(['ev-4']);
  });
});

describe('stored profile faults', () => {
  it('defect 10: a corrupted snapshot field is caught at the boundary and the profile is rebuilt from the log', async () => {
    const dbName = freshDb();
    const first = service();
    await first.svc.init({ dbName, seed: 1 });
    await first.svc.track([view(1), view(2), view(3)]);
    first.advance(500);
    await first.svc.idle();
    first.svc.close();
    const store = await openStore(dbName);
    const snap = (await store.getProfile())!;
    await store.putProfile({ ...snap, value: { ...(snap.value as object), weekdays: 'corrupted' } });
    store.close();

    const { svc } = service();
    await svc.init({ dbName, seed: 1 });
    expect(await eventCount(svc)).toBe(3);
    const ack = await svc.track([view(4)]);
    expect(ack).toMatchObject({ accepted: ['ev-4'], durable: true });
    expect(await eventCount(svc)).toBe(4);
  });
});
