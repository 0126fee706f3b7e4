-- Step "sequences": each shopper's item events in time order (ties keep input order), minus the last
-- $hold_out_last of them (0 = keep all; 2 = a leave-one-out training split), and the item table.
-- Shoppers are numbered in order of first appearance and items in order of first appearance along
-- those sequences, the order of the in-memory reference (src/site/item-knowledge.ts).
-- Parameters: $hold_out_last.
CREATE OR REPLACE TABLE shoppers AS
SELECT shopper, CAST(row_number() OVER (ORDER BY min(ord)) - 1 AS INTEGER) AS s
FROM events
WHERE ok AND item IS NOT NULL
GROUP BY shopper;

CREATE OR REPLACE TABLE walk_raw AS
WITH ordered AS (
  SELECT
    sh.s,
    e.item,
    CAST(row_number() OVER (PARTITION BY sh.s ORDER BY e.ts, e.ord) - 1 AS INTEGER) AS pos,
    CAST(count(*) OVER (PARTITION BY sh.s) AS INTEGER) AS n
  FROM events e JOIN shoppers sh USING (shopper)
  WHERE e.ok AND e.item IS NOT NULL
)
SELECT s, pos, item, n - $hold_out_last AS len FROM ordered WHERE pos < n - $hold_out_last;

-- pop = number of sequences containing the item.
CREATE OR REPLACE TABLE items AS
SELECT
  item,
  CAST(row_number() OVER (ORDER BY min(CAST(s AS BIGINT) * 4294967296 + pos)) - 1 AS INTEGER) AS idx,
  CAST(count(DISTINCT s) AS DOUBLE) AS pop
FROM walk_raw
GROUP BY item;

-- One row per (shopper, position) with the step key g = s · 2^32 + pos, so "k steps later in the same
-- sequence" is the equi-join g + k (positions stay below 2^32); damp = 1 / log2(2 + len / 10) damps
-- very long sequences.
CREATE OR REPLACE TABLE walk AS
SELECT
  CAST(w.s AS BIGINT) * 4294967296 + w.pos AS g,
  w.s,
  i.idx,
  1 / log2(2 + w.len / 10) AS damp
FROM walk_raw w JOIN items i USING (item);

DROP TABLE walk_raw;
