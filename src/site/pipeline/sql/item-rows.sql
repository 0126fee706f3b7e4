-- Output rows of the item-knowledge file for the items $lo .. $hi - 1, in item order, one row per
-- published entry: the item (idx, id, popularity), then kind (0 neighbour, 1 predecessor; NULL for an
-- item with neither), rank, the other item's id and the weight. The writer runs it for consecutive
-- ranges of items (each pass sorts a part of the rows) and folds consecutive rows of one item into its
-- record.
-- Parameters: $lo, $hi.
SELECT i.idx, i.item AS id, i.pop, t.kind, t.rank, o.item AS other, t.w
FROM (SELECT idx, item, pop FROM items WHERE idx >= $lo AND idx < $hi) i
LEFT JOIN (SELECT idx, kind, rank, other, w FROM top_k WHERE idx >= $lo AND idx < $hi) t ON t.idx = i.idx
LEFT JOIN items o ON o.idx = t.other
ORDER BY i.idx, t.kind, t.rank;
