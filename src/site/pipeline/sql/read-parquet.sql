-- Reader: Parquet files in the canonical event layout, one file or a glob (files in name order):
--   shopper VARCHAR, item VARCHAR, type VARCHAR (view, click, add_to_cart, remove_from_cart, favorite,
--   purchase, rating, search), ts BIGINT (epoch ms), category VARCHAR, value DOUBLE.
-- Writes the canonical `events` table with an `ok` flag; input order is kept (rowid).
-- Parameters: $path (file or glob).
CREATE OR REPLACE TABLE events AS
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
    false) AS ok
FROM read_parquet($path);
