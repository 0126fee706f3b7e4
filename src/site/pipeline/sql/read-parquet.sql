-- Reader: Parquet files in the canonical event layout, one file or a glob (files in name order):
--   shopper VARCHAR, item VARCHAR, type VARCHAR (view, click, add_to_cart, remove_from_cart, favorite,
--   purchase, rating, search), ts BIGINT (epoch ms), category VARCHAR, value DOUBLE.
-- Writes the canonical `events` table with an `ok` flag and `ord`, the input order: files in name
-- order, rows in file order (file index · 2^40 + row number in the file, from the files themselves,
-- so it does not depend on how the engine schedules its threads or on preserve_insertion_order).
-- Parameters: $path (file or glob).
CREATE OR REPLACE TABLE events AS
WITH files AS (
  SELECT file AS glob_file, row_number() OVER (ORDER BY file) - 1 AS file_index FROM glob($path)
)
SELECT
  CAST(shopper AS VARCHAR) AS shopper,
  CAST(item AS VARCHAR) AS item,
  CAST(type AS VARCHAR) AS type,
  CAST(ts AS BIGINT) AS ts,
  CAST(category AS VARCHAR) AS category,
  CAST(value AS DOUBLE) AS value,
  coalesce(
    CAST(shopper AS VARCHAR) <> '' AND ts IS NOT NULL
    AND type IN ('view', 'click', 'add_to_cart', 'remove_from_cart', 'favorite', 'purchase', 'rating', 'search')
    AND (type = 'search' OR CAST(item AS VARCHAR) <> ''),
    false) AS ok,
  files.file_index * 1099511627776 + r.file_row_number AS ord
FROM read_parquet($path, filename = true, file_row_number = true) r
LEFT JOIN files ON files.glob_file = r.filename;

-- A row whose file glob() did not list would have no order: refuse the input rather than guess.
SELECT error('read-parquet: ' || count(*) || ' rows from files glob() did not list') FROM events WHERE ord IS NULL HAVING count(*) > 0
