/**
 * Registers the library's custom elements. The script-tag loader calls it with `window.pz`, so sites
 * using `pz.js` only write the markup.
 */
import { definePanel, PzPrivacyPanel } from './panel';
import type { Personalizer } from './personalizer';
import { PzRecommendations } from './widget';

/**
 * Defines `<pz-recommendations>` and `<pz-privacy-panel>`, bound to `pz`. Safe to call more than once
 * and never throws: an element name already defined (a second loader, or the site's own element)
 * is left alone, so the first personalizer to register wins. Elements already in the page upgrade now.
 * `debug` makes the elements explain refused or failed product images in the console.
 * @example
 * import { createPersonalizer } from 'on-device-personalizer';
 * registerElements(createPersonalizer({ workerUrl: '/pz-worker.js' }));
 */
export function registerElements(pz: Personalizer, options: { debug?: boolean } = {}): void {
  registerWidget(pz, options);
  definePanel(pz);
}

/**
 * Defines `<pz-recommendations>` only. The script-tag loader uses it and loads the privacy panel's
 * own file (`pz-panel.js`) when a `<pz-privacy-panel>` appears, so pages without one never pay for it.
 */
export function registerWidget(pz: Personalizer, options: { debug?: boolean } = {}): void {
  try {
    if (typeof customElements === 'undefined') return;
    if (!customElements.get('pz-recommendations')) {
      PzRecommendations.personalizer = pz;
      PzRecommendations.debug = options.debug === true;
      customElements.define('pz-recommendations', PzRecommendations);
    }
  } catch {
    // Custom elements are an extra: the personalizer works without them.
  }
}

export { PzPrivacyPanel, PzRecommendations };
export type { WidgetCandidate } from './widget';
