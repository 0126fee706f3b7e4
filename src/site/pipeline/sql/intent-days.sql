-- Step "intent days": the shopper-days the purchase-intent model learns from (the in-memory reference
-- is `intentPoints` in src/site/propensity-fit.ts). Shoppers are numbered by their first usable event;
-- per shopper and local day ($tz_offset_ms east of UTC) with at least one usable event: the day's end
-- (epoch ms) and the label, a purchase within the next 24 h, i.e. on the next local day. Days whose
-- next 24 h run past the end of the log's last day are left out (their label is unknown, not 0).
-- Parameters: $tz_offset_ms, $day_ms (86400000).
CREATE OR REPLACE TABLE intent_shoppers AS
SELECT shopper, CAST(row_number() OVER (ORDER BY min(ord)) - 1 AS INTEGER) AS n
FROM events
WHERE ok
GROUP BY shopper;

CREATE OR REPLACE TABLE intent_days AS
WITH ev AS (
  SELECT sh.n, e.type, CAST(floor((e.ts + $tz_offset_ms) / $day_ms) AS BIGINT) AS day
  FROM events e JOIN intent_shoppers sh USING (shopper)
  WHERE e.ok
),
active AS (SELECT DISTINCT n, day FROM ev),
bought AS (SELECT DISTINCT n, day FROM ev WHERE type = 'purchase'),
last_day AS (SELECT max(day) AS day FROM ev)
SELECT a.n, a.day, (a.day + 1) * $day_ms - $tz_offset_ms AS day_end, b.n IS NOT NULL AS label
FROM active a
CROSS JOIN last_day l
LEFT JOIN bought b ON b.n = a.n AND b.day = a.day + 1
WHERE a.day + 1 <= l.day;
