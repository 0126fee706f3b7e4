-- Reader: JSONL event logs, one `{ "shopper": "...", ...ShopperEvent }` per line, `ts` in epoch ms
-- (the format of scripts/train-prior.ts). One file or a glob, plain or gzip. A line that is not JSON
-- comes back as a row of NULLs (`ignore_errors`) and, like every line failing the checks below, gets
-- ok = false: it is counted as rejected.
-- Parameters: $path (file or glob).
CREATE OR REPLACE TABLE events AS
SELECT
  shopper,
  item.id AS item,
  type,
  CAST(ts AS BIGINT) AS ts,
  item.category AS category,
  value,
  coalesce(
    trim(shopper) <> '' AND ts IS NOT NULL AND isfinite(ts)
    AND type IN ('view', 'click', 'add_to_cart', 'remove_from_cart', 'favorite', 'purchase', 'rating', 'search')
    AND (type = 'search' OR (item.id <> '' AND length(item.id) <= 200)),
    false) AS ok
FROM read_json($path, format = 'newline_delimited', ignore_errors = true,
  columns = {'shopper': 'VARCHAR', 'type': 'VARCHAR', 'ts': 'DOUBLE', 'value': 'DOUBLE', 'item': 'STRUCT(id VARCHAR, category VARCHAR)'});

-- ord, the input order: DuckDB has no per-file row number for CSV and JSON, so it is the order the rows
-- were inserted in (file by file in name order, line by line, while preserve_insertion_order is on,
-- DuckDB's default).
ALTER TABLE events ADD COLUMN ord BIGINT;
UPDATE events SET ord = rowid;
