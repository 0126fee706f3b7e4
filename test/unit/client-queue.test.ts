import { expose } from 'comlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackAck } from '../../src/core/api';
import type { ShopperEvent } from '../../src/core/types';
import { unpackCandidates } from '../../src/core/input/packed';
import { packResult } from '../../src/core/rank/packed-result';
import { type Client, createClient } from '../../src/client/client';
import type { EarlyStart } from '../../src/client/early-start';

/**
 * A stand-in for the module worker: comlink's own `expose` on one end of a MessageChannel, the client
 * on the other. `posted` lists every call as the client posts it, in order: [method, events in a track
 * call (one JSON line each) or candidates in a packed rerank].
 */
function fakeWorker() {
  const { port1, port2 } = new MessageChannel();
  const posted: [string, number][] = [];
  const api = {
    ping: () => true,
    init: () => ({ ready: true, version: 'test', events: 0 }),
    track(text: string): TrackAck {
      const ids = text.split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
      return { accepted: ids, rejected: [], duplicates: 0, durable: true };
    },
    rerankPacked(packed: unknown) {
      const list = (unpackCandidates(packed) ?? []) as { id: string }[];
      return packResult({ items: list.map((c, i) => ({ id: c.id, score: 0, from: i, to: i })), fellBack: false, tookMs: 0 });
    },
  };
  expose(api, port2 as unknown as Parameters<typeof expose>[1]);
  port1.start();
  const worker = {
    postMessage(message: { path?: string[]; argumentList?: { value?: unknown }[] }, transfer?: Transferable[]) {
      const arg = message?.argumentList?.[0]?.value as string | { ids?: unknown[] } | undefined;
      if (message?.path?.[0]) posted.push([message.path[0], typeof arg === 'string' ? arg.split('\n').length : (arg?.ids?.length ?? 0)]);
      port1.postMessage(message, transfer ?? []);
    },
    addEventListener: (type: string, fn: EventListener) => {
      if (type === 'message') port1.addEventListener('message', fn as never);
    },
    removeEventListener: (type: string, fn: EventListener) => {
      if (type === 'message') port1.removeEventListener('message', fn as never);
    },
    terminate() {
      port1.close();
      port2.close();
    },
  };
  return { worker: worker as unknown as Worker, posted };
}

const view = (i: number): ShopperEvent => ({ id: `e${i}`, type: 'view', item: { id: `i${i % 50}`, category: 'a/b' } });
const candidates = [{ id: 'x' }, { id: 'y' }];

describe('the client hands a burst to the worker without holding a rerank behind it', () => {
  let client: Client | undefined;
  let fake: ReturnType<typeof fakeWorker>;

  beforeEach(async () => {
    // The client checks for Worker support before it starts its worker (here the stand-in).
    vi.stubGlobal('Worker', class {});
    fake = fakeWorker();
    const early: EarlyStart = { worker: fake.worker, newWorker: () => fake.worker, takeEvents: () => [] };
    client = createClient({ workerUrl: 'pz-worker.js', dbName: 'pz-client-queue' }, early);
    await client.ready();
    fake.posted.length = 0;
  });

  afterEach(() => {
    client?.destroy();
    vi.unstubAllGlobals();
  });

  /** Tracks `n` events and asks a rerank in one task; returns what was posted in that task and the answer. */
  async function trackThenRerank(n: number) {
    for (let i = 0; i < n; i++) client!.track(view(i));
    const answer = client!.rerank(candidates);
    const inThisTask = fake.posted.slice();
    return { inThisTask, result: await answer };
  }

  it('a few events tracked right before a rerank go first, so the rerank sees them', async () => {
    const { inThisTask, result } = await trackThenRerank(3);
    expect(inThisTask).toEqual([
      ['track', 3],
      ['rerankPacked', 2],
    ]);
    expect(result.fellBack).toBe(false);
  });

  it('as many as one batch holds (500) still go first', async () => {
    const { inThisTask } = await trackThenRerank(500);
    expect(inThisTask).toEqual([
      ['track', 500],
      ['rerankPacked', 2],
    ]);
  });

  it('a burst of more than one batch: the rerank goes first, the burst follows one batch per task, and every event is acknowledged', async () => {
    let acked = 0;
    client!.on('tracked', (a) => {
      acked += a.accepted.length;
    });
    const { inThisTask, result } = await trackThenRerank(1_201);
    expect(inThisTask).toEqual([['rerankPacked', 2]]);
    expect(result.fellBack).toBe(false);
    await vi.waitFor(() => expect(acked).toBe(1_201));
    expect(fake.posted.filter(([m]) => m === 'track').map(([, n]) => n)).toEqual([500, 500, 201]);
    // Nothing left unacknowledged: a flush has nothing to wait for.
    expect(await client!.flush()).toBeUndefined();
  });
});
