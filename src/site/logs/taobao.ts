/**
 * Reader of the Taobao UserBehavior CSV (`user_id,item_id,category_id,behavior_type,timestamp`), gzip
 * or not: the one reader of this format for `train-prior` and the quality benchmark (the site pipeline
 * reads it with `pipeline/sql/read-taobao.sql`).
 */
import { UsageError } from '../../core/errors';
import type { Candidate, EventType, StoredEvent } from '../../core/types';
import { type EventLog, inputFiles } from './event-log';
import { readText } from './read-text';

/** Behaviour codes, in file vocabulary order. */
export const TAOBAO_BEHAVIOURS = ['pv', 'cart', 'fav', 'buy'] as const;
/** Mapping of Taobao behaviours to personalizer event types. */
// `pv` is an item detail page view, reached by clicking the item: a click on what was shown.
export const TAOBAO_EVENT_TYPE: readonly EventType[] = ['click', 'add_to_cart', 'favorite', 'purchase'];
export const BUY = 3;

/** One shopper's time-ordered events, as indices into {@link TaobaoLog.itemIds}. */
export interface TaobaoUser {
  id: string;
  items: Int32Array;
  /** Index into {@link TAOBAO_BEHAVIOURS}. */
  behaviours: Uint8Array;
  /** Unix seconds (UTC). */
  ts: Float64Array;
}

export interface TaobaoLog {
  users: TaobaoUser[];
  /** Distinct item ids, first-seen order. */
  itemIds: string[];
  /** Category id of each item (an item has one category; the first seen wins). */
  itemCategory: string[];
  rows: number;
}

/** Parses the CSV (gzip or plain). Users keep file order; each user's events are stably time-sorted. */
export function loadTaobao(path: string): TaobaoLog {
  const text = readText(path);
  const lines = text.split('\n');
  const header = lines[0]?.trim().toLowerCase() ?? '';
  if (!header.startsWith('user_id,item_id,category_id,behavior_type,timestamp')) {
    throw new Error(`TaobaoFormatError: unexpected header in ${path}: "${header.slice(0, 80)}"`);
  }
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const itemCategory: string[] = [];
  const byUser = new Map<string, { items: number[]; beh: number[]; ts: number[] }>();
  let rows = 0;
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (!line) continue;
    const f = line.split(',');
    if (f.length !== 5) throw new Error(`TaobaoFormatError: line ${li + 1} has ${f.length} fields`);
    const [user, item, cat, beh, ts] = f as [string, string, string, string, string];
    const b = (TAOBAO_BEHAVIOURS as readonly string[]).indexOf(beh);
    if (b < 0) throw new Error(`TaobaoFormatError: line ${li + 1}: behavior_type "${beh}"`);
    const t = Number(ts);
    if (!Number.isFinite(t)) throw new Error(`TaobaoFormatError: line ${li + 1}: timestamp "${ts}"`);
    let k = itemIndex.get(item);
    if (k === undefined) {
      k = itemIds.length;
      itemIndex.set(item, k);
      itemIds.push(item);
      itemCategory.push(cat);
    }
    let u = byUser.get(user);
    if (!u) {
      u = { items: [], beh: [], ts: [] };
      byUser.set(user, u);
    }
    u.items.push(k);
    u.beh.push(b);
    u.ts.push(t);
    rows++;
  }
  const users: TaobaoUser[] = [];
  for (const [id, u] of byUser) {
    const order = u.ts.map((_, i) => i).sort((a, b) => u.ts[a]! - u.ts[b]! || a - b);
    users.push({
      id,
      items: Int32Array.from(order, (i) => u.items[i]!),
      behaviours: Uint8Array.from(order, (i) => u.beh[i]!),
      ts: Float64Array.from(order, (i) => u.ts[i]!),
    });
  }
  return { users, itemIds, itemCategory, rows };
}

/** The personalizer event for a shopper's t-th Taobao row (with the item's public features). */
export function taobaoEvent(log: TaobaoLog, features: readonly Candidate[], ui: number, t: number): StoredEvent {
  const u = log.users[ui]!;
  return {
    id: `${u.id}:${t}`,
    type: TAOBAO_EVENT_TYPE[u.behaviours[t]!]!,
    item: features[u.items[t]!]!,
    ts: u.ts[t]! * 1000,
  };
}

/** Whether a file name is a (gzipped) CSV. */
export const isCsv = (name: string): boolean => /\.csv(\.gz)?$/i.test(name);

/**
 * The log as shoppers' events for the prior, items carrying `{id, category}`: one CSV, or a directory
 * holding exactly one.
 */
export function taobaoEventLog(input: string): EventLog {
  const files = inputFiles(input, isCsv);
  if (files.length > 1) throw new UsageError('command line', `taobao: one CSV at a time, "${input}" holds ${files.length}`);
  const log = loadTaobao(files[0]!);
  const items: Candidate[] = log.itemIds.map((id, k) => ({ id, category: log.itemCategory[k]! }));
  const shoppers = log.users.map((u, ui) => ({
    id: u.id,
    events: Array.from(u.items, (_, t) => taobaoEvent(log, items, ui, t)),
  }));
  return { shoppers, items, rejectedLines: 0 };
}
