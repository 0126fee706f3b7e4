-- Synthetic event logs drawn from the real Taobao UserBehavior slice, for scaling runs only (written
-- to a temporary directory, never committed). Each replica rep = 0, 1, … copies every real shopper's
-- whole history (same length distribution, behaviour mix, timing and item-to-item transitions) as a new
-- shopper. The catalogue grows with the log like a real one (about 0.04 items per event, as the full
-- 100M-row log): each item has $copies variants, and each synthetic shopper browses one variant of
-- every item, chosen by hash of the shopper (so a shopper's sequence stays one coherent walk through
-- one copy of the shop, and shoppers who land on the same variant share items). Then every real pair
-- of items becomes at most $copies synthetic pairs, so pairs per item stay those of the real slice.
-- (Choosing the variant per category and replica instead, as before, sent the two items of a
-- cross-category pair to independent variants: up to $copies² synthetic pairs per real pair, 40× the
-- pairs for 5× the events from 10M to 50M events; at 10M it went unnoticed because $copies = 8 is a
-- power of two and DuckDB's hash(category, rep) % 8 kept each two categories a fixed offset apart.)
-- The log stops at $events rows.
-- Parameters: $taobao (the real CSV), $events, $replicas (≥ $events / rows of the slice), $copies, $out
-- (a directory; Parquet files in the canonical layout of src/site/pipeline/sql/read-parquet.sql).
COPY (
  WITH base AS (
    SELECT *, row_number() OVER () - 1 AS r, count(*) OVER () AS n
    FROM read_csv($taobao, header = true, columns = {'user_id': 'VARCHAR', 'item_id': 'VARCHAR', 'category_id': 'VARCHAR', 'behavior_type': 'VARCHAR', 'timestamp': 'BIGINT'})
  )
  SELECT
    user_id || '-' || rep AS shopper,
    item_id || '-' || (hash(user_id || '-' || rep) % $copies) AS item,
    CASE behavior_type WHEN 'pv' THEN 'click' WHEN 'cart' THEN 'add_to_cart' WHEN 'fav' THEN 'favorite' WHEN 'buy' THEN 'purchase' END AS type,
    "timestamp" * 1000 AS ts,
    category_id AS category,
    CAST(NULL AS DOUBLE) AS value
  FROM base, range($replicas) reps(rep)
  WHERE rep * n + r < $events
  ORDER BY rep, r
) TO $out (FORMAT parquet, FILE_SIZE_BYTES '64MB', ROW_GROUP_SIZE 122880);
