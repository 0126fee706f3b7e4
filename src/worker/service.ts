/**
 * The worker's implementation of {@link WorkerApi}: the imperative shell around the pure engine.
 * It owns the store and the tab channel; all ranking and profile math lives in `core/`.
 */
import type { ExportBundle, Explanation, TrackAck, WorkerApi, WorkerConfig, WorkerStatus } from '../core/api';
import { Engine, validate } from '../core/engine';
import { serverOrder } from '../core/server-order';
import type { Impression, RerankOptions, RerankResult, StoredEvent } from '../core/types';
import { type Store, openStore } from './store';
import { type Tabs, openTabs } from './tabs';

const DAY = 86_400_000;

export class PersonalizerService implements WorkerApi {
  private store: Store | undefined;
  private storageError: string | undefined;
  private tabs: Tabs | undefined;
  private engine = new Engine();
  private config: WorkerConfig = {};
  private memoryLog: StoredEvent[] = [];
  private initPromise: Promise<WorkerStatus> | undefined;

  constructor(private readonly now: () => number = () => Date.now()) {}

  init(config: WorkerConfig): Promise<WorkerStatus> {
    this.initPromise ??= this.start(config);
    return this.initPromise;
  }

  private async start(config: WorkerConfig): Promise<WorkerStatus> {
    this.config = config;
    this.engine = new Engine({ halfLifeDays: config.halfLifeDays, personalization: config.personalization });
    const dbName = config.dbName ?? 'on-device-personalizer';
    let events: StoredEvent[] = [];
    try {
      this.store = await openStore(dbName);
      await this.store.enforceRetention(config.maxEvents ?? 5000, (config.maxAgeDays ?? 90) * DAY, this.now());
      events = await this.store.readEvents();
    } catch (err) {
      // Private modes and full disks: keep working in memory for this page.
      this.store = undefined;
      this.storageError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    for (const e of events) this.engine.apply(e);
    this.tabs = openTabs(dbName, (m) => {
      if (m.kind === 'events') for (const e of m.events) this.engine.apply(e);
      else if (m.kind === 'erased') this.engine.reset();
    });
    return {
      ready: true,
      version: '0.1.0',
      events: events.length,
      ...(this.storageError ? { storageError: this.storageError } : {}),
    };
  }

  async track(raw: unknown[]): Promise<TrackAck> {
    const now = this.now();
    const ack: TrackAck = { accepted: [], rejected: [], duplicates: 0, durable: this.store !== undefined };
    const fresh: StoredEvent[] = [];
    const list = Array.isArray(raw) ? raw : [raw];
    list.forEach((input, index) => {
      const v = validate(input, now);
      if (!v.ok) {
        ack.rejected.push({ index, error: v.error });
        return;
      }
      if (this.engine.apply(v.event)) fresh.push(v.event);
      else ack.duplicates++;
      ack.accepted.push(v.event.id);
    });
    if (fresh.length) {
      if (this.store) {
        try {
          await this.store.appendEvents(fresh);
        } catch (err) {
          ack.durable = false;
          this.storageError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          this.memoryLog.push(...fresh);
        }
      } else this.memoryLog.push(...fresh);
      this.tabs?.post({ kind: 'events', events: fresh });
    }
    return ack;
  }

  async rerank(candidates: unknown, options: RerankOptions): Promise<RerankResult> {
    const t0 = performance.now();
    try {
      return this.engine.rerank(candidates, options ?? {}, () => performance.now());
    } catch (err) {
      return serverOrder(candidates, options?.limit, `error: ${err instanceof Error ? err.message : String(err)}`, performance.now() - t0);
    }
  }

  async impression(impression: Impression): Promise<void> {
    this.engine.recordImpression(impression);
  }

  async profile(): Promise<unknown> {
    return this.engine.profile();
  }

  async explain(_id: string): Promise<Explanation | undefined> {
    return undefined;
  }

  async exportData(): Promise<ExportBundle> {
    const events = this.store ? await this.store.readEvents() : [];
    return {
      format: 'on-device-personalizer/export',
      version: 1,
      exportedAt: this.now(),
      consent: 'granted',
      profile: this.engine.profile(),
      segments: [],
      events: [...events, ...this.memoryLog],
      model: null,
    };
  }

  async erase(): Promise<void> {
    this.engine.reset();
    this.memoryLog = [];
    await this.store?.clear();
    this.tabs?.post({ kind: 'erased' });
  }

  async setDeclared(_key: string, _value: string | undefined): Promise<void> {}
}
