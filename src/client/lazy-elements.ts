/**
 * Loads an element's own file only when the page uses its tag: now if one is in the document, else
 * when one is added (one MutationObserver for every watched tag). Elements already in the page
 * upgrade once the file defined them. Used by the script-tag loader, so `pz.js` itself holds no
 * element code.
 */
import type { Personalizer } from './personalizer';

/** A lazily loaded element: its tag, the URL of its file and how that file's module defines it. */
export interface LazyElement {
  tag: string;
  url: string;
  define(module: unknown, pz: Personalizer): void;
}

/**
 * Watches for each element's tag and imports its file the first time the tag is in the page. Never
 * throws; a failed load is reported under `debug`.
 */
export function loadElementsWhenUsed(pz: Personalizer, elements: readonly LazyElement[], debug: boolean): void {
  try {
    if (typeof customElements === 'undefined') return;
    const waiting = elements
      .filter((e) => !customElements.get(e.tag))
      .map((e) => ({ ...e, found: document.getElementsByTagName(e.tag) }));
    const check = () => {
      for (let i = waiting.length - 1; i >= 0; i--) {
        const e = waiting[i]!;
        if (!e.found.length) continue;
        waiting.splice(i, 1);
        import(/* @vite-ignore */ e.url)
          .then((m: unknown) => e.define(m, pz))
          .catch((err: unknown) => {
            if (debug) console.warn(`[pz] <${e.tag}> could not load from ${e.url}:`, err);
          });
      }
      if (!waiting.length) observer?.disconnect();
    };
    const observer = typeof MutationObserver === 'undefined' ? undefined : new MutationObserver(check);
    observer?.observe(document, { childList: true, subtree: true });
    check();
  } catch {
    // The elements are extras: the personalizer works without them.
  }
}
