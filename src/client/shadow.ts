/**
 * Small DOM helpers shared by the custom elements (`<pz-recommendations>`, `<pz-privacy-panel>`):
 * shadow roots styled through constructable stylesheets and element building without `innerHTML`,
 * so both work under a strict Content-Security-Policy and never parse untrusted strings as markup.
 */

/**
 * `HTMLElement`, or a stand-in where there is none (server-side rendering, workers), so merely importing
 * an element module never throws; such classes are simply never registered there.
 */
export const ElementBase: typeof HTMLElement =
  typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;

/** Focus ring, buttons and fonts both elements share; themed by the `--pz-*` custom properties. */
export const BASE_CSS =
  ':host{display:block;font:var(--pz-font,inherit);color:inherit}[hidden]{display:none!important}' +
  ':focus-visible{outline:3px solid var(--pz-accent,#1d4ed8);outline-offset:2px}' +
  'button{font:inherit;cursor:pointer}';

const sheets = new Map<string, CSSStyleSheet>();

/**
 * Attaches an open shadow root styled with `css`. One stylesheet object per distinct css string is
 * shared by every instance. Browsers without constructable stylesheets get an unstyled but working
 * element: a `<style>` fallback would be blocked by the strict CSP this library promises to run under.
 */
export function styledShadow(host: HTMLElement, css: string): ShadowRoot {
  const root = host.attachShadow({ mode: 'open' });
  try {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(BASE_CSS + css);
      sheets.set(css, sheet);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    // no constructable stylesheets (Safari < 16.4)
  }
  return root;
}

/**
 * Creates an element with attributes and plain-text content (`textContent`, never markup).
 * @example h('button', { part: 'button', type: 'button' }, 'Download my data')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  // Own keys only: `for…in` would also walk a polluted Object.prototype and copy its `on*` handlers.
  for (const k of Object.keys(attrs)) el.setAttribute(k, attrs[k]!);
  if (text !== undefined) el.textContent = text;
  return el;
}
