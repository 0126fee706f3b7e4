-- Output rows of the item-knowledge file in item order, one row per published entry: the item (idx, id,
-- popularity), then kind (0 neighbour, 1 predecessor; NULL for an item with neither), rank, the other
-- item's id and the weight. The writer folds consecutive rows of one item into its record.
SELECT i.idx, i.item AS id, i.pop, t.kind, t.rank, o.item AS other, t.w
FROM items i
LEFT JOIN top_k t ON t.idx = i.idx
LEFT JOIN items o ON o.idx = t.other
ORDER BY i.idx, t.kind, t.rank;
