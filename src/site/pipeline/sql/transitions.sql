-- Step "transitions": directed, window- and distance-weighted co-occurrence, normalized.
--   forward(a, b) = Σ damp · $decay^(k-1) over pairs a then b, k ≤ $window steps apart, a ≠ b
--   count(a, b)   = forward(a, b) + $backward_weight · forward(b, a)
--   w(a, b)       = count(a, b) / (pop(a)^(1 - $beta) · pop(b)^$beta)
-- fsum (compensated summation) makes the sums independent of the order threads add them in.
-- Parameters: $window, $decay, $backward_weight, $beta.
CREATE OR REPLACE TABLE forward AS
WITH later AS (
  SELECT x.idx, x.damp * pow($decay, d.k - 1) AS w, x.g + d.k AS g
  FROM walk x CROSS JOIN (SELECT CAST(range AS BIGINT) AS k FROM range(1, $window + 1)) d
)
SELECT p.idx AS a, y.idx AS b, fsum(p.w) AS f
FROM later p
JOIN walk y ON y.g = p.g
WHERE y.idx <> p.idx
GROUP BY p.idx, y.idx;

CREATE OR REPLACE TABLE edges AS
WITH counts AS (
  SELECT a, b, fsum(c) AS c
  FROM (
    SELECT a, b, f AS c FROM forward
    UNION ALL
    SELECT b AS a, a AS b, f * $backward_weight AS c FROM forward WHERE $backward_weight > 0
  )
  GROUP BY a, b
)
SELECT counts.a, counts.b, counts.c / (pow(pa.pop, 1 - $beta) * pow(pb.pop, $beta)) AS w
FROM counts
JOIN items pa ON pa.idx = counts.a
JOIN items pb ON pb.idx = counts.b
WHERE counts.c > 0;

DROP TABLE forward;
