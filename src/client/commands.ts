/**
 * The command queue's language: `pz.push(['track', event])`, `['rerank', candidates, options]`, … or a
 * function called with the API. Shared by the script-tag loader (commands queued before it ran, and
 * `push` while the client file loads) and the personalizer itself.
 */
import type { PersonalizerCalls } from './client';
import type { Personalizer } from './personalizer';
import { say } from './say';

/** A queued command: `['track', event]`, `['rerank', candidates, options]`, … or a function called with the API. */
export type Command = [string, ...unknown[]] | ((pz: Personalizer) => void);

/** The calls a queue may name, one per {@link PersonalizerCalls} method (the stand-in of `deferred.ts` defines each). */
export const COMMAND_NAMES = [
  'track', 'rerank', 'impression', 'profile', 'explain', 'exportData', 'erase', 'setDeclared', 'consent', 'on',
  'flush', 'paused', 'removeInterest', 'restoreInterest', 'explainLast', 'reports', 'requests',
] as const satisfies readonly (keyof PersonalizerCalls)[];

/**
 * {@link COMMAND_NAMES} as a null-prototype object read by plain property access: a page may have
 * broken Array.prototype methods or Object.prototype, and a queued command must still run.
 */
const COMMANDS: Readonly<Record<string, true | undefined>> = Object.create(null);
for (let i = 0; i < COMMAND_NAMES.length; i++) (COMMANDS as Record<string, true>)[COMMAND_NAMES[i]!] = true;

/**
 * Runs one queued command against the API. A command that is not one (an unknown name, not an array)
 * or that throws is reported on the console with the command itself, never thrown.
 */
export function runCommand(api: Personalizer, cmd: unknown): void {
  try {
    if (typeof cmd === 'function') {
      (cmd as (pz: Personalizer) => void)(api);
      return;
    }
    // Plain comparisons and index loops only: a page may have broken Array.prototype methods or
    // replaced window.Promise (issue #15), and a queued command must never be dropped for that.
    if (!Array.isArray(cmd) || COMMANDS[cmd[0]] !== true) throw new TypeError('unknown command');
    const args: unknown[] = [];
    for (let i = 1; i < cmd.length; i++) args[i - 1] = cmd[i];
    const fn = api[cmd[0] as keyof Personalizer] as (...a: unknown[]) => unknown;
    const r = fn.apply(api, args) as { then?: unknown } | undefined;
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') (r as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch (err) {
    say(err, cmd);
  }
}
