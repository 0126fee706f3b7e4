-- Step "transitions": directed, window- and distance-weighted co-occurrence, normalized.
--   forward(a, b) = Σ damp · $decay^(k-1) over pairs a then b, k ≤ $window steps apart, a ≠ b
--   count(a, b)   = forward(a, b) + $backward_weight · forward(b, a)
--   w(a, b)       = count(a, b) / (pop(a)^(1 - $beta) · pop(b)^$beta)
-- The sums do not depend on the order the engine adds in (threads, partitions spilled to disk): a
-- sum of many terms adds them as DECIMAL(38, 24), whole multiples of 1e-24 in a 128-bit integer,
-- which is exact, so every order gives the same total; a sum of at most two terms is a plain double
-- sum, since x + y = y + x exactly. (Compensated fsum is not exact: a build that spilled published
-- some weights 1e-6 apart from one that did not.)
-- No join over the walk: one window pass gives each step the items of the next $window steps of its
-- sequence as a list (`later`, fewer near a sequence's end), and the pairs are those lists unnested,
-- k = the position in the list. The work is E · $window rows for E walk steps.
-- Every statement that uses $bucket runs once for each $bucket in 0 .. $buckets - 1: the window pass
-- over the shoppers with s % $buckets = $bucket (a window operator must hold a partition group in
-- memory: in one pass, 50M events did not fit a 256MB engine limit, 10M did), the aggregations over
-- the groups whose first item has idx % $buckets = $bucket, so each pass's hash table holds about
-- 1 / $buckets of the pairs. Every shopper and every group lies in exactly one bucket, so the tables
-- do not depend on $buckets; $buckets = 1, $bucket = 0 is one pass over everything (what a warehouse
-- runs).
-- Parameters: $window, $decay, $backward_weight, $beta, $buckets, $bucket.
CREATE OR REPLACE TABLE later (a INTEGER, damp DOUBLE, next INTEGER[]);

INSERT INTO later
SELECT
  idx AS a,
  damp,
  list(idx ORDER BY g) OVER (PARTITION BY s ORDER BY g ROWS BETWEEN 1 FOLLOWING AND $window FOLLOWING) AS next
FROM walk
WHERE s % $buckets = $bucket;

CREATE OR REPLACE TABLE forward (a INTEGER, b INTEGER, f DOUBLE);

-- unnest and generate_subscripts side by side pair each later item with its position k.
INSERT INTO forward
SELECT a, b, CAST(sum(CAST(w AS DECIMAL(38, 24))) AS DOUBLE) AS f
FROM (
  SELECT a, unnest(next) AS b, damp * pow($decay, generate_subscripts(next, 1) - 1) AS w
  FROM later
  WHERE a % $buckets = $bucket
)
WHERE a <> b
GROUP BY a, b;

DROP TABLE later;

-- counts(a, b) in the same passes; no join here, so no pass rebuilds a table of every item. Each
-- group has at most two terms, forward(a, b) and the backward share of forward(b, a).
CREATE OR REPLACE TABLE pair_counts (a INTEGER, b INTEGER, c DOUBLE);

INSERT INTO pair_counts
SELECT a, b, sum(c) AS c
FROM (
  SELECT a, b, f AS c FROM forward WHERE a % $buckets = $bucket
  UNION ALL
  SELECT b AS a, a AS b, f * $backward_weight AS c FROM forward WHERE $backward_weight > 0 AND b % $buckets = $bucket
)
GROUP BY a, b
HAVING sum(c) > 0;

DROP TABLE forward;

-- Normalized once, over all pairs.
CREATE OR REPLACE TABLE edges (a INTEGER, b INTEGER, w DOUBLE);

INSERT INTO edges
SELECT pair_counts.a, pair_counts.b, pair_counts.c / (pow(pa.pop, 1 - $beta) * pow(pb.pop, $beta)) AS w
FROM pair_counts
JOIN items pa ON pa.idx = pair_counts.a
JOIN items pb ON pb.idx = pair_counts.b;

DROP TABLE pair_counts;
