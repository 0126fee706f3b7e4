-- Step "similarity": the symmetric, degree-normalized matrix the embeddings are computed from,
--   sym(a, b) = (w(a, b) + w(b, a)) / 2,   S(a, b) = sym(a, b) / sqrt(deg(a) · deg(b)),
-- over the pairs among the $embedding_neighbours strongest of at least one of their two items (ranked
-- by round(sym · 1e9), ties by the other item's index; degrees over the kept pairs), so the matrix has
-- at most $embedding_neighbours · items rows however densely items co-occur. One row per unordered
-- pair (lo < hi). The embedding step streams it (SELECT … FROM similarity). As in transitions.sql,
-- no sum depends on the engine's order: sym_all adds at most two terms, the degrees add DECIMAL(38, 24).
-- The ranking runs once for each $bucket in 0 .. $buckets - 1, over the items with idx % $buckets =
-- $bucket (a window holds a partition group in memory: 50M events' 45M pairs in one pass did not fit a
-- 256MB engine limit); every item is ranked in exactly one pass, so the result does not depend on
-- $buckets.
-- Parameters: $embedding_neighbours, $buckets, $bucket.
CREATE OR REPLACE TABLE sym_all AS
SELECT least(a, b) AS lo, greatest(a, b) AS hi, sum(w / 2) AS w
FROM edges
GROUP BY least(a, b), greatest(a, b);

CREATE OR REPLACE TABLE sym_kept (lo INTEGER, hi INTEGER, w DOUBLE);

INSERT INTO sym_kept
SELECT lo, hi, w
FROM (
  SELECT lo, hi, w, row_number() OVER (PARTITION BY idx ORDER BY round(w * 1e9) DESC, other) AS r
  FROM (
    SELECT lo AS idx, hi AS other, lo, hi, w FROM sym_all WHERE lo % $buckets = $bucket
    UNION ALL
    SELECT hi AS idx, lo AS other, lo, hi, w FROM sym_all WHERE hi % $buckets = $bucket
  ) ends
) ranked
WHERE r <= $embedding_neighbours;

DROP TABLE sym_all;

-- A pair kept by both its items appears twice, with the same w.
CREATE OR REPLACE TABLE sym AS
SELECT lo, hi, min(w) AS w
FROM sym_kept
GROUP BY lo, hi;

DROP TABLE sym_kept;

CREATE OR REPLACE TABLE degree AS
SELECT idx, CAST(sum(CAST(w AS DECIMAL(38, 24))) AS DOUBLE) AS deg
FROM (SELECT lo AS idx, w FROM sym UNION ALL SELECT hi AS idx, w FROM sym)
GROUP BY idx;

CREATE OR REPLACE TABLE similarity AS
SELECT sym.lo, sym.hi, sym.w / sqrt(dl.deg * dh.deg) AS v
FROM sym
JOIN degree dl ON dl.idx = sym.lo
JOIN degree dh ON dh.idx = sym.hi;

DROP TABLE sym;
DROP TABLE degree;
