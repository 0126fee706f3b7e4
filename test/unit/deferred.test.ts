import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferPersonalizer, handOver } from '../../src/client/deferred';
import type { Personalizer } from '../../src/client/personalizer';

/** A real-shaped personalizer that records every call it gets, in order. */
function recorder() {
  const calls: unknown[][] = [];
  const offs: string[] = [];
  const rec =
    (name: string, answer?: unknown) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return answer;
    };
  const real = {
    track: rec('track'),
    impression: rec('impression'),
    rerank: (c: unknown, o: unknown) => {
      calls.push(['rerank', c, o]);
      return Promise.resolve({ items: [{ id: 'b', score: 1, from: 1, to: 0 }], fellBack: false, tookMs: 1 });
    },
    profile: rec('profile', Promise.resolve({ p: 1 })),
    erase: rec('erase', Promise.resolve()),
    consent: rec('consent', 'denied'),
    paused: rec('paused', true),
    on: (name: string, fn: unknown) => {
      calls.push(['on', name, typeof fn]);
      return () => offs.push(name);
    },
    destroy: rec('destroy'),
  } as unknown as Personalizer;
  return { real, calls, offs };
}

const init = { consent: 'granted' as const, paused: false };

afterEach(() => {
  vi.useRealTimers();
});

describe('the stand-in while the client file loads', () => {
  it('keeps every call in order, stamps tracked events, and replays them on the client when it arrives', async () => {
    const d = deferPersonalizer(init, 800);
    const before = Date.now();
    d.api.track({ type: 'click', item: { id: 'a' } });
    d.api.track({ type: 'view', item: { id: 'b' }, ts: 5 });
    d.api.impression({ listId: 'l1', ids: ['a'] } as never);
    const profile = d.api.profile();
    d.api.push(['track', { type: 'search', query: 'red' }]);
    const { real, calls } = recorder();
    handOver(d, real);
    expect(calls.map((c) => c[0])).toEqual(['track', 'track', 'impression', 'profile', 'track']);
    const stamped = calls[0]![1] as { ts: number };
    expect(stamped.ts).toBeGreaterThanOrEqual(before);
    expect((calls[1]![1] as { ts: number }).ts).toBe(5); // a time the page gave is kept
    await expect(profile).resolves.toEqual({ p: 1 });
    // After the client arrived, calls go straight to it.
    d.api.track({ type: 'click', item: { id: 'c' }, ts: 1 });
    expect(calls.at(-1)).toEqual(['track', { type: 'click', item: { id: 'c' }, ts: 1 }]);
    await expect(d.api.erase()).resolves.toBeUndefined();
  });

  it('a rerank waiting for the client gets its answer when it arrives in time', async () => {
    vi.useFakeTimers();
    const d = deferPersonalizer(init, 800);
    const answer = d.api.rerank([{ id: 'a' }, { id: 'b' }], { slot: 's' });
    vi.advanceTimersByTime(500);
    const { real, calls } = recorder();
    handOver(d, real);
    await expect(answer).resolves.toMatchObject({ fellBack: false, items: [{ id: 'b' }] });
    expect(calls).toEqual([['rerank', [{ id: 'a' }, { id: 'b' }], { slot: 's' }]]);
  });

  it('a rerank handed over in time whose answer comes after readyTimeoutMs (from the call) gets the server order at the deadline', async () => {
    vi.useFakeTimers();
    const d = deferPersonalizer(init, 800);
    const answer = d.api.rerank([{ id: 'a' }, { id: 'b' }]);
    vi.advanceTimersByTime(500);
    let late!: (r: unknown) => void;
    const real = { rerank: () => new Promise((resolve) => (late = resolve)) } as unknown as Personalizer;
    handOver(d, real);
    vi.advanceTimersByTime(300);
    const r = await answer;
    expect(r.items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(r.fellBack).toMatch(/did not load within 800 ms/);
    late({ items: [], fellBack: false, tookMs: 1 });
    await expect(answer).resolves.toBe(r);
  });

  it('a rerank still waiting after readyTimeoutMs answers the server order and is never sent later', async () => {
    vi.useFakeTimers();
    const d = deferPersonalizer(init, 800);
    const answer = d.api.rerank([{ id: 'a' }, { id: 'a' }, { id: 2 }, { nope: 1 }, { id: 'c' }], { limit: 2 });
    vi.advanceTimersByTime(800);
    const r = await answer;
    expect(r.items.map((i) => i.id)).toEqual(['a', '2']);
    expect(r.fellBack).toMatch(/did not load within 800 ms/);
    const { real, calls } = recorder();
    handOver(d, real);
    expect(calls).toEqual([]);
  });

  it('consent and paused answer the starting state, then the change asked, and the change reaches the client', () => {
    const d = deferPersonalizer({ ...init, consent: 'pending', paused: true }, 800);
    expect(d.api.consent()).toBe('pending');
    expect(d.api.paused()).toBe(true);
    expect(d.api.consent('granted')).toBe('granted');
    expect(d.api.consent('nonsense' as never)).toBe('granted');
    expect(d.api.paused(false)).toBe(false);
    const { real, calls } = recorder();
    handOver(d, real);
    expect(calls).toEqual([['consent', 'granted'], ['paused', false]]);
    expect(d.api.consent()).toBe('denied'); // the client's answer from now on
  });

  it('a listener removed before the client arrives never reaches the client; one removed after is removed from it', () => {
    const d = deferPersonalizer(init, 800);
    const offReady = d.api.on('ready', () => undefined);
    const offError = d.api.on('error', () => undefined);
    offReady();
    const { real, calls, offs } = recorder();
    handOver(d, real);
    expect(calls).toEqual([['on', 'error', 'function']]);
    expect(offs).toEqual([]);
    offError();
    offReady(); // a second call changes nothing
    expect(offs).toEqual(['error']);
  });

  it('events tracked under denied consent are not kept', () => {
    const d = deferPersonalizer({ ...init, consent: 'denied' }, 800);
    d.api.track({ type: 'click', item: { id: 'a' } });
    const { real, calls } = recorder();
    handOver(d, real);
    expect(calls).toEqual([]);
  });
});

describe('when the client file cannot load', () => {
  it('answers every waiting call with the failure value and tells error listeners, counting the events not stored', async () => {
    const d = deferPersonalizer(init, 800);
    const heard: { where: string; message: string }[] = [];
    d.api.on('error', (e) => heard.push(e));
    d.api.track({ type: 'click', item: { id: 'a' } });
    d.api.track({ type: 'click', item: { id: 'b' } });
    const rerank = d.api.rerank([{ id: 'x' }, { id: 'y' }]);
    const profile = d.api.profile();
    const erase = d.api.erase();
    d.fail('the client file could not load (404)');
    await expect(rerank).resolves.toMatchObject({ items: [{ id: 'x' }, { id: 'y' }], fellBack: 'the client file could not load (404)' });
    await expect(profile).resolves.toBeUndefined();
    await expect(erase).rejects.toThrow(/could not load/);
    expect(heard).toEqual([{ where: 'load', message: 'the client file could not load (404); 2 events were not stored' }]);
    // Later calls answer at once, and nothing throws.
    await expect(d.api.rerank([{ id: 'z' }])).resolves.toMatchObject({ items: [{ id: 'z' }] });
    await expect(d.api.erase()).rejects.toThrow(/could not load/);
    expect(() => d.api.track({ type: 'click', item: { id: 'c' } })).not.toThrow();
    // A listener removed before the failure does not hear it; one added with push does.
    const pushed: unknown[] = [];
    const d2 = deferPersonalizer(init, 800);
    const off = d2.api.on('error', (e) => heard.push(e));
    off();
    d2.api.push((pz) => pz.on('error', (e) => pushed.push(e)));
    d2.fail('gone');
    expect(pushed).toEqual([{ where: 'load', message: 'gone' }]);
    expect(heard).toHaveLength(1);
    // A client arriving after the failure changes nothing.
    const { real, calls } = recorder();
    handOver(d, real);
    expect(calls).toEqual([]);
  });
});
