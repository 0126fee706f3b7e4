/**
 * The functions `pz.js` already holds and hands to the client file it imports (the last argument of
 * `startFromScript`), so the client file uses the loader's copies instead of carrying its own. The
 * script-tag build of the client file (`scripts/kit-plugin.mjs`) reads this file: every import of one
 * of these functions in the client file becomes the loader's, bound by {@link useKit} in the order of
 * {@link kit}'s list before anything else runs. Built any other way (the npm library, the tests), the
 * client imports the modules themselves and {@link useKit} has nothing to bind.
 */
import { parseConsent } from '../core/privacy/consent';
import { serverOrder } from '../core/rank/server-order';
import { runCommand } from './commands';
import { newWorker } from './early-start';
import { resolveUrl } from './script-url';
import { startingState } from './starting-state';

/** The loader's shared functions, in the order the client file's build binds them. */
export const kit = () => [parseConsent, serverOrder, runCommand, newWorker, resolveUrl, startingState] as const;

/** What {@link kit} returns. */
export type Kit = ReturnType<typeof kit>;

/**
 * Makes the client file use the loader's functions. Built from the sources it does nothing: the
 * client's own imports are those functions already. The script-tag build replaces this module.
 */
export function useKit(_shared: Kit): void {}
