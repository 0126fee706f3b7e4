/**
 * Safety of the `data-global` name. The loader defines one property on `window`; a name the page or
 * the browser already uses (`name`, `localStorage`, `__proto__`, `status`, an existing `window.shop`)
 * would be overwritten or would swallow the API, so such a name is refused and the library does not
 * start. Free names, the command-queue array (`window.pz = window.pz || []`) and the library's own
 * instance are fine.
 */

/** The window property holding the page's one personalizer, whatever global names it is exposed under. */
export const INSTANCE_KEY: unique symbol = Symbol.for('on-device-personalizer') as never;

/**
 * Why `name` cannot be the global API name on `win`, or `undefined` when it can.
 * @example unsafeGlobalName('name', window); // 'window.name already exists (string); …'
 */
export function unsafeGlobalName(name: string, win: object): string | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `data-global="${name.slice(0, 60)}" is not a JavaScript identifier`;
  let value: unknown;
  try {
    if (!(name in win)) return undefined;
    value = (win as Record<string, unknown>)[name];
  } catch {
    return `window.${name} cannot be read`;
  }
  if (Array.isArray(value)) return undefined;
  if (value !== undefined && value !== null && value === (win as Record<symbol, unknown>)[INSTANCE_KEY]) return undefined;
  const kind = value === null ? 'null' : typeof value;
  return `window.${name} already exists (${kind}); choose another data-global: the personalizer did not start`;
}
