-- Entries of the published neighbour and predecessor lists (to size the item-rows passes).
SELECT count(*) AS entries FROM top_k;
