/**
 * Module-worker entry (`pz-worker.js`): exposes the personalizer service to the page with comlink.
 * Only the {@link WorkerApi} methods (and `ping`) are exposed, never the service's internals; calls
 * run in arrival order.
 */
import { expose } from 'comlink';
import type { ExposedWorkerApi, WorkerApi } from '../core/api';
import { PersonalizerService } from './service';

const service = new PersonalizerService();
/** Every method of the API (a missing one is a type error), and nothing else, can be called. */
const CALLABLE: Record<keyof WorkerApi, true> = {
  init: true,
  track: true,
  rerank: true,
  impression: true,
  profile: true,
  explain: true,
  explainLast: true,
  exportData: true,
  erase: true,
  setDeclared: true,
  removeInterest: true,
  restoreInterest: true,
  reports: true,
  requests: true,
};

const api = { ping: () => true } as Record<string, unknown>;
for (const m of Object.keys(CALLABLE) as (keyof WorkerApi)[]) api[m] = (service[m] as (...a: unknown[]) => unknown).bind(service);
expose(api as unknown as ExposedWorkerApi);
