-- Step "prior sample", part 1: every usable event of every shopper numbered in time order (pos), the
-- shoppers split into train and held out (a seeded hash: $held_out_per_mille of 1000), and the training
-- steps: positives (view, click, favorite, add_to_cart, purchase; ratings of 4 or more) after a
-- shopper's first event. The item pool for negatives: up to $pool distinct items, a seeded uniform
-- sample, each with its last-seen category.
-- Parameters: $seed, $held_out_per_mille, $pool.
CREATE OR REPLACE TABLE prior_events AS
SELECT
  sh.s,
  CAST(row_number() OVER (PARTITION BY sh.s ORDER BY e.ts, e.ord) - 1 AS INTEGER) AS pos,
  e.type, e.item, e.category, e.ts, e.value,
  hash(sh.s, $seed) % 1000 < $held_out_per_mille AS held
FROM events e JOIN shoppers sh USING (shopper)
WHERE e.ok;

CREATE OR REPLACE TABLE prior_steps AS
SELECT s, pos, held
FROM prior_events
WHERE pos > 0 AND item IS NOT NULL
  AND type IN ('view', 'click', 'favorite', 'add_to_cart', 'purchase', 'rating')
  AND (type <> 'rating' OR value >= 4);

-- The pool: the $pool items first by a seeded hash (a DISTINCT, which spills, then a top-N). Each pooled
-- item's category is the one of its last event (time, then shopper and position break ties, so an item
-- seen under two categories at the same instant gets the same one every run), taken over the pooled
-- items' events only: one arg_max per item of the whole catalogue ran out of memory at 50M events under a
-- 256MB engine limit, where $pool groups fit.
CREATE OR REPLACE TABLE prior_pool_items AS
SELECT item
FROM (SELECT DISTINCT item FROM prior_events WHERE item IS NOT NULL) d
ORDER BY hash(item, $seed), item
LIMIT $pool;

CREATE OR REPLACE TABLE prior_pool AS
SELECT item, arg_max(category, (ts, s, pos)) AS category
FROM prior_events
WHERE item IN (SELECT item FROM prior_pool_items)
GROUP BY item;

DROP TABLE prior_pool_items;
