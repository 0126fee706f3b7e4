import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_SETTINGS } from '../../src/core/settings';
import { PersonalizerService } from '../../src/worker/service';
import { manualClock } from './manual-clock';
import { T0 } from './profile-helpers';

const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
});

function service(c = manualClock(T0)): PersonalizerService {
  const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => import('../../src/core/model/learner') });
  started.push(svc);
  return svc;
}

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${tag}-${i}`, type: 'click', item: { id: `i${i % 300}`, category: `c/${i % 7}` }, ts: T0 - (n - i) * 2000 }));

describe('the worker never lets ingest block ranking', () => {
  it('takes the page form of a track call, one JSON line per event: each line decoded in turn, a bad one rejected alone', async () => {
    const svc = service();
    await svc.init({ dbName: `pz-slicing-${T0}-text`, seed: 1 });
    const lines = [...events(3, 'text').map((e) => JSON.stringify(e)), '{"id": "broken"', JSON.stringify({ id: 'text-4', type: 'view', item: { id: 'i4' }, ts: T0 - 1 })];
    const ack = await svc.track(lines.join('\n'));
    expect(ack.accepted).toEqual(['text-0', 'text-1', 'text-2', 'text-4']);
    expect(ack.rejected).toEqual([{ index: 3, error: 'InvalidEventError: the event is not valid JSON' }]);
    expect(ack.durable).toBe(true);
    expect((await svc.track('')).accepted).toEqual([]);
  });


  it(`in a burst, events with more than ENGINE_SETTINGS.burstLearnWindow events queued behind them reach the profile but build no pairs`, async () => {
    const W = ENGINE_SETTINGS.burstLearnWindow;
    /** 20 views fill the pool of recent items, then 100 clicks on other items: each click makes pairs against the pool. */
    const head = (tag: string) => [
      ...Array.from({ length: 20 }, (_, i) => ({ id: `${tag}-v${i}`, type: 'view', item: { id: `p${i}`, category: 'c/1' }, ts: T0 - 10_000 + i })),
      ...Array.from({ length: 100 }, (_, i) => ({ id: `${tag}-c${i}`, type: 'click', item: { id: `q${i}`, category: 'c/2' }, ts: T0 - 5_000 + i })),
    ];
    const tail = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${tag}-t${i}`, type: 'view', item: { id: `p${i % 20}`, category: 'c/1' }, ts: T0 - 1_000 }));
    const pending = (svc: PersonalizerService) => (svc as unknown as { engine: { pendingExamples(): number } }).engine.pendingExamples();

    // The clicks have W views queued behind them (two more calls, sent at once): no pairs.
    const burst = service();
    await burst.init({ dbName: `pz-slicing-${T0}-burst`, seed: 1 });
    const acks = await Promise.all([burst.track(head('b')), burst.track(tail('b1', W / 2)), burst.track(tail('b2', W / 2))]);
    expect(acks.map((a) => a.accepted.length)).toEqual([120, W / 2, W / 2]);
    expect(((await burst.profile()) as { profile: { eventCount: number } }).profile.eventCount).toBe(120 + W);
    expect(pending(burst)).toBe(0);

    // The same events with one view fewer behind the last click: the clicks within the window learn.
    const edge = service();
    await edge.init({ dbName: `pz-slicing-${T0}-edge`, seed: 1 });
    await Promise.all([edge.track(head('e')), edge.track(tail('e1', W / 2)), edge.track(tail('e2', W / 2 - 1))]);
    expect(pending(edge)).toBe(10);

    // Sent one after another (acknowledged before the next), nothing is queued behind the clicks: all learn.
    const calm = service();
    await calm.init({ dbName: `pz-slicing-${T0}-calm`, seed: 1 });
    await calm.track(head('c'));
    expect(pending(calm)).toBe(100 * 10);
    await calm.track(tail('c1', W / 2));
    expect(pending(calm)).toBe(100 * 10);
  });
  it('a rerank asked during a 1,000-event ingest is answered before the ingest ends', async () => {
    const svc = service();
    await svc.init({ dbName: `pz-slicing-${T0}-a`, seed: 1 });
    const order: string[] = [];
    /** Events the profile has counted so far (the engine is the service's own state). */
    const counted = () => (svc as unknown as { engine: { profile: { eventCount: number } } }).engine.profile.eventCount;
    let countedAtRerank = -1;
    const tracked = svc.track(events(1000, 'a')).then((ack) => {
      order.push('track');
      return ack;
    });
    const ranked = svc.rerank([{ id: 'x', category: 'c/1' }, { id: 'y', category: 'c/2' }], { slot: 's' }).then((r) => {
      countedAtRerank = counted();
      order.push('rerank');
      return r;
    });
    const [ack, result] = await Promise.all([tracked, ranked]);
    expect(order).toEqual(['rerank', 'track']);
    // Answered between two slices of the ingest, not after it.
    expect(countedAtRerank).toBeGreaterThan(0);
    expect(countedAtRerank).toBeLessThan(1000);
    expect(result.items.map((i) => i.id).sort()).toEqual(['x', 'y']);
    expect(ack.accepted).toHaveLength(1000);
  });

  it('calls to track run in order: a short one waits for the long one before it', async () => {
    const svc = service();
    await svc.init({ dbName: `pz-slicing-${T0}-b`, seed: 1 });
    const first = svc.track(events(600, 'first'));
    const second = svc.track(events(3, 'second'));
    const [a, b] = await Promise.all([first, second]);
    expect(a.accepted).toHaveLength(600);
    expect(b.accepted).toEqual(['second-0', 'second-1', 'second-2']);
    const view = (await svc.profile()) as { profile: { eventCount: number } };
    expect(view.profile.eventCount).toBe(603);
  });

  it('learning waits for a pause in track calls: a burst is stored back to back, then learnt from', async () => {
    const c = manualClock(T0);
    const svc = service(c);
    await svc.init({ dbName: `pz-slicing-${T0}-c`, seed: 1 });
    const inner = svc as unknown as { engine: { pendingExamples(): number }; learnerPromise?: Promise<void> };
    // Feedback for the learner: clicks low in shown lists (skip-above pairs).
    for (let k = 0; k < 4; k++) {
      const shown = await svc.rerank(Array.from({ length: 10 }, (_, i) => ({ id: `l${k}-${i}`, category: `c/${i % 3}` })), { slot: `s${k}` });
      await svc.track([{ id: `click-${k}`, type: 'click', item: { id: shown.items[9]!.id }, listId: shown.listId }]);
    }
    await inner.learnerPromise;
    const waiting = inner.engine.pendingExamples();
    expect(waiting).toBeGreaterThan(0);
    // A burst: a track call every 10 ms for 200 ms. Nothing is learnt meanwhile, however long it lasts.
    /** Lets the worker's own bookkeeping after an answered call run (promise reactions), as the event loop would. */
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    for (let k = 0; k < 20; k++) {
      await svc.track(events(50, `burst-${k}`).map((e) => ({ ...e, type: 'view' })));
      await settle();
      c.advance(10);
      expect(inner.engine.pendingExamples()).toBe(waiting);
    }
    // A pause lets training run (it looks again every TRAIN_WAIT_MS = 20 ms, so within two looks).
    await settle();
    c.advance(25);
    c.advance(25);
    expect(inner.engine.pendingExamples()).toBeLessThan(waiting);
  });
});
