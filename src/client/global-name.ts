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
 * @example unsafeGlobalName('name', window); // 'data-global="name" is taken: window.name is string; the personalizer did not start'
 */
export function unsafeGlobalName(name: string, win: object): string | undefined {
  let why = 'is not a JavaScript identifier';
  if (/^[a-z_$][\w$]*$/i.test(name)) {
    try {
      if (!(name in win)) return undefined;
      const value = (win as Record<string, unknown>)[name];
      if (Array.isArray(value) || (value != null && value === (win as Record<symbol, unknown>)[INSTANCE_KEY])) return undefined;
      why = `is ${value === null ? 'null' : typeof value}`;
    } catch {
      why = 'cannot be read';
    }
    why = `is taken: window.${name} ${why}`;
  }
  return `data-global="${name.slice(0, 60)}" ${why}; the personalizer did not start`;
}
