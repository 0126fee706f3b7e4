/**
 * The main-thread client: starts the module worker the moment it is created, hands every event to it
 * at the end of the task that tracked it, and turns every failure (no Worker support, worker crash or
 * hang, slow answer, bad input) into a defined answer: the server order for reranks, `undefined` or a
 * rejection for the rest, each within a deadline. It never throws into the host page. Used by the
 * script-tag loader and the npm entry alike.
 *
 * Nothing the shopper did is lost: events stay in the page only while the worker cannot take them
 * (consent pending, worker restarting) and, once sent, until the worker acknowledged them as
 * durable; a worker that dies is restarted with backoff and the unacknowledged events are sent again
 * (the worker dedupes by event id). When the page is hidden or left, unacknowledged events are
 * written synchronously to the exit stash (`exit-stash.ts`), which the next page sends on. Beyond {@link PAGE_QUEUE_CAP} waiting events, new ones are
 * counted and reported through the `error` event, never dropped silently.
 */
import { type Endpoint, type Remote, transfer, wrap } from 'comlink';
import type { ExportBundle, Explanation, ExposedWorkerApi, LastRerank, ReportStatus, TrackAck, WorkerApi, WorkerConfig, WorkerRequest, WorkerStatus } from '../core/api';
import type { InterestKind } from '../core/privacy/interests';
import type { ConsentState, Impression, RerankOptions, RerankResult, ShopperEvent } from '../core/types';
import { serverOrder } from '../core/rank/server-order';
import { packCandidates } from '../core/input/packed';
import { unpackResult } from '../core/rank/packed-result';
import { CLIENT_SETTINGS, DEFAULT_DB_NAME } from '../core/settings';
import { openChoiceMemory } from './choice-memory';
import { startingState } from './starting-state';
import { type EarlyStart, newWorker } from './early-start';
import { clearStashes, stashPrefix, takeStashes, writeStash } from './exit-stash';

/** Options for {@link createClient} (and the npm `createPersonalizer`). */
export interface ClientOptions extends WorkerConfig {
  /** URL of the module worker bundle (`pz-worker.js`), same origin as the page. */
  workerUrl: string | URL;
  /**
   * Consent mode: `granted` (default), `pending` (keep events in memory until granted) or `denied`.
   * A choice made later with `consent(state)` is remembered on the device and applies on later pages
   * (see `effectiveConsent`: a remembered `denied` always wins).
   */
  consent?: ConsentState;
  /** Honour Global Privacy Control and Do Not Track (default true): they start as `denied`. */
  honorBrowserSignals?: boolean;
  /** Time a rerank may take once the worker is ready (default 50 ms); then the server order. */
  budgetMs?: number;
  /** How long a rerank waits for the worker to start (default 800 ms); then the server order. */
  readyTimeoutMs?: number;
}

/** Events waiting in the page (unsent or unacknowledged) beyond this many are counted and reported, not kept. */
export const PAGE_QUEUE_CAP = 100_000;
/** Events per message to the worker (the worker takes at most 1,000 per call). */
const BATCH_MAX = 500;
/** Deadline of calls other than `rerank` (profile, export, erase, acknowledgements…). */
const CALL_DEADLINE_MS = 10_000;
/** How long a silent worker gets to answer a ping before it is taken for dead and restarted. */
const PING_DEADLINE_MS = 3_000;
/** Delays before the 1st, 2nd, … restart of a dead worker; after the last one it stays down. */
const RESTART_BACKOFF_MS = [250, 1_000, 4_000, 16_000];
/** Slack on top of the worker's rerank budget for messaging and a busy main thread. */
const MESSAGING_SLACK_MS = 50;

/** Events the client emits to `on(...)` listeners. */
export interface ClientEvents {
  ready: WorkerStatus;
  error: { where: string; message: string };
  reranked: { slot?: string; result: RerankResult };
  consent: ConsentState;
  paused: boolean;
  /** An interest was removed or restored. */
  interests: { kind: InterestKind; key: string; removed: boolean };
  erased: Record<string, never>;
  tracked: TrackAck;
}

type Listener<K extends keyof ClientEvents> = (detail: ClientEvents[K]) => void;

/**
 * The personalizer's calls. Every method is safe to call at any time, before or after the worker is
 * ready, and never throws into the page (except `erase`, which rejects if the data could not be
 * deleted, so callers can tell the shopper).
 */
export interface PersonalizerCalls {
  /** Records one shopper event (validated in the worker; invalid ones are reported, never stored). */
  track(event: ShopperEvent): void;
  /** Sends buffered events now; resolves with the worker's acknowledgement (durable events). */
  flush(): Promise<TrackAck | undefined>;
  /** Reranks server candidates for this shopper; on any problem resolves to the server order. */
  rerank(candidates: unknown, options?: RerankOptions): Promise<RerankResult>;
  /** Records the order a list was actually shown in (slots and the widget do this themselves). */
  impression(impression: Impression): void;
  /** The shopper's profile, segments and propensities, as stored on this device. */
  profile(): Promise<unknown>;
  /** Why an item sits where it does. */
  explain(id: string): Promise<Explanation | undefined>;
  /** Everything stored about the shopper, as one JSON-serialisable object. */
  exportData(): Promise<ExportBundle | undefined>;
  /** Deletes every event, the profile and the model on this device, in every open tab. */
  erase(): Promise<void>;
  /** Sets (or with `undefined` removes) an attribute the shopper declared, such as a size. */
  setDeclared(key: string, value: string | undefined): Promise<void>;
  /** Reads or changes consent; a change is remembered on this device and applied in every tab. */
  consent(state?: ConsentState): ConsentState;
  /**
   * Reads or sets "personalization paused": events are still recorded, every rerank returns the server
   * order exactly (`fellBack: "paused"`). Remembered on this device (under granted consent) in every tab.
   */
  paused(state?: boolean): boolean;
  /**
   * Removes an interest (a category path, brand or tag, as `profile()` shows it): it leaves the profile,
   * the next rerank no longer uses it, and new events never bring it back until restored.
   * Resolves false when nothing was removed.
   */
  removeInterest(kind: InterestKind, key: string): Promise<boolean>;
  /** Lets a removed interest be learned again from new events. */
  restoreInterest(kind: InterestKind, key: string): Promise<boolean>;
  /** "Why these items": the last personalized rerank, each item with its reason in words. */
  explainLast(): Promise<LastRerank | undefined>;
  /** Locally private reports sent to the site (`data-report`), when, and the ε budget left; undefined when off. */
  reports(): Promise<ReportStatus | undefined>;
  /** The network requests the worker made (the newest 200: URL, method, static file or report with its ε, time, outcome; never a body); undefined when the worker did not answer. */
  requests(): Promise<WorkerRequest[] | undefined>;
  /** Subscribes to `ready`, `error`, `reranked`, `consent`, `paused`, `interests`, `erased`, `tracked`; returns an unsubscribe function. */
  on<K extends keyof ClientEvents>(name: K, fn: Listener<K>): () => void;
}

/** The main-thread client: the calls plus worker lifecycle. */
export interface Client extends PersonalizerCalls {
  /** Resolves once the worker is ready (or rejects if it cannot start). */
  ready(): Promise<WorkerStatus>;
  destroy(): void;
}

/** Why a worker died when its error event gives no message (a script that cannot load fires a plain Event). */
const WORKER_LOAD_FAILED = 'worker failed to load';
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Events sent to the worker and not yet acknowledged: sent again to a restarted worker. */
interface Batch {
  events: ShopperEvent[];
  /**
   * The events as the worker gets them, one JSON line each: a string crosses to the worker at once, and
   * the worker decodes the lines one by one between reranks (a structured clone of the events would be
   * decoded whole when the message arrives, before a rerank queued behind it).
   */
  text: string;
  settle(ack: TrackAck | undefined): void;
  done: Promise<TrackAck | undefined>;
  watchdog?: ReturnType<typeof setTimeout>;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Creates a client. When consent is granted the worker starts at once, so its thread start and
 * IndexedDB open overlap the page's own loading; otherwise on the first call that needs it.
 */
export function createClient(options: ClientOptions, early?: EarlyStart): Client {
  const budgetMs = options.budgetMs ?? CLIENT_SETTINGS.budgetMs;
  const readyTimeoutMs = options.readyTimeoutMs ?? CLIENT_SETTINGS.readyTimeoutMs;
  // The remembered choice is read before anything else happens, so a shopper's "off" holds from the
  // first event of every page; other tabs' changes arrive through `applyConsent`.
  const memory = openChoiceMemory(options.dbName ?? DEFAULT_DB_NAME, (c) => {
    if (c.consent) applyConsent(c.consent);
    applyPaused(c.paused === true);
  });
  const starting = startingState(options.consent, memory.read(), options.honorBrowserSignals);
  let consent: ConsentState = starting.consent;
  let paused = starting.paused;
  /** Declared values set while consent is not granted: memory only, handed to the next worker. */
  const localDeclared = new Map<string, string | undefined>();
  const listeners = new Map<string, Set<(d: unknown) => void>>();
  /** Tracked, not yet sent (consent pending, worker restarting, or waiting for the end of the task). */
  let outbox: ShopperEvent[] = [];
  /** Sent, not yet acknowledged, in send order. */
  let inflight: Batch[] = [];
  let inflightEvents = 0;
  let overCap = 0;
  let drainQueued = false;
  let drainLater = false;
  let worker: Worker | undefined;
  /** The comlink proxy of {@link worker}. */
  let remote: Remote<ExposedWorkerApi> | undefined;
  /** Set by the endpoint when posting a call failed (a value that cannot be cloned), read right after the call. */
  let postError: unknown;
  let readyPromise: Promise<WorkerStatus> | undefined;
  let status: WorkerStatus | undefined;
  let dead: string | undefined;
  let destroyed = false;
  let restarts = 0;
  let pinging = false;
  let seq = 0;
  const calls = new Map<number, PendingCall>();
  const { workerUrl: _u, consent: _c, honorBrowserSignals: _h, budgetMs: _b, readyTimeoutMs: _r, ...config } = options;
  const stashBase = stashPrefix(options.dbName ?? DEFAULT_DB_NAME);
  const stashKey = `${stashBase}${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  /** The page is hidden or being left: every event is also written to the exit stash at once. */
  let leaving = false;
  let stashed = false;

  function emit<K extends keyof ClientEvents>(name: K, detail: ClientEvents[K]): void {
    for (const fn of listeners.get(name) ?? []) {
      try {
        fn(detail);
      } catch {
        // A listener's bug must not break the personalizer or the page.
      }
    }
  }

  function fail(where: string, err: unknown): void {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (options.debug) console.warn(`[pz] ${where}: ${message}`);
    emit('error', { where, message });
  }

  /** The worker as comlink's endpoint, remembering a failed post so {@link post} can throw it at once. */
  function endpointOf(w: Worker): Endpoint {
    return {
      postMessage(message: unknown, transfer?: Transferable[]) {
        try {
          w.postMessage(message, transfer ?? []);
        } catch (err) {
          postError = err;
          throw err;
        }
      },
      addEventListener: w.addEventListener.bind(w),
      removeEventListener: w.removeEventListener.bind(w),
    };
  }

  /** Posts one call now through comlink (throws if the message cannot be cloned); the promise settles with the answer or at the deadline. */
  function post<K extends keyof ExposedWorkerApi>(m: K, a: unknown[], deadlineMs: number): Promise<unknown> {
    if (!worker || !remote) throw new Error(dead ?? 'worker not running');
    const i = ++seq;
    postError = undefined;
    // comlink posts the message synchronously, inside this call.
    const answer = (remote[m] as unknown as (...args: unknown[]) => Promise<unknown>)(...a);
    if (postError !== undefined) {
      const err = postError;
      postError = undefined;
      answer.catch(() => undefined);
      throw err;
    }
    return new Promise((resolve, reject) => {
      const pending: PendingCall = { resolve, reject };
      if (Number.isFinite(deadlineMs)) {
        pending.timer = setTimeout(() => {
          calls.delete(i);
          reject(new Error(`${m} timed out after ${Math.round(deadlineMs)} ms`));
        }, Math.max(0, deadlineMs));
      }
      calls.set(i, pending);
      answer.then(
        (r) => settleCall(i, r),
        (err: unknown) => settleCall(i, undefined, err instanceof Error ? err : new Error(String(err))),
      );
    });
  }

  function call<K extends keyof WorkerApi>(m: K, a: Parameters<WorkerApi[K]>, deadlineMs = CALL_DEADLINE_MS): Promise<Awaited<ReturnType<WorkerApi[K]>>> {
    try {
      return post(m, a, deadlineMs) as Promise<Awaited<ReturnType<WorkerApi[K]>>>;
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  function settleCall(i: number, r: unknown, err?: Error): void {
    const pending = calls.get(i);
    if (!pending) return;
    calls.delete(i);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (err) pending.reject(err);
    else pending.resolve(r);
  }

  function start(): Promise<WorkerStatus> {
    if (readyPromise) return readyPromise;
    if (dead) return Promise.reject(new Error(dead));
    readyPromise = new Promise<WorkerStatus>((resolve, reject) => {
      if (typeof Worker === 'undefined') {
        dead = 'Web Workers are not supported';
        reject(new Error(dead));
        return;
      }
      // The loader's worker (started when pz.js ran) serves the first start; later ones make their own.
      const adopted = early?.worker;
      const adoptedError = early?.workerError;
      if (early) early.worker = undefined;
      let w: Worker;
      try {
        w = adopted ?? (early?.newWorker ?? newWorker)(options.workerUrl);
      } catch (err) {
        dead = `worker could not start (${errorText(err)})`;
        reject(new Error(dead));
        return;
      }
      worker = w;
      remote = wrap<ExposedWorkerApi>(endpointOf(w));
      w.addEventListener('error', (ev) => {
        ev.preventDefault();
        if (worker === w) onDead(ev.message || WORKER_LOAD_FAILED);
      });
      w.addEventListener('messageerror', () => fail('worker', 'a reply could not be read'));
      if (adopted && adoptedError !== undefined) {
        // It failed before this client listened: restart now rather than wait for init's deadline.
        queueMicrotask(() => {
          if (worker === w) onDead((adoptedError as ErrorEvent).message || WORKER_LOAD_FAILED);
        });
      }
      const readOnly = consent !== 'granted';
      call('init', [{ ...config, readOnly }]).then(
        async (s) => {
          // Values declared while storage was off reach this worker (and are stored once granted).
          for (const [k, v] of [...localDeclared]) {
            await call('setDeclared', [k, v]).catch(() => undefined);
            if (!readOnly) localDeclared.delete(k);
          }
          status = s;
          restarts = 0;
          emit('ready', s);
          resolve(s);
        },
        (err) => {
          if (worker === w) onDead(`init failed (${errorText(err)})`);
          reject(err);
        },
      );
      // A restarted worker gets everything the old one did not acknowledge, in order.
      if (!readOnly) for (const b of inflight) sendBatch(b);
      drain(1);
    });
    readyPromise.catch((err) => fail('start', err));
    return readyPromise;
  }

  /** The worker crashed, failed to load or stopped answering: restart it later, keeping every unacknowledged event. */
  function onDead(reason: string): void {
    dead = `worker crashed (${reason})`;
    try {
      worker?.terminate();
    } catch {
      // already gone
    }
    worker = undefined;
    remote = undefined;
    readyPromise = undefined;
    status = undefined;
    for (const [i, pending] of calls) {
      calls.delete(i);
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(new Error(dead));
    }
    if (destroyed) return;
    const delay = RESTART_BACKOFF_MS[restarts];
    if (delay === undefined) {
      // No more restarts: say what could not be stored instead of pretending.
      const lost = inflightEvents + outbox.length;
      for (const b of inflight) b.settle(undefined);
      inflight = [];
      inflightEvents = 0;
      outbox = [];
      if (lost) fail('track', `${lost} events could not be stored: ${dead}`);
      return;
    }
    restarts++;
    setTimeout(() => {
      if (destroyed) return;
      dead = undefined;
      if (consent === 'granted') start().catch(() => undefined);
    }, delay);
  }

  /** A call outlived its deadline: a worker that does not answer a ping either is taken for dead. */
  function checkAlive(): void {
    if (pinging || !worker) return;
    pinging = true;
    const w = worker;
    post('ping', [], PING_DEADLINE_MS)
      .catch(() => {
        if (worker === w) onDead('it stopped answering');
      })
      .finally(() => {
        pinging = false;
      });
  }

  function newBatch(events: ShopperEvent[], text: string): Batch {
    let settle!: (ack: TrackAck | undefined) => void;
    const done = new Promise<TrackAck | undefined>((resolve) => {
      settle = resolve;
    });
    return { events, text, settle, done };
  }

  function sendBatch(b: Batch): void {
    const w = worker;
    const sent = post('track', [b.text], Number.POSITIVE_INFINITY) as Promise<TrackAck>;
    if (b.watchdog !== undefined) clearTimeout(b.watchdog);
    b.watchdog = setTimeout(checkAlive, CALL_DEADLINE_MS);
    sent.then(
      (ack) => {
        clearTimeout(b.watchdog);
        const at = inflight.indexOf(b);
        if (at >= 0) {
          inflight.splice(at, 1);
          inflightEvents -= b.events.length;
        }
        if (stashed) stashNow();
        emit('tracked', ack);
        if (options.debug) for (const r of ack.rejected) console.warn(`[pz] event rejected: ${r.error}`);
        b.settle(ack);
      },
      (err) => {
        clearTimeout(b.watchdog);
        // A dead worker: the batch stays in flight and goes to the restarted one.
        if (worker === w && worker !== undefined) fail('track', err);
      },
    );
  }

  /**
   * Hands waiting events to the worker: all of them, or the oldest `batches` batches now and the rest
   * one batch per task, so a burst never holds the page (or a rerank asked meanwhile) for long.
   */
  function drain(batches = Number.POSITIVE_INFINITY): void {
    if (consent !== 'granted' || outbox.length === 0) return;
    if (!worker) {
      if (!dead) start().catch(() => undefined);
      return;
    }
    const events = outbox.splice(0, batches * BATCH_MAX);
    for (let at = 0; at < events.length; at += BATCH_MAX) {
      const chunk: ShopperEvent[] = [];
      const lines: string[] = [];
      events.slice(at, at + BATCH_MAX).forEach((e, i) => {
        // One event that cannot be written as JSON (a cycle, a BigInt) must not hold back the others;
        // functions and symbols in it are left out, as JSON leaves them.
        try {
          const line = JSON.stringify(e);
          if (typeof line !== 'string') throw new TypeError('not an object');
          chunk.push(e);
          lines.push(line);
        } catch (err) {
          fail('track', `event ${at + i} dropped: it cannot be sent to the worker (${errorText(err)})`);
        }
      });
      if (chunk.length === 0) continue;
      const b = newBatch(chunk, lines.join('\n'));
      sendBatch(b);
      inflight.push(b);
      inflightEvents += b.events.length;
    }
    // The rest in a later task, queued after this one's work, so an answer that arrived meanwhile (a
    // rerank) is read first; a message rather than a timer, which nesting would clamp to 4 ms.
    if (outbox.length > 0 && !drainLater) {
      drainLater = true;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        drainLater = false;
        drain(1);
      };
      ch.port2.postMessage(0);
    }
  }

  function scheduleDrain(): void {
    if (drainQueued) return;
    drainQueued = true;
    queueMicrotask(() => {
      drainQueued = false;
      if (overCap) {
        fail('track', `${overCap} events dropped: more than ${PAGE_QUEUE_CAP} events were waiting for the worker`);
        overCap = 0;
      }
      drain(1);
    });
  }

  /** Writes every unacknowledged event to this page's exit stash (or removes it when there are none). */
  function stashNow(): void {
    if (consent !== 'granted') return;
    const events = inflight.flatMap((b) => b.events).concat(outbox);
    stashed = writeStash(stashKey, events) && events.length > 0;
  }

  /** Events an earlier page left unacknowledged go first, before anything this page tracks. */
  function adoptStashes(): void {
    const old = takeStashes(stashBase, stashKey);
    if (old.length) outbox = old.concat(outbox);
  }

  function onHide(): void {
    leaving = true;
    drain();
    stashNow();
  }

  function onShow(): void {
    leaving = false;
    if (stashed) writeStash(stashKey, []);
    stashed = false;
  }

  const onVisibility = () => (document.visibilityState === 'hidden' ? onHide() : onShow());
  const onPageShow = (ev: PageTransitionEvent) => {
    if (ev.persisted) onShow();
  };

  async function flush(): Promise<TrackAck | undefined> {
    drain();
    if (consent !== 'granted' || inflight.length === 0) return undefined;
    const batches = inflight.slice();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CALL_DEADLINE_MS);
    });
    const acks = await Promise.race([Promise.all(batches.map((b) => b.done)), deadline]);
    clearTimeout(timer);
    if (acks === 'late') {
      fail('flush', `events not acknowledged within ${CALL_DEADLINE_MS} ms; they stay queued`);
      return undefined;
    }
    const merged: TrackAck = { accepted: [], rejected: [], duplicates: 0, durable: true };
    let offset = 0;
    for (const [k, ack] of acks.entries()) {
      if (!ack) {
        merged.durable = false;
      } else {
        merged.accepted.push(...ack.accepted);
        for (const r of ack.rejected) merged.rejected.push({ index: offset + r.index, error: r.error });
        merged.duplicates += ack.duplicates;
        merged.durable &&= ack.durable;
      }
      offset += batches[k]!.events.length;
    }
    return merged;
  }

  /** Runs a call once the worker is up; `undefined` (and an `error` event) on any failure. */
  async function ask<K extends keyof WorkerApi>(where: string, m: K, a: Parameters<WorkerApi[K]>): Promise<Awaited<ReturnType<WorkerApi[K]>> | undefined> {
    try {
      await withDeadline(start(), CALL_DEADLINE_MS, 'worker start');
      return await call(m, a);
    } catch (err) {
      if (/timed out/.test(errorText(err))) checkAlive();
      fail(where, err);
      return undefined;
    }
  }

  const client: Client = {
    track(event) {
      if (consent === 'denied') return;
      try {
        if (outbox.length + inflightEvents >= PAGE_QUEUE_CAP) overCap++;
        else outbox.push(stamp(event));
        if (leaving) {
          drain();
          stashNow();
        } else scheduleDrain();
      } catch (err) {
        fail('track', err);
      }
    },
    flush,
    async rerank(candidates, opts = {}) {
      const t0 = performance.now();
      const fallback = (why: string) => serverOrder(candidates, opts.limit, why, performance.now() - t0, opts.exclude);
      if (consent !== 'granted') return fallback(`consent ${consent}`);
      if (paused) return fallback('paused');
      if (dead) return fallback(dead);
      let answer: Promise<RerankResult> | undefined;
      try {
        // Values declared while storage was off reach a starting worker before the first rerank does.
        if (!status && localDeclared.size) await withDeadline(start(), readyTimeoutMs, 'worker start');
        // Not ready yet: the call is still posted now, behind init on the one channel, so the worker
        // answers it the moment it is ready instead of a round trip to the page later.
        const starting = status ? undefined : start();
        // Events tracked before this call go first (one channel, in order) when they fit in one batch,
        // so the rerank sees them. More are a burst, already handed over one batch per task: the rerank
        // goes ahead of the rest rather than after the page wrote out one more batch.
        if (outbox.length <= BATCH_MAX) drain(1);
        const merged: RerankOptions = { personalization: options.personalization, budgetMs, ...opts };
        // Packed when it can be (columns, typed arrays transferred both ways); else as objects.
        const packed = packCandidates(candidates);
        answer = packed
          ? call('rerankPacked', [transfer(packed, [packed.lists[1].buffer]), merged], Number.POSITIVE_INFINITY).then(unpackResult)
          : call('rerank', [candidates, merged], Number.POSITIVE_INFINITY);
        answer.catch(() => undefined);
        if (starting) await withDeadline(starting, readyTimeoutMs, 'worker start');
        const result = await withDeadline(answer, (merged.budgetMs ?? budgetMs) + MESSAGING_SLACK_MS, 'rerank');
        emit('reranked', { slot: opts.slot, result });
        return result;
      } catch (err) {
        fail('rerank', err);
        const shown = fallback(errorText(err));
        // A personalized answer that comes after all is told what the page showed instead, so that the
        // shopper's clicks in the slot teach the learner from the order they saw.
        answer?.then((late) => {
          if (late.listId && !late.fellBack) client.impression({ listId: late.listId, slot: opts.slot ?? 'default', ids: shown.items.map((i) => i.id), ts: Date.now() });
        }, () => undefined);
        return shown;
      }
    },
    impression(impression) {
      if (consent !== 'granted') return;
      ask('impression', 'impression', [impression]).catch(() => undefined);
    },
    profile: () => ask('profile', 'profile', []),
    async explain(id) {
      return ask('explain', 'explain', [String(id)]);
    },
    async exportData() {
      await flush();
      const bundle = await ask('export', 'exportData', []);
      return bundle ? { ...bundle, consent, paused } : undefined;
    },
    async erase() {
      outbox = [];
      clearStashes(stashBase);
      stashed = false;
      for (const b of inflight) b.settle(undefined);
      inflight = [];
      inflightEvents = 0;
      try {
        await withDeadline(start(), CALL_DEADLINE_MS, 'worker start');
        await call('erase', []);
        emit('erased', {});
      } catch (err) {
        fail('erase', err);
        throw err instanceof Error ? err : new Error(String(err));
      }
    },
    async setDeclared(key, value) {
      if (consent !== 'granted') localDeclared.set(key, value);
      await ask('declare', 'setDeclared', [key, value]);
    },
    consent(state) {
      if (state === 'granted' || state === 'denied' || state === 'pending') {
        applyConsent(state);
        remember();
      }
      return consent;
    },
    paused(state) {
      if (typeof state === 'boolean') {
        applyPaused(state);
        remember();
      }
      return paused;
    },
    async removeInterest(kind, key) {
      return editInterest(kind, key, true);
    },
    async restoreInterest(kind, key) {
      return editInterest(kind, key, false);
    },
    explainLast: () => ask('explain', 'explainLast', []),
    async reports() {
      if (consent !== 'granted') return undefined;
      return ask('reports', 'reports', []);
    },
    requests: () => ask('requests', 'requests', []),
    on(name, fn) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(fn as (d: unknown) => void);
      return () => set.delete(fn as (d: unknown) => void);
    },
    ready: start,
    destroy() {
      memory.close();
      destroyed = true;
      if (typeof window !== 'undefined') {
        window.removeEventListener('pagehide', onHide);
        window.removeEventListener('pageshow', onPageShow);
        document.removeEventListener('visibilitychange', onVisibility);
      }
      onDead('destroyed');
      dead = 'destroyed';
    },
  };
  if (typeof window !== 'undefined' && typeof document !== 'undefined') {
    window.addEventListener('pagehide', onHide);
    window.addEventListener('pageshow', onPageShow);
    document.addEventListener('visibilitychange', onVisibility);
  }
  if (consent === 'granted') {
    adoptStashes();
    start().catch(() => undefined);
  } else if (early?.worker) {
    early.worker.terminate();
    early.worker = undefined;
  }
  return client;

  /** Remembers the choices; under denied only consent itself is written. */
  function remember(): void {
    memory.write(consent === 'granted' ? { consent, ...(paused ? { paused } : {}) } : { consent });
  }

  function applyPaused(state: boolean): void {
    if (state === paused) return;
    paused = state;
    emit('paused', state);
  }

  async function editInterest(kind: InterestKind, key: string, remove: boolean): Promise<boolean> {
    const done = await ask('interests', remove ? 'removeInterest' : 'restoreInterest', [kind, key]);
    if (done) emit('interests', { kind, key, removed: remove });
    return done === true;
  }

  /** Applies a consent change (this tab's or another's); storage opens or closes with it. */
  function applyConsent(state: ConsentState): void {
    if (state === consent) return;
    const storing = consent === 'granted';
    consent = state;
    if (state === 'denied') {
      outbox = [];
      for (const b of inflight) b.settle(undefined);
      inflight = [];
      inflightEvents = 0;
      clearStashes(stashBase);
      stashed = false;
    }
    // The running worker opened storage for the old state: start one for the new state.
    if (storing !== (state === 'granted') && worker) restartForConsent();
    if (state === 'granted') {
      adoptStashes();
      drain();
    }
    emit('consent', state);
  }

  /** Replaces the worker on purpose (not a crash): no backoff; events in flight go to the new one. */
  function restartForConsent(): void {
    const w = worker;
    worker = undefined;
    remote = undefined;
    readyPromise = undefined;
    status = undefined;
    try {
      w?.terminate();
    } catch {
      // already gone
    }
    for (const [i, pending] of calls) {
      calls.delete(i);
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(new Error('worker replaced after a consent change'));
    }
    if (consent === 'granted') start().catch(() => undefined);
  }

  function stamp(event: ShopperEvent): ShopperEvent {
    // Timestamped where it happened, so delivery delays never shift the shopper's timeline (and a
    // replayed event keeps its content-derived id, so the worker counts it once).
    const e = { ...event };
    if (e.ts === undefined) e.ts = Date.now();
    return e;
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
