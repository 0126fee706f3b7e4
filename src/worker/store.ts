/**
 * The IndexedDB schema and its numbered migrations, through `idb`. The only module that knows the
 * database layout. Native IndexedDB errors pass through with their DOMException names.
 *
 * Layout (version 3):
 * - `batches`: the event log, stored as batches of events (one record per flush: one write instead of
 *   one per event; NOTES.md measured 0.8 ms against 9.7 ms for 100 events), each batch's events as
 *   one JSON array text (version 2 wrote an array of objects; both are read). Key: auto-increment.
 * - `profile`: the profile snapshot (key `"current"`).
 * - `model`: the learner's state (key `"current"`).
 * - `meta`: small values (consent, schema notes).
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, deleteDB, openDB, wrap } from 'idb';
import { batchText, reviveBatchEvents } from '../core/input/stored';
import { DEFAULT_DB_NAME } from '../core/settings';
import { COUNTS_KEY } from './meta-keys';
import type { StoredEvent } from '../core/types';

export { DEFAULT_DB_NAME };

/** Current schema version. Bump it and append a migration below; never edit an old one. */
export const SCHEMA_VERSION = 3;

/** Events per stored batch record, at most. */
export const BATCH_EVENTS = 500;

/**
 * The `events` texts of the records that events with these JSON texts (one per event, in order) are
 * stored as: at most {@link BATCH_EVENTS} a record.
 */
export function recordTexts(lines: readonly string[]): string[] {
  const texts: string[] = [];
  for (let at = 0; at < lines.length; at += BATCH_EVENTS) texts.push(batchText(lines.slice(at, at + BATCH_EVENTS)));
  return texts;
}

/** One batch of events, as read back (validated). */
export interface EventBatch {
  id?: number;
  /** Timestamp of the newest event in the batch, for age-based retention. */
  lastTs: number;
  events: StoredEvent[];
}

/** One batch of events as stored: `events` as JSON array text (version 2 records: an array). */
export interface BatchRecord {
  id?: number;
  lastTs: number;
  events: string | unknown[];
}

/** A versioned record, as every stored value is. */
export interface Versioned<T> {
  v: number;
  value: T;
  savedAt: number;
  /** Key of the newest event batch the value already includes (profile snapshots). */
  upTo?: number;
}

interface PzSchemaV2 extends DBSchema {
  batches: { key: number; value: BatchRecord; indexes: { lastTs: number } };
  profile: { key: string; value: Versioned<unknown> };
  model: { key: string; value: Versioned<unknown> };
  meta: { key: string; value: unknown };
}

export type Counts = Record<number, number>;
type AnyTx = IDBPTransaction<unknown, string[], 'versionchange'>;
type AnyDb = IDBPDatabase<unknown>;

/**
 * Migration `i` takes the database from version `i` to `i + 1`. Each runs inside the upgrade
 * transaction, so an interrupted upgrade leaves the old version intact.
 */
const MIGRATIONS: ((db: AnyDb, tx: AnyTx) => Promise<void> | void)[] = [
  // 0 → 1: the foundation layout, one record per event.
  (db) => {
    const events = db.createObjectStore('events', { keyPath: 'id' });
    events.createIndex('ts', 'ts');
    db.createObjectStore('profile');
    db.createObjectStore('meta');
  },
  // 1 → 2: events move into batches; the learner gets its store. Every v1 event is kept.
  async (db, tx) => {
    const batches = db.createObjectStore('batches', { keyPath: 'id', autoIncrement: true });
    batches.createIndex('lastTs', 'lastTs');
    db.createObjectStore('model');
    if (db.objectStoreNames.contains('events')) {
      const old = (await tx.objectStore('events').getAll()) as StoredEvent[];
      old.sort((a, b) => a.ts - b.ts);
      const target = tx.objectStore('batches');
      for (let i = 0; i < old.length; i += 500) {
        const events = old.slice(i, i + 500);
        await target.add({ lastTs: events[events.length - 1]!.ts, events });
      }
      db.deleteObjectStore('events');
    }
    // A version-1 database someone opened without our stores (an empty open) still upgrades.
    for (const name of ['profile', 'meta']) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    // A v1 profile snapshot was computed by the placeholder rule: drop it so it is rebuilt from the log.
    await tx.objectStore('profile').clear();
  },
  // 2 → 3: new batches hold their events as JSON text. Old records are read as they are (nothing is
  // rewritten); the version keeps workers that read only arrays (and would count a text as empty
  // when trimming) away from the log.
  () => undefined,
];

/** What the shell hears about a connection's life. */
export interface StoreCallbacks {
  /**
   * The connection was closed under us: another tab deletes the database (`deleted`: everything in it
   * is gone) or upgrades it (`upgraded`), or the browser closed it (`terminated`). The shell opens it
   * again on its next use.
   */
  onClose?(why: 'deleted' | 'upgraded' | 'terminated'): void;
  /** Our open (an upgrade) waits for a connection in another tab to close. */
  onBlocked?(): void;
}

/**
 * Opens (creating or upgrading) the personalizer database. Rejects with the native error, e.g. a
 * `VersionError` when another tab already upgraded it to a newer schema.
 */
export async function openStore(name = DEFAULT_DB_NAME, version = SCHEMA_VERSION, callbacks: StoreCallbacks = {}): Promise<Store> {
  let created = false;
  let store: Store | undefined;
  const db = await openDB<PzSchemaV2>(name, version, {
    async upgrade(database, oldVersion, newVersion, tx) {
      created = oldVersion === 0;
      const target = newVersion ?? version;
      for (let v = oldVersion; v < target; v++) {
        const step = MIGRATIONS[v];
        if (!step) throw new Error(`no migration from schema version ${v}`);
        await step(database as unknown as AnyDb, tx as unknown as AnyTx);
      }
    },
    blocked() {
      callbacks.onBlocked?.();
    },
    blocking(_current, next, event) {
      // Another tab deletes (no new version) or upgrades the database: let it. The shell reopens on its next use.
      (event.target as IDBDatabase).close();
      store?.markClosed();
      callbacks.onClose?.(next === null ? 'deleted' : 'upgraded');
    },
    terminated() {
      store?.markClosed();
      callbacks.onClose?.('terminated');
    },
  });
  store = new Store(db, created);
  return store;
}

/**
 * Deletes the database by name, whatever was stored in it and whatever its version. Other tabs'
 * connections close on the `versionchange` this causes; resolves only once the database is gone.
 * `onBlocked` hears when a connection that does not close delays it.
 */
export function deleteStore(name = DEFAULT_DB_NAME, onBlocked?: () => void): Promise<void> {
  return deleteDB(name, { blocked: () => onBlocked?.() });
}

/**
 * Opens the database only if it exists at the current schema version, without creating, upgrading
 * or writing anything (consent not granted). Resolves `undefined` when there is no such database.
 */
export async function openExistingStore(name = DEFAULT_DB_NAME, callbacks: StoreCallbacks = {}): Promise<Store | undefined> {
  // The raw API: idb's wrapper would report the deliberate abort below as an unhandled rejection.
  const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
    let created = false;
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => {
      // Only a database that did not exist gets an upgrade here: aborting it leaves none behind.
      created = true;
      req.transaction?.abort();
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = (ev) => {
      ev.preventDefault();
      if (created) resolve(undefined);
      else reject(req.error);
    };
  });
  if (!db) return undefined;
  if (db.version !== SCHEMA_VERSION) {
    db.close();
    return undefined;
  }
  const store = new Store(wrap(db) as unknown as IDBPDatabase<PzSchemaV2>);
  // A reader must not hold back another tab's erase or upgrade either.
  db.onversionchange = (ev) => {
    db.close();
    store.markClosed();
    callbacks.onClose?.(ev.newVersion === null ? 'deleted' : 'upgraded');
  };
  db.onclose = () => {
    store.markClosed();
    callbacks.onClose?.('terminated');
  };
  return store;
}

/** The store: a thin shell over IndexedDB. All methods may reject with native IndexedDB errors. */
export class Store {
  private isClosed = false;

  /** `created`: this open created the database (it did not exist before). */
  constructor(
    readonly db: IDBPDatabase<PzSchemaV2>,
    readonly created = false,
  ) {}

  /** True once the connection was closed (by us, another tab or the browser): open a new one. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** @internal Called by the connection callbacks. */
  markClosed(): void {
    this.isClosed = true;
  }

  /**
   * Appends events as batch records of at most {@link BATCH_EVENTS} each, in one transaction (each
   * record in its own task, so a rerank can run between them); resolves with their keys once the
   * transaction has committed (durable). `times`: each event's timestamp, in order; `texts`: each
   * record's events as {@link recordTexts} writes them (the caller tells other tabs of the records in
   * these words), so the events need not be kept as objects until they are written.
   * @example await store.appendEvents(events.map((e) => e.ts), recordTexts(events.map((e) => JSON.stringify(e))));
   */
  async appendEvents(times: readonly number[], texts: readonly string[]): Promise<number[]> {
    const keys: number[] = [];
    if (times.length === 0) return keys;
    const tx = this.db.transaction(['batches', 'meta'], 'readwrite', { durability: 'strict' });
    const meta = tx.objectStore('meta');
    const counts = await meta.get(COUNTS_KEY);
    for (let at = 0; at < times.length; at += BATCH_EVENTS) {
      const part = times.slice(at, at + BATCH_EVENTS);
      let lastTs = 0;
      for (const ts of part) lastTs = Math.max(lastTs, ts);
      const key = await tx.objectStore('batches').add({ lastTs, events: texts[at / BATCH_EVENTS]! });
      keys.push(key);
      // Counted as written, so a trim need not read it back (a corrupt record is left to the trim).
      if (counts instanceof Object) (counts as Counts)[key] = part.length;
    }
    if (counts instanceof Object) await meta.put(counts, COUNTS_KEY);
    await tx.done;
    return keys;
  }

  /** Every readable stored event, oldest first; unreadable records are skipped (see {@link readBatchesAfter}). */
  async readEvents(now: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (const b of (await this.readBatchesAfter(undefined, now)).batches) for (const e of b.events) out.push(e);
    out.sort((a, b) => a.ts - b.ts);
    return out;
  }

  /**
   * Batches with a key above `afterKey` (all when undefined), in key order, each event validated again;
   * batches whose key is in `skip` (already applied) are not read. `lastKey` is the newest key above
   * `afterKey`, read or skipped. Unreadable records and events are skipped and counted in
   * `quarantined`, never fatal: one bad row must not turn storage off.
   */
  async readBatchesAfter(
    afterKey: number | undefined,
    now: number,
    skip?: ReadonlySet<number>,
  ): Promise<{ batches: EventBatch[]; quarantined: number; lastKey: number | undefined }> {
    const range = afterKey === undefined ? undefined : IDBKeyRange.lowerBound(afterKey, true);
    const batches: EventBatch[] = [];
    let quarantined = 0;
    // The key path guarantees every record its `id`, whatever else it holds. One get per batch: each
    // is read in its own task, so a rerank can run between them.
    const tx = this.db.transaction('batches');
    const keys = await tx.store.getAllKeys(range);
    const records = await Promise.all(keys.filter((k) => !skip?.has(k)).map((k) => tx.store.get(k)));
    for (const record of records) {
      if (!record) continue;
      const r = reviveBatchEvents(record, now);
      quarantined += r.quarantined;
      batches.push({ id: record.id, lastTs: r.events.reduce((m, e) => Math.max(m, e.ts), 0), events: r.events });
    }
    return { batches, quarantined, lastKey: keys.at(-1) };
  }

  async getProfile(): Promise<Versioned<unknown> | undefined> {
    return this.db.get('profile', 'current');
  }

  async putProfile(record: Versioned<unknown>): Promise<void> {
    await this.db.put('profile', record, 'current');
  }

  async getModel(): Promise<Versioned<unknown> | undefined> {
    return this.db.get('model', 'current');
  }

  async putModel(record: Versioned<unknown>): Promise<void> {
    await this.db.put('model', record, 'current');
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key)) as T | undefined;
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }

  /**
   * Reads and rewrites one `meta` value in a single readwrite transaction, so tabs updating it at once
   * are serialised by IndexedDB (the ε ledger relies on this). `fn` must be synchronous.
   */
  async updateMeta<R>(key: string, fn: (old: unknown) => { value: unknown; result: R }): Promise<R> {
    const tx = this.db.transaction('meta', 'readwrite', { durability: 'strict' });
    const { value, result } = fn(await tx.store.get(key));
    await tx.store.put(value, key);
    await tx.done;
    return result;
  }

  close(): void {
    this.db.close();
  }
}
