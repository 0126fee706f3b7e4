-- Reader: sequence files, one shopper per line: `shopper item item …` (oldest first, whitespace
-- separated; the S3-Rec Amazon Beauty format). Every item is a purchase; position k gets the time
-- $base_ts + k days, so only the order carries information.
-- Parameters: $path (file or glob), $base_ts (epoch ms).
CREATE OR REPLACE TABLE events AS
WITH lines AS (
  SELECT regexp_split_to_array(trim(line), '\s+') AS f
  FROM read_csv($path, header = false, columns = {'line': 'VARCHAR'}, delim = '\t', quote = '', escape = '')
  WHERE trim(line) <> ''
)
SELECT
  f[1] AS shopper,
  unnest(f[2:]) AS item,
  'purchase' AS type,
  $base_ts + unnest(range(len(f) - 1)) * 86400000 AS ts,
  CAST(NULL AS VARCHAR) AS category,
  CAST(NULL AS DOUBLE) AS value,
  true AS ok
FROM lines
WHERE len(f) >= 2;

-- ord, the input order: DuckDB has no per-file row number for CSV and JSON, so it is the order the rows
-- were inserted in (file by file in name order, line by line, while preserve_insertion_order is on,
-- DuckDB's default).
ALTER TABLE events ADD COLUMN ord BIGINT;
UPDATE events SET ord = rowid;
