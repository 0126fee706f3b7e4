-- Reader: Taobao UserBehavior CSV (user_id,item_id,category_id,behavior_type,timestamp), plain or gzip,
-- one file or a glob. Writes the canonical `events` table (see read-parquet.sql), input order kept.
-- Parameters: $path (file or glob).
CREATE OR REPLACE TABLE events AS
SELECT
  user_id AS shopper,
  item_id AS item,
  CASE behavior_type WHEN 'pv' THEN 'click' WHEN 'cart' THEN 'add_to_cart' WHEN 'fav' THEN 'favorite' WHEN 'buy' THEN 'purchase' END AS type,
  "timestamp" * 1000 AS ts,
  category_id AS category,
  CAST(NULL AS DOUBLE) AS value,
  coalesce(user_id <> '' AND item_id <> '' AND behavior_type IN ('pv', 'cart', 'fav', 'buy') AND "timestamp" IS NOT NULL, false) AS ok
FROM read_csv($path, header = true, columns = {'user_id': 'VARCHAR', 'item_id': 'VARCHAR', 'category_id': 'VARCHAR', 'behavior_type': 'VARCHAR', 'timestamp': 'BIGINT'});

-- ord, the input order: DuckDB has no per-file row number for CSV and JSON, so it is the order the rows
-- were inserted in (file by file in name order, line by line, while preserve_insertion_order is on,
-- DuckDB's default).
ALTER TABLE events ADD COLUMN ord BIGINT;
UPDATE events SET ord = rowid;
