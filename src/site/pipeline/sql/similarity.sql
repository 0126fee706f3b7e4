-- Step "similarity": the symmetric, degree-normalized matrix the embeddings are computed from,
--   sym(a, b) = (w(a, b) + w(b, a)) / 2,   S(a, b) = sym(a, b) / sqrt(deg(a) · deg(b)),
-- one row per unordered pair (lo < hi). The embedding step streams it (SELECT … FROM similarity).
CREATE OR REPLACE TABLE sym AS
SELECT least(a, b) AS lo, greatest(a, b) AS hi, fsum(w / 2) AS w
FROM edges
GROUP BY least(a, b), greatest(a, b);

CREATE OR REPLACE TABLE degree AS
SELECT idx, fsum(w) AS deg
FROM (SELECT lo AS idx, w FROM sym UNION ALL SELECT hi AS idx, w FROM sym)
GROUP BY idx;

CREATE OR REPLACE TABLE similarity AS
SELECT sym.lo, sym.hi, sym.w / sqrt(dl.deg * dh.deg) AS v
FROM sym
JOIN degree dl ON dl.idx = sym.lo
JOIN degree dh ON dh.idx = sym.hi;

DROP TABLE sym;
DROP TABLE degree;
