-- Step "segments", part 2, streamed: every usable event of the sampled shoppers (a seeded hash keeps
-- each with probability $keep, so a cap on points takes whole shoppers), by shopper (numbered by their
-- first usable event), then time (ties in input order).
-- Parameters: $seed, $keep.
WITH sh AS (
  SELECT shopper, row_number() OVER (ORDER BY min(ord)) - 1 AS n
  FROM events
  WHERE ok
  GROUP BY shopper
)
SELECT sh.n, e.type, e.item, e.category, e.ts, e.value
FROM events e JOIN sh USING (shopper)
WHERE e.ok AND hash(sh.n, $seed) / 18446744073709551616.0 < $keep
ORDER BY sh.n, e.ts, e.ord;
