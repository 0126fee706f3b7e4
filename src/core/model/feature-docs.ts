/**
 * What each feature of the schema means, by name: a record over every {@link FeatureName}, so a feature
 * without its meaning does not compile. Kept apart from `FEATURES` so the worker does not ship the prose
 * (about 0.9 KB gzip of its first load).
 */
import type { FeatureName } from './features';

/** The meaning of each feature slot. */
export const FEATURE_DOCS: Readonly<Record<FeatureName, string>> = Object.freeze({
  cat_long: 'long-term (14 d) share of the candidate category, backing off up its path',
  cat_short: 'short-term (1 h) share of the candidate category',
  cat_depth: 'how specific the matched category level is (matched depth / path depth)',
  cat_rank: 'place of the candidate category (or a parent/child of it) among the shopper\'s recent categories, by event order (1 = the last one, ×0.8 per step back)',
  cat_known: '1 when the shopper has any affinity for the category (or a parent)',
  brand_long: 'long-term share of the brand',
  brand_short: 'short-term share of the brand',
  price_fit: 'fit of the price to the shopper\'s log-price band for the category (−1..1)',
  price_below: 'how far below the shopper\'s usual price the candidate is (0..1), for bargain hunters',
  tag_mean: 'mean long-term share of the candidate tags / attributes',
  tag_max: 'largest long-term share among the candidate tags',
  tag_short: 'mean short-term share of the candidate tags',
  tag_overlap: 'fraction of the candidate tags the shopper has interacted with',
  item_seen: 'attention the shopper gave this exact item: 1 for a click or stronger; for views only, their decayed weight over 1.5 (a tile impression ≈ 0.1, a product-page view 0.33–1 by dwell, repeats add up); 0 once bought when the item is known to be consumable or one-off',
  item_recent: 'recency of the last interaction with this item (1 now, halves every hour)',
  item_day: 'recency of the last interaction with this item (halves every day)',
  item_rank: 'place of the item among the shopper\'s 20 most recent items, by event order (1 = the last one, ×0.8 per step back)',
  item_strength: 'strongest past interaction with the item (view 1/6 … purchase 6/6); 0 once bought (consumable or one-off)',
  item_weight: 'decayed interaction weight with the item, squashed to 0..1',
  bought_oneoff: '1 when already bought and not known to be consumable (demote); 4 when the candidate says `consumable: false`, and then the other item-memory features are 0 (its memory no longer promotes it)',
  bought_consumable: 'a bought consumable coming due: 0 until 0.7 of the repurchase interval (the shopper\'s mean purchase interval, else 30 days) has passed since the last interaction, 1 from the full interval on',
  emb_max: 'largest cosine similarity of the candidate embedding to a recent item\'s',
  emb_mean: 'recency-weighted mean cosine similarity to recent items',
  emb_last: 'cosine similarity to the most recent item with an embedding',
  rel_sum: 'sum of the candidate\'s site-published related-item scores that point at the shopper\'s recent items, recency-weighted (×0.8 per step back), divided by 5 (its bound)',
  rel_max: 'largest related-item score of the candidate pointing at one of the shopper\'s recent items',
  rel_back: 'scores with which the related-items lists of the shopper\'s recent items point at the candidate, recency-weighted (×0.8 per step back), divided by 3',
  server_rank: 'server position, log-scaled: 1 at the top, 0 at the bottom',
  ctx_new: '1 for a shopper with little history (interacts with the rest through the FM)',
  ctx_session: 'activity in the last hour, squashed to 0..1',
  ctx_hour: 'share of the shopper\'s events at this hour of the day',
});
