-- Directed item pairs after the "transitions" step.
SELECT count(*) AS pairs FROM edges;
