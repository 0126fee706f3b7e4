/**
 * The script-tag loader's second file (`pz-chunks/client-[hash].js`, imported by `pz.js` the moment
 * it runs, while the worker starts): the client, capture, slots and the lazy elements. `pz.js` holds
 * only configuration, the command queue, the worker's early start and the event buffer.
 */
import type { EarlyStart } from './early-start';
import { loadElementsWhenUsed } from './lazy-elements';
import { type Personalizer, type PersonalizerOptions, createPersonalizer } from './personalizer';

/**
 * Creates the personalizer from the loader's options, adopting what the loader started, and loads
 * each element's own file (beside `pz.js`) the first time its tag is in the page.
 */
export function startFromScript(options: PersonalizerOptions, early: EarlyStart, base: string): Personalizer {
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
  return pz;
}
