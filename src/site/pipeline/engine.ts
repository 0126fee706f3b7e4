/**
 * Opens the embedded analytic engine (DuckDB) for one pipeline run: a database file in the work
 * directory, so intermediate tables live on disk, a memory limit and a spill directory, so inputs far
 * larger than memory stream through.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * Defaults of the engine settings, stated once (the CLI, the benchmarks and the README read them).
 * `memoryLimit` bounds DuckDB's own memory (its buffers, hash tables, sorts); beyond it DuckDB spills
 * to `<workDir>/spill`. The build's whole process needs that plus Node's part (see README "Running at
 * scale": about 16 · items · dim bytes for the embedding and a few hundred MB).
 */
export const ENGINE_DEFAULTS = { memoryLimit: '2GB' } as const;

/** Engine settings of one run. */
export interface EngineOptions {
  /** Directory for the database file and spilled data (created if missing). */
  workDir: string;
  /** DuckDB `memory_limit`, e.g. `'2GB'` (default {@link ENGINE_DEFAULTS}). */
  memoryLimit?: string;
  /** Worker threads (default: DuckDB's default, every core). */
  threads?: number;
}

/** An open engine: one connection; close it when done. */
export interface Engine {
  conn: DuckDBConnection;
  close(): void;
}

/** Opens a fresh database in `workDir` (an existing one from an earlier run is reused and overwritten table by table). */
export async function openEngine(o: EngineOptions): Promise<Engine> {
  mkdirSync(o.workDir, { recursive: true });
  const config: Record<string, string> = {
    memory_limit: o.memoryLimit ?? ENGINE_DEFAULTS.memoryLimit,
    temp_directory: join(o.workDir, 'spill'),
  };
  if (o.threads !== undefined) config.threads = String(o.threads);
  const instance = await DuckDBInstance.create(join(o.workDir, 'pipeline.duckdb'), config);
  const conn = await instance.connect();
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
