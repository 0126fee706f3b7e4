/**
 * The shape every log reader hands to the prior's replays: shoppers with their time-ordered events and
 * the distinct items with their public features; and how a reader finds its files in a directory.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors';
import type { Candidate, StoredEvent } from '../../core/types';

/** One shopper's time-ordered events. */
export interface ShopperLog {
  id: string;
  events: StoredEvent[];
}

/** An event log in the shape the replays need. */
export interface EventLog {
  shoppers: ShopperLog[];
  /** Distinct items with their public features (the last seen wins: the current catalogue). */
  items: Candidate[];
  /** Lines a reader rejected (counted, not fatal). */
  rejectedLines: number;
}

/**
 * The files of one kind in a directory (sorted, so the order is stable), or the file itself.
 * @example inputFiles('logs/', (n) => n.endsWith('.jsonl')); // ['logs/a.jsonl', 'logs/b.jsonl']
 */
export function inputFiles(input: string, accept: (name: string) => boolean): string[] {
  if (!statSync(input).isDirectory()) return [input];
  const files = readdirSync(input).filter(accept).sort().map((f) => join(input, f));
  if (files.length === 0) throw new UsageError('command line', `no matching files in directory "${input}"`);
  return files;
}
