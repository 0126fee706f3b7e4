/**
 * The warehouse text of every pipeline step (src/site/pipeline/dialects.ts) parses in sqlglot's
 * bigquery and spark dialects, round-trips, calls only functions the warehouse has, and keeps no
 * DuckDB-only construct; the README's dialect table is the one the code applies. Syntax only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dialectTableMarkdown, duckdbOnlyLeft, sqlStatements, WAREHOUSES, warehouseFiles, warehouseStatements } from '../../src/site/pipeline';

const root = resolve(__dirname, '..', '..');
const checker = join(root, 'scripts', 'check-warehouse-sql.py');

/** A Python that imports sqlglot: `python3` on the PATH, else Debian's (python3-sqlglot installs there). */
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import sqlglot'], { stdio: 'ignore' }).status === 0);
if (!python) console.warn('site-warehouse-sql: sqlglot parse checks skipped: no python3 imports sqlglot (apt-get install python3-sqlglot, or pip install sqlglot)');

interface Checked {
  problems: { file: string; dialect: string; statement: number; problem: string; detail: string }[];
  summary: { sqlglot: string; files: number; statements: number; problems: number };
}

function runChecker(files: { file: string; dialect: string; statements: string[] }[]): Checked {
  const r = spawnSync(python!, [checker], { input: JSON.stringify(files), encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (r.status !== 0 && r.status !== 1) throw new Error(`checker failed (${r.status}): ${r.stderr}`);
  return { problems: lines.slice(0, -1), summary: lines.at(-1) };
}

describe('warehouse SQL', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pz-warehouse-sql-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every step but the readers has BigQuery and Spark text, statement for statement, with no DuckDB-only construct left', () => {
    const files = warehouseFiles();
    expect(files).toContain('transitions');
    expect(files.some((f) => f.startsWith('read-'))).toBe(false);
    for (const w of WAREHOUSES) {
      for (const f of files) {
        const out = warehouseStatements(f, w);
        expect(out.length, `${f} ${w}`).toBe(sqlStatements(f).length);
        for (const st of out) expect(duckdbOnlyLeft(st, w), `${f} ${w}`).toEqual([]);
      }
    }
    // The window list of transitions.sql became the warehouse's array aggregate and unnesting.
    expect(warehouseStatements('transitions', 'bigquery').join('\n')).toMatch(/ARRAY_AGG\(STRUCT\(g, idx\)\) OVER[\s\S]*CROSS JOIN UNNEST\(next\) AS x/);
    expect(warehouseStatements('transitions', 'spark').join('\n')).toMatch(/collect_list\(struct\(g, idx\)\) OVER[\s\S]*LATERAL VIEW explode\(next\) t AS x/);
  });

  it('finds the DuckDB-only constructs the table rewrites when they are left', () => {
    expect(duckdbOnlyLeft('SELECT list(idx ORDER BY g) OVER (PARTITION BY s) FROM walk', 'spark')).toContain('list aggregate');
    expect(duckdbOnlyLeft('SELECT unnest(next), generate_subscripts(next, 1) FROM later', 'bigquery')).toEqual(['generate_subscripts', 'unnest outside FROM']);
    expect(duckdbOnlyLeft('SELECT x FROM later CROSS JOIN UNNEST(next) AS x', 'bigquery')).toEqual([]);
    expect(duckdbOnlyLeft('SELECT hash(s, $seed) % 1000 FROM t', 'bigquery')).toEqual(['$name parameter', 'hash', '% operator']);
    expect(duckdbOnlyLeft("SELECT file_row_number FROM read_parquet('x')", 'spark')).toEqual(['DuckDB reader']);
    expect(duckdbOnlyLeft('SELECT count(*) FILTER (WHERE ok), CAST(x AS DOUBLE) FROM t', 'bigquery')).toEqual(['aggregate FILTER', 'DuckDB type name']);
    expect(duckdbOnlyLeft('SELECT xxhash64(a, b) FROM t', 'spark')).toEqual([]);
    expect(duckdbOnlyLeft('CREATE TABLE later (a INTEGER, next INTEGER[])', 'spark')).toEqual(['DuckDB list type']);
  });

  it('the README shows the table the code applies', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(dialectTableMarkdown());
  });

  it('npm run site -- sql writes one file per step for each warehouse', async () => {
    const { sqlCommand, UsageError } = await import('../../scripts/site');
    const quiet = () => undefined;
    const written = sqlCommand(['--dialect', 'bigquery', '--out', tmp], quiet);
    expect(readdirSync(tmp).sort()).toEqual(warehouseFiles().map((f) => `${f}.bigquery.sql`));
    expect(readFileSync(written.find((f) => f.endsWith('transitions.bigquery.sql'))!, 'utf8')).toContain('@window');
    expect(() => sqlCommand(['--dialect', 'oracle', '--out', tmp], quiet)).toThrow(UsageError);
    expect(() => sqlCommand(['--dialect', 'spark'], quiet)).toThrow(/--out/);
  });

  it.skipIf(!python)('sqlglot parses every statement in the bigquery and spark dialects, round-trips it, and knows every function it calls', () => {
    const files = WAREHOUSES.flatMap((w) => warehouseFiles().map((f) => ({ file: f, dialect: w, statements: warehouseStatements(f, w) })));
    const { problems, summary } = runChecker(files);
    expect(problems).toEqual([]);
    expect(summary.statements).toBe(files.reduce((t, f) => t + f.statements.length, 0));
    expect(summary.files).toBe(2 * warehouseFiles().length);
  });

  it.skipIf(!python)('the sqlglot check fails on a syntax error, on two statements as one, and on a DuckDB function left in', () => {
    const { problems } = runChecker([
      { file: 'broken', dialect: 'bigquery', statements: ['SELECT a FROM t WHERE (b = 1'] },
      { file: 'two', dialect: 'spark', statements: ['SELECT 1; SELECT 2'] },
      { file: 'duckdb', dialect: 'spark', statements: ['SELECT arg_max(c, ts), list(x) FROM t GROUP BY k'] },
      { file: 'fine', dialect: 'bigquery', statements: ['SELECT COUNTIF(ok) AS n FROM t WHERE x < @keep'] },
    ]);
    expect(problems.map((p) => `${p.file}: ${p.problem}`)).toEqual(['broken: parse', 'two: statements', 'duckdb: unknown functions']);
    expect(problems[2]!.detail).toBe('ARG_MAX, LIST');
  });

  it.skipIf(!python)('the checker runs as a script', () => {
    expect(execFileSync(python!, [checker], { input: '[]', encoding: 'utf8' })).toContain('"problems": 0');
  });
});
