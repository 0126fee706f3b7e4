/**
 * What the shopper sees about themselves (the panel, the export): the profile plus the segments and
 * propensities derived from it. Only read on demand, so the worker loads this module (and the
 * segment and propensity code) the first time someone looks, never on the ranking path.
 */
import { FEATURE_SCHEMA_VERSION } from '../model/features';
import type { Profile } from './profile';
import { churnRisk, type LogisticModel, purchaseIntent } from './propensity';
import { type SegmentConfig, segmentsOf } from './segments';

/** The settings the view derives with (the engine's options). */
export interface ProfileViewOptions {
  segments?: SegmentConfig;
  intentModel?: LogisticModel;
  churnModel?: LogisticModel;
}

/** The profile as the shopper sees it. */
export interface ProfileView {
  profile: Profile;
  segments: ReturnType<typeof segmentsOf>;
  propensities: { purchaseIntent: number; churnRisk: number };
  model: { featureSchemaVersion: number; learning: boolean; pendingExamples: number };
}

/**
 * The profile with its derived segments and propensities, and the learner's state in one line.
 * @example describeProfile(engine.profile, now, engine.options, { learning: engine.hasLearner(), pendingExamples: engine.pendingExamples() })
 */
export function describeProfile(profile: Profile, now: number, options: ProfileViewOptions, learner: { learning: boolean; pendingExamples: number }): ProfileView {
  return {
    profile,
    segments: segmentsOf(profile, now, options.segments),
    propensities: {
      purchaseIntent: purchaseIntent(profile, now, options.intentModel),
      churnRisk: churnRisk(profile, now, options.churnModel),
    },
    model: { featureSchemaVersion: FEATURE_SCHEMA_VERSION, ...learner },
  };
}
