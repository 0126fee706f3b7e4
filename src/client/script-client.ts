/**
 * The script-tag loader's second file (`pz-chunks/client-[hash].js`, imported by `pz.js` the moment
 * it runs, while the worker starts): the reader of the tag's other attributes, the client, capture,
 * slots and the lazy elements. `pz.js` holds only what starts at once: the attributes that start the
 * worker, the command queue and stand-in API, the worker's early start and the event buffer.
 */
import { type Deferred, handOver } from './deferred';
import type { EarlyStart } from './early-start';
import { type Kit, useKit } from './kit';
import { loadElementsWhenUsed } from './lazy-elements';
import { type Personalizer, createPersonalizer } from './personalizer';
import { type LoaderStart, scriptOptions } from './script-attributes';

/**
 * The elements' files under `pz.js`'s URL, content-hashed at build time (`pz-chunks/pz-widget-[hash].js`,
 * `pz-chunks/pz-panel-[hash].js`; the same code as `pz-widget.js` and `pz-panel.js`): cached for good.
 */
declare const __PZ_WIDGET_FILE__: string;
declare const __PZ_PANEL_FILE__: string;

/**
 * Creates the personalizer from what the loader read and the tag's other attributes, with the loader's
 * shared functions ({@link Kit}), adopting what the loader started, hands the stand-in's waiting calls over to it, and loads each element's own file
 * (under `pz.js`'s URL) the first time its tag is in the page.
 */
export function startFromScript(start: LoaderStart, early: EarlyStart, standIn: Deferred, shared: Kit): Personalizer {
  useKit(shared);
  const options = scriptOptions(start);
  const base = start.base;
  const pz = createPersonalizer(options, early);
  const debug = options.debug === true;
  loadElementsWhenUsed(
    pz,
    [
      {
        tag: 'pz-recommendations',
        url: new URL(__PZ_WIDGET_FILE__, base).href,
        define: (m, p) => (m as typeof import('./widget-entry')).registerWidget(p, { debug }),
      },
      {
        tag: 'pz-privacy-panel',
        url: new URL(__PZ_PANEL_FILE__, base).href,
        define: (m, p) => (m as typeof import('./panel-entry')).definePanel(p),
      },
    ],
    debug,
  );
  handOver(standIn, pz);
  return pz;
}
