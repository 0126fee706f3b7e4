/**
 * Explanations: per-feature contributions of the model, grouped by feature family and turned into a
 * short human reason ("You often look at Lipstick", "In your usual price range").
 */
import { FEATURE_DIM, FEATURE_FAMILIES, FEATURES, type FeatureFamily } from '../model/features';
import { brandAffinity, categoryAffinity, itemMemory, type Profile, recentItems } from '../profile/profile';
import type { Candidate } from '../types';
import { type MessageKey, type Messages, message } from '../messages';
import { memo } from '../util/memo';

/** A family's total contribution to a candidate's personal score. */
export interface FamilyContribution {
  family: FeatureFamily;
  value: number;
}

/** Each feature's family, as an index into {@link FEATURE_FAMILIES}. */
const FAMILY_OF = Int32Array.from(FEATURES, (f) => FEATURE_FAMILIES.indexOf(f.family));

/** Smallest family sum that can give a reason. */
const REASON_MIN = 1e-6;

/**
 * Reusable buffers for one candidate's contributions (a rerank asks for up to 100 reasons): per
 * feature, the taste model's by family, and the family sums.
 */
export interface ContributionBuffers {
  features: Float32Array;
  taste: Float64Array;
  families: Float64Array;
}

/** Fresh {@link ContributionBuffers}. */
export function contributionBuffers(): ContributionBuffers {
  const f = FEATURE_FAMILIES.length;
  return { features: new Float32Array(FEATURE_DIM), taste: new Float64Array(f), families: new Float64Array(f) };
}

/**
 * Sums per-feature contributions (length {@link FEATURE_DIM}; missing entries count 0) by family, in
 * schema order, then adds contributions already summed by family (the taste model's, from
 * `byFamily[offset]` on), into `out` (indexed by {@link FEATURE_FAMILIES}, overwritten).
 * @example familySums(fmContributions(wt, x), taste.contributions(candidate));
 */
export function familySums(
  contrib: ArrayLike<number>,
  byFamily?: ArrayLike<number>,
  out: Float64Array = new Float64Array(FEATURE_FAMILIES.length),
  offset = 0,
): Float64Array {
  out.fill(0);
  for (let j = 0; j < FEATURE_DIM; j++) out[FAMILY_OF[j]!]! += contrib[j] ?? 0;
  if (byFamily) for (let k = 0; k < out.length; k++) out[k]! += byFamily[offset + k] ?? 0;
  return out;
}

/** {@link familySums} as a list, largest magnitude first (ties in schema order). */
export function familyList(sums: ArrayLike<number>): FamilyContribution[] {
  return FEATURE_FAMILIES.map((family, k) => ({ family, value: sums[k]! })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
}

/**
 * Sums per-feature contributions by family, plus the taste model's by family, largest magnitude first
 * (ties in schema order): {@link familyList} of {@link familySums}.
 */
export function groupContributions(contrib: ArrayLike<number>, byFamily?: ArrayLike<number>): FamilyContribution[] {
  return familyList(familySums(contrib, byFamily));
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
  for (const { family, value } of families) {
    if (!(value > REASON_MIN)) continue;
    const reason = familyReason(family, profile, candidate, now, messages);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * {@link reasonFor} of {@link familyList}`(sums)`, without building the list: the positive families
 * are tried largest first (ties in schema order), which is the order the list gives them.
 * @example reasonFromSums(profile, candidate, familySums(contrib, taste), now);
 */
export function reasonFromSums(profile: Profile, candidate: Candidate, sums: ArrayLike<number>, now: number, messages?: Messages): string | undefined {
  const n = FEATURE_FAMILIES.length;
  // The list's order is only defined for finite sums (a NaN compares equal to everything).
  for (let k = 0; k < n; k++) if (!Number.isFinite(sums[k])) return reasonFor(profile, candidate, familyList(sums), now, messages);
  let tried = 0;
  for (;;) {
    let best = -1;
    for (let k = 0; k < n; k++) {
      const v = sums[k]!;
      if ((tried & (1 << k)) === 0 && v > REASON_MIN && (best < 0 || v > sums[best]!)) best = k;
    }
    if (best < 0) return undefined;
    tried |= 1 << best;
    const reason = familyReason(FEATURE_FAMILIES[best]!, profile, candidate, now, messages);
    if (reason !== undefined) return reason;
  }
}

/** The reason one family gives for a candidate, or undefined when it has nothing to say about it. */
function familyReason(family: FeatureFamily, profile: Profile, candidate: Candidate, now: number, messages: Messages | undefined): string | undefined {
  switch (family) {
    case 'category': {
      if (!candidate.category) return undefined;
      const a = categoryAffinity(profile, candidate.category, now, 'long');
      if (a.depth === 0) return undefined;
      // Decayed credit, not a count: phrase it by strength rather than invent a number.
      const name = categoryName(a.level);
      return message(a.value >= 2 ? 'reason.category.often' : 'reason.category.once', { category: name }, messages);
    }
    case 'brand':
      return candidate.brand && brandAffinity(profile, candidate.brand, now).value > 0 ? message('reason.brand', { brand: candidate.brand }, messages) : undefined;
    case 'price':
      return message('reason.price', undefined, messages);
    case 'tags':
      return message('reason.tags', undefined, messages);
    case 'item': {
      const m = itemMemory(profile, candidate.id, now);
      if (!m) return undefined;
      // Only a consumable comes back to buy again (the features lift it once it is due); a bought
      // one-off is never promoted for having been bought.
      if (m.bought > 0) return m.consumable || candidate.consumable === true ? message('reason.buy-again', undefined, messages) : undefined;
      // The strongest thing the shopper did with it, not the latest.
      return message(itemKey(m.strongest), undefined, messages);
    }
    case 'similar': {
      const last = recentItems(profile)[0];
      const m = last ? itemMemory(profile, last, now) : undefined;
      return message(similarKey(m?.strongest), undefined, messages);
    }
    default:
      return undefined;
  }
}
