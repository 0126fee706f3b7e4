/**
 * The worker's implementation of {@link WorkerApi}: the imperative shell around the pure engine.
 * It owns the store, the tab channel, timers and the lazily loaded tfjs learner; all ranking and
 * profile math lives in `core/`.
 *
 * Consistency across tabs: the event log (batches with increasing keys) is the truth. The profile
 * snapshot records the newest batch key it includes (`upTo`); every tab applies each batch exactly
 * once, whether it wrote it, heard of it on the BroadcastChannel, or read it while catching up.
 */
import type { ExportBundle, Explanation, LastRerank, ReportStatus, TrackAck, WorkerApi, WorkerConfig, WorkerRequest, WorkerStatus } from '../core/api';
import { type InterestKind, readRemoved, type RemovedInterest } from '../core/privacy/interests';
import { Engine, type EngineOptions, type Learner } from '../core/engine';
import { FEATURE_SCHEMA_VERSION } from '../core/model/features';
import type { FmWeights } from '../core/model/fm';
import { createRng, type Rng } from '../core/util/rng';
import { serverOrder } from '../core/rank/server-order';
import { type PackedCandidates, unpackCandidates } from '../core/input/packed';
import { type PackedRerankResult, packResult } from '../core/rank/packed-result';
import type { Impression, RerankOptions, RerankResult } from '../core/types';
import { BlockedError, ConsentError, ErasedError, InvalidEventError, UsageError, describeError } from '../core/errors';
import { reviveBatchEvents } from '../core/input/stored';
import { DEFAULT_DB_NAME, type EventBatch, SCHEMA_VERSION, type Store, type StoreCallbacks, deleteStore, openExistingStore, openStore, recordTexts } from './store';
import { REMOVED_KEY } from './meta-keys';
import { type TabMessage, type Tabs, openTabs } from './tabs';
import { DAY_MS } from '../core/util/time';
import { ENGINE_SETTINGS } from '../core/settings';
import { RequestLog } from './request-log';
import type { RankingFiles } from './site-files';

const PROFILE_RECORD_VERSION = 1;
const SNAPSHOT_DELAY_MS = 500;
const MODEL_SAVE_DELAY_MS = 2000;
const LEARNER_DELAY_MS = 1000;
/** How long an open may wait for another tab to release an older version before we go on in memory. */
const BLOCKED_OPEN_MS = 3000;
const DEFAULT_MAX_EVENTS = 5000;
const DEFAULT_MAX_AGE_DAYS = 90;
/**
 * As the log grows past its limit, retention prunes it this fraction below the limit, so a busy page
 * pays one pass over the log per few hundred events instead of one per write.
 */
const RETENTION_SLACK = 0.05;
/**
 * Most events one track call ingests (the page sends at most 500 per call); those past it are each
 * rejected with a {@link UsageError}, so the caller hears of every one.
 */
const TRACK_MAX = 1000;
/** A track call's events: an array, or one JSON line per event. */
function trackList(raw: unknown): unknown[] {
  if (typeof raw === 'string') return raw === '' ? [] : raw.split('\n');
  return Array.isArray(raw) ? raw : [raw];
}
/** Longest stretch of training work before the worker yields, so a waiting rerank runs. */
const SLICE_MS = 2;
/**
 * Longest stretch of ingest before the worker yields: a rerank asked during a burst waits for the rest
 * of the slice under way. Training keeps {@link SLICE_MS}, since its slices are paced by timers (4 ms
 * apart once nested), where a shorter slice would learn more slowly, not just yield more often.
 */
const INGEST_SLICE_MS = 1;
/** Examples per learning step inside a training slice. */
const TRAIN_STEP = 8;
/** Training starts only after this long without a new track call (a burst is stored first, then learnt from). */
const TRAIN_WAIT_MS = 20;
/** Delay after `ready` before start-up housekeeping (retention, warm-up) runs. */
const HOUSEKEEPING_DELAY_MS = 0;

/** The port {@link yieldTask} posts to, and who waits for each of its messages (in order). */
let yieldPort: MessagePort | undefined;
const yielded: (() => void)[] = [];

/**
 * Ends the current task and resumes in a new one, so messages that arrived meanwhile (a rerank) run
 * first. A round trip over one standing MessageChannel, since nested timers are clamped to 4 ms (a
 * new channel per yield cost more than the round trip).
 */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    if (!yieldPort) {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => yielded.shift()!();
      yieldPort = ch.port2;
    }
    yielded.push(resolve);
    yieldPort.postMessage(0);
  });
}

type LearnerModule = typeof import('../core/model/learner');

/** The timer functions the service uses; tests pass a manual clock so nothing waits on real time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options for tests: a clock, timers, and how to load the learner module. */
export interface ServiceDeps {
  now?: () => number;
  timers?: Timers;
  loadLearner?: () => Promise<LearnerModule>;
  fetchJson?: (url: string) => Promise<unknown>;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** True when a raw event carries a time before `t` (read defensively: the page's objects may be hostile). */
function happenedBefore(input: unknown, t: number): boolean {
  try {
    const ts = typeof input === 'object' && input !== null ? (input as { ts?: unknown }).ts : undefined;
    return typeof ts === 'number' && ts < t;
  } catch {
    return false;
  }
}

/** An open given up on while another tab blocked it; `done` once it landed or failed. */
interface LateOpen {
  done: boolean;
  store?: Store;
  error?: unknown;
}

const blockedError = () => new BlockedError('database', 'another tab keeps an older version of the database open');

const isQuotaError = (err: unknown) => err instanceof DOMException && err.name === 'QuotaExceededError';

/**
 * Members without `private` are also read by the worker's lazily loaded files (readouts.ts, the
 * reporter's start in reports.ts); the page reaches only the {@link WorkerApi} methods (index.ts).
 */
export class PersonalizerService implements WorkerApi {
  private store: Store | undefined;
  /** False when consent is not granted: the store (if it existed) is read, never created or written. */
  writable = true;
  /** An open that another tab blocked past the deadline and that may still land. */
  private blockedOpen: LateOpen | undefined;
  /** The open in progress, shared by every caller that needs the store meanwhile. */
  private opening: Promise<Store | undefined> | undefined;
  /** A connection was held before: a database created by a later open means ours was deleted. */
  hadStore = false;
  /** This tab (or another, by its message) deleted the database: reads do not create it again. */
  deleted = false;
  storageError: string | undefined;
  /** Stored records and events that could not be read back (skipped, counted, never fatal). */
  private quarantined = 0;
  tabs: Tabs | undefined;
  engine = new Engine();
  config: WorkerConfig = {};
  private dbName = DEFAULT_DB_NAME;
  engineOptions: EngineOptions = {};
  /** Settles once the segment file and the purchase-intent model are read into {@link engineOptions} (undefined: the site names no file). */
  profileFiles: Promise<void> | undefined;
  /**
   * Accepted events not yet written (storage unavailable or full, or a write under way), each as the
   * JSON text written as it was ingested (the log stores text; see `recordTexts`): in the profile,
   * retried first on the next write. The event objects are not kept: a burst waiting for its write
   * holds one string per event for the young generation's collections to copy, not each event's objects.
   */
  unwrittenLines: string[] = [];
  /** Each unwritten event's timestamp, beside {@link unwrittenLines} (a record keeps its newest). */
  private unwrittenTs: number[] = [];
  /** Events in the log as far as this tab knows (its own writes and other tabs' messages since the last retention pass). */
  private logEstimate = 0;
  /** Events that happened before this time were erased (here or in another tab) and are not taken any more. */
  private erasedAt = Number.NEGATIVE_INFINITY;
  /** Storage writes, one after the other: an erase never overtakes a write, nor a write an erase. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Interests the shopper removed (stored in `meta`, applied after every event). */
  removed: RemovedInterest[] = [];
  /** Locally private reports, when the site asks for them and consent is granted. */
  reporter: import('./reports').Reporter | undefined;
  /** Set by an erase: the ledger went with everything else, so this page reports no more. */
  reportsOff = false;
  /** The last personalized rerank, for "why these items". */
  last: { slot: string; listId: string; at: number; items: RerankResult['items'] } | undefined;
  initPromise: Promise<WorkerStatus> | undefined;
  private rng: Rng = createRng(1);
  private upTo: number | undefined;
  private applied = new Set<number>();
  private snapshotTimer: unknown;
  private modelTimer: unknown;
  private trainTimer: unknown;
  private learnerTimer: unknown;
  private learnerPromise: Promise<void> | undefined;
  private learnerWanted = false;
  ranker: { dispose(): void; exportState(): unknown } | undefined;
  /** Track calls run one after another (their ingest yields between slices, so order must be kept). */
  private trackChain: Promise<unknown> = Promise.resolve();
  private tracksRunning = 0;
  /** Track calls so far: training checks that none came in while it waited. */
  private trackCalls = 0;
  /** Events handed to track calls and not yet ingested (a burst's length still to come). */
  private eventsWaiting = 0;
  /** Start-up retention and warm-up, once their timer fired. */
  private startup: Promise<void> | undefined;
  private priorWeights: FmWeights | undefined;
  private priorVersion = 'built-in';
  readonly now: () => number;
  readonly timers: Timers;
  private readonly deps: ServiceDeps;
  /** Every request this worker made through `fetch` (files and reports), for `requests()`. */
  readonly requestLog = new RequestLog();

  constructor(deps: ServiceDeps = {}) {
    this.deps = deps;
    this.now = deps.now ?? (() => Date.now());
    this.timers = deps.timers ?? realTimers;
  }

  init(config: WorkerConfig): Promise<WorkerStatus> {
    this.initPromise ??= this.start(config ?? {});
    return this.initPromise;
  }

  /**
   * Resolves once queued storage writes and the open in progress have settled. Timers are not waited
   * for: tests fire them through their injected {@link Timers} and then wait for this.
   */
  async idle(): Promise<void> {
    for (;;) {
      const writes = this.writes;
      const opening = this.opening;
      await Promise.allSettled([this.initPromise, writes, opening, this.trackChain, this.startup]);
      if (writes === this.writes && opening === this.opening) return;
    }
  }

  private async fetchJson(url: string): Promise<unknown> {
    const entry = this.requestLog.add({ url, method: 'GET', kind: 'static', at: this.now() });
    try {
      if (this.deps.fetchJson) {
        const value = await this.deps.fetchJson(url);
        entry.ok = true;
        return value;
      }
      const res = await fetch(url, { credentials: 'same-origin', cache: 'default' });
      entry.ok = res.ok;
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return await res.json();
    } catch (err) {
      entry.ok ??= false;
      throw err;
    }
  }

  async requests(): Promise<WorkerRequest[]> {
    return (await import('./readouts')).requests(this);
  }

  private async start(config: WorkerConfig): Promise<WorkerStatus> {
    this.config = config;
    this.rng = createRng(config.seed ?? ((this.now() ^ 0x9e3779b9) >>> 0));
    this.dbName = config.dbName ?? DEFAULT_DB_NAME;
    this.writable = !config.readOnly;
    // The database opens while the site's files are fetched (a network round trip each): neither
    // waits for the other. Its failure is read where it is awaited, in `reopen`.
    const database = this.openDatabase();
    database.catch(() => undefined);
    // Site-wide, non-personal files: the same for every shopper, fetched like any static asset; the
    // code that reads them is imported meanwhile, and only when the site names one.
    const files =
      config.priorUrl || config.segmentsUrl || config.messagesUrl
        ? import('./site-files').catch((err: unknown) => {
            if (config.debug) console.warn('[pz] site files ignored, their reader did not load:', describeError(err));
            return undefined;
          })
        : undefined;
    const fetched = (url: string | undefined) => (url ? this.fetchJson(url).catch((e) => ({ error: describeError(e) })) : undefined);
    const priorFile = fetched(config.priorUrl);
    const segmentFile = fetched(config.segmentsUrl);
    // Every answer depends on the prior (it scores) and the messages (they word the reasons): `ready` waits for them.
    const [prior, translations] = await Promise.all([priorFile, fetched(config.messagesUrl)]);
    const ranking: RankingFiles = (config.priorUrl || config.messagesUrl ? (await files)?.readRankingFiles(prior, translations, config) : undefined) ?? {};
    if (ranking.prior) {
      this.priorWeights = ranking.prior.weights;
      this.priorVersion = ranking.prior.version;
    }
    const { messages } = ranking;
    this.engineOptions = {
      profile: {
        ...(config.halfLifeDays ? { halfLifeMs: config.halfLifeDays * DAY_MS } : {}),
        ...(config.tzOffsetMinutes !== undefined ? { tzOffsetMinutes: config.tzOffsetMinutes } : {}),
      },
      ...(config.personalization !== undefined ? { personalization: config.personalization } : {}),
      ...(this.priorWeights ? { weights: this.priorWeights } : {}),
      ...(messages ? { messages } : {}),
    };
    this.engine = new Engine(this.engineOptions, this.now());
    // The segment file and the purchase-intent model only describe the profile (panel, export,
    // reports), which no rerank reads: `ready` does not wait for them, and the readers of the profile do.
    const options = this.engineOptions;
    this.profileFiles = files
      ?.then(async (m) => {
        const read = m?.readProfileFiles(await segmentFile, prior, config);
        if (read?.segments) options.segments = read.segments;
        if (read?.intentModel) options.intentModel = read.intentModel;
      })
      .catch(() => undefined);

    this.tabs = openTabs(this.dbName, (m) => this.onTabMessage(m));
    // Private modes, full disks, blocked storage: keep working in memory; later writes try again.
    await this.openedStore(database);
    // Reports only with consent, and without delaying start-up.
    // (The reporter is its own file: pages without `data-report` never load it.)
    const reportUrl = config.reportUrl;
    if (this.writable && reportUrl) import('./reports').then((m) => m.startReporter(this, reportUrl)).catch(() => undefined);
    // Ready now: start-up retention and the JIT warm-up run after the page got its answer (a rerank
    // that arrives meanwhile runs before them).
    this.timers.setTimeout(() => {
      this.startup = this.housekeeping().catch(() => undefined);
    }, HOUSEKEEPING_DELAY_MS);
    // tfjs is loaded after start-up, so the first rerank never waits for it (and not at all without consent).
    if (this.writable) {
      this.learnerTimer = this.timers.setTimeout(() => {
        this.learnerTimer = undefined;
        this.loadLearner().catch(() => undefined);
      }, LEARNER_DELAY_MS);
    }
    return {
      ready: true,
      version: '0.1.0',
      events: this.logEstimate,
      ...(this.storageError ? { storageError: this.storageError } : {}),
      ...(this.quarantined ? { quarantined: this.quarantined } : {}),
    };
  }

  private get maxEvents(): number {
    return this.config.maxEvents ?? DEFAULT_MAX_EVENTS;
  }

  private get maxAgeMs(): number {
    return (this.config.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS) * DAY_MS;
  }

  /**
   * The open store, opening it when there is none or when it was closed under us (another tab deleted
   * or upgraded the database, or the browser closed it); `database` is an open already under way (the
   * start's, begun beside the site-file fetches). `undefined` when storage is unavailable; the reason
   * is in `storageError`, and the next call tries again.
   */
  openedStore(database?: Promise<Store | undefined>): Promise<Store | undefined> {
    if (this.store && !this.store.closed) return Promise.resolve(this.store);
    this.opening ??= this.reopen(database).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Opens the database; without consent only one that already exists is read, and none is created. */
  private openDatabase(): Promise<Store | undefined> {
    return this.writable ? this.openWithin(BLOCKED_OPEN_MS) : openExistingStore(this.dbName, this.storeCallbacks());
  }

  private async reopen(database?: Promise<Store | undefined>): Promise<Store | undefined> {
    const first = !this.hadStore;
    this.store = undefined;
    let store: Store | undefined;
    try {
      store = await (database ?? this.openDatabase());
    } catch (err) {
      this.storageError = describeError(err);
      return undefined;
    }
    if (!store) return undefined;
    try {
      if (store.created && !first) {
        // The database was deleted while closed under us without saying so (the browser closed it):
        // its batch keys start again, so nothing of the old log counts as applied.
        this.upTo = undefined;
        this.applied.clear();
      }
      this.store = store;
      this.hadStore = true;
      this.deleted = false;
      if (first) {
        // Read beside the snapshot, not after it: one round trip to the database fewer before `ready`.
        const removed = store.getMeta(REMOVED_KEY);
        removed.catch(() => undefined);
        // A snapshot is the profile of the log up to `upTo`; it only fits a profile holding nothing else.
        if (this.engine.profile.eventCount === 0 && this.unwrittenLines.length === 0) await this.restoreSnapshot(store);
        this.removed = readRemoved(await removed);
      }
      await this.catchUp(false);
      this.engine.applyRemoved(this.removed);
      if (first) {
        // No full read of the log before `ready`: the profile's count bounds the log from above (retention
        // only removes), so the first write past the limit prunes; start-up retention runs after ready.
        if (this.writable) this.logEstimate = this.engine.profile.eventCount;
        else this.logEstimate = (await store.readEvents(this.now())).length;
      }
      this.storageError = undefined;
      return store;
    } catch (err) {
      this.storageError = describeError(err);
      if (this.store === store) this.store = undefined;
      store?.close();
      return undefined;
    }
  }

  /**
   * Opens the database. When another tab blocks the open for `ms`, gives up for now: the open goes on,
   * later calls fail fast until it lands, and the first call after that takes the connection.
   */
  private openWithin(ms: number): Promise<Store> {
    const late = this.blockedOpen;
    if (late) {
      if (!late.done) return Promise.reject(blockedError());
      this.blockedOpen = undefined;
      return late.store ? Promise.resolve(late.store) : Promise.reject(late.error);
    }
    return new Promise<Store>((resolve, reject) => {
      let gaveUp = false;
      let timer: unknown;
      const open = openStore(this.dbName, SCHEMA_VERSION, {
        ...this.storeCallbacks(),
        onBlocked: () => {
          timer ??= this.timers.setTimeout(() => {
            gaveUp = true;
            const pending: LateOpen = { done: false };
            this.blockedOpen = pending;
            open.then(
              (store) => Object.assign(pending, { done: true, store }),
              (error: unknown) => Object.assign(pending, { done: true, error }),
            );
            reject(blockedError());
          }, ms);
        },
      });
      open.then(
        (store) => {
          if (timer !== undefined) this.timers.clearTimeout(timer);
          if (!gaveUp) resolve(store);
        },
        (err) => {
          if (timer !== undefined) this.timers.clearTimeout(timer);
          if (!gaveUp) reject(err);
        },
      );
    });
  }

  private storeCallbacks(): StoreCallbacks {
    return {
      onClose: (why) => {
        if (why !== 'deleted') return;
        // Another tab erased everything (or site data was cleared): what this tab holds of it goes too,
        // and so do events its page recorded before now but has not sent yet.
        this.erasedAt = Math.max(this.erasedAt, this.now());
        this.deleted = true;
        this.resetMemory();
        this.restartLearner();
      },
    };
  }

  private async restoreSnapshot(store: Store): Promise<void> {
    const snap = await store.getProfile();
    if (!snap || snap.v !== PROFILE_RECORD_VERSION) return;
    try {
      this.engine.restoreProfile(snap.value);
      this.upTo = snap.upTo;
    } catch {
      // Unreadable snapshot: the profile is rebuilt from the log.
      this.engine.profile = new Engine(this.engineOptions, this.now()).profile;
      this.upTo = undefined;
    }
  }

  /** Runs a storage write after the ones before it; a failure does not stop the queue. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;

  }

  /** Start-up work that need not delay `ready`: retention over the log (age and count), then the JIT warm-up. */
  private async housekeeping(): Promise<void> {
    const store = this.store;
    if (store && !store.closed && this.writable) {
      try {
        const { enforceRetention } = await import('./retention');
        const kept = await this.tabs!.withLock('log', () => enforceRetention(store, this.maxEvents, this.maxAgeMs, this.now()));
        this.logEstimate = kept.remaining;
      } catch (err) {
        if (this.config.debug) console.warn('[pz] retention failed:', describeError(err));
      }
    }
    await yieldTask();
    this.warmUp();
  }

  /**
   * Runs the rerank path once on a throwaway engine (sharing the read-only profile), so the page's
   * first real rerank does not pay the JIT warm-up against its time budget.
   */
  private warmUp(): void {
    try {
      const scratch = new Engine(this.engineOptions, this.now());
      scratch.profile = this.engine.profile;
      const candidates = Array.from({ length: 40 }, (_, i) => ({ id: `warm-${i}`, category: `w/${i % 5}`, price: 10 + i, tags: ['a'] }));
      scratch.rerank(candidates, { slot: 'warm-up' }, createRng(1), this.now(), () => performance.now());
    } catch {
      // warm-up is best effort
    }
  }

  /** Applies every stored batch this tab has not applied yet; unreadable rows are skipped and counted. */
  private async catchUp(learn: boolean): Promise<void> {
    const store = this.store;
    if (!store || store.closed) return;
    const now = this.now();
    // Batches this tab already applied (its own writes, other tabs' messages) are not read again.
    const { batches, quarantined, lastKey } = await store.readBatchesAfter(this.upTo, now, this.applied);
    this.quarantined += quarantined;
    for (const b of batches) this.applyBatch(b, now, learn);
    if (lastKey !== undefined) {
      this.upTo = lastKey;
      for (const k of this.applied) if (k <= lastKey) this.applied.delete(k);
    }
  }

  private applyBatch(b: EventBatch, now: number, learn: boolean): void {
    if (b.id === undefined || this.applied.has(b.id) || (this.upTo !== undefined && b.id <= this.upTo)) return;
    this.applied.add(b.id);
    for (const e of b.events) this.engine.ingest(e, now, learn);
    this.engine.applyRemoved(this.removed);
  }

  private onTabMessage(m: TabMessage): void {
    if (m.kind === 'events') {
      // Another tab's worker (perhaps another version) wrote these: read them like any stored row.
      const now = this.now();
      const { events, quarantined } = reviveBatchEvents(m, now);
      this.quarantined += quarantined;
      this.logEstimate += events.length;
      this.deleted = false;
      this.applyBatch({ id: m.key, lastTs: 0, events }, now, false);
      this.scheduleSnapshot();
    } else if (m.kind === 'erased') {
      this.erasedAt = Math.max(this.erasedAt, Number(m.at) || this.now());
      this.deleted = true;
      this.resetMemory();
      this.reportsOff = true;
      this.reporter?.stop();
      this.restartLearner();
    } else if (m.kind === 'interests') {
      this.applyRemoved(readRemoved(m.removed));
    }
  }

  private async loadLearner(): Promise<void> {
    this.learnerWanted = true;
    this.learnerPromise ??= (async () => {
      const mod = await (this.deps.loadLearner ?? (() => import('../core/model/learner')))();
      const saved = this.deleted ? undefined : await (await this.openedStore())?.getModel().catch(() => undefined);
      // The product's learner (settings.ts), as the quality benchmark measures it.
      const base = { weights: this.priorWeights ?? this.engine.scoringWeights(), version: this.priorVersion, featureSchemaVersion: FEATURE_SCHEMA_VERSION };
      const { ranker, restarted } = mod.createLearner(base, saved?.value);
      this.ranker = ranker;
      this.engine.attachLearner(ranker as Learner);
      if (restarted) await this.relearnFromLog();
      this.scheduleTrain(0);
    })();
    return this.learnerPromise;
  }

  /** After a feature-schema or prior change: learn again from the retained event log. */
  private async relearnFromLog(): Promise<void> {
    const store = await this.openedStore();
    if (!store) return;
    const events = await store.readEvents(this.now());
    const replay = new Engine(this.engineOptions, events[0]?.ts ?? this.now());
    replay.attachLearner(this.ranker as unknown as Learner);
    for (const e of events) {
      replay.ingest(e, e.ts, true);
      replay.train();
    }
    this.scheduleModelSave();
  }

  /** Learns queued feedback in slices of at most {@link SLICE_MS}, yielding to reranks between them. */
  private scheduleTrain(delay = 0): void {
    if (this.trainTimer !== undefined) return;
    const calls = this.trackCalls;
    this.trainTimer = this.timers.setTimeout(() => {
      this.trainTimer = undefined;
      // Storing what the shopper did comes first: learning waits until no track call is running and
      // none arrived while it waited, so a burst's batches are stored back to back.
      if (this.tracksRunning > 0 || this.trackCalls !== calls) {
        this.scheduleTrain(TRAIN_WAIT_MS);
        return;
      }
      const t0 = performance.now();
      let learned = 0;
      try {
        while (this.engine.pendingExamples() > 0 && performance.now() - t0 < SLICE_MS) learned += this.engine.train(TRAIN_STEP, 1);
      } catch (err) {
        if (this.config.debug) console.warn('[pz] learning step failed:', describeError(err));
      }
      if (learned > 0) this.scheduleModelSave();
      if (this.engine.pendingExamples() > 0) this.scheduleTrain(0);
    }, delay);
  }

  scheduleSnapshot(): void {
    if (this.snapshotTimer !== undefined || !this.writable) return;
    this.snapshotTimer = this.timers.setTimeout(() => {
      this.snapshotTimer = undefined;
      this.serial(() => this.saveSnapshot()).catch((err) => {
        if (this.config.debug) console.warn('[pz] snapshot failed:', describeError(err));
      });
    }, SNAPSHOT_DELAY_MS);
  }

  private async saveSnapshot(): Promise<void> {
    // A snapshot holding events the log does not would disagree with it after a reload: wait for them.
    if (this.unwrittenLines.length > 0 || this.deleted) return;
    const store = await this.openedStore();
    if (!store) return;
    await this.tabs!.withLock('snapshot', async () => {
      await this.catchUp(false);
      await store.putProfile({ v: PROFILE_RECORD_VERSION, value: this.engine.profile, savedAt: this.now(), ...(this.upTo !== undefined ? { upTo: this.upTo } : {}) });
    });
  }

  private scheduleModelSave(): void {
    if (this.modelTimer !== undefined || !this.writable) return;
    this.modelTimer = this.timers.setTimeout(() => {
      this.modelTimer = undefined;
      const ranker = this.ranker;
      if (!ranker) return;
      this.serial(async () => {
        if (this.deleted) return;
        await (await this.openedStore())?.putModel({ v: 1, value: ranker.exportState(), savedAt: this.now() });
      }).catch(() => undefined);
    }, MODEL_SAVE_DELAY_MS);
  }

  /**
   * Ingests and stores events. Calls run one after another; an idle worker starts at once, so a
   * rerank sent after a few events sees them, while a long batch yields to it after its first slice.
   */
  track(raw: unknown[] | string): Promise<TrackAck> {
    // The next call starts once this one has ingested its events, not once they are stored, so calls
    // that arrive while a write commits are stored together by the next write (one commit, not one each).
    let ingested!: () => void;
    const before = this.trackChain;
    this.trackCalls++;
    const list = trackList(raw);
    const waiting = { left: list.length };
    this.eventsWaiting += waiting.left;
    this.trackChain = new Promise<void>((resolve) => {
      ingested = resolve;
    });
    const text = typeof raw === 'string';
    // A call queued behind another starts in a task of its own, not in the one that ends the call before it.
    const run = this.tracksRunning++ === 0 ? this.trackInOrder(list, text, ingested, waiting) : before.then(yieldTask).then(() => this.trackInOrder(list, text, ingested, waiting));
    run
      .catch(() => undefined)
      .finally(() => {
        ingested();
        this.tracksRunning--;
        this.eventsWaiting -= waiting.left;
      });
    return run;
  }

  /**
   * `list`: this call's events, each a JSON line when `text`; `waiting.left`: those not yet ingested
   * (counted in {@link eventsWaiting}).
   */
  private async trackInOrder(list: unknown[], text: boolean, ingested: () => void, waiting: { left: number }): Promise<TrackAck> {
    await this.initPromise;
    const now = this.now();
    const ack: TrackAck = { accepted: [], rejected: [], duplicates: 0, durable: true };
    const freshTs: number[] = [];
    const freshLines: string[] = [];
    if (!this.writable) {
      // The page never sends events without consent; a stray one is refused, not kept.
      const refused = describeError(new ConsentError('consent', 'consent is not granted'));
      return { ...ack, durable: false, rejected: list.map((_, index) => ({ index, error: refused })) };
    }
    let sliceStart = performance.now();
    let tooMany: string | undefined;
    for (let index = 0; index < list.length; index++) {
      if (performance.now() - sliceStart > INGEST_SLICE_MS) {
        await yieldTask();
        sliceStart = performance.now();
      }
      // The events behind this one in the burst, before it leaves the count.
      const behind = --this.eventsWaiting;
      waiting.left--;
      if (index >= TRACK_MAX) {
        tooMany ??= describeError(new UsageError('events', `a track call takes at most ${TRACK_MAX} events`));
        ack.rejected.push({ index, error: tooMany });
        continue;
      }
      let input = list[index];
      if (text) {
        try {
          input = JSON.parse(input as string);
        } catch {
          ack.rejected.push({ index, error: describeError(new InvalidEventError('event', 'the event is not valid JSON')) });
          continue;
        }
      }
      if (happenedBefore(input, this.erasedAt)) {
        // Tracked before the shopper erased everything (perhaps in another tab): it goes with the rest.
        ack.rejected.push({ index, error: describeError(new ErasedError('ts', 'the event happened before the data was erased')) });
        continue;
      }
      const r = this.engine.ingestRaw(input, now, behind < ENGINE_SETTINGS.burstLearnWindow);
      if (!r.ok) {
        ack.rejected.push({ index, error: r.error });
        continue;
      }
      ack.accepted.push(r.event.id);
      if (r.duplicate) ack.duplicates++;
      else {
        freshTs.push(r.event.ts);
        // Written as text here, inside the slice, rather than copied whole by IndexedDB in one task.
        freshLines.push(JSON.stringify(r.event));
      }
    }
    // Waiting events (an earlier write could not store them, or a write in progress does not hold them)
    // go first: the next write in the queue stores all of them.
    this.unwrittenTs = this.unwrittenTs.concat(freshTs);
    this.unwrittenLines = this.unwrittenLines.concat(freshLines);
    const written = this.unwrittenLines.length ? this.serial(() => this.write()) : undefined;
    if (freshLines.length) {
      this.engine.applyRemoved(this.removed);
      this.scheduleSnapshot();
      if (this.engine.hasLearner()) this.scheduleTrain(TRAIN_WAIT_MS);
      else this.loadLearner().catch(() => undefined);
    }
    ingested();
    ack.durable = written ? await written : this.store !== undefined && !this.store.closed;
    return ack;
  }

  /**
   * Writes every waiting event, in order, as one batch (none waiting: an earlier write stored them). On
   * a full disk the oldest events make room once (retention, oldest first) and the write is tried again;
   * whatever still fails stays in memory (in the profile and the export) for the next write. True when
   * all are durable.
   */
  private async write(): Promise<boolean> {
    const times = this.unwrittenTs;
    const lines = this.unwrittenLines;
    if (!lines.length) return true;
    const store = await this.openedStore();
    if (!store) {
      this.capUnwritten();
      return false;
    }
    try {
      // Each record's text, written once: stored, and told to the other tabs as it was stored.
      const texts = recordTexts(lines);
      let keys: number[];
      try {
        keys = await store.appendEvents(times, texts);
      } catch (err) {
        if (!isQuotaError(err)) throw err;
        const room = lines.length;
        const { trimOldest } = await import('./retention');
        const { dropped } = await this.tabs!.withLock('log', () => trimOldest(store, Number.POSITIVE_INFINITY, room));
        this.logEstimate = Math.max(0, this.logEstimate - dropped);
        keys = await store.appendEvents(times, texts);
      }
      // Events ingested while this write committed wait for the next one.
      this.unwrittenTs = this.unwrittenTs.slice(lines.length);
      this.unwrittenLines = this.unwrittenLines.slice(lines.length);
      this.logEstimate += lines.length;
      for (const key of keys) this.applied.add(key);
      for (let i = 0; i < keys.length; i++) this.tabs?.post({ kind: 'events', key: keys[i]!, events: texts[i]! });
      // The batch is durable whatever retention does: a failed trim (or its file not loading) is tried
      // again after the next write.
      if (this.logEstimate > this.maxEvents) {
        await this.pruneLog(store).catch((err: unknown) => {
          if (this.config.debug) console.warn('[pz] retention failed:', describeError(err));
        });
      }
      return true;
    } catch (err) {
      this.storageError = describeError(err);
      this.capUnwritten();
      return false;
    }
  }

  /** Retention as the log grows: under the tab lock, back to a little under the limit, oldest first. */
  private async pruneLog(store: Store): Promise<void> {
    const target = Math.floor(this.maxEvents * (1 - RETENTION_SLACK));
    const { trimOldest } = await import('./retention');
    const kept = await this.tabs!.withLock('log', () => trimOldest(store, target));
    this.logEstimate = kept.remaining;
  }

  /** Unwritten events are bounded like the log: the oldest go first. */
  private capUnwritten(): void {
    const over = this.unwrittenLines.length - this.maxEvents;
    if (over > 0) {
      this.unwrittenTs.splice(0, over);
      this.unwrittenLines.splice(0, over);
    }
  }

  async rerank(candidates: unknown, options: RerankOptions): Promise<RerankResult> {
    const t0 = performance.now();
    try {
      await this.initPromise;
      // The lift experiment's control arm sees the site's own order.
      if (this.reporter?.arm() === 0) return serverOrder(candidates, options?.limit, 'control group', performance.now() - t0, options?.exclude);
      // The list is the structured clone the message brought, or the objects unpacked from a packed
      // one: the worker alone holds it.
      const result = this.engine.rerank(candidates, options ?? {}, this.rng, this.now(), () => performance.now(), true);
      if (!result.fellBack && result.listId) {
        const slot = options?.slot ?? 'default';
        this.last = { slot, listId: result.listId, at: this.now(), items: result.items };
      }
      // The list this one replaced in its slot is final: the learner learns from it after this answer.
      if (this.engine.hasLearner() && this.engine.pendingExamples() > 0) this.scheduleTrain(0);
      return result;
    } catch (err) {
      return serverOrder(candidates, options?.limit, `error: ${describeError(err)}`, performance.now() - t0, options?.exclude);
    }
  }

  /**
   * {@link rerank} of a packed list, answered packed. Rejects with a `TypeError` for what is not a packed
   * list: only the page holds the list then, so it answers with its server order.
   */
  async rerankPacked(candidates: PackedCandidates, options: RerankOptions): Promise<PackedRerankResult> {
    const list = unpackCandidates(candidates);
    if (!list) throw new TypeError('packed candidates could not be read');
    return packResult(await this.rerank(list, options));
  }

  async impression(impression: Impression): Promise<void> {
    this.engine.recordImpression(impression);
  }

  async profile(): Promise<unknown> {
    return (await import('./readouts')).profile(this);
  }

  /** The profile as the shopper sees it; its module (segments, propensities) loads on first use. */
  async view(): Promise<import('../core/profile/view').ProfileView> {
    const { describeProfile } = await import('../core/profile/view');
    await this.profileFiles;
    const e = this.engine;
    return describeProfile(e.profile, this.now(), e.options, { learning: e.hasLearner(), pendingExamples: e.pendingExamples() });
  }

  async explain(id: string): Promise<Explanation | undefined> {
    const e = this.engine.explain(String(id), this.now());
    return e ? { id: String(id), ...e } : undefined;
  }

  async explainLast(): Promise<LastRerank | undefined> {
    return (await import('./readouts')).explainLast(this);
  }

  async reports(): Promise<ReportStatus | undefined> {
    await this.initPromise;
    return this.reporter?.status();
  }

  async removeInterest(kind: InterestKind, raw: string): Promise<boolean> {
    return (await import('./corrections')).removeInterest(this, kind, raw);
  }

  async restoreInterest(kind: InterestKind, raw: string): Promise<boolean> {
    return (await import('./corrections')).restoreInterest(this, kind, raw);
  }

  /** The removed interests from now on: held here and applied to the profile. */
  applyRemoved(list: RemovedInterest[]): void {
    this.removed = list;
    this.engine.applyRemoved(list);
  }

  async exportData(): Promise<ExportBundle> {
    return (await import('./readouts')).exportData(this);
  }

  /** Forgets everything held in memory: profile, unwritten events, shown lists, the learner, pending saves. */
  private resetMemory(): void {
    // A pending snapshot or model save would write the erased data back.
    for (const t of [this.snapshotTimer, this.modelTimer, this.trainTimer]) if (t !== undefined) this.timers.clearTimeout(t);
    this.snapshotTimer = this.modelTimer = this.trainTimer = undefined;
    this.engine.reset(this.now());
    this.unwrittenTs = [];
    this.unwrittenLines = [];
    this.removed = [];
    this.last = undefined;
    this.applied.clear();
    this.upTo = undefined;
    this.logEstimate = 0;
    this.quarantined = 0;
    if (this.ranker) {
      this.ranker.dispose();
      this.ranker = undefined;
    }
    this.learnerPromise = undefined;
  }

  /** Loads a fresh learner if one was running before a reset. */
  private restartLearner(): void {
    if (this.learnerWanted && this.learnerPromise === undefined) this.loadLearner().catch(() => undefined);
  }

  /**
   * Deletes the database by name, whatever state this worker is in (storage never opened, a newer
   * schema, a malformed row, a connection closed by another tab), and resolves only once it is gone.
   * Rejects when it could not be deleted. Every tab forgets what it held, including events it had
   * not sent yet.
   */
  async erase(): Promise<void> {
    await this.initPromise?.catch(() => undefined);
    const at = this.now();
    await this.serial(async () => {
      this.erasedAt = Math.max(this.erasedAt, at);
      this.resetMemory();
      await this.opening;
      const store = this.store;
      this.store = undefined;
      store?.close();
      this.deleted = true;
      await deleteStore(this.dbName, () => {
        if (this.config.debug) console.warn('[pz] erase waits for another connection to the database to close');
      });
      this.hadStore = false;
    });
    this.tabs?.post({ kind: 'erased', at });
    this.reportsOff = true;
    this.reporter?.stop();
    // Start the fresh learner only after the stored model is gone.
    this.restartLearner();
  }

  /** Stops timers and closes the database and the tab channel (the worker is going away). */
  close(): void {
    for (const t of [this.snapshotTimer, this.modelTimer, this.trainTimer, this.learnerTimer]) if (t !== undefined) this.timers.clearTimeout(t);
    this.snapshotTimer = this.modelTimer = this.trainTimer = this.learnerTimer = undefined;
    this.reporter?.stop();
    this.tabs?.close();
    this.store?.close();
  }

  async setDeclared(key: string, value: string | undefined): Promise<void> {
    await this.initPromise;
    this.engine.declare(key, value);
    this.deleted = false;
    this.scheduleSnapshot();
  }
}
