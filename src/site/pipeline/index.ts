export { buildSite, SITE_FILES, type SiteBuildOptions, type SiteBuildSummary } from './build';
export { type Engine, type EngineOptions, openEngine } from './engine';
export { EVENT_FORMATS, type EventFormat, guessFormat, readEvents } from './inputs';
export { buildItemKnowledgeFile, type KnowledgeSummary, type PipelineKnowledgeOptions } from './knowledge';
export { InputError, SqlParameterError, SqlRunError } from '../../core/errors';
export { runSqlFile, sqlParameterNames, sqlPath, sqlStatements } from './run-sql';
export { type StepListener, StepRunner, type StepStats } from './steps';
export { compareKnowledge, type KnowledgeComparison } from './compare';
export { buildPriorFile, type PipelinePriorOptions, type PriorSummary } from './prior';
