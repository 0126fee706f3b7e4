/**
 * Which consent state applies on a page: the site's starting state, the browser's signals (Global
 * Privacy Control, Do Not Track) and the choice the shopper made earlier on this device.
 */
import type { ConsentState } from '../types';

const STRICTNESS: Record<ConsentState, number> = { granted: 0, pending: 1, denied: 2 };

/** Reads a consent state from untrusted text; anything else is `undefined`. */
export function parseConsent(raw: unknown): ConsentState | undefined {
  return raw === 'granted' || raw === 'pending' || raw === 'denied' ? raw : undefined;
}

/**
 * The consent that applies, from what the site set (`data-consent`, `createPersonalizer({ consent })`),
 * the choice remembered on this device from an earlier `consent(state)` call, and whether Global
 * Privacy Control or Do Not Track is on (and honoured). Positional, not an options object: `pz.js`
 * carries this function, and option names would be bytes of it.
 * - a remembered `denied` (the shopper's "off") always wins, whatever the site or browser say;
 * - a remembered choice replaces the defaults (`granted`, or `denied` under GPC / Do Not Track): a
 *   shopper who switched personalization on under GPC keeps it on;
 * - a state the site set explicitly is never loosened by a remembered one: the stricter of the two
 *   applies (the site's consent tool has the last word on granting).
 * @example effectiveConsent('granted', 'denied', false) // 'denied'
 */
export function effectiveConsent(site: ConsentState | undefined, stored: ConsentState | undefined, browserSaysNo: boolean): ConsentState {
  const fallback: ConsentState = browserSaysNo ? 'denied' : 'granted';
  if (stored === undefined) return site ?? fallback;
  if (site === undefined) return stored;
  return STRICTNESS[stored] >= STRICTNESS[site] ? stored : site;
}
