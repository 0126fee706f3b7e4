/**
 * The product's purchase-intent propensity under the taobao-intent protocol: the profile reducer and
 * `purchaseIntent` exactly as the worker runs them, with the built-in weights or with weights fitted
 * (as `npm run train-prior` does) on the tuning days only.
 */
import { applyEventMut, emptyProfile } from '../../src/core/profile/profile';
import { DEFAULT_PURCHASE_INTENT, type LogisticModel, fitLogistic, propensityFeatures, purchaseIntent } from '../../src/core/profile/propensity';
import type { IntentPolicy, SiteKnowledge } from './types';

/** Taobao is Beijing time: the profile's hour-of-day context uses the shop's offset. */
const TZ = { tzOffsetMinutes: 480 };

function profileSession() {
  const profile = emptyProfile(0, TZ);
  return {
    profile,
    observe(e: Parameters<typeof applyEventMut>[1]) {
      applyEventMut(profile, e, e.ts, TZ);
    },
    features: (now: number) => propensityFeatures(profile, now),
  };
}

/** `fit`: fit the weights on the tuning days; otherwise the built-in weights. */
export function productIntentPolicy(fit: boolean): IntentPolicy {
  let model: LogisticModel = DEFAULT_PURCHASE_INTENT;
  return {
    name: fit ? 'pz-intent-fitted' : 'pz-intent',
    prepare(site: SiteKnowledge) {
      model = DEFAULT_PURCHASE_INTENT;
      if (!fit || !site.intentTuneExamples) return;
      const { rows, labels } = site.intentTuneExamples(profileSession);
      const fitted = fitLogistic(rows, labels.map((l) => (l ? 1 : 0)), { l2: 1e-3, epochs: 300 });
      model = { ...DEFAULT_PURCHASE_INTENT, intercept: fitted.intercept, weights: fitted.weights };
    },
    newShopper() {
      const s = profileSession();
      return { observe: s.observe, intent: (now) => purchaseIntent(s.profile, now, model) };
    },
  };
}
