/**
 * Static reference rows for beauty-loo, printed next to our measurements. Published or measured
 * server-side; NOT rerun by this harness. Sources: /work/shared/data/amazon-beauty-s3rec/README.md.
 */
export interface ReferenceRow {
  model: string;
  source: string;
  'HR@1'?: number;
  'HR@5'?: number;
  'NDCG@5'?: number;
  'HR@10': number;
  'NDCG@10': number;
  MRR: number;
}

const ZHOU = 'Zhou et al. CIKM 2020 Table 2 (published; authors\u2019 own negatives)';
const OURS = 'measured server-side on these exact candidates (data README)';

export const BEAUTY_REFERENCE: readonly ReferenceRow[] = [
  { model: 'SASRec (server-side GPU)', source: OURS, 'HR@10': 0.4961, 'NDCG@10': 0.3359, MRR: 0.3031 },
  { model: 'SASRec + attributes (server-side)', source: OURS, 'HR@10': 0.5231, 'NDCG@10': 0.3525, MRR: 0.316 },
  { model: 'PopRec', source: ZHOU, 'HR@1': 0.0678, 'HR@5': 0.2105, 'NDCG@5': 0.1391, 'HR@10': 0.3386, 'NDCG@10': 0.1803, MRR: 0.1558 },
  { model: 'GRU4Rec', source: ZHOU, 'HR@1': 0.1337, 'HR@5': 0.3125, 'NDCG@5': 0.2268, 'HR@10': 0.4106, 'NDCG@10': 0.2584, MRR: 0.2308 },
  { model: 'SASRec', source: ZHOU, 'HR@1': 0.187, 'HR@5': 0.3741, 'NDCG@5': 0.2848, 'HR@10': 0.4696, 'NDCG@10': 0.3156, MRR: 0.2852 },
  { model: 'BERT4Rec', source: ZHOU, 'HR@1': 0.1531, 'HR@5': 0.364, 'NDCG@5': 0.2622, 'HR@10': 0.4739, 'NDCG@10': 0.2975, MRR: 0.2614 },
  { model: 'FDSA', source: ZHOU, 'HR@1': 0.184, 'HR@5': 0.401, 'NDCG@5': 0.2974, 'HR@10': 0.5096, 'NDCG@10': 0.3324, MRR: 0.2943 },
  { model: 'S3-Rec', source: ZHOU, 'HR@1': 0.2192, 'HR@5': 0.4502, 'NDCG@5': 0.3407, 'HR@10': 0.5506, 'NDCG@10': 0.3732, MRR: 0.334 },
];
