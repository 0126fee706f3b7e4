-- The similarity matrix as entries for the embedding's edge file: each unordered pair (lo, hi, v) as
-- (row lo, column hi) and (row hi, column lo), for the rows in $lo .. $hi - 1, ordered by (row, column).
-- The writer runs it for consecutive row ranges, so each pass sorts a part of the entries.
-- Parameters: $lo, $hi.
SELECT r, c, v
FROM (
  SELECT lo AS r, hi AS c, v FROM similarity WHERE lo >= $lo AND lo < $hi
  UNION ALL
  SELECT hi AS r, lo AS c, v FROM similarity WHERE hi >= $lo AND hi < $hi
) entries
ORDER BY r, c;
