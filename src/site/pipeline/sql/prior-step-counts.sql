-- Training steps per side of the split, for the sampling rates.
SELECT count(*) FILTER (WHERE NOT held) AS train, count(*) FILTER (WHERE held) AS held FROM prior_steps;
