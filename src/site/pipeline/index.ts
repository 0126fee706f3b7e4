export { buildSite, SITE_FILES, type SiteBuildOptions, type SiteBuildSummary } from './build';
export { DIALECT_RULES, type DialectRule, dialectTableMarkdown, duckdbOnlyLeft, WAREHOUSES, type Warehouse, warehouseFiles, warehouseSqlText, warehouseStatements } from './dialects';
export { ENGINE_DEFAULTS, type Engine, type EngineOptions, openEngine } from './engine';
export { EVENT_FORMATS, type EventFormat, guessFormat, readEvents } from './inputs';
export {
  buildItemKnowledgeFile,
  type KnowledgeSummary,
  type PipelineKnowledgeOptions,
  similarityBuckets,
  STREAM_ROWS_PER_PASS,
  TRANSITION_ROWS_PER_PASS,
  transitionBuckets,
  WINDOW_ROWS_PER_PASS,
} from './knowledge';
export { InputError, SqlParameterError, SqlRunError } from '../../core/errors';
export { runSqlFile, runSqlFileInBuckets, sqlParameterNames, sqlPath, sqlStatements } from './run-sql';
export { type StepListener, StepRunner, type StepStats } from './steps';
export { compareKnowledge, type KnowledgeComparison } from './compare';
export { buildPriorFile, type PipelinePriorOptions, type PriorSummary } from './prior';
export { fitPurchaseIntent, type PipelineIntent, type PipelineIntentOptions } from './intent';
export { buildSegmentsFile, type PipelineSegmentOptions, type SegmentsSummary } from './segments';
