/**
 * Loads the privacy panel's file only when the page uses `<pz-privacy-panel>`: now if one is in the
 * document, else when one is added. Elements already in the page upgrade once it is defined.
 */
import type { Personalizer } from './personalizer';

const TAG = 'pz-privacy-panel';

/**
 * Watches for `<pz-privacy-panel>` and then imports `url` (the built `pz-panel.js`, same origin) and
 * defines the element bound to `pz`. Never throws; a failed load is reported under `debug`.
 */
export function loadPanelWhenUsed(pz: Personalizer, url: string, debug: boolean): void {
  try {
    if (typeof customElements === 'undefined' || customElements.get(TAG)) return;
    const found = document.getElementsByTagName(TAG);
    let observer: MutationObserver | undefined;
    const load = () => {
      observer?.disconnect();
      import(/* @vite-ignore */ url)
        .then((m: { definePanel(pz: Personalizer): void }) => m.definePanel(pz))
        .catch((err: unknown) => {
          if (debug) console.warn(`[pz] privacy panel could not load from ${url}:`, err);
        });
    };
    if (found.length) {
      load();
      return;
    }
    observer = new MutationObserver(() => {
      if (found.length) load();
    });
    observer.observe(document, { childList: true, subtree: true });
  } catch {
    // The panel is an extra: the personalizer works without it.
  }
}
