-- Sizes after the "sequences" step, for summaries and progress.
SELECT
  (SELECT count(*) FROM shoppers) AS shoppers,
  (SELECT count(*) FROM items) AS items,
  (SELECT count(*) FROM walk) AS steps;
