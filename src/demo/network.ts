/**
 * The "Network" drawer: every request this page made, from the browser's own resource timing
 * (`PerformanceObserver`, buffered, so nothing before the drawer opened is missed), and every request
 * the personalizer's worker made, from its own request log (`pz.requests()`: the page cannot see a
 * worker's resource timing), each classified, with a one-line verdict. What a request could carry about the shopper is its URL (path and query)
 * and a body; resource timing shows the URL and how it was made, so a request counts as a static file
 * only when it is a plain same-origin download of one of the shop's files with no query string.
 */
import type { ReportStatus, WorkerRequest } from '../core/api';
import { h } from './dom';
import { withPz } from './pz';

/** One request as the drawer lists it. */
export interface RequestRow {
  url: string;
  path: string;
  initiator: string;
  /** Bytes over the network (headers included), and the file's size; a revalidated file moves only headers. */
  bytes: number;
  size: number;
  /** HTTP status where the browser reports it (304: not modified, only headers moved). */
  status: number;
  ms: number;
  /** `report`: the site's locally private reports endpoint (`data-report`): its questions, or a report. */
  kind: 'static' | 'report' | 'unexpected';
  /** Why an unexpected request is one. */
  why?: string;
  /** From the worker's request log (no sizes or status), with the ε a report spent. */
  worker?: boolean;
  epsilon?: number;
}

/** Paths of the shop's static files: the page, its bundles, the catalogue and photos, the server's JSON, the personalizer's files (`pz.js`, `pz-*.js`, `pz-chunks/`). */
const STATIC_PATH = /^\/($|index\.html$|assets\/|catalog\/|api\/|site\/|pz(-[\w-]+)?\.js$|pz-chunks\/|favicon\.ico$)/;
/** Ways of sending data rather than fetching a file. */
const SENDING = new Set(['beacon', 'ping']);

/** Classifies one request URL made by this page (`reportPath`: the path of the script tag's `data-report`). */
export function classify(url: string, initiator: string, origin: string, reportPath?: string): Omit<RequestRow, 'bytes' | 'size' | 'status' | 'ms'> {
  const u = new URL(url, origin);
  const row = { url, path: u.pathname, initiator };
  if (u.protocol === 'data:' || u.protocol === 'blob:') return { ...row, kind: 'static' };
  if (u.origin !== origin) return { ...row, kind: 'unexpected', why: `another site (${u.host})` };
  if (u.search) return { ...row, kind: 'unexpected', why: 'carries a query string' };
  if (SENDING.has(initiator)) return { ...row, kind: 'unexpected', why: `sent with ${initiator}` };
  if (reportPath !== undefined && u.pathname === reportPath) return { ...row, kind: 'report' };
  if (!STATIC_PATH.test(u.pathname)) return { ...row, kind: 'unexpected', why: 'not one of the shop’s static files' };
  return { ...row, kind: 'static' };
}

/** The verdict line for a set of rows, and the reports the personalizer says it sent (`pz.reports()`). */
export function verdict(rows: RequestRow[], reports?: Pick<ReportStatus, 'sent'>): { ok: boolean; text: string } {
  const bad = rows.filter((r) => r.kind === 'unexpected').length;
  if (bad) return { ok: false, text: `${bad} of ${rows.length} requests could carry something about you: see below.` };
  const sent = reports?.sent ?? [];
  if (sent.length) {
    const epsilon = sent.reduce((s, r) => s + r.epsilon, 0);
    return {
      ok: true,
      text: `Nothing about you was sent but ${sent.length} locally private report${sent.length === 1 ? '' : 's'} (ε = ${+epsilon.toFixed(2)} in all): ${rows.length} requests.`,
    };
  }
  return { ok: true, text: `Nothing about you was sent: ${rows.length} requests, all static files of this shop.` };
}

/** One entry of the worker's request log as a row: classified like the page's, a POST only as a report the worker says it sent. */
export function workerRow(r: WorkerRequest, origin: string, timeOrigin: number, reportPath?: string): RequestRow {
  const c = classify(r.url, 'worker', origin, reportPath);
  const base = { ...c, bytes: 0, size: 0, status: 0, ms: Math.round(r.at - timeOrigin), worker: true };
  if (r.kind === 'report' && c.kind === 'report') return { ...base, ...(r.epsilon === undefined ? {} : { epsilon: r.epsilon }) };
  if (r.method !== 'GET') return { ...base, kind: 'unexpected', why: `sent with ${r.method}` };
  // The questions' GET sends nothing: a static file of the endpoint.
  return c.kind === 'report' ? { ...base, kind: 'static' } : base;
}

const rows: RequestRow[] = [];
/** The worker's requests, once it answered. */
let workerRows: RequestRow[] | undefined;
const allRows = () => [...rows, ...(workerRows ?? [])].sort((a, b) => a.ms - b.ms);
const listeners = new Set<(rows: readonly RequestRow[]) => void>();
let redraw: (() => void) | undefined;

let reportStatus: ReportStatus | undefined;

function add(e: PerformanceResourceTiming | PerformanceNavigationTiming): void {
  const c = classify(e.name, e.initiatorType, location.origin, reportPath());
  // The hash never leaves the browser; the document's entry carries it in its name.
  c.url = c.url.replace(/#.*$/, '');
  rows.push({ ...c, bytes: e.transferSize, size: e.encodedBodySize, status: (e as { responseStatus?: number }).responseStatus ?? 0, ms: Math.round(e.startTime) });
}

/** Starts recording (call once, early). */
export function startNetworkLog(): void {
  try {
    for (const e of performance.getEntriesByType('navigation')) add(e as PerformanceNavigationTiming);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) add(e as PerformanceResourceTiming);
      changed();
    }).observe({ type: 'resource', buffered: true });
  } catch {
    // No resource timing: the drawer says so.
  }
  refreshWorker();
}

function changed(): void {
  const all = allRows();
  for (const fn of listeners) fn(all);
  redraw?.();
}

/** Reads the worker's request log again. */
function refreshWorker(): void {
  withPz(async (pz) => {
    const log = await pz.requests().catch(() => undefined);
    if (log) workerRows = log.map((r) => workerRow(r, location.origin, performance.timeOrigin, reportPath()));
    changed();
  });
}

const scriptTag = () => document.querySelector<HTMLScriptElement>('script[src$="pz.js"]');

/** The path of the site's locally private reports endpoint, when the script tag names one. */
function reportPath(): string | undefined {
  const url = scriptTag()?.dataset.report;
  return url ? new URL(url, location.href).pathname : undefined;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
/** What a request moved: the file, only headers (a 304 revalidation: no body, or fewer bytes than the file), or nothing (from the cache). */
const moved = (r: RequestRow) =>
  r.worker ? '—' : r.bytes === 0 ? 'cached' : r.status === 304 || r.size === 0 || r.bytes < r.size ? `not modified (${kb(r.bytes)})` : kb(r.bytes);

/** Fills the drawer's body and keeps it current while it is open. */
export function renderNetwork(body: HTMLElement): void {
  const draw = () => {
    const rows = allRows();
    const v = verdict(rows, reportStatus);
    const reports = reportStatus
      ? h(
          'p',
          { class: 'muted', id: 'network-reports' },
          `Locally private reports: ${reportStatus.sent.length} sent, each a randomized answer to one of the shop’s published questions (${reportStatus.sent.map((r) => `report (ε = ${r.epsilon})`).join(', ') || 'none yet'}); ε budget left ${reportStatus.left} of ${reportStatus.budget}.`,
        )
      : h('p', { class: 'muted', id: 'network-reports' }, 'Locally private reports: off on this shop (its script tag has no data-report), so the personalizer sends nothing at all.');
    body.replaceChildren(
      h('p', { class: `verdict ${v.ok ? 'ok' : 'bad'}`, id: 'network-verdict' }, v.text),
      reports,
      h(
        'p',
        { class: 'muted' },
        'Every request this page made since it loaded, as your browser recorded it. The shop sees which pages and photos you load, as any website does, and sends everyone the same lists. What you clicked, put in your cart, bought and searched for stays in this browser: it appears in no request.',
      ),
      h(
        'p',
        { class: 'muted', id: 'network-worker' },
        workerRows
          ? 'Rows made by “worker” are the requests of the personalizer’s worker, from its own request log (a browser does not show a page its worker’s requests); it never records what a request carried.'
          : 'The personalizer’s worker has not said yet which requests it made: only the page’s are listed.',
      ),
      h(
        'div',
        { class: 'requests-scroll' },
        h(
        'table',
        { class: 'requests' },
        h('thead', {}, h('tr', {}, h('th', {}, 'File'), h('th', {}, 'Made by'), h('th', {}, 'Size'), h('th', {}, 'Verdict'))),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { class: r.kind, 'data-path': r.path },
              h('td', {}, h('code', {}, r.path)),
              h('td', {}, r.initiator),
              h('td', {}, moved(r)),
              h(
                'td',
                {},
                r.kind === 'static' ? 'static file' : r.kind === 'report' ? (r.epsilon === undefined ? 'report endpoint (ε-private)' : `report (ε = ${r.epsilon})`) : `check: ${r.why}`,
              ),
            ),
          ),
        ),
        ),
      ),
    );
  };
  draw();
  redraw = draw;
  refreshWorker();
  // The worker keeps working while the drawer is open (the learner loads after start-up): read its log again.
  const dialog = body.closest('dialog');
  const poll = setInterval(() => (dialog && !dialog.open ? clearInterval(poll) : refreshWorker()), 1000);
  withPz(async (pz) => {
    reportStatus = await pz.reports().catch(() => undefined);
    redraw?.();
  });
}

/** Calls `fn` with all rows now and after every new request. */
export function onNetworkRows(fn: (rows: readonly RequestRow[]) => void): void {
  listeners.add(fn);
  fn(allRows());
}

