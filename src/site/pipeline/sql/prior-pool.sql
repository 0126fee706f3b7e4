-- The negative pool, in a stable order.
SELECT item, category FROM prior_pool ORDER BY item;
