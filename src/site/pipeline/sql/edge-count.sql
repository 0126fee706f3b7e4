-- Unordered pairs of the similarity matrix (the edge file holds two entries per pair).
SELECT count(*) AS pairs FROM similarity;
