-- Synthetic event logs drawn from the real Taobao UserBehavior slice, for scaling runs only (written
-- to a temporary directory, never committed). Each replica rep = 0, 1, … copies every real shopper's
-- whole history (same length distribution, behaviour mix, timing and item-to-item transitions) as a new
-- shopper; item ids are split into $copies variants per category, chosen by (replica, category), so the
-- catalogue grows with the log like a real one (about 0.04 items per event, as the full 100M-row log)
-- while shoppers who share a variant still share items. The log stops at $events rows.
-- Parameters: $taobao (the real CSV), $events, $replicas (≥ $events / rows of the slice), $copies, $out
-- (a directory; Parquet files in the canonical layout of src/site/pipeline/sql/read-parquet.sql).
COPY (
  WITH base AS (
    SELECT *, row_number() OVER () - 1 AS r, count(*) OVER () AS n
    FROM read_csv($taobao, header = true, columns = {'user_id': 'VARCHAR', 'item_id': 'VARCHAR', 'category_id': 'VARCHAR', 'behavior_type': 'VARCHAR', 'timestamp': 'BIGINT'})
  )
  SELECT
    user_id || '-' || rep AS shopper,
    item_id || '-' || (hash(category_id, rep) % $copies) AS item,
    CASE behavior_type WHEN 'pv' THEN 'click' WHEN 'cart' THEN 'add_to_cart' WHEN 'fav' THEN 'favorite' WHEN 'buy' THEN 'purchase' END AS type,
    "timestamp" * 1000 AS ts,
    category_id AS category,
    CAST(NULL AS DOUBLE) AS value
  FROM base, range($replicas) reps(rep)
  WHERE rep * n + r < $events
  ORDER BY rep, r
) TO $out (FORMAT parquet, FILE_SIZE_BYTES '64MB', ROW_GROUP_SIZE 122880);
