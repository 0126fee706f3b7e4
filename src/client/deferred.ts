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
 * counted in that message: nothing is claimed stored that was not. `messagesUrl` and `lang` are
 * the client's, from the moment it arrives.
 */
import { parseConsent } from '../core/privacy/consent';
import { serverOrder } from '../core/rank/server-order';
import type { ConsentState, RerankOptions } from '../core/types';
import { COMMAND_NAMES, runCommand } from './commands';
import type { Personalizer } from './personalizer';
import { VERSION } from './version';

/** What the page starts with, for the answers given before the client arrives. */
export interface DeferredInit {
  consent: ConsentState;
  paused: boolean;
}

/** The stand-in and the two ways its wait ends. */
export interface Deferred {
  api: Personalizer;
  /** The calls kept for the client, oldest first ({@link handOver} replays them). */
  held: Held[];
  /** Forwards every call to `real` from now on; false (and nothing changes) when the wait had already ended. */
  adopt(real: Personalizer): boolean;
  /** The client cannot arrive: answers every waiting call with its failure value. */
  fail(reason: string): void;
}

/** One call kept for the client. */
export interface Held {
  name: string;
  args: unknown[];
  /** Takes the real call's result (a promise's resolve, an unsubscribe's slot). */
  done?(result: unknown): void;
  /** Answers the call when the client cannot come, or the real call threw. */
  failed?(reason: string): void;
  /** Already answered (a rerank past its deadline) or withdrawn (a listener removed): never sent to the client. */
  settled?: boolean;
}

type Call = (args: unknown[]) => unknown;

/**
 * Creates the stand-in; a rerank waits `readyTimeoutMs` for the client (the client's own `readyTimeoutMs`).
 * @example const d = deferPersonalizer({ consent: 'granted', paused: false }, 800);
 * window.pz = d.api; import(clientUrl).then((m) => handOver(d, m.start()), (e) => d.fail(String(e)));
 */
export function deferPersonalizer(init: DeferredInit, readyTimeoutMs: number): Deferred {
  let real: Record<string, unknown> | undefined;
  let failure: string | undefined;
  /** The answers of `consent()` and `paused()`. */
  const state: Record<string, unknown> = { ...init };
  const held: Held[] = [];
  /** Events tracked while waiting (reported if the client never comes). */
  let tracked = 0;
  /** What `error` listeners hear when the client cannot come. */
  let loadError: { where: 'load'; message: string } | undefined;
  const api: Record<string, unknown> = { version: VERSION };
  /** Keeps a call for the client; once the client cannot come, there is nothing to keep it for. */
  const hold = (h: Held) => {
    if (failure === undefined) held.push(h);
  };
  const keep: Call = function (this: string, args) {
    hold({ name: this, args });
  };
  /** The calls with answers of their own before the client arrives. */
  const own: Record<string, Call> = Object.create(null);
  own.impression = own.destroy = keep;
  own.track = ([event]) => {
    if (failure !== undefined || state.consent === 'denied') return;
    tracked++;
    // Stamped now, as the client would: the event keeps the time it happened.
    hold({ name: 'track', args: [event !== null && typeof event === 'object' && (event as { ts?: unknown }).ts === undefined ? { ...event, ts: Date.now() } : event] });
  };
  own.consent = own.paused = function (this: string, [value]) {
    if (this === 'paused' ? typeof value === 'boolean' : parseConsent(value)) {
      state[this] = value;
      hold({ name: this, args: [value] });
    }
    return state[this];
  };
  own.on = ([event, fn]) => {
    let off: (() => void) | undefined;
    const h: Held = {
      name: 'on',
      args: [event, fn],
      done: (result) => {
        off = result as () => void;
      },
      failed() {
        // Only the client's failure to come is heard here (never a throw of the client's own `on`).
        if (event === 'error' && !h.settled && loadError)
          try {
            (fn as (d: unknown) => void)(loadError);
          } catch {
            // a listener's bug must not break the page
          }
      },
    };
    hold(h);
    // Removed before the client came: never handed over, never told of a failure; after: the client's own unsubscribe.
    return () => {
      h.settled = true;
      off?.();
    };
  };
  for (const name of [...COMMAND_NAMES, 'destroy']) {
    // The rest answer with a promise: the client's answer, or when the client cannot come, the
    // server order for a rerank, a rejection for `erase`, `undefined` for the others.
    const waiting =
      own[name] ??
      ((args: unknown[]) =>
        new Promise((resolve, reject) => {
          const t0 = performance.now();
          const options = args[1] as RerankOptions | undefined;
          const h: Held = {
            name,
            args,
            // Not `resolve` itself: resolving with the client's promise would lock this one to it, and
            // a rerank's deadline could no longer answer first.
            done: (result) => Promise.resolve(result).then(resolve, reject),
            failed: (reason) =>
              name === 'erase'
                ? reject(new Error(reason))
                : resolve(name === 'rerank' ? serverOrder(args[0], options?.limit, reason, performance.now() - t0, options?.exclude) : undefined),
          };
          // A rerank has one deadline from the call, as the client's: an answer that comes later is
          // ignored (a promise resolves once), and a rerank not yet handed over never will be.
          if (name === 'rerank')
            setTimeout(() => {
              h.settled = true;
              h.failed!(`the personalizer did not load within ${readyTimeoutMs} ms`);
            }, readyTimeoutMs);
          if (failure === undefined) held.push(h);
          else h.failed!(failure);
        }));
    api[name] = (...args: unknown[]) => (real ? (real[name] as (...a: unknown[]) => unknown)(...args) : waiting.call(name, args));
  }
  api.push = (...commands: unknown[]): number => {
    for (let i = 0; i < commands.length; i++) runCommand(api as unknown as Personalizer, commands[i]);
    return commands.length;
  };

  return {
    api: api as unknown as Personalizer,
    held,
    adopt: (client) => !real && failure === undefined && !!(real = client as unknown as Record<string, unknown>),
    fail(reason) {
      if (real || failure !== undefined) return;
      failure = reason;
      loadError = { where: 'load', message: tracked ? `${reason}; ${tracked} events were not stored` : reason };
      for (const h of held.splice(0)) h.failed?.(reason);
    },
  };
}

/**
 * The client arrived: `d` forwards every call to it from now on, takes its `messagesUrl` and `lang`,
 * and replays every waiting call on it, in order. Does nothing when the wait had already ended. Part
 * of the client file, not of `pz.js`: it runs only once the client is there.
 * @example import(clientUrl).then((m) => handOver(d, m.start()));
 */
export function handOver(d: Deferred, real: Personalizer): void {
  if (!d.adopt(real)) return;
  const api = d.api as unknown as Record<string, unknown>;
  api.messagesUrl = real.messagesUrl;
  api.lang = real.lang;
  for (const h of d.held.splice(0)) {
    if (h.settled) continue; // a rerank already answered with the server order
    try {
      const result = (real[h.name as keyof Personalizer] as (...a: unknown[]) => unknown)(...h.args); // evaluated first: `done?.(…)` would skip it when there is no done
      h.done?.(result);
    } catch (err) {
      h.failed?.(String(err));
    }
  }
}
