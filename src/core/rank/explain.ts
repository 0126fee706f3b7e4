/**
 * Explanations: per-feature contributions of the model, grouped by feature family and turned into a
 * short human reason ("You often look at Lipstick", "In your usual price range").
 */
import { FEATURES, FEATURE_DIM, type FeatureFamily } from '../model/features';
import { brandAffinity, categoryAffinity, itemMemory, type Profile, recentItems } from '../profile/profile';
import type { Candidate } from '../types';

/** A family's total contribution to a candidate's personal score. */
export interface FamilyContribution {
  family: FeatureFamily;
  value: number;
}

/** Sums per-feature contributions (length {@link FEATURE_DIM}) by family, largest magnitude first. */
export function groupContributions(contrib: ArrayLike<number>): FamilyContribution[] {
  const sums = new Map<FeatureFamily, number>();
  for (let j = 0; j < FEATURE_DIM; j++) {
    const f = FEATURES[j]!.family;
    sums.set(f, (sums.get(f) ?? 0) + (contrib[j] ?? 0));
  }
  return [...sums]
    .map(([family, value]) => ({ family, value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/** The last segment of a category path, made readable: `"beauty/lip-stick"` → `"Lip stick"`. */
export function categoryName(path: string): string {
  const leaf = path.split('/').filter(Boolean).pop() ?? path;
  const words = leaf.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const VERB: Record<string, string> = {
  view: 'viewed',
  click: 'looked at',
  rating: 'rated',
  favorite: 'saved',
  add_to_cart: 'added to cart',
  purchase: 'bought',
};

/**
 * A short reason for a candidate from its strongest positive family, or undefined when nothing personal
 * lifted it (server-order items need no reason).
 * @example reasonFor(profile, candidate, groupContributions(c), now); // "You often look at Lipstick"
 */
export function reasonFor(
  profile: Profile,
  candidate: Candidate,
  families: readonly FamilyContribution[],
  now: number,
): string | undefined {
  for (const { family, value } of families) {
    if (!(value > 1e-6)) continue;
    switch (family) {
      case 'category': {
        if (!candidate.category) break;
        const a = categoryAffinity(profile, candidate.category, now, 'long');
        if (a.depth === 0) break;
        // Decayed credit, not a count: phrase it by strength rather than invent a number.
        const name = categoryName(a.level);
        return a.value >= 2 ? `You often look at ${name}` : `You looked at ${name}`;
      }
      case 'brand':
        if (candidate.brand && brandAffinity(profile, candidate.brand, now).value > 0) return `You like ${candidate.brand}`;
        break;
      case 'price':
        return 'In your usual price range';
      case 'tags':
        return 'Matches what you usually pick';
      case 'item': {
        const m = itemMemory(profile, candidate.id, now);
        if (!m) break;
        // Only a consumable comes back to buy again (the features lift it once it is due); a bought
        // one-off is never promoted for having been bought.
        if (m.bought > 0) {
          if (m.consumable || candidate.consumable === true) return 'Buy again';
          break;
        }
        // The strongest thing the shopper did with it, not the latest.
        return m.strongest ? `You ${VERB[m.strongest] ?? 'viewed'} this recently` : 'You viewed this recently';
      }
      case 'similar': {
        const last = recentItems(profile)[0];
        const m = last ? itemMemory(profile, last, now) : undefined;
        const verb = m?.strongest ? VERB[m.strongest] : undefined;
        return verb ? `Like items you ${verb}` : 'Similar to what you viewed';
      }
      default:
        break;
    }
  }
  return undefined;
}
