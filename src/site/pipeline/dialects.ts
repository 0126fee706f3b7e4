/**
 * The dialect table: how each pipeline SQL file (`sql/*.sql`, written for DuckDB) becomes the text a
 * data team runs on BigQuery or Spark SQL. Stated once here: `npm run site -- sql --dialect …` writes
 * the files with it, the README's table is {@link dialectTableMarkdown} (a test keeps them equal), and
 * `test/unit/site-warehouse-sql.test.ts` parses every rewritten statement with sqlglot's bigquery and
 * spark dialects and checks that no DuckDB-only construct is left. Syntax only: nothing here runs on a
 * warehouse, so results and cost there are not tested.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqlPath, sqlStatements } from './run-sql';

/** The warehouses the table covers. */
export const WAREHOUSES = ['bigquery', 'spark'] as const;
export type Warehouse = (typeof WAREHOUSES)[number];

/** One row of the table: the DuckDB construct, what each warehouse writes instead, and the rewrite. */
export interface DialectRule {
  /** The construct as the DuckDB files write it (Markdown). */
  duckdb: string;
  /** BigQuery's form (Markdown). */
  bigquery: string;
  /** Spark SQL's form (Markdown). */
  spark: string;
  /** Rewrites one statement for a warehouse. */
  rewrite(sql: string, w: Warehouse): string;
}

/** Calls `name(…)` in `sql`, each replaced by `fn(arguments split at top-level commas)`. */
function replaceCalls(sql: string, name: string, fn: (args: string[]) => string): string {
  const re = new RegExp(`\\b${name}\\(`, 'g');
  let out = '';
  let from = 0;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const args: string[] = [];
    let start = i;
    for (; i < sql.length && depth > 0; i++) {
      const c = sql[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if ((c === ',' && depth === 1) || depth === 0) {
        args.push(sql.slice(start, i).trim());
        start = i + 1;
      }
    }
    out += sql.slice(from, m.index) + fn(args);
    from = i;
    re.lastIndex = i;
  }
  return out + sql.slice(from);
}

const byWarehouse =
  (bigquery: (s: string) => string, spark: (s: string) => string) =>
  (sql: string, w: Warehouse): string =>
    w === 'bigquery' ? bigquery(sql) : spark(sql);

/** 2^63: added to a signed 64-bit hash, it gives DuckDB's unsigned range [0, 2^64). */
const TWO_63 = '9223372036854775808';

/** The rules, applied in this order (the structural ones first, parameters last). */
export const DIALECT_RULES: readonly DialectRule[] = [
  {
    duckdb:
      '`next INTEGER[]` filled by `list(idx ORDER BY g) OVER (PARTITION BY s ORDER BY g ROWS BETWEEN 1 FOLLOWING AND $window FOLLOWING)`, then `unnest(next)` beside `generate_subscripts(next, 1)` as the distance k (`transitions.sql`)',
    bigquery:
      '`g INT64, next ARRAY<STRUCT<g INT64, idx INT64>>` filled by `g, ARRAY_AGG(STRUCT(g, idx)) OVER (…the same frame…)`, then `CROSS JOIN UNNEST(next) AS x` with k = `x.g - g` (an analytic `ARRAY_AGG` takes no `ORDER BY`, so the distance travels with the item)',
    spark: '`g BIGINT, next ARRAY<STRUCT<g: BIGINT, idx: INT>>` filled by `g, collect_list(struct(g, idx)) OVER (…the same frame…)`, then `LATERAL VIEW explode(next) t AS x` with k = `x.g - g`',
    rewrite: (sql, w) =>
      sql
        .replace(/\bnext INTEGER\[\]/, `g BIGINT, next ${w === 'bigquery' ? 'ARRAY<STRUCT<g INT64, idx INT64>>' : 'ARRAY<STRUCT<g: BIGINT, idx: INT>>'}`)
        .replace(/^(\s*)list\(idx ORDER BY g\) OVER \(/m, (_, sp: string) => `${sp}g,\n${sp}${w === 'bigquery' ? 'ARRAY_AGG(STRUCT(g, idx))' : 'collect_list(struct(g, idx))'} OVER (`)
        .replace(
          /unnest\(next\) AS b, (.*?)generate_subscripts\(next, 1\)(.*?)\n(\s*)FROM later\b/s,
          (_, pre: string, post: string, sp: string) =>
            `x.idx AS b, ${pre}x.g - g${post}\n${sp}FROM later ${w === 'bigquery' ? 'CROSS JOIN UNNEST(next) AS x' : 'LATERAL VIEW explode(next) t AS x'}`,
        ),
  },
  {
    duckdb: '`arg_max(c, (ts, s, pos))`',
    bigquery: '`ARRAY_AGG(c ORDER BY ts DESC, s DESC, pos DESC LIMIT 1)[OFFSET(0)]`',
    spark: '`max_by(c, struct(ts, s, pos))`',
    rewrite: (sql, w) =>
      replaceCalls(sql, 'arg_max', ([c, by]) => {
        const keys = by!.replace(/^\(|\)$/g, '').split(',').map((k) => k.trim());
        return w === 'bigquery' ? `ARRAY_AGG(${c} ORDER BY ${keys.map((k) => `${k} DESC`).join(', ')} LIMIT 1)[OFFSET(0)]` : `max_by(${c}, struct(${keys.join(', ')}))`;
      }),
  },
  {
    duckdb: '`x % n`',
    bigquery: '`MOD(x, n)`',
    spark: 'same',
    rewrite: byWarehouse(
      (sql) => sql.replace(/(hash\([^()]*\)|[\w.$]+) % ([\w$]+)/g, 'MOD($1, $2)'),
      (sql) => sql,
    ),
  },
  {
    duckdb: '`hash(a, b)` (unsigned 64-bit)',
    bigquery: `\`(CAST(FARM_FINGERPRINT(FORMAT('%t:%t', a, b)) AS BIGNUMERIC) + ${TWO_63})\``,
    spark: `\`(CAST(xxhash64(a, b) AS DECIMAL(20, 0)) + ${TWO_63})\``,
    rewrite: (sql, w) =>
      replaceCalls(sql, 'hash', (args) =>
        w === 'bigquery'
          ? `(CAST(FARM_FINGERPRINT(FORMAT('${args.map(() => '%t').join(':')}', ${args.join(', ')})) AS BIGNUMERIC) + ${TWO_63})`
          : `(CAST(xxhash64(${args.join(', ')}) AS DECIMAL(20, 0)) + ${TWO_63})`,
      ),
  },
  {
    duckdb: '`count(*) FILTER (WHERE p)`',
    bigquery: '`COUNTIF(p)`',
    spark: 'same',
    rewrite: byWarehouse(
      (sql) => sql.replace(/count\(\*\) FILTER \(WHERE ([^()]*)\)/g, 'COUNTIF($1)'),
      (sql) => sql,
    ),
  },
  {
    duckdb: '`log2(x)`',
    bigquery: '`LOG(x, 2)`',
    spark: 'same',
    rewrite: byWarehouse(
      (sql) => replaceCalls(sql, 'log2', ([x]) => `LOG(${x}, 2)`),
      (sql) => sql,
    ),
  },
  {
    duckdb: '`DECIMAL(38, 24)` (exact sums: the same total in any order)',
    bigquery: '`BIGNUMERIC`',
    spark: 'same',
    rewrite: byWarehouse(
      (sql) => sql.replace(/\bDECIMAL\(38, 24\)/g, 'BIGNUMERIC'),
      (sql) => sql,
    ),
  },
  {
    duckdb: '`INTEGER`, `BIGINT`, `DOUBLE`, `BOOLEAN`, `VARCHAR`',
    bigquery: '`INT64`, `INT64`, `FLOAT64`, `BOOL`, `STRING`',
    spark: '`INT`, `BIGINT`, `DOUBLE`, `BOOLEAN`, `STRING`',
    rewrite: (sql, w) => {
      const types: Record<string, Record<Warehouse, string>> = {
        INTEGER: { bigquery: 'INT64', spark: 'INT' },
        BIGINT: { bigquery: 'INT64', spark: 'BIGINT' },
        DOUBLE: { bigquery: 'FLOAT64', spark: 'DOUBLE' },
        BOOLEAN: { bigquery: 'BOOL', spark: 'BOOLEAN' },
        VARCHAR: { bigquery: 'STRING', spark: 'STRING' },
      };
      return sql.replace(/\b(INTEGER|BIGINT|DOUBLE|BOOLEAN|VARCHAR)\b/g, (t) => types[t]![w]);
    },
  },
  {
    duckdb: '`CREATE OR REPLACE TABLE t AS` (or `t (columns)`)',
    bigquery: 'same (tables in the default dataset: `bq --dataset_id=… query`)',
    spark: '`CREATE OR REPLACE TABLE t USING delta AS` (or `t (columns) USING delta`)',
    rewrite: byWarehouse(
      (sql) => sql,
      (sql) => sql.replace(/^CREATE OR REPLACE TABLE (\w+) AS\b/, 'CREATE OR REPLACE TABLE $1 USING delta AS').replace(/^(CREATE OR REPLACE TABLE \w+ \([^()]*\))$/, '$1 USING delta'),
    ),
  },
  {
    duckdb: '`ord` (input order, written by the reader)',
    bigquery: 'the event table\'s ingestion ordinal column',
    spark: 'the same column, or `monotonically_increasing_id()` at load',
    rewrite: (sql) => sql,
  },
  {
    duckdb:
      '`$bucket` statements, run once per bucket 0 … `$buckets` − 1 (`transitions.sql`\'s window pass and two sums: `--transition-buckets`, default one pass per `TRANSITION_ROWS_PER_PASS`, 100M, walk steps × window; `similarity.sql`\'s ranking: one pass per `WINDOW_ROWS_PER_PASS`, 10M, pair ends)',
    bigquery: 'run each once with `buckets=1`, `bucket=0` (one pass; the warehouse shuffles)',
    spark: 'same',
    rewrite: (sql) => sql,
  },
  {
    duckdb: '`$window` parameters',
    bigquery: '`@window`, with `bq query --parameter=window:INT64:10`',
    spark: '`:window`, with `spark.sql(text, args={"window": 10})`',
    rewrite: (sql, w) => sql.replace(/\$([a-z_][a-z0-9_]*)/gi, w === 'bigquery' ? '@$1' : ':$1'),
  },
];

/** DuckDB-only constructs that must not be left in a warehouse's text, each with what it is. */
export const DUCKDB_ONLY: Readonly<Record<Warehouse, readonly { pattern: RegExp; what: string }[]>> = (() => {
  const both = [
    { pattern: /\$[a-z_]/i, what: '$name parameter' },
    { pattern: /\bfsum\(/i, what: 'fsum' },
    { pattern: /\blist\(/i, what: 'list aggregate' },
    { pattern: /\bgenerate_subscripts\(/i, what: 'generate_subscripts' },
    { pattern: /\barg_max\(/i, what: 'arg_max' },
    { pattern: /(?<![\w.])hash\(/i, what: 'hash' },
    { pattern: /\b(read_parquet|read_csv|read_json|glob)\(|\bfile_row_number\b|\browid\b/i, what: 'DuckDB reader' },
    { pattern: /\b(isfinite|regexp_split_to_array|error)\(/i, what: 'DuckDB-only function' },
    { pattern: /\w\[\]/, what: 'DuckDB list type' },
  ];
  return {
    bigquery: [
      ...both,
      { pattern: /(?<!JOIN )\bunnest\(/i, what: 'unnest outside FROM' },
      { pattern: /\bFILTER \(WHERE/i, what: 'aggregate FILTER' },
      { pattern: /\blog2\(/i, what: 'log2' },
      { pattern: /\s%\s/, what: '% operator' },
      { pattern: /\b(DOUBLE|VARCHAR|DECIMAL)\b/, what: 'DuckDB type name' },
    ],
    spark: [...both, { pattern: /\bunnest\(/i, what: 'unnest' }, { pattern: /\bVARCHAR\b/, what: 'VARCHAR without a length' }],
  };
})();

/** The pipeline's SQL files a warehouse runs: every file but the readers (`read-*.sql`), which become the shop's own event table. */
export function warehouseFiles(): string[] {
  return readdirSync(dirname(sqlPath('sequences')))
    .filter((f) => f.endsWith('.sql') && !f.startsWith('read-'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** DuckDB-only constructs left in `sql`, by what they are. */
export function duckdbOnlyLeft(sql: string, w: Warehouse): string[] {
  return DUCKDB_ONLY[w].filter((c) => c.pattern.test(sql)).map((c) => c.what);
}

/**
 * The statements of `sql/<name>.sql` as `w` runs them: every rule applied in order. Throws when a
 * DuckDB-only construct is left (a file changed in a way the table does not cover).
 * @example warehouseStatements('transitions', 'bigquery')
 */
export function warehouseStatements(name: string, w: Warehouse): string[] {
  return sqlStatements(name).map((st, i) => {
    const out = DIALECT_RULES.reduce((s, r) => r.rewrite(s, w), st);
    const left = duckdbOnlyLeft(out, w);
    if (left.length) throw new Error(`DialectError: ${name}.sql statement ${i + 1} keeps DuckDB-only ${left.join(', ')} for ${w}; extend DIALECT_RULES`);
    return out;
  });
}

/** The whole file as `w` runs it, with a header saying where it came from. */
export function warehouseSqlText(name: string, w: Warehouse): string {
  const how = w === 'bigquery' ? 'bq query --use_legacy_sql=false --parameter=NAME:TYPE:VALUE … < FILE' : 'spark.sql(statement, args={…}) per statement';
  return `-- ${name}.sql for ${w === 'bigquery' ? 'BigQuery' : 'Spark SQL 3.4+'}, written by \`npm run site -- sql --dialect ${w}\` from src/site/pipeline/sql/${name}.sql
-- with the dialect table (src/site/pipeline/dialects.ts); that file's header says what it computes and
-- lists its parameters (written there as $name). Run: ${how}.
${warehouseStatements(name, w)
  .map((s) => `${s};\n`)
  .join('\n')}`;
}

/** The README's dialect table. */
export function dialectTableMarkdown(): string {
  return ['| DuckDB (as written) | BigQuery | Spark SQL (3.4+) |', '| --- | --- | --- |', ...DIALECT_RULES.map((r) => `| ${r.duckdb} | ${r.bigquery} | ${r.spark} |`)].join('\n');
}
