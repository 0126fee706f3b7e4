/**
 * The quality benchmark's site knowledge comes from the site pipeline (`src/site/pipeline`, SQL on
 * DuckDB), exactly as a shop would produce it: each training split is built from the log file with
 * `buildSite`, the published `item-knowledge.json` is read back with `itemKnowledgeFromPublished`, and
 * the files are written under the OS temporary directory and removed afterwards (nothing is cached).
 * The in-memory reference (`setupBeautyLoo`) is kept for the equivalence checks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ItemKnowledge, itemKnowledgeFromPublished, type PublishedItemKnowledge } from '../../src/site/item-knowledge';
import { buildSite, type EventFormat } from '../../src/site/pipeline';
import { BEAUTY_EMBEDDING_DIM } from '../../src/site/beauty-prior';
import type { BeautyData } from '../../src/site/logs/beauty';
import { type BeautyLooOptions, type BeautyLooSetup, beautyKnowledgeLevels, beautyLooFromKnowledge } from './protocols/beauty-loo';

/** Where the benchmark's site knowledge came from (recorded in quality.json). */
export const SITE_KNOWLEDGE_PRODUCER = 'site pipeline (src/site/pipeline, DuckDB), published item-knowledge.json read back';

/** Options of {@link pipelineItemKnowledge}. */
export interface PipelineKnowledgeRequest {
  /** The log: a file, glob or (sequences) a directory, as `npm run site -- build --events`. */
  events: string;
  format?: EventFormat;
  /** Each training split: drop every shopper's last this-many events. */
  holdOut: readonly number[];
  seed: number;
  dim: number;
  /** Further reference options (window, decay, …); defaults as the reference. */
  knowledge?: BeautyLooOptions['knowledge'];
  /** DuckDB worker threads (default: every core). */
  threads?: number;
}

/**
 * Builds one item-knowledge file per training split with the site pipeline (item knowledge only, no
 * prior or segments) in a fresh temporary directory, reads each back and removes the directory.
 */
export async function pipelineItemKnowledge(r: PipelineKnowledgeRequest): Promise<ItemKnowledge[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'pz-quality-site-'));
  try {
    const out: ItemKnowledge[] = [];
    for (const heldOut of r.holdOut) {
      const summary = await buildSite({
        events: r.events,
        ...(r.format ? { format: r.format } : {}),
        outDir: join(tmp, `held-out-${heldOut}`),
        ...(r.threads ? { threads: r.threads } : {}),
        knowledge: { seed: r.seed, dim: r.dim, ...r.knowledge, holdOutLast: heldOut },
        prior: false,
        segments: false,
      });
      out.push(itemKnowledgeFromPublished(JSON.parse(readFileSync(summary.files.itemKnowledge, 'utf8')) as PublishedItemKnowledge));
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The beauty-loo setup with every level of site knowledge (s[:n-2] for the reported steps, s[:n-3], …
 * for the prior) built by the site pipeline from `beautyDir`'s `Beauty.txt`, the same file `data` was
 * loaded from.
 */
export async function setupBeautyLooFromPipeline(data: BeautyData, beautyDir: string, opts: BeautyLooOptions): Promise<BeautyLooSetup> {
  const t0 = performance.now();
  const levels = await pipelineItemKnowledge({
    events: beautyDir,
    format: 'sequences',
    holdOut: beautyKnowledgeLevels(opts),
    seed: opts.seed,
    dim: opts.knowledge?.dim ?? BEAUTY_EMBEDDING_DIM,
    ...(opts.knowledge ? { knowledge: opts.knowledge } : {}),
  });
  return beautyLooFromKnowledge(data, opts, levels, (performance.now() - t0) / 1000);
}
