/** Small DOM helpers for the demo pages. */

type Child = Node | string | false | undefined | null;

/** Creates an element with attributes and children (strings become text, falsy children are skipped). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) if (c) e.append(c);
  return e;
}

/** The element matching `sel`; throws when the page lacks it (a bug in the demo's own markup). */
export function $<T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T {
  const e = root.querySelector<T>(sel);
  if (!e) throw new Error(`demo: missing ${sel}`);
  return e;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
/** A price as the shop shows it. */
export const money = (n: number): string => usd.format(n);
