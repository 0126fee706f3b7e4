/**
 * The one interface between the page and the worker (types only). `client/` calls it with postMessage,
 * `worker/` implements it; neither imports the other.
 */
import type { InterestKind, RemovedInterest } from './privacy/interests';
import type { PackedCandidates } from './input/packed';
import type { PackedRerankResult } from './rank/packed-result';
import type { ConsentState, Impression, RerankOptions, RerankResult } from './types';

/** Configuration the loader passes to the worker at start. All fields optional. */
export interface WorkerConfig {
  /** IndexedDB database name (tests and multi-tenant pages use their own). */
  dbName?: string;
  /** Event log retention: at most this many events… */
  maxEvents?: number;
  /** …and none older than this many days. */
  maxAgeDays?: number;
  /** Preference half-life in days (default 14). */
  halfLifeDays?: number;
  /** Same-origin URL of the site-wide prior model JSON (optional). */
  priorUrl?: string;
  /** Same-origin URL of the site's segment file: centroids and value thresholds (optional). */
  segmentsUrl?: string;
  /** Same-origin URL of the site's translations of the message table (`{ "<lang>": { "<key>": "<text>" } }`). */
  messagesUrl?: string;
  /** Language that picks the translation (the page's `<html lang>` for the script tag). */
  lang?: string;
  /** Default personalization strength for reranks (0..1). */
  personalization?: number;
  /** Seed for exploration; a fresh one per page load when absent. */
  seed?: number;
  /** Local time-zone offset in minutes east of UTC, for the hour-of-day context. */
  tzOffsetMinutes?: number;
  /**
   * Consent is not granted: open the database only if it already exists (never create, upgrade or
   * write it), accept no events, keep declared values in memory.
   */
  readOnly?: boolean;
  /**
   * The site's report endpoint (`data-report`): questions are read from it with GET, locally private
   * reports sent to it with POST. Used only when consent is granted.
   */
  reportUrl?: string;
  debug?: boolean;
}

/** What `init` reports. */
export interface WorkerStatus {
  ready: true;
  version: string;
  /** Events the shopper's profile has counted (read from the snapshot and the log's tail, not a full read). */
  events: number;
  /** Present when storage failed and the worker runs in memory only. */
  storageError?: string;
  /** Present when stored records or events could not be read back: they were skipped, the rest was used. */
  quarantined?: number;
}

/** Acknowledgement of a batch of events: returned only once the accepted ones are durable. */
export interface TrackAck {
  /** Ids of accepted events, in input order. */
  accepted: string[];
  /** Events that failed validation, with the reason. */
  rejected: { index: number; error: string }[];
  /** Accepted events skipped as duplicates (counted once). */
  duplicates: number;
  /** False when storage is unavailable and events live in memory only. */
  durable: boolean;
}

/**
 * Everything stored about the shopper, for the privacy panel and export (format version 2; version 1
 * had no `paused` and `removedInterests`). Documented in the README, "Export format".
 */
export interface ExportBundle {
  format: 'on-device-personalizer/export';
  version: number;
  exportedAt: number;
  consent: ConsentState;
  /** Personalization paused by the shopper (events still recorded, server order shown). */
  paused: boolean;
  /** Interests the shopper removed; they stay out of the profile. */
  removedInterests: RemovedInterest[];
  profile: unknown;
  segments: unknown;
  events: unknown[];
  model: unknown;
}

/** A candidate's explanation: the reason and the feature families behind it. */
export interface Explanation {
  id: string;
  reason?: string;
  /** Contribution per feature family, largest magnitude first. */
  contributions: { family: string; value: number }[];
}

/** What the device sent as locally private reports, and the ε budget left in the rolling 7 days. */
export interface ReportStatus {
  budget: number;
  left: number;
  /** Charged reports (question id, period, ε, time), newest last. */
  sent: { q: string; p: number; epsilon: number; at: number }[];
  /** Reports this worker did not send because they would have exceeded the budget (since it started). */
  withheld: number;
  /** The lift experiment's arm, when the site runs one. */
  arm?: 'control' | 'treatment';
}

/** One network request the worker made (never its body): a static file, or a locally private report with the ε it spent. */
export interface WorkerRequest {
  url: string;
  method: string;
  /** `report`: a POST of locally private reports; everything else the worker fetches is a static file. */
  kind: 'static' | 'report';
  /** The ε the reports in this request spent (reports only). */
  epsilon?: number;
  /** When it started (epoch ms). */
  at: number;
  /** Whether it got an OK answer; absent while in flight. */
  ok?: boolean;
}

/** "Why these items": the last personalized rerank, each item with its reason in words. */
export interface LastRerank {
  slot: string;
  listId: string;
  /** When it was ranked (epoch ms). */
  at: number;
  /** In the order shown; `from` is the server position, `reason` absent when the item did not move up for a reason. */
  items: { id: string; from: number; to: number; reason?: string; contributions: { family: string; value: number }[] }[];
}

/**
 * The worker's API, exposed with comlink (`Comlink.expose` in the worker, `Comlink.wrap` in the client).
 * Every method validates its input and never throws on bad data.
 */
export interface WorkerApi {
  init(config: WorkerConfig): Promise<WorkerStatus>;
  /**
   * Ingests and stores events: an array, or the page's form, one event's JSON per line (the worker
   * decodes the lines one by one between reranks, where a structured clone is decoded whole on arrival).
   */
  track(events: unknown[] | string): Promise<TrackAck>;
  rerank(candidates: unknown, options: RerankOptions): Promise<RerankResult>;
  /**
   * {@link rerank} of a list packed by `packCandidates` (its typed arrays transferred), answered
   * packed (`unpackResult` gives the same {@link RerankResult}; the typed arrays are transferred back).
   */
  rerankPacked(candidates: PackedCandidates, options: RerankOptions): Promise<PackedRerankResult>;
  /** Records a shown list so later clicks on it train the model. */
  impression(impression: Impression): Promise<void>;
  profile(): Promise<unknown>;
  explain(id: string): Promise<Explanation | undefined>;
  exportData(): Promise<ExportBundle>;
  /** Deletes every event, the profile and the model, in every tab. */
  erase(): Promise<void>;
  setDeclared(key: string, value: string | undefined): Promise<void>;
  /** Removes an interest for good (until restored); false when the key names none. */
  removeInterest(kind: InterestKind, key: string): Promise<boolean>;
  /** Lets a removed interest be learned again (what was removed stays removed). */
  restoreInterest(kind: InterestKind, key: string): Promise<boolean>;
  /** The last personalized rerank of this worker, explained. */
  explainLast(): Promise<LastRerank | undefined>;
  /** What locally private reports were sent, when, and the ε budget left (undefined when reporting is off). */
  reports(): Promise<ReportStatus | undefined>;
  /** The network requests this worker made (the newest 200): URL, method, kind, ε of a report, time, outcome. */
  requests(): Promise<WorkerRequest[]>;
}

/** What the worker exposes: the API plus `ping`, which the client uses to tell a busy worker from a dead one. */
export type ExposedWorkerApi = WorkerApi & { ping(): boolean };
