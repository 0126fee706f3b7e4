/**
 * The script-tag entry (`pz.js`): `<script async src="/pz.js"></script>`. Reads its configuration
 * from `data-*` attributes on its own tag, replays commands queued before it loaded, and starts
 * auto-capture. Loading it twice is harmless; it never throws into the page.
 *
 * Attributes: `data-worker` (worker URL; default `pz-worker.js` beside this script), `data-global`
 * (global name, default `pz`), `data-personalization` (0..1), `data-consent` (granted | pending | denied),
 * `data-prior`, `data-segments` (same-origin JSON URLs), `data-db`, `data-budget-ms`,
 * `data-ready-timeout-ms`, `data-report` (locally private reports endpoint), `data-debug`.
 */
import { loadElementsWhenUsed } from './lazy-elements';
import { type Command, type Personalizer, createPersonalizer, runCommand } from './personalizer';
import type { ConsentState } from '../core/types';

function boot(): void {
  const script = document.currentScript as HTMLScriptElement | null;
  const d: DOMStringMap = script?.dataset ?? {};
  const name = d.global || 'pz';
  const w = window as unknown as Record<string, unknown>;
  const existing = w[name] as (Personalizer & { __pz?: true }) | Command[] | undefined;
  if (existing && !Array.isArray(existing) && existing.__pz) return;
  const queue = Array.isArray(existing) ? existing.slice() : [];
  const base = script?.src || location.href;
  const num = (v: string | undefined) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
  const consent = d.consent as ConsentState | undefined;
  const debug = d.debug !== undefined && d.debug !== 'false';
  const pz = createPersonalizer({
    workerUrl: new URL(d.worker || 'pz-worker.js', d.worker ? location.href : base),
    ...(consent === 'granted' || consent === 'pending' || consent === 'denied' ? { consent } : {}),
    ...(d.personalization !== undefined ? { personalization: num(d.personalization) } : {}),
    ...(d.prior ? { priorUrl: new URL(d.prior, location.href).href } : {}),
    ...(d.segments ? { segmentsUrl: new URL(d.segments, location.href).href } : {}),
    ...(d.db ? { dbName: d.db } : {}),
    ...(d.report ? { reportUrl: new URL(d.report, location.href).href } : {}),
    ...(num(d.budgetMs) !== undefined ? { budgetMs: num(d.budgetMs) } : {}),
    ...(num(d.readyTimeoutMs) !== undefined ? { readyTimeoutMs: num(d.readyTimeoutMs) } : {}),
    debug,
  });
  Object.defineProperty(pz, '__pz', { value: true });
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
  for (const cmd of queue) runCommand(pz, cmd);
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
