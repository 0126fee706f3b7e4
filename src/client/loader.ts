/**
 * The script-tag entry (`pz.js`): `<script async src="/pz.js"></script>`. Reads its configuration
 * from `data-*` attributes on its own tag, replays commands queued before it loaded, and starts
 * auto-capture. Loading it twice, or two tags with different `data-global`, gives one instance and
 * one worker; a `data-global` the page already uses is refused (console error, nothing starts). Relative
 * `data-worker`, `data-prior` and `data-segments` resolve against the script's own URL. It never throws
 * into the page.
 *
 * Attributes: `data-worker` (worker URL; default `pz-worker.js` beside this script), `data-global`
 * (global name, default `pz`), `data-personalization` (0..1), `data-consent` (granted | pending | denied),
 * `data-prior`, `data-segments`, `data-messages` (same-origin JSON URLs), `data-db`, `data-budget-ms`,
 * `data-ready-timeout-ms`, `data-report` (locally private reports endpoint), `data-debug`.
 */
import { loadElementsWhenUsed } from './lazy-elements';
import { type Personalizer, createPersonalizer, runCommand } from './personalizer';
import type { ConsentState } from '../core/types';
import { INSTANCE_KEY, unsafeGlobalName } from './global-name';
import { resolveUrl, scriptBase } from './script-url';

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
  const debug = d.debug !== undefined && d.debug !== 'false';
  const priorUrl = d.prior ? resolveUrl(d.prior, base) : undefined;
  const segmentsUrl = d.segments ? resolveUrl(d.segments, base) : undefined;
  const messagesUrl = d.messages ? resolveUrl(d.messages, base) : undefined;
  const lang = document.documentElement.lang;
  const pz = createPersonalizer({
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
    debug,
  });
  Object.defineProperty(w, INSTANCE_KEY, { value: pz });
  w[name] = pz;
  // Each element's own file (beside pz.js) loads the first time its tag is in the page.
  loadElementsWhenUsed(
    pz,
    [
      {
        tag: 'pz-recommendations',
        url: new URL('pz-widget.js', base).href,
        define: (m, p) => (m as typeof import('./widget-entry')).registerWidget(p, { debug }),
      },
      {
        tag: 'pz-privacy-panel',
        url: new URL('pz-panel.js', base).href,
        define: (m, p) => (m as typeof import('./panel-entry')).definePanel(p),
      },
    ],
    debug,
  );
  for (let i = 0; i < queue.length; i++) runCommand(pz, queue[i]);
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
