/**
 * Reading the site's non-personal files (`data-prior`, `data-segments`, `data-messages`) once they are
 * fetched: a lazily loaded file of the worker (`pz-chunks/site-files-*.js`), imported while those files
 * are fetched and only when the site names one, so a site without them never downloads this code.
 * The prior and the messages are read before the worker answers `ready` (every answer depends on
 * them); the segment file when it arrives, since no rerank reads it.
 * A file that failed to load or does not check out is ignored (said on the console under `debug`);
 * the worker then starts with its built-in rules.
 */
import { type Messages, readMessages } from '../core/messages';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../core/model/features';
import type { FmWeights } from '../core/model/fm';
import { parsePrior } from '../core/model/prior';
import { checkLogisticModel, type LogisticModel } from '../core/profile/propensity';
import { checkCentroidFile, type SegmentConfig } from '../core/profile/segments';
import { describeError } from '../core/errors';

/** What the files ranking needs give the engine; a field is absent when its file gave nothing usable. */
export interface RankingFiles {
  prior?: { weights: FmWeights; version: string };
  messages?: Messages;
}

/**
 * What the files that only describe the profile give the engine (segments, propensities: the panel,
 * the export, the reports); a field is absent when its file gave nothing usable.
 */
export interface ProfileFiles {
  segments?: SegmentConfig;
  intentModel?: LogisticModel;
}

/** A fetched file is usable unless the site names none or fetching it failed (`{ error }`). */
const usable = (file: unknown) => !!file && !(file as { error?: string }).error;

/**
 * Checks the files a rerank's answer depends on, each as fetched (the JSON, `{ error }`, or `undefined`
 * when the site names none): the prior's weights score the candidates, the messages word the reasons.
 * `config`: the worker's debug flag, the page's language and the messages file's URL (for the console notes).
 */
export function readRankingFiles(prior: unknown, translations: unknown, config: { debug?: boolean; lang?: string; messagesUrl?: string }): RankingFiles {
  const out: RankingFiles = {};
  const messages = readMessages(translations, config.lang);
  if (messages) out.messages = messages;
  else if (config.debug && config.messagesUrl) console.warn(`[pz] no messages for lang "${config.lang ?? ''}" in ${config.messagesUrl}`);
  if (usable(prior)) {
    const parsed = parsePrior(prior, { d: FEATURE_DIM, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
    if (parsed.ok) out.prior = { weights: parsed.prior.weights, version: parsed.prior.version };
    else if (config.debug) console.warn('[pz] prior ignored:', String(parsed.error));
  }
  return out;
}

/**
 * Checks the segment file and the purchase-intent model, which no rerank reads: the segment file as
 * fetched, and the prior as fetched (it may publish the intent model).
 */
export function readProfileFiles(segments: unknown, prior: unknown, config: { debug?: boolean }): ProfileFiles {
  const out: ProfileFiles = {};
  let segmentConfig: SegmentConfig | undefined;
  if (usable(segments)) {
    try {
      const s = segments as SegmentConfig & { centroids?: unknown };
      segmentConfig = { ...s, ...(s.centroids ? { centroids: checkCentroidFile(s.centroids) } : {}) } as SegmentConfig;
    } catch (err) {
      if (config.debug) console.warn('[pz] segment file ignored:', describeError(err));
    }
  }
  // The site's purchase-intent model, for the panel's figure and the "likely to buy" segment alike:
  // the segment file's, else the one published with the prior; a malformed one is ignored.
  const published = [segmentConfig?.propensity?.purchaseIntent, usable(prior) ? (prior as { propensity?: { purchaseIntent?: unknown } }).propensity?.purchaseIntent : undefined];
  const intentModel = published.find((m): m is LogisticModel => {
    if (m === undefined) return false;
    try {
      checkLogisticModel(m);
      return true;
    } catch (err) {
      if (config.debug) console.warn('[pz] purchase-intent model ignored:', describeError(err));
      return false;
    }
  });
  if (segmentConfig?.propensity || intentModel) {
    const { purchaseIntent: _ignored, ...rest } = segmentConfig?.propensity ?? {};
    segmentConfig = { ...segmentConfig, propensity: { ...rest, ...(intentModel ? { purchaseIntent: intentModel } : {}) } };
  }
  if (segmentConfig) out.segments = segmentConfig;
  if (intentModel) out.intentModel = intentModel;
  return out;
}
