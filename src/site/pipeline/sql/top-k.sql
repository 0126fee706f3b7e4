-- Step "top-k": per item, the $top_k strongest neighbours (kind 0: items shoppers go on to, w(item → b))
-- and predecessors (kind 1: items whose shoppers go on to it, w(a → item)), ranked strongest first,
-- ties by item order. One row per entry, so nothing is aggregated in memory.
-- Parameters: $top_k.
CREATE OR REPLACE TABLE top_k AS
SELECT idx, kind, rank, other, w
FROM (
  SELECT a AS idx, 0 AS kind, CAST(row_number() OVER (PARTITION BY a ORDER BY w DESC, b) AS INTEGER) AS rank, b AS other, w FROM edges
  UNION ALL
  SELECT b AS idx, 1 AS kind, CAST(row_number() OVER (PARTITION BY b ORDER BY w DESC, a) AS INTEGER) AS rank, a AS other, w FROM edges
) ranked
WHERE rank <= $top_k;
