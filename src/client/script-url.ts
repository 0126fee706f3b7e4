/**
 * Where the loader's relative URLs point. `data-worker`, `data-prior` and `data-segments` name files
 * published beside `pz.js`, so they resolve against the script's own URL: the page's path and a
 * `<base href>` do not change them (the browser already applied `<base href>` to the script's `src`).
 */

/**
 * The URL relative `data-*` URLs of the loader's tag resolve against: the script's own URL, or the
 * document's base URL when the script has none.
 * @example scriptBase(document.currentScript as HTMLScriptElement); // 'https://shop.example/static/pz.js'
 */
export function scriptBase(script: HTMLScriptElement | null): string {
  return script?.src || document.baseURI;
}

/**
 * `value` resolved against `base`, or `undefined` when it is not a URL.
 * @example resolveUrl('pz-worker.js', 'https://shop.example/static/pz.js'); // 'https://shop.example/static/pz-worker.js'
 */
export function resolveUrl(value: string, base: string): string | undefined {
  try {
    return new URL(value, base).href;
  } catch {
    return undefined;
  }
}
