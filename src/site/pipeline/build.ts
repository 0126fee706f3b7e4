/**
 * One site build: read the event log into the engine, compute item knowledge (and the files derived
 * from it) and write the versioned files a storefront serves, measuring every step.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openEngine } from './engine';
import type { PublishedPrior } from '../prior-publish';
import { type EventFormat, guessFormat, readEvents } from './inputs';
import { buildItemKnowledgeFile, type KnowledgeSummary, type PipelineKnowledgeOptions } from './knowledge';
import { buildPriorFile, type PipelinePriorOptions, type PriorSummary } from './prior';
import { buildSegmentsFile, type PipelineSegmentOptions, type SegmentsSummary } from './segments';
import { type StepListener, StepRunner, type StepStats } from './steps';

/** File names in the output directory. */
export const SITE_FILES = { itemKnowledge: 'item-knowledge.json', prior: 'prior.json', segments: 'segments.json' } as const;

/** Files and folders a build creates in its work directory. */
export const WORK_FILES = ['pipeline.duckdb', 'pipeline.duckdb.wal', 'spill', 'similarity.bin', 'block.bin', 'embedding.bin'] as const;

/** Options of {@link buildSite}. */
export interface SiteBuildOptions {
  /** Event log: a file, a glob or (sequences format) a directory. */
  events: string;
  format?: EventFormat;
  outDir: string;
  /** Engine work directory (database file, spill files, the similarity matrix, the embedding's blocks); default `<outDir>/.work`, its files are removed after the run unless `keepWork`. */
  workDir?: string;
  keepWork?: boolean;
  /** DuckDB memory limit (default `ENGINE_DEFAULTS.memoryLimit`); beyond it the engine spills to the work directory. */
  memoryLimit?: string;
  threads?: number;
  knowledge?: PipelineKnowledgeOptions;
  /** Prior options (`priorVersion` defaults to today's date, UTC), or false to skip the prior. */
  prior?: Partial<Omit<PipelinePriorOptions, 'source'>> | false;
  /** Segment options (centroids, with the prior's purchase-intent model beside them), or false to skip. */
  segments?: PipelineSegmentOptions | false;
  listener?: StepListener;
}

/** What a build did. */
export interface SiteBuildSummary {
  format: EventFormat;
  events: number;
  rejected: number;
  knowledge: KnowledgeSummary;
  prior?: PriorSummary;
  segments?: SegmentsSummary;
  files: { itemKnowledge: string; prior?: string; segments?: string };
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
    const files: SiteBuildSummary['files'] = { itemKnowledge: join(o.outDir, SITE_FILES.itemKnowledge) };
    const knowledge = await buildItemKnowledgeFile(engine.conn, steps, workDir, files.itemKnowledge, o.knowledge);
    let prior: PriorSummary | undefined;
    if (o.prior !== false) {
      files.prior = join(o.outDir, SITE_FILES.prior);
      prior = await buildPriorFile(engine.conn, steps, files.prior, {
        priorVersion: new Date().toISOString().slice(0, 10),
        // Sequence logs have synthetic times (one event a day): no purchase-timing signal to fit.
        ...(format === 'sequences' ? { purchaseIntent: false as const } : {}),
        ...o.prior,
        source: basename(o.events),
      });
    }
    let segments: SegmentsSummary | undefined;
    if (o.segments !== false) {
      files.segments = join(o.outDir, SITE_FILES.segments);
      const intent = files.prior ? (JSON.parse(readFileSync(files.prior, 'utf8')) as PublishedPrior).propensity?.purchaseIntent : undefined;
      const tz = o.prior === false ? undefined : o.prior?.tzOffsetMinutes;
      segments = await buildSegmentsFile(engine.conn, steps, files.segments, { ...(tz !== undefined ? { tzOffsetMinutes: tz } : {}), ...o.segments }, intent);
    }
    return { format, ...read, knowledge, ...(prior ? { prior } : {}), ...(segments ? { segments } : {}), files, steps: steps.stats, seconds: (performance.now() - t0) / 1000 };
  } finally {
    engine.close();
    if (!o.keepWork) removeWorkFiles(workDir);
  }
}

/** Removes only the files a build creates, so a shared work directory is safe to pass. */
function removeWorkFiles(workDir: string): void {
  for (const f of WORK_FILES) rmSync(join(workDir, f), { recursive: true, force: true });
}
