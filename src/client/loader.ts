/**
 * The script-tag entry (`pz.js`): `<script async src="/pz.js"></script>`. Reads its configuration
 * from `data-*` attributes on its own tag, replays commands queued before it loaded, and starts
 * the worker at once (under granted consent), while it imports the rest of the client
 * (`pz-chunks/client-[hash].js`: client, capture, slots); until that arrives, `window.pz` is a stand-in
 * that keeps every call in order (`deferred.ts`) and clicks and submits are buffered for capture.
 * Loading it twice, or two tags with different `data-global`, gives one instance and
 * one worker; a `data-global` the page already uses is refused (console error, nothing starts). Relative
 * `data-worker`, `data-prior` and `data-segments` resolve against the script's own URL. It never throws
 * into the page.
 *
 * Attributes: `data-worker` (worker URL; default `pz-worker.js` beside this script), `data-global`
 * (global name, default `pz`), `data-personalization` (0..1), `data-consent` (granted | pending | denied),
 * `data-prior`, `data-segments`, `data-messages` (same-origin JSON URLs), `data-db`, `data-budget-ms`,
 * `data-ready-timeout-ms`, `data-report` (locally private reports endpoint), `data-debug`.
 */
import type { ConsentState } from '../core/types';
import { CLIENT_SETTINGS, DEFAULT_DB_NAME } from '../core/settings';
import { readChoices } from './choice-memory';
import { runCommand } from './commands';
import { deferPersonalizer } from './deferred';
import { beginEarly } from './early-start';
import { INSTANCE_KEY, unsafeGlobalName } from './global-name';
import type { Personalizer, PersonalizerOptions } from './personalizer';
import { resolveUrl, scriptBase } from './script-url';
import { startingState } from './starting-state';

/** The client file's name under this script's URL, content-hashed at build time. */
declare const __PZ_CLIENT_FILE__: string;

function fail(message: string): void {
  try {
    console.error(`[pz] ${message}`);
  } catch {
    // no console
  }
}

function boot(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const d: DOMStringMap = script?.dataset ?? {};
  const name = d.global || 'pz';
  const w = window as unknown as Record<string | symbol, unknown>;
  const unsafe = unsafeGlobalName(name, w);
  if (unsafe) {
    fail(unsafe);
    return;
  }
  const existing = w[name];
  const queue: unknown[] = [];
  if (Array.isArray(existing)) for (let i = 0; i < existing.length; i++) queue[i] = existing[i];
  // One instance per page: a second tag (any data-global) exposes and feeds the first one.
  const running = w[INSTANCE_KEY] as Personalizer | undefined;
  if (running) {
    w[name] = running;
    for (let i = 0; i < queue.length; i++) runCommand(running, queue[i]);
    return;
  }
  const base = scriptBase(script);
  const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const consent = d.consent as ConsentState | undefined;
  const priorUrl = d.prior ? resolveUrl(d.prior, base) : undefined;
  const segmentsUrl = d.segments ? resolveUrl(d.segments, base) : undefined;
  const messagesUrl = d.messages ? resolveUrl(d.messages, base) : undefined;
  const lang = document.documentElement.lang;
  const options: PersonalizerOptions = {
    workerUrl: resolveUrl(d.worker || 'pz-worker.js', base) ?? new URL('pz-worker.js', base),
    ...(consent === 'granted' || consent === 'pending' || consent === 'denied' ? { consent } : {}),
    ...(d.personalization !== undefined ? { personalization: num(d.personalization) } : {}),
    ...(priorUrl ? { priorUrl } : {}),
    ...(segmentsUrl ? { segmentsUrl } : {}),
    ...(messagesUrl ? { messagesUrl } : {}),
    ...(lang ? { lang } : {}),
    ...(d.db ? { dbName: d.db } : {}),
    ...(d.report ? { reportUrl: new URL(d.report, location.href).href } : {}),
    ...(num(d.budgetMs) !== undefined ? { budgetMs: num(d.budgetMs) } : {}),
    ...(num(d.readyTimeoutMs) !== undefined ? { readyTimeoutMs: num(d.readyTimeoutMs) } : {}),
    debug: d.debug !== undefined && d.debug !== 'false',
  };
  // The worker starts now, in parallel with the client file; the rule for "now" is the client's own.
  const state = startingState(options, readChoices(options.dbName ?? DEFAULT_DB_NAME));
  const early = beginEarly(options.workerUrl, state.consent === 'granted');
  const deferred = deferPersonalizer({ ...state, readyTimeoutMs: options.readyTimeoutMs ?? CLIENT_SETTINGS.readyTimeoutMs, messagesUrl, lang });
  Object.defineProperty(w, INSTANCE_KEY, { value: deferred.api });
  w[name] = deferred.api;
  for (let i = 0; i < queue.length; i++) runCommand(deferred.api, queue[i]);
  import(/* @vite-ignore */ new URL(__PZ_CLIENT_FILE__, base).href)
    .then((m: typeof import('./script-client')) => deferred.attach(m.startFromScript(options, early, base)))
    .catch((err: unknown) => {
      early.takeEvents();
      early.worker?.terminate();
      deferred.fail(`the personalizer's client file could not load (${err instanceof Error ? err.message : String(err)})`);
    });
}

try {
  boot();
} catch (err) {
  // The host page must never see our failure.
  try {
    console.warn('[pz] failed to start', err);
  } catch {
    // no console
  }
}
