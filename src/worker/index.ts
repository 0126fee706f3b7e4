/**
 * Module-worker entry (`pz-worker.js`): exposes the personalizer service to the page with comlink.
 * Only the {@link WorkerApi} methods (and `ping`) are exposed, never the service's internals; calls
 * run in arrival order.
 */
import { expose, transfer } from 'comlink';
import type { ExposedWorkerApi, WorkerApi } from '../core/api';
import { PersonalizerService } from './service';

const service = new PersonalizerService();
/** Every method of the API (a missing one is a type error), and nothing else, can be called. */
const CALLABLE: Record<keyof WorkerApi, true> = {
  init: true,
  track: true,
  rerank: true,
  rerankPacked: true,
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
// A packed answer's typed arrays move to the page instead of being copied.
api.rerankPacked = async (...a: Parameters<WorkerApi['rerankPacked']>) => {
  const r = await service.rerankPacked(...a);
  return transfer(r, [r.numbers.buffer]);
};
expose(api as unknown as ExposedWorkerApi);
