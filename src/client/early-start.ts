/**
 * What the script-tag loader starts before the client file has arrived: the module worker (under
 * granted consent) and a buffer of the clicks and form submits the page sees meanwhile. The client
 * adopts both: the worker's start overlaps the client file's download, and capture replays the
 * buffered events through its own handlers, with the time they happened.
 */
import { trustedScriptUrl } from './trusted-url';

/** Handed from the loader to the client. */
export interface EarlyStart {
  /** A worker already started from the client's `workerUrl`; the client's first start adopts it. */
  worker?: Worker | undefined;
  /**
   * The error event of that worker when it failed before the client listened: an `ErrorEvent` with the
   * browser's message, or a plain `Event` when its script could not load (a 404, a wrong type).
   */
  workerError?: Event | undefined;
  /**
   * Starts a worker through the loader's Trusted Types policy: a site that allows only the policy
   * `pz` (no duplicates) lets one file create it, so the client's later starts go through this one.
   */
  newWorker(url: string | URL): Worker;
  /** Stops the buffer and returns the clicks and submits it holds, oldest first. */
  takeEvents(): Event[];
}

/** Starts the module worker from `url` (same origin only; through the Trusted Types policy `pz`). */
export function newWorker(url: string | URL): Worker {
  return new Worker(trustedScriptUrl(url), { type: 'module', name: 'on-device-personalizer' });
}

/**
 * Starts the worker (when `startWorker`) and the buffer of the clicks and submits that capture turns
 * into shopper events at once. Never throws: a worker that cannot be created here (no Worker support,
 * another origin) is created again, with the error reported, by the client.
 */
export function beginEarly(workerUrl: string | URL, startWorker: boolean): EarlyStart {
  const events: Event[] = [];
  const keep = (ev: Event) => {
    events.push(ev);
  };
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    document[method]('click', keep, true);
    document[method]('submit', keep, true);
  };
  const early: EarlyStart = {
    newWorker,
    takeEvents() {
      listen('removeEventListener');
      return events.splice(0);
    },
  };
  listen('addEventListener');
  if (startWorker) {
    try {
      const w = newWorker(workerUrl);
      w.addEventListener('error', (ev: Event) => {
        ev.preventDefault();
        if (early.worker === w) early.workerError = ev;
      });
      early.worker = w;
    } catch {
      // The client tries again and reports why.
    }
  }
  return early;
}
