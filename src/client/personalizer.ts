/**
 * The public personalizer object: what `window.pz` is after the script tag loads, and what the npm
 * entry's `createPersonalizer` returns.
 */
import { type Client, type ClientOptions, type PersonalizerCalls, createClient } from './client';
import { startCapture } from './capture';
import { watchSlots } from './dom-rerank';
import { type Command, runCommand } from './commands';
import { VERSION } from './version';
import type { EarlyStart } from './early-start';

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
 * @param early What the script-tag loader started before this ran (its worker and the events it
 * buffered); sites that bundle the library leave it out.
 */
export function createPersonalizer(options: PersonalizerOptions, early?: EarlyStart): Personalizer {
  const client: Client = createClient(options, early);
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
        stops.push(startCapture(client, {}, early?.takeEvents()), watchSlots(client));
      } catch (err) {
        if (options.debug) console.warn('[pz] capture failed', err);
      }
    };
    if (typeof document === 'undefined') return api;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
    else begin();
  } else early?.takeEvents();
  return api;
}
