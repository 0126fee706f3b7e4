/**
 * The command queue's language: `pz.push(['track', event])`, `['rerank', candidates, options]`, … or a
 * function called with the API. Shared by the script-tag loader (commands queued before it ran, and
 * `push` while the client file loads) and the personalizer itself.
 */
import type { Personalizer } from './personalizer';

/** A queued command: `['track', event]`, `['rerank', candidates, options]`, … or a function called with the API. */
export type Command = [string, ...unknown[]] | ((pz: Personalizer) => void);

/**
 * The commands a queue may name. A null-prototype object read by plain property access: a page may
 * have broken Array.prototype methods or Object.prototype, and a queued command must still run.
 */
const COMMANDS: Readonly<Record<string, true | undefined>> = {
  __proto__: null,
  track: true,
  rerank: true,
  impression: true,
  profile: true,
  explain: true,
  exportData: true,
  erase: true,
  setDeclared: true,
  consent: true,
  on: true,
  flush: true,
  paused: true,
  removeInterest: true,
  restoreInterest: true,
  explainLast: true,
  reports: true,
  requests: true,
} as unknown as Record<string, true | undefined>;

/** Runs one queued command against the API; unknown commands are reported, never thrown. */
export function runCommand(api: Personalizer, cmd: unknown): void {
  try {
    if (typeof cmd === 'function') {
      (cmd as (pz: Personalizer) => void)(api);
      return;
    }
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'string') throw new TypeError('a command is [name, ...args] or a function');
    const name: string = cmd[0];
    // Plain comparisons and index loops only: a page may have broken Array.prototype methods or
    // replaced window.Promise (issue #15), and a queued command must never be dropped for that.
    if (COMMANDS[name] !== true) throw new TypeError(`unknown command "${name}"`);
    const args: unknown[] = [];
    for (let i = 1; i < cmd.length; i++) args[i - 1] = cmd[i];
    const fn = api[name as keyof Personalizer] as (...a: unknown[]) => unknown;
    const r = fn.apply(api, args) as { then?: unknown } | undefined;
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') (r as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch (err) {
    console.warn(`[pz] ${err instanceof Error ? err.message : String(err)}`);
  }
}
