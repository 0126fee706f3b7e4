-- The purchase-intent replay, streamed: for the sampled shoppers (a seeded hash keeps each with
-- probability $keep, so a cap on shopper-days takes whole shoppers), every usable event up to their
-- last day end (kind 1) merged with the day ends (kind 0), by shopper, then time. A day end sorts
-- before events at the same instant: those belong to the next day.
-- Parameters: $seed, $keep.
WITH kept AS (
  SELECT n, max(day_end) AS last_end
  FROM intent_days
  WHERE hash(n, $seed) / 18446744073709551616.0 < $keep
  GROUP BY n
)
SELECT * FROM (
  SELECT sh.n, 1 AS kind, e.ts, e.ord AS r, e.type, e.item, e.category, e.value, CAST(NULL AS BIGINT) AS day, CAST(NULL AS BOOLEAN) AS label
  FROM events e
  JOIN intent_shoppers sh USING (shopper)
  JOIN kept k ON k.n = sh.n
  WHERE e.ok AND e.ts < k.last_end
  UNION ALL
  SELECT d.n, 0, d.day_end, 0, NULL, NULL, NULL, NULL, d.day, d.label
  FROM intent_days d
  JOIN kept k ON k.n = d.n
)
ORDER BY n, ts, kind, r;
