/**
 * The consent and "paused" state a page starts in: what the site set, the browser's signals (Global
 * Privacy Control, Do Not Track) and the choice the shopper made earlier on this device. The
 * script-tag loader reads it to decide whether to start the worker before the client file has
 * arrived, and the client reads it when it is created: one rule for both.
 */
import { effectiveConsent } from '../core/privacy/consent';
import type { ConsentState } from '../core/types';
import type { Choices } from './choice-memory';

/** Global Privacy Control or Do Not Track is on. */
export function browserSaysNo(): boolean {
  try {
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean; doNotTrack?: string | null };
    return nav.globalPrivacyControl === true || nav.doNotTrack === '1';
  } catch {
    return false;
  }
}

/**
 * The state a page starts in, from the consent the site set, the remembered choices and whether the
 * browser's signals are honoured (`honorBrowserSignals`, honoured unless `false`).
 * @example startingState('granted', { consent: 'denied' }).consent // 'denied'
 */
export function startingState(
  site: ConsentState | undefined,
  remembered: Choices,
  honorBrowserSignals?: boolean,
): { consent: ConsentState; paused: boolean } {
  return {
    consent: effectiveConsent(site, remembered.consent, honorBrowserSignals !== false && browserSaysNo()),
    paused: remembered.paused === true,
  };
}
