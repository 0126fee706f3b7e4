-- The events the prior replays: for each shopper with a kept step, every event up to the last kept
-- one, in order, with kept = true on the kept steps. Streamed shopper by shopper.
SELECT e.s, e.pos, e.type, e.item, e.category, e.ts, e.value, e.held, k.pos IS NOT NULL AS kept
FROM prior_events e
JOIN (SELECT s, max(pos) AS last FROM prior_kept GROUP BY s) l ON l.s = e.s AND e.pos <= l.last
LEFT JOIN prior_kept k ON k.s = e.s AND k.pos = e.pos
ORDER BY e.s, e.pos;
