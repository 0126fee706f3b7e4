/**
 * Explanations: per-feature contributions of the model, grouped by feature family and turned into a
 * short human reason ("You often look at Lipstick", "In your usual price range").
 */
import { FEATURES, FEATURE_DIM, type FeatureFamily } from '../model/features';
import { brandAffinity, categoryAffinity, itemMemory, type Profile, recentItems } from '../profile/profile';
import type { Candidate } from '../types';
import { type MessageKey, type Messages, message } from '../messages';
import { memo } from '../util/memo';

/** A family's total contribution to a candidate's personal score. */
export interface FamilyContribution {
  family: FeatureFamily;
  value: number;
}

/** The feature families in the order they first appear in {@link FEATURES}, and each feature's index in it. */
const FAMILY_ORDER: FeatureFamily[] = [];
const FAMILY_OF = Int32Array.from(FEATURES, (f) => {
  const k = FAMILY_ORDER.indexOf(f.family);
  return k >= 0 ? k : FAMILY_ORDER.push(f.family) - 1;
});

/**
 * Sums per-feature contributions (length {@link FEATURE_DIM}) by family, plus contributions already
 * grouped by family (the taste model's), largest magnitude first (ties in schema order).
 */
export function groupContributions(contrib: ArrayLike<number>, byFamily?: Partial<Record<FeatureFamily, number>>): FamilyContribution[] {
  const sums = new Float64Array(FAMILY_ORDER.length);
  for (let j = 0; j < FEATURE_DIM; j++) sums[FAMILY_OF[j]!]! += contrib[j] ?? 0;
  if (byFamily) {
    for (const f of Object.keys(byFamily) as FeatureFamily[]) {
      const k = FAMILY_ORDER.indexOf(f);
      if (k >= 0) sums[k]! += byFamily[f]!;
    }
  }
  return FAMILY_ORDER.map((family, k) => ({ family, value: sums[k]! })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/** The last segment of a category path, made readable: `"beauty/lip-stick"` → `"Lip stick"`. */
export const categoryName: (path: string) => string = memo((path) => {
  const leaf = path.split('/').filter(Boolean).pop() ?? path;
  const words = leaf.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
});

/** The strongest interaction types a reason names (as in `ItemMemory.strongest`). */
const ACTED = ['view', 'click', 'rating', 'favorite', 'add_to_cart', 'purchase'] as const;
type Acted = (typeof ACTED)[number];
const acted = (t: string | null | undefined): Acted | undefined => (ACTED as readonly string[]).includes(t ?? '') ? (t as Acted) : undefined;
const itemKey = (t: string | null | undefined): MessageKey => `reason.item.${acted(t) ?? 'view'}`;
const similarKey = (t: string | null | undefined): MessageKey => {
  const a = acted(t);
  return a ? `reason.similar.${a}` : 'reason.similar';
};

/**
 * A short reason for a candidate from its strongest positive family, or undefined when nothing personal
 * lifted it (server-order items need no reason). Texts come from the message table (`messages.ts`),
 * translated by `messages` where it has the key.
 * @example reasonFor(profile, candidate, groupContributions(c), now); // "You often look at Lipstick"
 */
export function reasonFor(
  profile: Profile,
  candidate: Candidate,
  families: readonly FamilyContribution[],
  now: number,
  messages?: Messages,
): string | undefined {
  const say = (key: MessageKey, params?: Record<string, string>): string => message(key, params, messages);
  for (const { family, value } of families) {
    if (!(value > 1e-6)) continue;
    switch (family) {
      case 'category': {
        if (!candidate.category) break;
        const a = categoryAffinity(profile, candidate.category, now, 'long');
        if (a.depth === 0) break;
        // Decayed credit, not a count: phrase it by strength rather than invent a number.
        const name = categoryName(a.level);
        return say(a.value >= 2 ? 'reason.category.often' : 'reason.category.once', { category: name });
      }
      case 'brand':
        if (candidate.brand && brandAffinity(profile, candidate.brand, now).value > 0) return say('reason.brand', { brand: candidate.brand });
        break;
      case 'price':
        return say('reason.price');
      case 'tags':
        return say('reason.tags');
      case 'item': {
        const m = itemMemory(profile, candidate.id, now);
        if (!m) break;
        // Only a consumable comes back to buy again (the features lift it once it is due); a bought
        // one-off is never promoted for having been bought.
        if (m.bought > 0) {
          if (m.consumable || candidate.consumable === true) return say('reason.buy-again');
          break;
        }
        // The strongest thing the shopper did with it, not the latest.
        return say(itemKey(m.strongest));
      }
      case 'similar': {
        const last = recentItems(profile)[0];
        const m = last ? itemMemory(profile, last, now) : undefined;
        return say(similarKey(m?.strongest));
      }
      default:
        break;
    }
  }
  return undefined;
}
