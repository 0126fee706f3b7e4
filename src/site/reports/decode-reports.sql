-- Decodes locally private reports: unbiased shares per answer value, with a standard error.
-- Plain SQL (a recursive CTE, GROUP BY, SUBSTRING, SQRT, GREATEST/LEAST): any warehouse runs it.
--
-- Inputs (two tables the site loads):
--   reports(q VARCHAR, p BIGINT, v VARCHAR, a INTEGER)   one row per report as received; v is the
--     encoded value as text (an integer for GRR, a string of k bits for OUE); a is the lift arm or NULL.
--   questions(q VARCHAR, kind VARCHAR, k INTEGER, p_keep DOUBLE, q_flip DOUBLE)   one row per question:
--     the oracle's parameters (`npm run decode-reports -- --oracles` prints them from the question file).
-- Output: one row per (question, period, arm, value): n reports, support count c, share, se.
-- Decoding is a count and an affine correction: share = (c/n − q) / (p − q)
-- (Wang et al., USENIX Security 2017), se from the oracle's variance with the share clipped to [0, 1].
WITH RECURSIVE pos(j) AS (
  SELECT 0 UNION ALL SELECT j + 1 FROM pos WHERE j < 63
),
totals AS (
  SELECT q, p, a, COUNT(*) AS n FROM reports GROUP BY q, p, a
),
support AS (
  SELECT r.q, r.p, r.a, pos.j,
         SUM(CASE WHEN qs.kind = 'oue' AND SUBSTRING(r.v, pos.j + 1, 1) = '1' THEN 1
                  WHEN qs.kind = 'grr' AND r.v = CAST(pos.j AS VARCHAR) THEN 1
                  ELSE 0 END) AS c
  FROM reports r
  JOIN questions qs ON qs.q = r.q
  JOIN pos ON pos.j < qs.k
  GROUP BY r.q, r.p, r.a, pos.j
),
shares AS (
  SELECT s.q, s.p, s.a, s.j AS value, t.n, s.c, qs.p_keep, qs.q_flip,
         (s.c * 1.0 / t.n - qs.q_flip) / (qs.p_keep - qs.q_flip) AS share
  FROM support s
  JOIN totals t ON t.q = s.q AND t.p = s.p AND (t.a = s.a OR (t.a IS NULL AND s.a IS NULL))
  JOIN questions qs ON qs.q = s.q
)
SELECT q, p, a, value, n, c, share,
       SQRT((q_flip * (1 - q_flip)
             + LEAST(1.0, GREATEST(0.0, share)) * (p_keep - q_flip) * (1 - p_keep - q_flip))
            / (n * (p_keep - q_flip) * (p_keep - q_flip))) AS se
FROM shares
ORDER BY q, p, a, value
