/**
 * Event log readers: each format has one SQL file that writes the canonical `events` table
 * (shopper, item, type, ts in epoch ms, category, value, ok), keeping input order.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { InputError } from '../../core/errors';
import { SEQUENCES_BASE_TS } from '../logs/beauty';
import { querySqlFile, runSqlFile } from './run-sql';

/** Log formats the pipeline reads. */
export type EventFormat = 'taobao' | 'jsonl' | 'parquet' | 'sequences';

export const EVENT_FORMATS: readonly EventFormat[] = ['taobao', 'jsonl', 'parquet', 'sequences'];

/**
 * The format of a file, glob or directory, from its name: `.parquet`, `.jsonl`/`.ndjson`, `.csv`
 * (Taobao layout), a directory holding `Beauty.txt` or `.txt` (sequences).
 */
export function guessFormat(input: string): EventFormat {
  const name = input.toLowerCase();
  if (/\.parquet$/.test(name)) return 'parquet';
  if (/\.(jsonl|ndjson)(\.gz)?$/.test(name)) return 'jsonl';
  if (/\.csv(\.gz)?$/.test(name)) return 'taobao';
  if (/\.txt$/.test(name)) return 'sequences';
  if (existsSync(input) && statSync(input).isDirectory() && existsSync(join(input, 'Beauty.txt'))) return 'sequences';
  throw new InputError(input, `cannot tell the format of "${input}": pass --format ${EVENT_FORMATS.join('|')}`);
}

/** A directory with `Beauty.txt` means that file; anything else is passed to DuckDB as a path or glob. */
function resolvePath(input: string, format: EventFormat): string {
  if (format === 'sequences' && existsSync(input) && statSync(input).isDirectory()) return join(input, 'Beauty.txt');
  return input;
}

/** Reads the log into `events`; returns the counts of accepted and rejected rows. */
export async function readEvents(conn: DuckDBConnection, input: string, format: EventFormat): Promise<{ events: number; rejected: number }> {
  const path = resolvePath(input, format);
  const params: Record<string, string | number> = format === 'sequences' ? { path, base_ts: SEQUENCES_BASE_TS } : { path };
  try {
    await runSqlFile(conn, `read-${format}`, params);
  } catch (e) {
    throw new InputError(input, `cannot read "${input}" as ${format}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [c] = await querySqlFile(conn, 'event-counts');
  return { events: Number(c!.events), rejected: Number(c!.rejected) };
}
