-- Rows item-rows.sql gives for the items $lo .. $hi - 1 (each item's entries, or one row for an item
-- with none), so the writer can tell a complete stream from one that ended early.
-- Parameters: $lo, $hi.
SELECT count(*) AS rows
FROM (SELECT idx FROM items WHERE idx >= $lo AND idx < $hi) i
LEFT JOIN (SELECT idx FROM top_k WHERE idx >= $lo AND idx < $hi) t ON t.idx = i.idx;
