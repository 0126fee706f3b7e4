/**
 * The worker's implementation of {@link WorkerApi}: the imperative shell around the pure engine.
 * It owns the store, the tab channel, timers and the lazily loaded tfjs learner; all ranking and
 * profile math lives in `core/`.
 *
 * Consistency across tabs: the event log (batches with increasing keys) is the truth. The profile
 * snapshot records the newest batch key it includes (`upTo`); every tab applies each batch exactly
 * once, whether it wrote it, heard of it on the BroadcastChannel, or read it while catching up.
 */
import type { ExportBundle, Explanation, TrackAck, WorkerApi, WorkerConfig, WorkerStatus } from '../core/api';
import { FM_K } from '../core/model/default-weights';
import { Engine, type EngineOptions, type Learner } from '../core/engine';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../core/model/features';
import type { FmWeights } from '../core/model/fm';
import { parsePrior } from '../core/model/prior';
import { createRng, type Rng } from '../core/util/rng';
import { checkCentroidFile, type SegmentConfig } from '../core/profile/segments';
import { serverOrder } from '../core/rank/server-order';
import type { Impression, RerankOptions, RerankResult, StoredEvent } from '../core/types';
import { type EventBatch, type Store, openExistingStore, openStore } from './store';
import { type Tabs, openTabs } from './tabs';

const DAY = 86_400_000;
const PROFILE_RECORD_VERSION = 1;
const SNAPSHOT_DELAY_MS = 500;
const MODEL_SAVE_DELAY_MS = 2000;
const LEARNER_DELAY_MS = 1000;

type LearnerModule = typeof import('../core/model/model');

/** Options for tests: a clock, and how to load the learner module. */
export interface ServiceDeps {
  now?: () => number;
  loadLearner?: () => Promise<LearnerModule>;
  fetchJson?: (url: string) => Promise<unknown>;
}

/**
 * Plain JSON data for the page: the profile's maps serialise as objects through their `toJSON`, which
 * structured cloning (comlink) would skip, leaving the shopper's panel and export with empty maps.
 */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value));
}

const describeError = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export class PersonalizerService implements WorkerApi {
  private store: Store | undefined;
  /** False when consent is not granted: the store (if it existed) is read, never written. */
  private writable = true;
  private storageError: string | undefined;
  private tabs: Tabs | undefined;
  private engine = new Engine();
  private config: WorkerConfig = {};
  private engineOptions: EngineOptions = {};
  private memoryLog: StoredEvent[] = [];
  private initPromise: Promise<WorkerStatus> | undefined;
  private rng: Rng = createRng(1);
  private upTo: number | undefined;
  private applied = new Set<number>();
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private modelTimer: ReturnType<typeof setTimeout> | undefined;
  private trainTimer: ReturnType<typeof setTimeout> | undefined;
  private learnerPromise: Promise<void> | undefined;
  private ranker: { dispose(): void; exportState(): unknown } | undefined;
  private priorWeights: FmWeights | undefined;
  private priorVersion = 'built-in';
  private readonly now: () => number;
  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps = {}) {
    this.deps = deps;
    this.now = deps.now ?? (() => Date.now());
  }

  init(config: WorkerConfig): Promise<WorkerStatus> {
    this.initPromise ??= this.start(config ?? {});
    return this.initPromise;
  }

  private async fetchJson(url: string): Promise<unknown> {
    if (this.deps.fetchJson) return this.deps.fetchJson(url);
    const res = await fetch(url, { credentials: 'same-origin', cache: 'default' });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  }

  private async start(config: WorkerConfig): Promise<WorkerStatus> {
    this.config = config;
    this.rng = createRng(config.seed ?? ((this.now() ^ 0x9e3779b9) >>> 0));
    // Site-wide, non-personal files: the same for every shopper, fetched like any static asset.
    const [prior, segments] = await Promise.all([
      config.priorUrl ? this.fetchJson(config.priorUrl).catch((e) => ({ error: describeError(e) })) : undefined,
      config.segmentsUrl ? this.fetchJson(config.segmentsUrl).catch((e) => ({ error: describeError(e) })) : undefined,
    ]);
    let segmentConfig: SegmentConfig | undefined;
    if (segments && !(segments as { error?: string }).error) {
      try {
        const s = segments as SegmentConfig & { centroids?: unknown };
        segmentConfig = { ...s, ...(s.centroids ? { centroids: checkCentroidFile(s.centroids) } : {}) } as SegmentConfig;
      } catch (err) {
        if (config.debug) console.warn('[pz] segment file ignored:', describeError(err));
      }
    }
    if (prior && !(prior as { error?: string }).error) {
      const parsed = parsePrior(prior, { d: FEATURE_DIM, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
      if (parsed.ok) {
        this.priorWeights = parsed.prior.weights;
        this.priorVersion = parsed.prior.version;
      } else if (config.debug) console.warn('[pz] prior ignored:', String(parsed.error));
    }
    this.engineOptions = {
      profile: {
        ...(config.halfLifeDays ? { halfLifeMs: config.halfLifeDays * DAY } : {}),
        ...(config.tzOffsetMinutes !== undefined ? { tzOffsetMinutes: config.tzOffsetMinutes } : {}),
      },
      ...(config.personalization !== undefined ? { personalization: config.personalization } : {}),
      ...(this.priorWeights ? { weights: this.priorWeights } : {}),
      ...(segmentConfig ? { segments: segmentConfig } : {}),
    };
    this.engine = new Engine(this.engineOptions, this.now());

    const dbName = config.dbName ?? 'on-device-personalizer';
    let events = 0;
    this.writable = !config.readOnly;
    try {
      if (this.writable) {
        this.store = await openStore(dbName);
        const kept = await this.store.enforceRetention(config.maxEvents ?? 5000, (config.maxAgeDays ?? 90) * DAY, this.now());
        events = kept.remaining;
      } else {
        this.store = await openExistingStore(dbName);
        events = (await this.store?.countEvents()) ?? 0;
      }
      const snap = await this.store?.getProfile();
      if (snap && snap.v === PROFILE_RECORD_VERSION) {
        try {
          this.engine.restoreProfile(snap.value);
          this.upTo = snap.upTo;
        } catch {
          this.upTo = undefined; // unreadable snapshot: rebuild from the log
        }
      }
      await this.catchUp(false);
    } catch (err) {
      // Private modes, full disks, blocked storage: keep working in memory for this page.
      this.store = undefined;
      this.storageError = describeError(err);
    }
    this.tabs = openTabs(dbName, (m) => this.onTabMessage(m));
    this.warmUp();
    // tfjs is loaded after start-up, so the first rerank never waits for it (and not at all without consent).
    if (this.writable) setTimeout(() => this.loadLearner().catch(() => undefined), LEARNER_DELAY_MS);
    return {
      ready: true,
      version: '0.1.0',
      events,
      ...(this.storageError ? { storageError: this.storageError } : {}),
    };
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

  /** Applies every stored batch this tab has not applied yet. */
  private async catchUp(learn: boolean): Promise<void> {
    if (!this.store) return;
    const batches = await this.store.readBatchesAfter(this.upTo);
    const now = this.now();
    for (const b of batches) this.applyBatch(b, now, learn);
    if (batches.length) {
      this.upTo = batches[batches.length - 1]!.id;
      for (const k of this.applied) if (this.upTo !== undefined && k <= this.upTo) this.applied.delete(k);
    }
  }

  private applyBatch(b: EventBatch, now: number, learn: boolean): void {
    if (b.id === undefined || this.applied.has(b.id) || (this.upTo !== undefined && b.id <= this.upTo)) return;
    this.applied.add(b.id);
    for (const e of b.events) this.engine.ingest(e, now, learn);
  }

  private onTabMessage(m: import('./tabs').TabMessage): void {
    if (m.kind === 'events') {
      this.applyBatch({ id: m.key, lastTs: 0, events: m.events }, this.now(), false);
      this.scheduleSnapshot();
    } else if (m.kind === 'erased') this.resetMemory();
  }

  private async loadLearner(): Promise<void> {
    this.learnerPromise ??= (async () => {
      const mod = await (this.deps.loadLearner ?? (() => import('../core/model/model')))();
      const base = this.priorWeights ?? this.engine.scoringWeights();
      const opts = {
        d: FEATURE_DIM,
        k: FM_K,
        prior: { version: this.priorVersion, featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights: base },
        featureSchemaVersion: FEATURE_SCHEMA_VERSION,
        seed: 7,
      };
      let ranker: InstanceType<LearnerModule['FmRanker']> | undefined;
      const saved = await this.store?.getModel().catch(() => undefined);
      if (saved) {
        try {
          const state = saved.value as Parameters<LearnerModule['FmRanker']['fromState']>[0];
          if (state.priorVersion === this.priorVersion) ranker = mod.FmRanker.fromState(state, { seed: 7, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
        } catch {
          ranker = undefined; // other feature schema or prior: restart below
        }
      }
      const restarted = ranker === undefined && saved !== undefined;
      ranker ??= new mod.FmRanker(opts);
      this.ranker = ranker;
      this.engine.attachLearner(ranker as Learner);
      if (restarted) await this.relearnFromLog();
      this.scheduleTrain(0);
    })();
    return this.learnerPromise;
  }

  /** After a feature-schema or prior change: learn again from the retained event log. */
  private async relearnFromLog(): Promise<void> {
    if (!this.store) return;
    const events = await this.store.readEvents();
    const replay = new Engine(this.engineOptions, events[0]?.ts ?? this.now());
    replay.attachLearner(this.ranker as unknown as Learner);
    for (const e of events) {
      replay.ingest(e, e.ts, true);
      replay.train();
    }
    this.scheduleModelSave();
  }

  private scheduleTrain(delay = 0): void {
    if (this.trainTimer !== undefined) return;
    this.trainTimer = setTimeout(() => {
      this.trainTimer = undefined;
      try {
        if (this.engine.train() > 0) this.scheduleModelSave();
      } catch (err) {
        if (this.config.debug) console.warn('[pz] learning step failed:', describeError(err));
      }
      if (this.engine.pendingExamples() > 0) this.scheduleTrain(0);
    }, delay);
  }

  private scheduleSnapshot(): void {
    if (this.snapshotTimer !== undefined || !this.store || !this.writable) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      this.saveSnapshot().catch((err) => {
        if (this.config.debug) console.warn('[pz] snapshot failed:', describeError(err));
      });
    }, SNAPSHOT_DELAY_MS);
  }

  private async saveSnapshot(): Promise<void> {
    const store = this.store;
    if (!store) return;
    await (this.tabs?.withLock('snapshot', async () => {
      await this.catchUp(false);
      await store.putProfile({ v: PROFILE_RECORD_VERSION, value: this.engine.profile, savedAt: this.now(), ...(this.upTo !== undefined ? { upTo: this.upTo } : {}) });
    }) ?? Promise.resolve());
  }

  private scheduleModelSave(): void {
    if (this.modelTimer !== undefined || !this.store || !this.writable) return;
    this.modelTimer = setTimeout(() => {
      this.modelTimer = undefined;
      if (!this.ranker || !this.store) return;
      this.store.putModel({ v: 1, value: this.ranker.exportState(), savedAt: this.now() }).catch(() => undefined);
    }, MODEL_SAVE_DELAY_MS);
  }

  async track(raw: unknown[]): Promise<TrackAck> {
    await this.initPromise;
    const now = this.now();
    const ack: TrackAck = { accepted: [], rejected: [], duplicates: 0, durable: this.store !== undefined };
    const fresh: StoredEvent[] = [];
    const list = Array.isArray(raw) ? raw.slice(0, 1000) : [raw];
    if (!this.writable) {
      // The page never sends events without consent; a stray one is refused, not kept.
      return { ...ack, durable: false, rejected: list.map((_, index) => ({ index, error: 'ConsentError: consent is not granted' })) };
    }
    list.forEach((input, index) => {
      const r = this.engine.ingestRaw(input, now);
      if (!r.ok) {
        ack.rejected.push({ index, error: r.error });
        return;
      }
      ack.accepted.push(r.event.id);
      if (r.duplicate) ack.duplicates++;
      else fresh.push(r.event);
    });
    if (fresh.length) {
      if (this.store) {
        try {
          const key = await this.store.appendEvents(fresh);
          if (key !== undefined) {
            this.applied.add(key);
            this.tabs?.post({ kind: 'events', key, events: fresh });
          }
        } catch (err) {
          ack.durable = false;
          this.storageError = describeError(err);
          this.memoryLog.push(...fresh);
        }
      } else this.memoryLog.push(...fresh);
      this.scheduleSnapshot();
      if (this.engine.hasLearner()) this.scheduleTrain(0);
      else this.loadLearner().catch(() => undefined);
    }
    return ack;
  }

  async rerank(candidates: unknown, options: RerankOptions): Promise<RerankResult> {
    const t0 = performance.now();
    try {
      await this.initPromise;
      return this.engine.rerank(candidates, options ?? {}, this.rng, this.now(), () => performance.now());
    } catch (err) {
      return serverOrder(candidates, options?.limit, `error: ${describeError(err)}`, performance.now() - t0, options?.exclude);
    }
  }

  async impression(impression: Impression): Promise<void> {
    this.engine.recordImpression(impression);
  }

  async profile(): Promise<unknown> {
    await this.initPromise;
    return plain(this.engine.view(this.now()));
  }

  async explain(id: string): Promise<Explanation | undefined> {
    const e = this.engine.explain(String(id), this.now());
    return e ? { id: String(id), ...e } : undefined;
  }

  async exportData(): Promise<ExportBundle> {
    await this.initPromise;
    const events = this.store ? await this.store.readEvents() : [];
    const view = this.engine.view(this.now());
    return {
      format: 'on-device-personalizer/export',
      version: 1,
      exportedAt: this.now(),
      consent: 'granted',
      profile: plain(view.profile),
      segments: plain({ ...view.segments, propensities: view.propensities }),
      events: [...events, ...this.memoryLog],
      model: this.ranker ? this.ranker.exportState() : { weights: 'site prior / built-in (no personal learning yet)' },
    };
  }

  private resetMemory(): void {
    // A pending snapshot or model save would write the erased data back.
    for (const t of [this.snapshotTimer, this.modelTimer, this.trainTimer]) if (t !== undefined) clearTimeout(t);
    this.snapshotTimer = this.modelTimer = this.trainTimer = undefined;
    this.engine.reset(this.now());
    this.memoryLog = [];
    this.applied.clear();
    this.upTo = undefined;
    if (this.ranker) {
      this.ranker.dispose();
      this.ranker = undefined;
      this.learnerPromise = undefined;
      this.loadLearner().catch(() => undefined);
    }
  }

  async erase(): Promise<void> {
    await this.initPromise;
    await this.store?.clear();
    // Start the fresh learner only after the stored model is gone.
    this.resetMemory();
    this.tabs?.post({ kind: 'erased' });
  }

  /** Stops timers and closes the database and the tab channel (the worker is going away). */
  close(): void {
    for (const t of [this.snapshotTimer, this.modelTimer, this.trainTimer]) if (t !== undefined) clearTimeout(t);
    this.snapshotTimer = this.modelTimer = this.trainTimer = undefined;
    this.tabs?.close();
    this.store?.close();
  }

  async setDeclared(key: string, value: string | undefined): Promise<void> {
    await this.initPromise;
    this.engine.declare(key, value);
    this.scheduleSnapshot();
  }
}
