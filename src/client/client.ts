/**
 * The main-thread client: starts the module worker, talks to it through comlink, batches events,
 * and turns every failure (no Worker support, worker crash, slow answer, bad input) into the safe
 * answer: the server order. It never throws into the host page. Used by the script-tag loader and the
 * npm entry alike.
 */
import { type Remote, wrap } from 'comlink';
import type { ExportBundle, Explanation, LastRerank, ReportStatus, TrackAck, WorkerApi, WorkerConfig, WorkerStatus } from '../core/api';
import type { InterestKind } from '../core/privacy/interests';
import type { ConsentState, Impression, RerankOptions, RerankResult, ShopperEvent } from '../core/types';
import { serverOrder } from '../core/rank/server-order';
import { effectiveConsent } from '../core/privacy/consent';
import { openChoiceMemory } from './choice-memory';

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
  /** Delay before a batch of events is sent to the worker (default 25 ms). */
  flushDelayMs?: number;
}

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
  /** Subscribes to `ready`, `error`, `reranked`, `consent`, `paused`, `interests`, `erased`, `tracked`; returns an unsubscribe function. */
  on<K extends keyof ClientEvents>(name: K, fn: Listener<K>): () => void;
}

/** The main-thread client: the calls plus worker lifecycle. */
export interface Client extends PersonalizerCalls {
  /** Resolves once the worker is ready (or rejects if it cannot start). */
  ready(): Promise<WorkerStatus>;
  destroy(): void;
}

function browserSaysNo(): boolean {
  try {
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean; doNotTrack?: string | null };
    return nav.globalPrivacyControl === true || nav.doNotTrack === '1';
  } catch {
    return false;
  }
}

/**
 * Creates a client. The worker starts lazily on the first call that needs it (or at once when consent
 * is granted), so a page that never calls the personalizer pays nothing.
 */
export function createClient(options: ClientOptions): Client {
  const budgetMs = options.budgetMs ?? 50;
  const readyTimeoutMs = options.readyTimeoutMs ?? 800;
  const flushDelayMs = options.flushDelayMs ?? 25;
  // The remembered choice is read before anything else happens, so a shopper's "off" holds from the
  // first event of every page; other tabs' changes arrive through `applyConsent`.
  const memory = openChoiceMemory(options.dbName ?? 'on-device-personalizer', (c) => {
    if (c.consent) applyConsent(c.consent);
    applyPaused(c.paused === true);
  });
  const remembered = memory.read();
  let consent: ConsentState = effectiveConsent({
    site: options.consent,
    stored: remembered.consent,
    browserSaysNo: (options.honorBrowserSignals ?? true) && browserSaysNo(),
  });
  let paused = remembered.paused === true;
  /** Declared values set while consent is not granted: memory only, handed to the next worker. */
  const localDeclared = new Map<string, string | undefined>();
  const listeners = new Map<string, Set<(d: unknown) => void>>();
  let pending: ShopperEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let worker: Worker | undefined;
  let remote: Remote<WorkerApi> | undefined;
  let readyPromise: Promise<WorkerStatus> | undefined;
  let dead: string | undefined;
  let restarts = 0;

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

  function start(): Promise<WorkerStatus> {
    if (readyPromise) return readyPromise;
    readyPromise = new Promise<WorkerStatus>((resolve, reject) => {
      if (typeof Worker === 'undefined') {
        dead = 'Web Workers are not supported';
        reject(new Error(dead));
        return;
      }
      try {
        worker = new Worker(options.workerUrl, { type: 'module', name: 'on-device-personalizer' });
      } catch (err) {
        dead = `worker could not start (${err instanceof Error ? err.message : String(err)})`;
        reject(new Error(dead));
        return;
      }
      worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        onCrash(ev.message || 'worker failed to load');
        reject(new Error(dead));
      });
      remote = wrap<WorkerApi>(worker);
      const { workerUrl: _url, consent: _c, honorBrowserSignals: _h, budgetMs: _b, readyTimeoutMs: _r, flushDelayMs: _f, ...config } = options;
      const readOnly = consent !== 'granted';
      const api = remote;
      remote.init({ ...config, readOnly }).then(
        async (status) => {
          // Values declared while storage was off reach this worker (and are stored once granted).
          for (const [k, v] of [...localDeclared]) {
            await api.setDeclared(k, v).catch(() => undefined);
            if (!readOnly) localDeclared.delete(k);
          }
          emit('ready', status);
          resolve(status);
          if (pending.length) scheduleFlush(0);
        },
        (err) => {
          onCrash(err instanceof Error ? err.message : String(err));
          reject(err);
        },
      );
    });
    readyPromise.catch((err) => fail('start', err));
    return readyPromise;
  }

  function onCrash(reason: string): void {
    dead = `worker crashed (${reason})`;
    try {
      worker?.terminate();
    } catch {
      // already gone
    }
    worker = undefined;
    remote = undefined;
    // One automatic restart, later: events stay buffered meanwhile, so nothing the shopper did is lost.
    if (restarts < 1) {
      restarts++;
      setTimeout(() => {
        dead = undefined;
        readyPromise = undefined;
        if (consent === 'granted') start().catch(() => undefined);
      }, 1000);
    }
  }

  function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
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

  function scheduleFlush(delay = flushDelayMs): void {
    if (flushTimer !== undefined || consent !== 'granted') return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flush().catch(() => undefined);
    }, delay);
  }

  async function flush(): Promise<TrackAck | undefined> {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    if (consent !== 'granted' || pending.length === 0) return undefined;
    const batch = pending;
    pending = [];
    try {
      await start();
      const ack = await remote!.track(batch);
      emit('tracked', ack);
      if (options.debug) for (const r of ack.rejected) console.warn(`[pz] event rejected: ${r.error}`);
      return ack;
    } catch (err) {
      // Not acknowledged: keep the events (in order, before newer ones) for the next attempt.
      pending = batch.concat(pending);
      fail('track', err);
      return undefined;
    }
  }

  const client: Client = {
    track(event) {
      if (consent === 'denied') return;
      try {
        pending.push(stamp(event));
        if (pending.length > 1000) pending.splice(0, pending.length - 1000);
        scheduleFlush();
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
      try {
        await withTimeout(start(), readyTimeoutMs, 'worker start');
        // Events still in the buffer belong to this shopper's present: let the rerank see them.
        if (pending.length) await flush();
        const merged: RerankOptions = { personalization: options.personalization, ...opts };
        // The worker keeps its own budget; this one also covers messaging and a busy main thread.
        const result = await withTimeout(remote!.rerank(candidates, merged), budgetMs + 50, 'rerank');
        emit('reranked', { slot: opts.slot, result });
        return result;
      } catch (err) {
        fail('rerank', err);
        return fallback(err instanceof Error ? err.message : String(err));
      }
    },
    impression(impression) {
      if (consent !== 'granted') return;
      start()
        .then(() => remote!.impression(impression))
        .catch((err) => fail('impression', err));
    },
    async profile() {
      try {
        await start();
        return await remote!.profile();
      } catch (err) {
        fail('profile', err);
        return undefined;
      }
    },
    async explain(id) {
      try {
        await start();
        return await remote!.explain(String(id));
      } catch (err) {
        fail('explain', err);
        return undefined;
      }
    },
    async exportData() {
      try {
        await flush();
        await start();
        return { ...(await remote!.exportData()), consent, paused };
      } catch (err) {
        fail('export', err);
        return undefined;
      }
    },
    async erase() {
      pending = [];
      try {
        await start();
        await remote!.erase();
        emit('erased', {});
      } catch (err) {
        fail('erase', err);
        throw err instanceof Error ? err : new Error(String(err));
      }
    },
    async setDeclared(key, value) {
      if (consent !== 'granted') localDeclared.set(key, value);
      try {
        await start();
        await remote!.setDeclared(key, value);
      } catch (err) {
        fail('declare', err);
      }
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
    async explainLast() {
      try {
        await start();
        return await remote!.explainLast();
      } catch (err) {
        fail('explain', err);
        return undefined;
      }
    },
    async reports() {
      if (consent !== 'granted') return undefined;
      try {
        await start();
        return await remote!.reports();
      } catch (err) {
        fail('reports', err);
        return undefined;
      }
    },
    on(name, fn) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(fn as (d: unknown) => void);
      return () => set.delete(fn as (d: unknown) => void);
    },
    ready: start,
    destroy() {
      memory.close();
      worker?.terminate();
      worker = undefined;
      remote = undefined;
      dead = 'destroyed';
    },
  };
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
    try {
      await start();
      const done = await (remove ? remote!.removeInterest(kind, key) : remote!.restoreInterest(kind, key));
      if (done) emit('interests', { kind, key, removed: remove });
      return done;
    } catch (err) {
      fail('interests', err);
      return false;
    }
  }

  /** Applies a consent change (this tab's or another's); storage opens or closes with it. */
  function applyConsent(state: ConsentState): void {
    if (state === consent) return;
    const storing = consent === 'granted';
    consent = state;
    if (state === 'denied') pending = [];
    // The running worker opened storage for the old state: start one for the new state.
    if (storing !== (state === 'granted') && worker) restart();
    if (state === 'granted') scheduleFlush(0);
    emit('consent', state);
  }

  function restart(): void {
    try {
      worker?.terminate();
    } catch {
      // already gone
    }
    worker = undefined;
    remote = undefined;
    readyPromise = undefined;
    if (consent === 'granted') start().catch(() => undefined);
  }

  function stamp(event: ShopperEvent): ShopperEvent {
    // Timestamped where it happened, so batching delays never shift the shopper's timeline.
    const e = { ...event };
    if (e.ts === undefined) e.ts = Date.now();
    return e;
  }
}

