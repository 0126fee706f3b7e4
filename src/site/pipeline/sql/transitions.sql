-- Step "transitions": directed, window- and distance-weighted co-occurrence, normalized.
--   forward(a, b) = Σ damp · $decay^(k-1) over pairs a then b, k ≤ $window steps apart, a ≠ b
--   count(a, b)   = forward(a, b) + $backward_weight · forward(b, a)
--   w(a, b)       = count(a, b) / (pop(a)^(1 - $beta) · pop(b)^$beta)
-- fsum (compensated summation) makes the sums independent of the order threads add them in.
-- Both aggregations are partitioned by their first item: a statement that uses $bucket runs once for
-- each $bucket in 0 .. $buckets - 1 and aggregates only the groups whose first item has
-- idx % $buckets = $bucket, so each pass's hash table holds about 1 / $buckets of the pairs. Every
-- group lies in exactly one bucket, so the tables do not depend on $buckets; $buckets = 1, $bucket = 0
-- is one pass over everything (what a warehouse runs).
-- Parameters: $window, $decay, $backward_weight, $beta, $buckets, $bucket.
CREATE OR REPLACE TABLE forward (a INTEGER, b INTEGER, f DOUBLE);

INSERT INTO forward
WITH later AS (
  SELECT x.idx, x.damp * pow($decay, d.k - 1) AS w, x.g + d.k AS g
  -- The bucket's rows are chosen before the cross join (a WHERE after it is applied to all window · E rows).
  FROM (SELECT idx, damp, g FROM walk WHERE idx % $buckets = $bucket) x
  CROSS JOIN (SELECT CAST(range AS BIGINT) AS k FROM range(1, $window + 1)) d
)
SELECT p.idx AS a, y.idx AS b, fsum(p.w) AS f
FROM later p
JOIN walk y ON y.g = p.g
WHERE y.idx <> p.idx
GROUP BY p.idx, y.idx;

CREATE OR REPLACE TABLE edges (a INTEGER, b INTEGER, w DOUBLE);

INSERT INTO edges
WITH counts AS (
  SELECT a, b, fsum(c) AS c
  FROM (
    SELECT a, b, f AS c FROM forward WHERE a % $buckets = $bucket
    UNION ALL
    SELECT b AS a, a AS b, f * $backward_weight AS c FROM forward WHERE $backward_weight > 0 AND b % $buckets = $bucket
  )
  GROUP BY a, b
)
SELECT counts.a, counts.b, counts.c / (pow(pa.pop, 1 - $beta) * pow(pb.pop, $beta)) AS w
FROM counts
JOIN items pa ON pa.idx = counts.a
JOIN items pb ON pb.idx = counts.b
WHERE counts.c > 0;

DROP TABLE forward;
