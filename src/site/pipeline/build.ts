/**
 * One site build: read the event log into the engine, compute item knowledge (and the files derived
 * from it) and write the versioned files a storefront serves, measuring every step.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openEngine } from './engine';
import { type EventFormat, guessFormat, readEvents } from './inputs';
import { buildItemKnowledgeFile, type KnowledgeSummary, type PipelineKnowledgeOptions } from './knowledge';
import { type StepListener, StepRunner, type StepStats } from './steps';

/** File names in the output directory. */
export const SITE_FILES = { itemKnowledge: 'item-knowledge.json' } as const;

/** Files and folders a build creates in its work directory. */
export const WORK_FILES = ['pipeline.duckdb', 'pipeline.duckdb.wal', 'spill', 'similarity.bin'] as const;

/** Options of {@link buildSite}. */
export interface SiteBuildOptions {
  /** Event log: a file, a glob or (sequences format) a directory. */
  events: string;
  format?: EventFormat;
  outDir: string;
  /** Engine work directory (database file, spill files, the similarity matrix); default `<outDir>/.work`, its files are removed after the run unless `keepWork`. */
  workDir?: string;
  keepWork?: boolean;
  /** DuckDB memory limit (default '2GB'). */
  memoryLimit?: string;
  threads?: number;
  knowledge?: PipelineKnowledgeOptions;
  listener?: StepListener;
}

/** What a build did. */
export interface SiteBuildSummary {
  format: EventFormat;
  events: number;
  rejected: number;
  knowledge: KnowledgeSummary;
  files: Record<keyof typeof SITE_FILES, string>;
  steps: StepStats[];
  seconds: number;
}

/**
 * Builds the site files from an event log.
 * @example await buildSite({ events: 'logs/*.parquet', outDir: 'public/site' });
 */
export async function buildSite(o: SiteBuildOptions): Promise<SiteBuildSummary> {
  const t0 = performance.now();
  const format = o.format ?? guessFormat(o.events);
  const workDir = o.workDir ?? join(o.outDir, '.work');
  mkdirSync(o.outDir, { recursive: true });
  removeWorkFiles(workDir);
  const engine = await openEngine({ workDir, ...(o.memoryLimit ? { memoryLimit: o.memoryLimit } : {}), ...(o.threads ? { threads: o.threads } : {}) });
  const steps = new StepRunner(o.listener, () => {
    const p = engine.conn.progress.percentage;
    return p >= 0 ? p : undefined;
  });
  try {
    const read = await steps.run('read events', () => readEvents(engine.conn, o.events, format));
    if (read.events === 0) throw new Error(`SiteBuildError: no usable events in "${o.events}" (${read.rejected} rejected)`);
    const files = { itemKnowledge: join(o.outDir, SITE_FILES.itemKnowledge) };
    const knowledge = await buildItemKnowledgeFile(engine.conn, steps, workDir, files.itemKnowledge, o.knowledge);
    return { format, ...read, knowledge, files, steps: steps.stats, seconds: (performance.now() - t0) / 1000 };
  } finally {
    engine.close();
    if (!o.keepWork) removeWorkFiles(workDir);
  }
}

/** Removes only the files a build creates, so a shared work directory is safe to pass. */
function removeWorkFiles(workDir: string): void {
  for (const f of WORK_FILES) rmSync(join(workDir, f), { recursive: true, force: true });
}
