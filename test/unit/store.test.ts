import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/core/types';
import { BATCH_EVENTS, SCHEMA_VERSION, openStore, recordTexts } from '../../src/worker/store';
import { enforceRetention, trimOldest } from '../../src/worker/retention';
import { batchEvents, batchText, reviveBatchEvents } from '../../src/core/input/stored';
import { appendEvents } from './store-helpers';

let n = 0;
const NOW = 1_800_000_000_000;
const fresh = () => `pz-test-${n++}`;
const ev = (i: number, ts = 1_700_000_000_000 + i * 1000): StoredEvent => ({
  id: `e${i}`,
  type: 'click',
  ts,
  item: { id: `i${i % 7}`, category: 'a/b' },
});

describe('store', () => {
  it('opens from nothing at the current schema version with every store', async () => {
    const store = await openStore(fresh());
    expect(store.db.version).toBe(SCHEMA_VERSION);
    expect([...store.db.objectStoreNames].sort()).toEqual(['batches', 'meta', 'model', 'profile']);
    expect(await store.readEvents(NOW)).toEqual([]);
    store.close();
  });

  it('round-trips events in batches, profile, model and meta records', async () => {
    const store = await openStore(fresh());
    await appendEvents(store, [ev(2), ev(1)]);
    await appendEvents(store, [ev(3)]);
    expect((await store.readEvents(NOW)).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(await store.readEvents(NOW)).toHaveLength(3);
    await store.putProfile({ v: 3, value: { a: 1 }, savedAt: 5 });
    await store.putModel({ v: 1, value: { w: [1, 2] }, savedAt: 6 });
    await store.putMeta('consent', 'granted');
    expect(await store.getProfile()).toEqual({ v: 3, value: { a: 1 }, savedAt: 5 });
    expect(await store.getModel()).toEqual({ v: 1, value: { w: [1, 2] }, savedAt: 6 });
    expect(await store.getMeta('consent')).toBe('granted');
    store.close();
  });

  it('upgrades schema v1 data to the current version and keeps every event', async () => {
    const name = fresh();
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('events', { keyPath: 'id' }).createIndex('ts', 'ts');
        db.createObjectStore('profile');
        db.createObjectStore('meta');
      },
    });
    const old = Array.from({ length: 1234 }, (_, i) => ev(i));
    const tx = v1.transaction('events', 'readwrite');
    for (const e of old) await tx.store.put(e);
    await tx.done;
    await v1.put('profile', { categories: { x: 1 } }, 'current');
    v1.close();

    const store = await openStore(name);
    expect(store.db.version).toBe(SCHEMA_VERSION);
    const events = await store.readEvents(NOW);
    expect(events).toHaveLength(old.length);
    expect(events.map((e) => e.id).sort()).toEqual(old.map((e) => e.id).sort());
    expect(events).toEqual([...old].sort((a, b) => a.ts - b.ts));
    expect(store.db.objectStoreNames.contains('events' as never)).toBe(false);
    // The placeholder-era snapshot is dropped so the profile is rebuilt from the log.
    expect(await store.getProfile()).toBeUndefined();
    store.close();
  });

  it('enforces retention by count and by age, oldest first', async () => {
    const store = await openStore(fresh());
    const t0 = 1_700_000_000_000;
    const day = 86_400_000;
    for (let b = 0; b < 10; b++) await appendEvents(store, Array.from({ length: 10 }, (_, i) => ev(b * 10 + i, t0 + (b * 10 + i) * day)));
    // Age: keep events from the last 50 days before now = t0 + 99 days.
    expect(await enforceRetention(store, 1000, 50 * day, t0 + 99 * day)).toEqual({ dropped: 49, remaining: 51 });
    expect(await enforceRetention(store, 20, 1000 * day, t0 + 99 * day)).toEqual({ dropped: 31, remaining: 20 });
    const left = await store.readEvents(NOW);
    expect(left.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => `e${80 + i}`));
    store.close();
  });
});

describe('store batch counts (retention as the log grows)', () => {
  const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from + i));
  const ids = async (store: Awaited<ReturnType<typeof openStore>>) => (await store.readEvents(NOW)).map((e) => e.id);

  it('trimOldest keeps the newest events, oldest batches first, from the counts recorded as batches were written', async () => {
    const store = await openStore(fresh());
    // A full pass (start-up retention) records the counts; every write adds its own.
    expect(await enforceRetention(store, 1000, 1e15, NOW)).toEqual({ dropped: 0, remaining: 0 });
    await appendEvents(store, batch(0, 4));
    const k2 = (await appendEvents(store, batch(4, 3)))[0]!;
    await appendEvents(store, batch(7, 3));
    // 10 events in batches of 4, 3, 3: down to 5 drops the first batch whole and one of the second.
    expect(await trimOldest(store, 5)).toEqual({ dropped: 5, remaining: 5 });
    expect(await ids(store)).toEqual(['e5', 'e6', 'e7', 'e8', 'e9']);
    expect(await trimOldest(store, 5)).toEqual({ dropped: 0, remaining: 5 });
    // A counted batch is not read again: a change behind the store's back goes unseen…
    await store.db.put('batches', { id: k2, lastTs: 0, events: batch(4, 1) });
    expect(await trimOldest(store, 5)).toEqual({ dropped: 0, remaining: 5 });
    // …until the next full pass, which counts every batch again.
    expect(await enforceRetention(store, 1000, 1e15, NOW)).toEqual({ dropped: 0, remaining: 4 });
    expect(await trimOldest(store, 2)).toEqual({ dropped: 2, remaining: 2 });
    expect(await ids(store)).toEqual(['e8', 'e9']);
    store.close();
  });

  it('a write of more than BATCH_EVENTS events is stored as several records in one transaction, all counted', async () => {
    const store = await openStore(fresh());
    expect(await enforceRetention(store, 1e6, 1e15, NOW)).toEqual({ dropped: 0, remaining: 0 });
    const keys = await appendEvents(store, batch(0, BATCH_EVENTS * 2 + 1));
    expect(keys).toHaveLength(3);
    const read = await store.readBatchesAfter(undefined, NOW);
    expect(read.batches.map((b) => b.events.length)).toEqual([BATCH_EVENTS, BATCH_EVENTS, 1]);
    expect(await ids(store)).toHaveLength(BATCH_EVENTS * 2 + 1);
    expect(await trimOldest(store, 1)).toEqual({ dropped: BATCH_EVENTS * 2, remaining: 1 });
    store.close();
  });

  it('a log written without counts (an older version) is counted by reading each batch once', async () => {
    const store = await openStore(fresh());
    await store.db.add('batches', { lastTs: 0, events: batch(0, 3) });
    await store.db.add('batches', { lastTs: 0, events: batch(3, 2) });
    await appendEvents(store, batch(5, 2));
    expect(await trimOldest(store, 3)).toEqual({ dropped: 4, remaining: 3 });
    expect(await ids(store)).toEqual(['e4', 'e5', 'e6']);
    store.close();
  });

  it('readBatchesAfter does not read batches the caller already applied, and says the newest key', async () => {
    const store = await openStore(fresh());
    const k1 = (await appendEvents(store, batch(0, 2)))[0]!;
    const k2 = (await appendEvents(store, batch(2, 2)))[0]!;
    const k3 = (await appendEvents(store, batch(4, 1)))[0]!;
    const read = await store.readBatchesAfter(undefined, NOW, new Set([k1, k3]));
    expect(read.batches.map((b) => b.id)).toEqual([k2]);
    expect(read.lastKey).toBe(k3);
    expect((await store.readBatchesAfter(k3, NOW, new Set([k1]))).lastKey).toBeUndefined();
    expect((await store.readBatchesAfter(k1, NOW)).batches.map((b) => b.id)).toEqual([k2, k3]);
    store.close();
  });
});

describe('batch records as JSON text (schema 3)', () => {
  const ids = async (store: Awaited<ReturnType<typeof openStore>>) => (await store.readEvents(NOW)).map((e) => e.id);
  it('writes each record\'s events as one JSON array text, from the texts the caller gives', async () => {
    const store = await openStore(fresh());
    const events = [ev(1), ev(2)];
    await store.appendEvents(events.map((e) => e.ts), recordTexts(events.map((e) => JSON.stringify(e))));
    const [record] = await store.db.getAll('batches');
    expect(typeof record!.events).toBe('string');
    expect(JSON.parse(record!.events as string)).toEqual(events);
    store.close();
  });

  it('a schema-2 database opens at schema 3 with its array records read, trimmed and counted as they were', async () => {
    const name = fresh();
    const v2 = await openDB(name, 2, {
      upgrade(db) {
        db.createObjectStore('batches', { keyPath: 'id', autoIncrement: true }).createIndex('lastTs', 'lastTs');
        for (const s of ['profile', 'model', 'meta']) db.createObjectStore(s);
      },
    });
    await v2.add('batches', { lastTs: 0, events: [ev(1), ev(2), ev(3)] });
    v2.close();
    const store = await openStore(name);
    expect(store.db.version).toBe(SCHEMA_VERSION);
    await appendEvents(store, [ev(4), ev(5), ev(6)]);
    expect(await ids(store)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    // Front trims keep each record's own form: the array stays an array, the text stays text.
    expect(await trimOldest(store, 4)).toEqual({ dropped: 2, remaining: 4 });
    expect((await store.db.getAll('batches')).map((r) => (Array.isArray(r.events) ? r.events.length : typeof r.events))).toEqual([1, 'string']);
    expect(await enforceRetention(store, 2, 1e15, NOW)).toEqual({ dropped: 2, remaining: 2 });
    const records = await store.db.getAll('batches');
    expect(records.map((r) => typeof r.events)).toEqual(['string']);
    expect(await ids(store)).toEqual(['e5', 'e6']);
    store.close();
  });

  it('a text record that does not read as a JSON array is one quarantined row, never fatal', () => {
    expect(batchEvents({ events: batchText(['{"id":"a"}', '{"id":"b"}']) })).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(batchEvents({ events: [1] })).toEqual([1]);
    expect(batchEvents({ events: '[{"id":' })).toBeUndefined();
    expect(batchEvents({ events: '{"id":"a"}' })).toBeUndefined();
    expect(batchEvents(null)).toBeUndefined();
    expect(reviveBatchEvents({ events: '[{"id":' }, NOW)).toEqual({ events: [], quarantined: 1 });
    expect(reviveBatchEvents({ events: batchText([JSON.stringify(ev(1)), 'null']) }, NOW)).toEqual({ events: [ev(1)], quarantined: 1 });
  });
});

describe('store upgrades from an empty version-1 database', () => {
  it('creates the missing stores instead of failing', async () => {
    const name = `pz-test-empty-v1-${Date.now()}`;
    (await openDB(name, 1)).close();
    const store = await openStore(name);
    expect([...store.db.objectStoreNames].sort()).toEqual(['batches', 'meta', 'model', 'profile']);
    store.close();
  });
});

describe('store faults', () => {
  it('trimOldest(Infinity, n) (room on a full disk) removes exactly n of the oldest events, whole batches first', async () => {
    const store = await openStore(fresh());
    await appendEvents(store, [ev(1), ev(2), ev(3)]);
    await appendEvents(store, [ev(4), ev(5)]);
    expect(await trimOldest(store, Number.POSITIVE_INFINITY, 4)).toEqual({ dropped: 4, remaining: 1 });
    expect((await store.readEvents(NOW)).map((e) => e.id)).toEqual(['e5']);
    expect((await trimOldest(store, Number.POSITIVE_INFINITY, 10)).dropped).toBe(1);
    expect(await store.readEvents(NOW)).toEqual([]);
    store.close();
  });

  it('readers skip and count unreadable rows; retention neither throws on them nor counts them', async () => {
    const name = fresh();
    const store = await openStore(name);
    await appendEvents(store, [ev(1), ev(2)]);
    await store.db.add('batches', { lastTs: 0, events: 'junk' } as never);
    await store.db.add('batches', { lastTs: 0, events: [null, { type: 'view' }, ev(3)] } as never);
    const read = await store.readBatchesAfter(undefined, NOW);
    expect(read.quarantined).toBe(3);
    expect(read.batches.flatMap((b) => b.events.map((e) => e.id))).toEqual(['e1', 'e2', 'e3']);
    expect(await enforceRetention(store, 2, 1e15, NOW)).toEqual({ dropped: 1, remaining: 2 });
    expect((await store.readEvents(NOW)).map((e) => e.id)).toEqual(['e2', 'e3']);
    store.close();
  });
});
