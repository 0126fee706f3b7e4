/** The page's handle on the personalizer loaded by the script tag (`window.pz`, the README's command queue). */
import type { Personalizer } from '../client/personalizer';

type Queue = { push: (...commands: unknown[]) => number };

/** Calls `fn` with the personalizer once it has loaded (calls made before that are queued and replayed). */
export function withPz(fn: (pz: Personalizer) => void): void {
  const w = window as unknown as { pz?: Queue };
  w.pz = w.pz || ([] as unknown as Queue);
  w.pz.push(fn);
}

/** Resolves with the personalizer once it has loaded. */
export function pzLoaded(): Promise<Personalizer> {
  return new Promise((resolve) => withPz(resolve));
}
