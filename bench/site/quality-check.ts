/**
 * Does the product rank Beauty as well with the pipeline's item-knowledge files as with the in-memory
 * reference? Runs the quality benchmark's beauty-loo protocol (bench/quality) twice with the same
 * policies: once as set up there, once with the site knowledge of every level (s[:n-2] for the
 * reported steps, s[:n-3] for the prior) replaced by the pipeline's published files read back with
 * `itemKnowledgeFromPublished`. This is the one-line switch the quality benchmark can make.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemKnowledgeFromPublished } from '../../src/site/item-knowledge';
import { buildSite } from '../../src/site/pipeline';
import { loadBeauty } from '../quality/data/beauty';
import { beautyPriorShoppers } from '../quality/prior-shoppers';
import { productPolicies } from '../quality/product';
import { BEAUTY_EMBEDDING_DIM, type BeautyLooSetup, beautyItemFeatures, runBeautyLoo, setupBeautyLoo } from '../quality/protocols/beauty-loo';

/** Test NDCG@10 per policy, reference and pipeline. */
export interface QualityCheckRow {
  policy: string;
  reference: number;
  pipeline: number;
}

/** Runs the comparison; `policies` are names from the quality benchmark's product rows. */
export async function beautyQualityCheck(beautyDir: string, tmp: string, policies: readonly string[], log: (s: string) => void): Promise<QualityCheckRow[]> {
  const seed = 20_240_601;
  const data = loadBeauty(beautyDir);
  log('quality check: reference site knowledge (in memory)');
  const reference = setupBeautyLoo(data, { seed });
  const published = async (heldOut: number) => {
    log(`quality check: pipeline site knowledge, s[:n-${heldOut}]`);
    const s = await buildSite({ events: beautyDir, outDir: join(tmp, `beauty-${heldOut}`), knowledge: { dim: BEAUTY_EMBEDDING_DIM, seed, holdOutLast: heldOut }, prior: false });
    return itemKnowledgeFromPublished(JSON.parse(readFileSync(s.files.itemKnowledge, 'utf8')));
  };
  const knowledge = await published(2);
  const prior = await Promise.all(reference.prior.map(async (p) => {
    const k = await published(p.heldOut);
    return { heldOut: p.heldOut, knowledge: k, features: beautyItemFeatures(data, k) };
  }));
  const pipeline: BeautyLooSetup = {
    ...reference,
    site: { ...reference.site, items: knowledge, embeddingDim: knowledge.dim },
    knowledge,
    features: beautyItemFeatures(data, knowledge),
    prior,
  };
  const rows: QualityCheckRow[] = [];
  const all = data.users.map((_, i) => i);
  for (const name of policies) {
    const ndcg = (setup: BeautyLooSetup) => {
      setup.site.priorShoppers = () => beautyPriorShoppers(setup, all, seed);
      const policy = productPolicies().find((p) => p.name === name);
      if (!policy) throw new Error(`no product policy "${name}"`);
      return runBeautyLoo(setup, policy).slices.test!['NDCG@10']!;
    };
    const row = { policy: name, reference: ndcg(reference), pipeline: ndcg(pipeline) };
    log(`quality check: ${name} test NDCG@10 reference ${row.reference.toFixed(4)}, pipeline ${row.pipeline.toFixed(4)}`);
    rows.push(row);
  }
  return rows;
}
