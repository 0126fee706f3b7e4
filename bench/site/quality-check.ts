/**
 * Does the product rank Beauty as well with the pipeline's item-knowledge files as with the in-memory
 * reference? Runs the quality benchmark's beauty-loo protocol (bench/quality) twice with the same
 * policies: once with the site knowledge the quality benchmark uses (every level, s[:n-2] for the
 * reported steps and s[:n-3] for the prior, built by the site pipeline and read back:
 * `setupBeautyLooFromPipeline`), once with the in-memory reference (`setupBeautyLoo`).
 */
import { loadBeauty } from '../../src/site/logs/beauty';
import { beautyPriorShoppers } from '../quality/prior-shoppers';
import { productPolicies } from '../quality/product';
import { type BeautyLooSetup, runBeautyLoo, setupBeautyLoo } from '../quality/protocols/beauty-loo';
import { setupBeautyLooFromPipeline } from '../quality/site-knowledge';

/** Test NDCG@10 per policy, reference and pipeline. */
export interface QualityCheckRow {
  policy: string;
  reference: number;
  pipeline: number;
}

/** Runs the comparison; `policies` are names from the quality benchmark's product rows. */
export async function beautyQualityCheck(beautyDir: string, policies: readonly string[], log: (s: string) => void): Promise<QualityCheckRow[]> {
  const seed = 20_240_601;
  const data = loadBeauty(beautyDir);
  log('quality check: reference site knowledge (in memory)');
  const reference = setupBeautyLoo(data, { seed });
  log('quality check: pipeline site knowledge (as bench:quality builds it)');
  const pipeline = await setupBeautyLooFromPipeline(data, beautyDir, { seed });
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
