/**
 * Multi-tab coordination: every tab runs its own worker over the same IndexedDB database.
 * - BroadcastChannel tells the other tabs' workers about new events (so their in-memory profiles
 *   stay equal to the log) and about erasure (so an erase reaches every tab at once).
 * - Web Locks make the writes that rewrite shared records (retention and quota pruning of the log under
 *   `log`, profile snapshots under `snapshot`) run one tab at a time.
 * Both are feature-detected; without them a tab still works on its own.
 */
import type { RemovedInterest } from '../core/privacy/interests';

/** Messages between tabs. */
export type TabMessage =
  /** A batch record's events (JSON array text; an array from a schema-2 worker), read like a stored row. */
  | { kind: 'events'; key: number; events: string | unknown[] }
  /** Everything was deleted; events that happened before `at` (epoch ms) are not taken any more. */
  | { kind: 'erased'; at: number }
  | { kind: 'consent'; state: string }
  | { kind: 'interests'; removed: RemovedInterest[] };

/** A channel to the other tabs of the same database. */
export interface Tabs {
  post(message: TabMessage): void;
  /** Runs `fn` holding the named cross-tab lock (or directly when Web Locks are missing). */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export function openTabs(dbName: string, onMessage: (m: TabMessage) => void): Tabs {
  let channel: BroadcastChannel | undefined;
  try {
    channel = new BroadcastChannel(`pz:${dbName}`);
    channel.onmessage = (ev: MessageEvent<TabMessage>) => {
      try {
        onMessage(ev.data);
      } catch {
        // a bad message from another tab must not stop this one
      }
    };
  } catch {
    channel = undefined;
  }
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return {
    post(message) {
      try {
        channel?.postMessage(message);
      } catch {
        // closed channel: nothing to tell
      }
    },
    withLock(name, fn) {
      if (!locks) return fn();
      return locks.request(`pz:${dbName}:${name}`, fn) as Promise<Awaited<ReturnType<typeof fn>>>;
    },
    close() {
      channel?.close();
    },
  };
}
