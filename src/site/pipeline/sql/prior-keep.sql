-- Step "prior sample", part 2: keep each step with probability $keep_train (train shoppers) or
-- $keep_held (held out), by a seeded hash, so a cap on pairs takes a little from every shopper.
-- Parameters: $seed, $keep_train, $keep_held.
CREATE OR REPLACE TABLE prior_kept AS
SELECT s, pos, held
FROM prior_steps
WHERE hash(s, pos, $seed) / 18446744073709551616.0 < CASE WHEN held THEN $keep_held ELSE $keep_train END;
