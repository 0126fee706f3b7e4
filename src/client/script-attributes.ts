/**
 * The reader of the script tag's `data-*` attributes. `pz.js` reads only what it needs to start at once
 * ({@link LoaderStart}: the global name, `data-worker`, `data-consent`, `data-db`,
 * `data-ready-timeout-ms`); the client file reads every other attribute here ({@link scriptOptions}),
 * so `pz.js` carries no code for settings only the client uses, and each attribute is read in one place.
 */
import type { ConsentState } from '../core/types';
import type { PersonalizerOptions } from './personalizer';
import { resolveUrl } from './script-url';

/** The tag's `data-*` attributes, as `dataset` gives them (`data-budget-ms` is `budgetMs`). */
export type ScriptData = Readonly<Record<string, string | undefined>>;

/** What `pz.js` read from its tag to start the worker and the stand-in, handed to the client file. */
export interface LoaderStart {
  /** The tag's attributes, copied when `pz.js` ran. */
  data: ScriptData;
  /** The URL relative attributes resolve against (the script's own, see `script-url.ts`). */
  base: string;
  workerUrl: string;
  consent?: ConsentState | undefined;
  /** `data-db`, or the default database name. */
  dbName: string;
  readyTimeoutMs?: number | undefined;
}

/**
 * A numeric attribute: a finite number, or `undefined` when absent, empty or not a number.
 * @example numberAttribute('120'); // 120
 */
export function numberAttribute(v: string | undefined): number | undefined {
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

/**
 * The personalizer's options: what `pz.js` read, and the tag's other attributes. Relative `data-prior`,
 * `data-segments` and `data-messages` resolve against the script's URL, `data-report` against the page's.
 * @example scriptOptions({ data: { budgetMs: '80' }, base: 'https://shop.example/pz.js', workerUrl: 'https://shop.example/pz-worker.js' }).budgetMs; // 80
 */
export function scriptOptions(start: LoaderStart): PersonalizerOptions {
  const d = start.data;
  const url = (v: string | undefined) => (v ? resolveUrl(v, start.base) : undefined);
  const options: PersonalizerOptions = { workerUrl: start.workerUrl, debug: d.debug !== undefined && d.debug !== 'false' };
  const set = {
    consent: start.consent,
    dbName: start.dbName,
    readyTimeoutMs: start.readyTimeoutMs,
    personalization: d.personalization !== undefined ? numberAttribute(d.personalization) : undefined,
    priorUrl: url(d.prior),
    segmentsUrl: url(d.segments),
    messagesUrl: url(d.messages),
    lang: document.documentElement.lang || undefined,
    reportUrl: d.report ? resolveUrl(d.report, location.href) : undefined,
    budgetMs: numberAttribute(d.budgetMs),
  };
  for (const [key, value] of Object.entries(set)) if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  return options;
}
