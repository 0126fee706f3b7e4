/**
 * The library's console line: `[pz]` and what happened. A page may have removed or broken `console`;
 * saying so must never throw into it.
 */

/** Logs `what` as a console error after `[pz]`; never throws. */
export function say(...what: unknown[]): void {
  try {
    console.error('[pz]', ...what);
  } catch {
    // no console
  }
}
