/**
 * Runs `decode-reports.sql` on DuckDB (in memory), the way a site would run it in its warehouse:
 * load the received reports and the question parameters as two tables, run the one query.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { readReportConfig } from '../../core/privacy/questions';
import { oracleTable, readReports } from './decode';

/** Path of the shipped query. */
export const DECODE_SQL = fileURLToPath(new URL('./decode-reports.sql', import.meta.url));

/** One output row of the query. */
export interface SqlShareRow {
  q: string;
  p: number;
  a: number | null;
  value: number;
  n: number;
  c: number;
  share: number;
  se: number;
}

/** Decodes report lines with the SQL query on an in-memory DuckDB. */
export async function decodeWithSql(config: unknown, lines: Iterable<string>): Promise<SqlShareRow[]> {
  const { questions } = readReportConfig(config);
  const { reports } = readReports(lines, questions);
  const dir = mkdtempSync(join(tmpdir(), 'pz-decode-'));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const rf = join(dir, 'reports.jsonl');
    const qf = join(dir, 'questions.jsonl');
    writeFileSync(rf, reports.map((r) => JSON.stringify({ q: r.q, p: r.p, v: String(r.v), a: r.a ?? null })).join('\n'));
    writeFileSync(qf, oracleTable(questions).map((q) => JSON.stringify(q)).join('\n'));
    await conn.run(
      `CREATE TABLE reports AS SELECT q::VARCHAR AS q, p::BIGINT AS p, v::VARCHAR AS v, a::INTEGER AS a FROM read_json('${rf}', columns = {q: 'VARCHAR', p: 'BIGINT', v: 'VARCHAR', a: 'INTEGER'}, format = 'newline_delimited')`,
    );
    await conn.run(
      `CREATE TABLE questions AS SELECT * FROM read_json('${qf}', columns = {q: 'VARCHAR', kind: 'VARCHAR', k: 'INTEGER', p_keep: 'DOUBLE', q_flip: 'DOUBLE'}, format = 'newline_delimited')`,
    );
    const sql = readFileSync(DECODE_SQL, 'utf8');
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    return rows.map((r) => ({
      q: String(r.q),
      p: Number(r.p),
      a: r.a === null || r.a === undefined ? null : Number(r.a),
      value: Number(r.value),
      n: Number(r.n),
      c: Number(r.c),
      share: Number(r.share),
      se: Number(r.se),
    }));
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
