/**
 * Entry of `pz-panel.js`, the privacy panel's own file: the script-tag loader imports it when a
 * `<pz-privacy-panel>` appears in the page (see `lazy-elements.ts`).
 */
export { definePanel } from './panel';
