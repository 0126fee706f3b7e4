/**
 * Entry of `pz-widget.js`, the recommendations element's own file: the script-tag loader imports it
 * when a `<pz-recommendations>` appears in the page (see `lazy-elements.ts`).
 */
import type { Personalizer } from './personalizer';
import { PzRecommendations } from './widget';

/**
 * Defines `<pz-recommendations>` bound to `pz` (unless that name is already defined). Never throws.
 * `debug` makes the element explain refused or failed product images in the console.
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
