/**
 * The pipeline's SQL lives in `sql/*.sql`, readable and schedulable by a shop's data team. This module
 * reads a file, splits it into statements and runs each with the named parameters (`$name`) it uses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBValue } from '@duckdb/node-api';
import { SqlParameterError, SqlRunError } from '../../core/errors';

/** Named parameters of a SQL file. */
export type SqlParams = Readonly<Record<string, string | number | boolean>>;

/** Path of one of the pipeline's SQL files. */
export function sqlPath(name: string): string {
  return fileURLToPath(new URL(`./sql/${name}.sql`, import.meta.url));
}

/** The statements of a SQL file, comments removed, in order. */
export function sqlStatements(name: string): string[] {
  const text = readFileSync(sqlPath(name), 'utf8')
    .split('\n')
    .map((line) => (line.trimStart().startsWith('--') ? '' : line))
    .join('\n');
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Names of the `$name` parameters a statement uses. */
export function sqlParameterNames(statement: string): string[] {
  return [...new Set([...statement.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!))];
}

function bind(statement: string, params: SqlParams, file: string): Record<string, DuckDBValue> | undefined {
  const names = sqlParameterNames(statement);
  if (names.length === 0) return undefined;
  const values: Record<string, DuckDBValue> = {};
  for (const n of names) {
    const v = params[n];
    if (v === undefined) throw new SqlParameterError(`$${n}`, `${file}.sql needs $${n}`);
    values[n] = v;
  }
  return values;
}

async function runStatement(conn: DuckDBConnection, name: string, i: number, st: string, params: SqlParams): Promise<void> {
  try {
    await conn.run(st, bind(st, params, name));
  } catch (e) {
    if (e instanceof SqlParameterError) throw e;
    throw new SqlRunError(`${name}.sql`, `${name}.sql statement ${i + 1} (${st.split('\n')[0]}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs every statement of `sql/<name>.sql` in order. */
export async function runSqlFile(conn: DuckDBConnection, name: string, params: SqlParams = {}): Promise<void> {
  for (const [i, st] of sqlStatements(name).entries()) await runStatement(conn, name, i, st, params);
}

/**
 * Runs `sql/<name>.sql` in order, each statement that uses `$bucket` once per bucket (`$bucket` = 0 ..
 * `buckets` − 1, in order), the others once; `$buckets` is bound to `buckets` throughout.
 */
export async function runSqlFileInBuckets(conn: DuckDBConnection, name: string, params: SqlParams, buckets: number): Promise<void> {
  if (!(Number.isInteger(buckets) && buckets >= 1)) throw new RangeError(`buckets must be an integer ≥ 1, got ${buckets}`);
  for (const [i, st] of sqlStatements(name).entries()) {
    const passes = sqlParameterNames(st).includes('bucket') ? buckets : 1;
    for (let bucket = 0; bucket < passes; bucket++) await runStatement(conn, name, i, st, { ...params, buckets, bucket });
  }
}

/** Runs a one-statement SQL file and returns its rows as plain JS objects (small results only). */
export async function querySqlFile(conn: DuckDBConnection, name: string, params: SqlParams = {}): Promise<Record<string, unknown>[]> {
  const [st, ...rest] = sqlStatements(name);
  if (!st || rest.length) throw new Error(`${name}.sql must hold exactly one statement`);
  const reader = await conn.runAndReadAll(st, bind(st, params, name));
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** Streams the rows of a one-statement SQL file as JS objects, chunk by chunk (large results). */
export async function* streamSqlFile(conn: DuckDBConnection, name: string, params: SqlParams = {}): AsyncGenerator<Record<string, unknown>[]> {
  const [st, ...rest] = sqlStatements(name);
  if (!st || rest.length) throw new Error(`${name}.sql must hold exactly one statement`);
  const result = await conn.stream(st, bind(st, params, name));
  for await (const rows of result.yieldRowObjectJs()) yield rows as Record<string, unknown>[];
}

/** Streams the raw column chunks of a one-statement SQL file (the fastest way to read many rows). */
export async function* streamSqlChunks(conn: DuckDBConnection, name: string, params: SqlParams = {}): AsyncGenerator<DuckDBDataChunk> {
  const [st, ...rest] = sqlStatements(name);
  if (!st || rest.length) throw new Error(`${name}.sql must hold exactly one statement`);
  const result = await conn.stream(st, bind(st, params, name));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk;
  }
}
