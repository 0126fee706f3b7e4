/**
 * The shopper's consent choice, remembered on this device: the one fact kept under `denied`. It lives
 * in one `localStorage` key per database name (not IndexedDB: reading it must not create a database,
 * and it must be readable synchronously before anything else is written). Other tabs hear of a change
 * through the `storage` event. Every access is guarded: without storage the choice lasts for the page.
 */
import { parseConsent } from '../core/privacy/consent';
import type { ConsentState } from '../core/types';

/** The remembered choice of one personalizer database. */
export interface ConsentMemory {
  read(): ConsentState | undefined;
  write(state: ConsentState): void;
  close(): void;
}

/** The `localStorage` key that holds the choice for database `dbName`. */
export const consentKey = (dbName: string): string => `pz-consent:${dbName}`;

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // a sandboxed frame or blocked storage throws on access
  }
}

/**
 * Opens the remembered choice for `dbName`; `onChange` runs when another tab changes it.
 * @example const memory = openConsentMemory('on-device-personalizer', (s) => apply(s));
 */
export function openConsentMemory(dbName: string, onChange: (state: ConsentState) => void): ConsentMemory {
  const key = consentKey(dbName);
  const onStorage = (ev: StorageEvent) => {
    if (ev.key !== key) return;
    const state = parseConsent(ev.newValue);
    if (state) onChange(state);
  };
  try {
    if (typeof addEventListener === 'function') addEventListener('storage', onStorage);
  } catch {
    // no window events (a worker or a test shell)
  }
  return {
    read() {
      try {
        return parseConsent(storage()?.getItem(key));
      } catch {
        return undefined;
      }
    },
    write(state) {
      try {
        storage()?.setItem(key, state);
      } catch {
        // quota or blocked storage: the choice holds for this page
      }
    },
    close() {
      try {
        removeEventListener('storage', onStorage);
      } catch {
        // never added
      }
    },
  };
}
