/**
 * Registers the library's custom elements for sites that bundle the library. (The script-tag loader
 * loads each element's own file instead, the first time its tag is in the page: see `lazy-elements.ts`.)
 */
import { definePanel, PzPrivacyPanel } from './panel';
import type { Personalizer } from './personalizer';
import { PzRecommendations } from './widget';
import { registerWidget } from './widget-entry';

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

export { PzPrivacyPanel, PzRecommendations, registerWidget };
export type { WidgetCandidate } from './widget';
