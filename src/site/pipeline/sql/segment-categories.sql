-- Step "segments", part 1: the categories the segment centroids are built on, the $categories held by
-- the most shoppers (ties by name; none when no event has a category: category is then NULL), with the
-- number of shoppers and the log's last time (the moment every shopper's point is read at) on every row.
-- Parameters: $categories.
WITH ok AS (SELECT shopper, category, ts FROM events WHERE ok),
meta AS (SELECT count(DISTINCT shopper) AS shoppers, max(ts) AS last_ts FROM ok),
top AS (
  SELECT category, count(DISTINCT shopper) AS n
  FROM ok
  WHERE category IS NOT NULL
  GROUP BY category
  ORDER BY n DESC, category
  LIMIT $categories
)
SELECT t.category, m.shoppers, m.last_ts
FROM meta m LEFT JOIN top t ON true
ORDER BY t.n DESC NULLS LAST, t.category;
