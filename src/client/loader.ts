/**
 * The script-tag entry (`pz.js`): `<script async src="/pz.js"></script>`. Reads from the `data-*`
 * attributes of its own tag what starts at once (the global name, the worker's URL, consent, the
 * database, the ready timeout), replays commands queued before it loaded, and starts the worker at
 * once (under granted consent), while it imports the rest of the client (`pz-chunks/client-[hash].js`:
 * the reader of the tag's other attributes, client, capture, slots); until that arrives,
 * `window.pz` is a stand-in that keeps every call in order (`deferred.ts`) and clicks and submits are
 * buffered for capture. Loading it twice, or two tags with different `data-global`, gives one instance
 * and one worker; a `data-global` the page already uses is refused (console error, nothing starts).
 * Relative `data-worker`, `data-prior` and `data-segments` resolve against the script's own URL. It
 * never throws into the page.
 *
 * Attributes (see `script-attributes.ts`): `data-worker` (worker URL; default the build's
 * `pz-chunks/pz-worker-[hash].js` beside this script, the same code as `pz-worker.js`), `data-global` (global name, default `pz`), `data-personalization` (0..1),
 * `data-consent` (granted | pending | denied), `data-prior`, `data-segments`, `data-messages`
 * (same-origin JSON URLs), `data-db`, `data-budget-ms`, `data-ready-timeout-ms`, `data-report` (locally
 * private reports endpoint), `data-debug`.
 */
import { parseConsent } from '../core/privacy/consent';
import { DEFAULT_DB_NAME, READY_TIMEOUT_MS } from '../core/settings';
import { readChoices } from './choice-memory';
import { deferPersonalizer } from './deferred';
import { beginEarly } from './early-start';
import { INSTANCE_KEY, unsafeGlobalName } from './global-name';
import { kit } from './kit';
import type { Personalizer } from './personalizer';
import { type LoaderStart, numberAttribute } from './script-attributes';
import { resolveUrl, scriptBase } from './script-url';
import { say } from './say';
import { startingState } from './starting-state';

/** The client file's name under this script's URL, content-hashed at build time. */
declare const __PZ_CLIENT_FILE__: string;
/**
 * The worker's name under this script's URL, content-hashed at build time (`pz-chunks/pz-worker-[hash].js`):
 * cached for good, so a page whose cache holds it starts the worker without asking the server first.
 */
declare const __PZ_WORKER_FILE__: string;

function boot(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const d: DOMStringMap = script?.dataset ?? {};
  const name = d.global || 'pz';
  const w = window as unknown as Record<string | symbol, unknown>;
  const unsafe = unsafeGlobalName(name, w);
  if (unsafe) {
    say(unsafe);
    return;
  }
  const queued = w[name];
  // One instance per page: a second tag (any data-global) exposes and feeds the first one.
  let api = w[INSTANCE_KEY] as Personalizer | undefined;
  if (!api) {
    const base = scriptBase(script);
    // Only what starts now is read here; the client file reads the tag's other attributes.
    const start: LoaderStart = {
      data: { ...d },
      base,
      workerUrl: resolveUrl(d.worker || __PZ_WORKER_FILE__, base) ?? new URL(__PZ_WORKER_FILE__, base).href,
      consent: parseConsent(d.consent),
      dbName: d.db || DEFAULT_DB_NAME,
      readyTimeoutMs: numberAttribute(d.readyTimeoutMs),
    };
    // The worker starts now, in parallel with the client file; the rule for "now" is the client's own.
    const state = startingState(start.consent, readChoices(start.dbName));
    const early = beginEarly(start.workerUrl, state.consent === 'granted');
    const deferred = deferPersonalizer(state, start.readyTimeoutMs ?? READY_TIMEOUT_MS);
    api = deferred.api;
    w[INSTANCE_KEY] = api;
    import(/* @vite-ignore */ new URL(__PZ_CLIENT_FILE__, base).href)
      .then((m: typeof import('./script-client')) => m.startFromScript(start, early, deferred, kit()))
      .catch((err: unknown) => {
        early.takeEvents();
        early.worker?.terminate();
        deferred.fail(`the client file could not load (${err})`);
      });
  }
  w[name] = api;
  if (Array.isArray(queued)) for (let i = 0; i < queued.length; i++) api.push(queued[i]);
}

try {
  boot();
} catch (err) {
  // The host page must never see our failure.
  say('failed to start', err);
}
