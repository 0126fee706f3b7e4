/**
 * The worker's own request log: every network request the worker makes (URL, method, what kind, the
 * ε a report spent, when, whether it succeeded), bounded, in memory, never a request body. The page
 * cannot see a worker's resource timing, so this is how the demo's network drawer lists them.
 */
import type { WorkerRequest } from '../core/api';

/** The newest this many requests are kept. */
const MAX_REQUESTS = 200;

export class RequestLog {
  private list: WorkerRequest[] = [];

  /** Records a request as it starts; set `ok` on the returned entry once it settles. */
  add(entry: WorkerRequest): WorkerRequest {
    this.list.push(entry);
    if (this.list.length > MAX_REQUESTS) this.list.shift();
    return entry;
  }

  /** Copies of the entries, oldest first. */
  entries(): WorkerRequest[] {
    return this.list.map((e) => ({ ...e }));
  }
}
