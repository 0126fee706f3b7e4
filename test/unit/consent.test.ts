import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { effectiveConsent, parseConsent } from '../../src/core/privacy/consent';
import type { Profile } from '../../src/core/profile/profile';
import { openStore } from '../../src/worker/store';
import { PersonalizerService } from '../../src/worker/service';
import { T0 } from './profile-helpers';
import { manualClock } from './manual-clock';

describe('effectiveConsent', () => {
  it('a remembered "off" wins over the site, the browser and the default', () => {
    expect(effectiveConsent(undefined, 'denied', false)).toBe('denied');
    expect(effectiveConsent('granted', 'denied', false)).toBe('denied');
    expect(effectiveConsent('pending', 'denied', false)).toBe('denied');
  });
  it('a remembered "on" lifts the GPC default but never an explicit site state', () => {
    expect(effectiveConsent(undefined, 'granted', true)).toBe('granted');
    expect(effectiveConsent('denied', 'granted', false)).toBe('denied');
    expect(effectiveConsent('pending', 'granted', false)).toBe('pending');
  });
  it('without a remembered choice: the site state, else GPC / DNT, else granted', () => {
    expect(effectiveConsent(undefined, undefined, false)).toBe('granted');
    expect(effectiveConsent(undefined, undefined, true)).toBe('denied');
    expect(effectiveConsent('granted', undefined, true)).toBe('granted');
  });
  it('reads only the three states', () => {
    expect(parseConsent('denied')).toBe('denied');
    expect(parseConsent('DENIED')).toBeUndefined();
    expect(parseConsent(null)).toBeUndefined();
  });
});

const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
});
let n = 0;
const freshDb = () => `pz-consent-${n++}-${T0}`;
const clocks = new Map<PersonalizerService, ReturnType<typeof manualClock>>();
const service = () => {
  const c = manualClock(T0);
  const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => import('../../src/core/model/learner') });
  started.push(svc);
  clocks.set(svc, c);
  return svc;
};
/** Runs every timer the service set (the snapshot debounce among them), then waits for its writes. */
const settle = async (svc: PersonalizerService) => {
  clocks.get(svc)!.advance(60_000);
  await svc.idle();
};
const databases = async () => (await indexedDB.databases()).map((d) => d.name);

describe('a read-only worker (consent not granted)', () => {
  it('creates no database: declared values, profile and export stay in memory', async () => {
    const dbName = freshDb();
    const svc = service();
    const status = await svc.init({ dbName, seed: 1, readOnly: true });
    expect(status.events).toBe(0);
    await svc.setDeclared('size', 'XL');
    const view = (await svc.profile()) as { profile: Profile };
    expect(view.profile.declared).toEqual({ size: 'XL' });
    expect((await svc.exportData()).events).toEqual([]);
    const ack = await svc.track([{ type: 'view', item: { id: 'a' } }]);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected[0]?.error).toMatch(/ConsentError/);
    await settle(svc);
    expect(await databases()).not.toContain(dbName);
  });

  it('reads an existing database and never writes to it', async () => {
    const dbName = freshDb();
    const writer = service();
    await writer.init({ dbName, seed: 1 });
    await writer.track([{ id: 'e1', type: 'click', item: { id: 'a', category: 'shoes/running' } }]);
    writer.close();
    const reader = service();
    const status = await reader.init({ dbName, seed: 1, readOnly: true });
    expect(status.events).toBe(1);
    expect(((await reader.profile()) as { profile: Profile }).profile.eventCount).toBe(1);
    await reader.setDeclared('region', 'EU-secret');
    await settle(reader);
    reader.close();
    const store = await openStore(dbName);
    const snap = (await store.getProfile()) as { value: { declared: Record<string, unknown> } } | undefined;
    expect(JSON.stringify(snap ?? {})).not.toContain('EU-secret');
    expect(await store.readEvents(Date.now())).toHaveLength(1);
    store.close();
  });
});
