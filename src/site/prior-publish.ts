/**
 * The published prior file (what `data-prior` points at): the fitted FM rounded for publishing, feature
 * names, the optional purchase-intent model and provenance, checked with the worker's own parser before
 * it is written. Shared by `scripts/train-prior.ts` and the SQL pipeline.
 */
import { FM_K } from '../core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION, FEATURES } from '../core/model/features';
import { type FmWeights, type PairExample, fmScore } from '../core/model/fm';
import { parsePrior, type PriorFile, toPriorFile } from '../core/model/prior';
import type { PriorWeights } from '../core/model/model';
import type { LogisticModel } from '../core/profile/propensity';

/** Share of pairs a model orders correctly; ties count ½. */
export function pairwiseAccuracy(wt: FmWeights, pairs: readonly PairExample[]): number {
  if (pairs.length === 0) return Number.NaN;
  const q = new Float64Array(wt.k);
  let right = 0;
  for (const p of pairs) {
    const m = fmScore(wt, p.pos, 0, q) - fmScore(wt, p.neg, 0, q);
    right += m > 0 ? 1 : m === 0 ? 0.5 : 0;
  }
  return right / pairs.length;
}


/** Six significant digits: float32 weights carry no more, and the file stays readable. */
export const round = (x: number): number => Number(x.toPrecision(6));

/** Pretty JSON with arrays of numbers kept on one line (V has d·k entries). */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, body: string) => `[${body.split(/,\s*/).join(', ')}]`);
}


/** The published file: the prior plus fields `parsePrior` ignores (names for humans, propensity, provenance). */
export interface PublishedPrior extends PriorFile {
  featureNames: string[];
  propensity?: { purchaseIntent: LogisticModel };
  trainedOn: Record<string, string | number>;
}

/**
 * The published form of a fitted prior; throws when the worker's parser would refuse it.
 * @example writeFileSync(out, prettyJson(publishPrior(prior, { trainedOn: { seed: 1 } })) + '\n');
 */
export function publishPrior(
  prior: PriorWeights,
  extra: { purchaseIntent?: LogisticModel; trainedOn: Record<string, string | number> },
): PublishedPrior {
  const file = toPriorFile(prior);
  const published: PublishedPrior = {
    ...file,
    w0: round(file.w0),
    w: file.w.map(round),
    V: file.V.map(round),
    ...(file.variance ? { variance: file.variance.map(round) } : {}),
    featureNames: FEATURES.map((f) => f.name),
    ...(extra.purchaseIntent ? { propensity: { purchaseIntent: extra.purchaseIntent } } : {}),
    trainedOn: extra.trainedOn,
  };
  // Never publish a file the worker would refuse.
  const check = parsePrior(published, { d: FEATURE_DIM, k: FM_K, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
  if (!check.ok) throw new Error(`TrainPriorError: the fitted prior does not parse: ${check.error.message}`);
  return published;
}
