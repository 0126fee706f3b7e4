-- Counts of the intent days (after intent-days.sql): rows, positives, distinct days.
SELECT count(*) AS points, count(*) FILTER (WHERE label) AS positives, count(DISTINCT day) AS days FROM intent_days;
