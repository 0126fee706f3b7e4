/**
 * The public personalizer object: what `window.pz` is after the script tag loads, and what the npm
 * entry's `createPersonalizer` returns.
 */
import { type Client, type ClientOptions, type PersonalizerCalls, createClient } from './client';
import { startCapture } from './capture';
import { watchSlots } from './dom-rerank';

/** Library version, replaced at build time. */
declare const __PZ_VERSION__: string | undefined;
export const VERSION: string = typeof __PZ_VERSION__ === 'string' ? __PZ_VERSION__ : '0.1.0';

/** A queued command: `['track', event]`, `['rerank', candidates, options]`, … or a function called with the API. */
export type Command = [string, ...unknown[]] | ((pz: Personalizer) => void);

/** Options for {@link createPersonalizer}. */
export interface PersonalizerOptions extends ClientOptions {
  /** Capture events from `data-pz-*` markup and rerank `[data-pz-rerank]` slots (default true). */
  autoCapture?: boolean;
}

/** The personalizer API: the calls of {@link PersonalizerCalls} plus the command queue. */
export interface Personalizer extends PersonalizerCalls {
  /** Command-queue entry point (`pz.push(['track', {...}])`), kept working after load. */
  push(...commands: Command[]): number;
  readonly version: string;
  /** The site's translations of the message table and the language that picks one (for the elements). */
  readonly messagesUrl?: string | undefined;
  readonly lang?: string | undefined;
  /** Stops capture and the worker. */
  destroy(): void;
}

/**
 * Creates a personalizer for sites that bundle the library.
 * @example
 * import { createPersonalizer } from 'on-device-personalizer';
 * // pz-worker.js (and pz-chunks/) copied from the package into the site's static files:
 * const pz = createPersonalizer({ workerUrl: '/pz-worker.js' });
 * pz.track({ type: 'click', item: { id: 'sku-1', category: 'beauty/lipstick' } });
 * const { items } = await pz.rerank(serverCandidates, { slot: 'home-recs' });
 */
export function createPersonalizer(options: PersonalizerOptions): Personalizer {
  const client: Client = createClient(options);
  const stops: (() => void)[] = [];
  const api: Personalizer = {
    track: (e) => client.track(e),
    rerank: (c, o) => client.rerank(c, o),
    impression: (i) => client.impression(i),
    profile: () => client.profile(),
    explain: (id) => client.explain(id),
    exportData: () => client.exportData(),
    erase: () => client.erase(),
    setDeclared: (k, v) => client.setDeclared(k, v),
    consent: (s) => client.consent(s),
    paused: (s) => client.paused(s),
    removeInterest: (k, key) => client.removeInterest(k, key),
    restoreInterest: (k, key) => client.restoreInterest(k, key),
    explainLast: () => client.explainLast(),
    reports: () => client.reports(),
    requests: () => client.requests(),
    on: (n, f) => client.on(n, f),
    flush: () => client.flush(),
    push(...commands) {
      for (let i = 0; i < commands.length; i++) runCommand(api, commands[i]);
      return commands.length;
    },
    version: VERSION,
    messagesUrl: options.messagesUrl,
    lang: options.lang,
    destroy() {
      for (const s of stops.splice(0)) s();
      client.destroy();
    },
  };
  if (options.autoCapture ?? true) {
    const begin = () => {
      try {
        stops.push(startCapture(client), watchSlots(client));
      } catch (err) {
        if (options.debug) console.warn('[pz] capture failed', err);
      }
    };
    if (typeof document === 'undefined') return api;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
    else begin();
  }
  return api;
}

/**
 * The commands a queue may name. A null-prototype object read by plain property access: a page may
 * have broken Array.prototype methods or Object.prototype, and a queued command must still run.
 */
const COMMANDS: Readonly<Record<string, true | undefined>> = {
  __proto__: null,
  track: true,
  rerank: true,
  impression: true,
  profile: true,
  explain: true,
  exportData: true,
  erase: true,
  setDeclared: true,
  consent: true,
  on: true,
  flush: true,
  paused: true,
  removeInterest: true,
  restoreInterest: true,
  explainLast: true,
  reports: true,
  requests: true,
} as unknown as Record<string, true | undefined>;

/** Runs one queued command against the API; unknown commands are reported, never thrown. */
export function runCommand(api: Personalizer, cmd: unknown): void {
  try {
    if (typeof cmd === 'function') {
      (cmd as (pz: Personalizer) => void)(api);
      return;
    }
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'string') throw new TypeError('a command is [name, ...args] or a function');
    const name: string = cmd[0];
    // Plain comparisons and index loops only: a page may have broken Array.prototype methods or
    // replaced window.Promise (issue #15), and a queued command must never be dropped for that.
    if (COMMANDS[name] !== true) throw new TypeError(`unknown command "${name}"`);
    const args: unknown[] = [];
    for (let i = 1; i < cmd.length; i++) args[i - 1] = cmd[i];
    const fn = api[name as keyof Personalizer] as (...a: unknown[]) => unknown;
    const r = fn.apply(api, args) as { then?: unknown } | undefined;
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') (r as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch (err) {
    console.warn(`[pz] ${err instanceof Error ? err.message : String(err)}`);
  }
}
