/**
 * The personalizer a page holds while the client file is still loading: the whole API from the
 * moment `pz.js` ran, each call kept in order and handed to the real personalizer when it arrives,
 * then every call forwarded to it, so a reference taken early keeps working.
 *
 * Answers before then: `consent()` and `paused()` give the page's starting state (and any change
 * asked meanwhile); a `rerank` still waiting after `readyTimeoutMs` resolves to the server order, as
 * the client's own does when the worker is slow. If the client file cannot load, every waiting call
 * gets the client's failure answers (the server order for reranks, `undefined` for reads, a
 * rejection for `erase`), listeners of `error` hear why, and the events tracked meanwhile are
 * counted in that message: nothing is claimed stored that was not.
 */
import type { ConsentState, RerankOptions } from '../core/types';
import { serverOrder } from '../core/rank/server-order';
import { COMMAND_NAMES, runCommand } from './commands';
import type { Personalizer } from './personalizer';
import { VERSION } from './version';

/** What the page starts with, for the answers given before the client arrives. */
export interface DeferredInit {
  consent: ConsentState;
  paused: boolean;
  /** How long a rerank waits for the client (the client's `readyTimeoutMs`). */
  readyTimeoutMs: number;
  messagesUrl?: string | undefined;
  lang?: string | undefined;
}

/** The stand-in and the two ways its wait ends. */
export interface Deferred {
  api: Personalizer;
  /** The client arrived: replays every waiting call on it, in order. */
  attach(real: Personalizer): void;
  /** The client cannot arrive: answers every waiting call with its failure value. */
  fail(reason: string): void;
}

interface Held {
  name: string;
  args: unknown[];
  /** Takes the real call's result (a promise's resolve, an unsubscribe's slot). */
  done?(result: unknown): void;
  /** Answers the call when the client cannot come. */
  failed?(reason: string): void;
  settled?: boolean;
}

/** The calls with answers of their own before the client arrives; every other one waits for it. */
const OWN = ['track', 'impression', 'rerank', 'consent', 'paused', 'on'];

/**
 * Creates the stand-in.
 * @example const d = deferPersonalizer({ consent: 'granted', paused: false, readyTimeoutMs: 800 });
 * window.pz = d.api; import(clientUrl).then((m) => d.attach(m.start()), (e) => d.fail(String(e)));
 */
export function deferPersonalizer(init: DeferredInit): Deferred {
  let real: Personalizer | undefined;
  let failure: string | undefined;
  const state: { consent: ConsentState; paused: boolean } = { consent: init.consent, paused: init.paused };
  const held: Held[] = [];
  /** Events tracked while waiting (reported if the client never comes). */
  let tracked = 0;
  const errorListeners: unknown[] = [];
  const api: Record<string, unknown> = { version: VERSION, messagesUrl: init.messagesUrl, lang: init.lang };
  const forward = (name: string, args: unknown[]): unknown => (real![name as keyof Personalizer] as (...a: unknown[]) => unknown)(...args);
  /** Defines a call: forwarded once the client is there, `waiting` before. */
  const define = (name: string, waiting: (args: unknown[]) => unknown) => {
    api[name] = (...args: unknown[]) => (real ? forward(name, args) : waiting(args));
  };
  const keep = (name: string) => (args: unknown[]) => {
    if (failure === undefined) held.push({ name, args });
  };

  define('impression', keep('impression'));
  define('destroy', keep('destroy'));
  define('track', ([event]) => {
    if (failure !== undefined || state.consent === 'denied') return;
    // Stamped now, as the client would: the event keeps the time it happened.
    const e = event !== null && typeof event === 'object' && (event as { ts?: unknown }).ts === undefined ? { ...event, ts: Date.now() } : event;
    tracked++;
    held.push({ name: 'track', args: [e] });
  });
  // The rest answer with a promise: `undefined` when the client cannot come (`erase` rejects).
  for (const name of COMMAND_NAMES) {
    if (OWN.indexOf(name) >= 0) continue;
    const onFail = (reason: string) => {
      if (name === 'erase') throw new Error(reason);
    };
    define(name, (args) => {
      const failed = failure;
      if (failed !== undefined) return new Promise((resolve) => resolve(onFail(failed)));
      return new Promise((resolve, reject) => {
        held.push({
          name,
          args,
          done: resolve,
          failed(reason) {
            try {
              resolve(onFail(reason));
            } catch (err) {
              reject(err);
            }
          },
        });
      });
    });
  }
  define('rerank', (args) => {
    const [candidates, options] = args as [unknown, RerankOptions | undefined];
    const t0 = performance.now();
    const fallback = (why: string) => serverOrder(candidates, options?.limit, why, performance.now() - t0, options?.exclude);
    if (failure !== undefined) return Promise.resolve(fallback(failure));
    return new Promise((resolve) => {
      // One deadline from the call, as the client's: the real answer counts only if it comes in time.
      const settle = (result: unknown) => {
        if (h.settled) return;
        h.settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const h: Held = {
        name: 'rerank',
        args,
        done: (result) => {
          Promise.resolve(result).then(settle, (err: unknown) => settle(fallback(err instanceof Error ? err.message : String(err))));
        },
        failed: (reason) => settle(fallback(reason)),
      };
      const timer = setTimeout(() => h.failed!(`the personalizer did not load within ${init.readyTimeoutMs} ms`), init.readyTimeoutMs);
      held.push(h);
    });
  });
  for (const name of ['consent', 'paused'] as const) {
    define(name, ([value]) => {
      if (name === 'paused' ? typeof value === 'boolean' : value === 'granted' || value === 'denied' || value === 'pending') {
        (state as Record<string, unknown>)[name] = value;
        held.push({ name, args: [value] });
      }
      return state[name];
    });
  }
  define('on', ([name, fn]) => {
    let off: (() => void) | undefined;
    let cancelled = false;
    if (name === 'error') errorListeners.push(fn);
    held.push({
      name: 'on',
      args: [name, fn],
      done(result) {
        if (cancelled) (result as () => void)();
        else off = result as () => void;
      },
    });
    return () => {
      cancelled = true;
      const at = errorListeners.indexOf(fn);
      if (at >= 0) errorListeners.splice(at, 1);
      off?.();
    };
  });
  api.push = (...commands: unknown[]): number => {
    for (let i = 0; i < commands.length; i++) runCommand(api as unknown as Personalizer, commands[i]);
    return commands.length;
  };

  return {
    api: api as unknown as Personalizer,
    attach(client) {
      if (real || failure !== undefined) return;
      real = client;
      errorListeners.length = 0;
      for (const h of held.splice(0)) {
        if (h.settled) continue; // a rerank already answered with the server order
        try {
          const result = forward(h.name, h.args); // evaluated first: `done?.(…)` would skip it when there is no done
          h.done?.(result);
        } catch (err) {
          h.failed?.(err instanceof Error ? err.message : String(err));
        }
      }
    },
    fail(reason) {
      if (real || failure !== undefined) return;
      failure = reason;
      for (const h of held.splice(0)) if (!h.settled) h.failed?.(reason);
      const message = tracked ? `${reason}; ${tracked} events tracked meanwhile were not stored` : reason;
      for (const fn of errorListeners.splice(0)) {
        try {
          (fn as (d: { where: string; message: string }) => void)({ where: 'load', message });
        } catch {
          // a listener's bug must not break the page
        }
      }
    },
  };
}
