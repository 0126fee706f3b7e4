#!/usr/bin/env python3
"""Parses the pipeline's warehouse SQL with sqlglot (Debian: apt-get install python3-sqlglot).

Reads JSON on stdin: [{"file": "transitions", "dialect": "bigquery" | "spark", "statements": [...]}],
as test/unit/site-warehouse-sql.test.ts writes it from src/site/pipeline/dialects.ts. For every
statement it checks that
  1. sqlglot parses it in that dialect as exactly one statement;
  2. it round-trips: the text sqlglot writes back in the same dialect parses again, to the same tree;
  3. every function sqlglot does not know in that dialect is one the warehouse documents (KNOWN below),
     so a DuckDB-only function that the permissive parser would accept as a generic call is caught.
Prints one JSON object per line for each problem, then a summary line; exits 1 on any problem.
Syntax only: nothing is run on a warehouse.
"""
import json
import re
import sys

import sqlglot
from sqlglot import exp

# Functions of the warehouse that sqlglot 10.6 parses as generic calls (exp.Anonymous), with the page
# that documents each. Anything else parsed as a generic call fails the check.
KNOWN = {
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#farm_fingerprint
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#format_string
    # https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#countif
    # OFFSET is the array subscript arr[OFFSET(0)]: https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#array_subscript_operator
    "bigquery": {"FARM_FINGERPRINT", "FORMAT", "COUNTIF", "LOG", "POW", "MOD", "ROW_NUMBER", "OFFSET"},
    # https://spark.apache.org/docs/latest/api/sql/ (xxhash64, max_by, collect_list, explode, log2, pow)
    "spark": {"XXHASH64", "MAX_BY", "COLLECT_LIST", "EXPLODE", "LOG2", "POW", "ROW_NUMBER"},
}

# Types sqlglot 10.6 (2022) does not know yet, replaced before parsing: BigQuery's BIGNUMERIC
# (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#decimal_types) is parsed
# as NUMERIC, the same syntax with a smaller range.
PARSER_GAPS = {"bigquery": [(r"\bBIGNUMERIC\b", "NUMERIC")], "spark": []}


def bind_spark(sql):
    """sqlglot 10.6 does not read Spark's :name markers in every position (a window frame bound, after
    a comparison); spark.sql(text, args=…) binds them as literals, so the check binds each to 1."""
    return re.sub(r"(?<![:\w]):([a-z_][a-z0-9_]*)", "1", sql)


def prepare(sql, dialect):
    for pattern, repl in PARSER_GAPS[dialect]:
        sql = re.sub(pattern, repl, sql)
    return bind_spark(sql) if dialect == "spark" else sql


def check(file, dialect, i, sql):
    where = {"file": file, "dialect": dialect, "statement": i + 1}
    text = prepare(sql, dialect)
    try:
        trees = [t for t in sqlglot.parse(text, read=dialect) if t is not None]
    except Exception as e:  # sqlglot raises ParseError / TokenError
        return [{**where, "problem": "parse", "detail": str(e)[:400]}]
    if len(trees) != 1:
        return [{**where, "problem": "statements", "detail": f"{len(trees)} statements"}]
    tree = trees[0]
    problems = []
    written = tree.sql(dialect=dialect)
    try:
        again = [t for t in sqlglot.parse(written, read=dialect) if t is not None]
        if len(again) != 1 or again[0] != tree:
            problems.append({**where, "problem": "round trip", "detail": written[:400]})
    except Exception as e:
        problems.append({**where, "problem": "round trip parse", "detail": f"{e}"[:400]})
    unknown = sorted({f.name.upper() for f in tree.find_all(exp.Anonymous)} - KNOWN[dialect])
    if unknown:
        problems.append({**where, "problem": "unknown functions", "detail": ", ".join(unknown)})
    return problems


def main():
    files = json.load(sys.stdin)
    problems = []
    statements = 0
    for f in files:
        for i, sql in enumerate(f["statements"]):
            statements += 1
            problems += check(f["file"], f["dialect"], i, sql)
    for p in problems:
        print(json.dumps(p))
    print(json.dumps({"sqlglot": sqlglot.__version__, "files": len(files), "statements": statements, "problems": len(problems)}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
