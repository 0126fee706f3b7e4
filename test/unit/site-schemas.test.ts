import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { FM_K } from '../../src/core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../../src/core/model/features';
import { fitPrior } from '../../src/core/model/prior-fit';
import { DEFAULT_PURCHASE_INTENT } from '../../src/core/profile/propensity';
import { createRng } from '../../src/core/util/rng';
import { buildItemKnowledge, publishItemKnowledge } from '../../src/site/item-knowledge';
import { publishPrior } from '../../src/site/prior-publish';
import { fitSegments, segmentFeatureNames } from '../../src/site/segments-fit';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = (name: string) => JSON.parse(readFileSync(join(root, 'src', 'site', 'schemas', `${name}.schema.json`), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
const check = (name: string, value: unknown) => {
  let validate = compiled.get(name);
  if (!validate) compiled.set(name, (validate = ajv.compile(schema(name))));
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe('JSON Schemas of the published site files', () => {
  it('item knowledge: the reference output fits, a malformed one does not', () => {
    const k = publishItemKnowledge(buildItemKnowledge([['a', 'b', 'c'], ['b', 'c'], ['z']], { dim: 2 }));
    expect(check('item-knowledge', k)).toEqual([]);
    expect(check('item-knowledge', { ...k, version: 1 })).not.toEqual([]);
    expect(check('item-knowledge', { ...k, items: { a: { pop: 1, nb: [['b']], pre: [], emb: null } } })).not.toEqual([]);
  });

  it('prior: a published fit passes, a file without V does not', () => {
    const rng = createRng(1);
    const x = () => Float32Array.from({ length: FEATURE_DIM }, () => rng());
    const pairs = Array.from({ length: 64 }, () => ({ pos: x(), neg: x(), weight: 1 }));
    const prior = fitPrior(pairs, { d: FEATURE_DIM, k: FM_K, epochs: 1, seed: 1, version: 'test', featureSchemaVersion: FEATURE_SCHEMA_VERSION, trainer: 'plain' });
    const published = publishPrior(prior, { trainedOn: { seed: 1 } });
    expect(check('prior', published)).toEqual([]);
    const { V: _, ...noV } = published;
    expect(check('prior', noV)).not.toEqual([]);
    // With the purchase-intent model train-prior and the site pipeline publish beside it.
    const withIntent = publishPrior(prior, { purchaseIntent: { ...DEFAULT_PURCHASE_INTENT, features: [...DEFAULT_PURCHASE_INTENT.features], weights: [...DEFAULT_PURCHASE_INTENT.weights] }, trainedOn: { seed: 1 } });
    expect(check('prior', withIntent)).toEqual([]);
    expect(check('prior', { ...withIntent, propensity: { purchaseIntent: { ...withIntent.propensity!.purchaseIntent, intercept: 'high' } } })).not.toEqual([]);
  });

  it('segments: the demo file passes, a fuzzifier of 1 does not', () => {
    const demo = JSON.parse(readFileSync(join(root, 'public', 'site', 'segments.json'), 'utf8')) as { centroids: object };
    expect(check('segments', demo)).toEqual([]);
    expect(check('segments', { ...demo, centroids: { ...demo.centroids, m: 1 } })).not.toEqual([]);
    // What the site pipeline writes: fitted centroids and the purchase-intent model.
    const points = Array.from({ length: 12 }, (_, i) => [i % 3 === 0 ? 0.9 : 0.1, i % 3 === 1 ? 0.9 : 0.1, (i % 4) / 4]);
    const fitted = { centroids: fitSegments(points, segmentFeatureNames(['a', 'b']), { clusters: 3 }), propensity: { purchaseIntent: DEFAULT_PURCHASE_INTENT } };
    expect(check('segments', fitted)).toEqual([]);
  });
});
