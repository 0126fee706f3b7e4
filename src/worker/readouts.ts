/**
 * What the shopper (or the site's privacy panel) reads out of the worker, none of it needed before
 * the first answer: `exportData()`, `explainLast()`, `requests()` and `profile()`. A lazily loaded file of the
 * worker (`pz-chunks/readouts-*.js`), imported the first time one of them is asked, whenever that is
 * (first of all included); the service's methods of the same names hand over to these.
 */
import type { ExportBundle, LastRerank, WorkerRequest } from '../core/api';
import type { StoredEvent } from '../core/types';
import { StorageUnavailableError } from '../core/errors';
import { priceBand } from '../core/profile/accessors';
import { plain } from './plain';
import type { PersonalizerService } from './service';

/** Version of the `exportData()` format (see the README "Export format"). */
const EXPORT_VERSION = 2;

/** Everything stored and held for this shopper, as JSON (the README "Export format"). */
export async function exportData(s: PersonalizerService): Promise<ExportBundle> {
  await s.initPromise;
  await s.idle();
  // After an erase there is nothing to read, and reading must not create the database again.
  const store = s.deleted ? undefined : await s.openedStore();
  if (!store && s.hadStore && !s.deleted) {
    // The events are on disk but out of reach: an export without them would say they are not there.
    throw new StorageUnavailableError('events', `stored events could not be read (${s.storageError ?? 'storage unavailable'})`);
  }
  const events = store ? await store.readEvents(s.now()) : [];
  const view = await s.view();
  return {
    format: 'on-device-personalizer/export',
    version: EXPORT_VERSION,
    exportedAt: s.now(),
    consent: 'granted',
    paused: false,
    removedInterests: s.removed.slice(),
    profile: plain(view.profile),
    segments: plain({ ...view.segments, propensities: view.propensities }),
    events: [...events, ...s.unwrittenLines.map((line) => JSON.parse(line) as StoredEvent)],
    model: s.ranker ? s.ranker.exportState() : { weights: 'site prior / built-in (no personal learning yet)' },
  };
}

/** The profile as the privacy panel shows it: the view, the removed interests and the typical price range. */
export async function profile(s: PersonalizerService): Promise<unknown> {
  await s.initPromise;
  const band = priceBand(s.engine.profile);
  // The typical price range (one spread either side of the log-price mean), for the panel.
  const prices = band ? { low: Math.exp(band.mean - band.sd), high: Math.exp(band.mean + band.sd) } : undefined;
  return plain({ ...(await s.view()), removedInterests: s.removed, ...(prices ? { priceBand: prices } : {}) });
}

/** "Why these items": the last personalized rerank, each item with where it came from and why. */
export function explainLast(s: PersonalizerService): LastRerank | undefined {
  const last = s.last;
  if (!last) return undefined;
  const now = s.now();
  return {
    slot: last.slot,
    listId: last.listId,
    at: last.at,
    items: last.items.map(({ id, from }, to) => {
      const e = s.engine.explain(id, now);
      return { id, from, to, ...(e?.reason ? { reason: e.reason } : {}), contributions: e?.contributions ?? [] };
    }),
  };
}

/** Every request the worker made: its own `fetch`es (files, reports) and the modules the browser fetched for it. */
export function requests(s: PersonalizerService): WorkerRequest[] {
  // Modules the worker imports later (the learner, the reporter, …) are fetched by the browser, not
  // through the request log: the worker's own resource timing records them (the page cannot see it).
  const imported =
    typeof performance === 'undefined' || !performance.getEntriesByType
      ? []
      : (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => e.initiatorType !== 'fetch')
          .map((e): WorkerRequest => ({ url: e.name, method: 'GET', kind: 'static', at: Math.round(performance.timeOrigin + e.startTime) }));
  return [...s.requestLog.entries(), ...imported];
}
