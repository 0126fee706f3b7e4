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
 * Creates the personalizer from what the loader read and the tag's other attributes, with the loader's
 * shared functions ({@link Kit}), adopting what the loader started, hands the stand-in's waiting calls over to it, and loads each element's own file
 * (beside `pz.js`) the first time its tag is in the page.
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
  handOver(standIn, pz);
  return pz;
}
