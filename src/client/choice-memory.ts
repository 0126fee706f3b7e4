/**
 * The shopper's own choices, remembered on this device: consent (the one fact kept under `denied`)
 * and, under granted consent only, "personalization paused". They live in one `localStorage` key per
 * database name (not IndexedDB: reading it must not create a database, and it must be readable
 * synchronously before anything else is written). Other tabs hear of a change through the `storage`
 * event. Every access is guarded: without storage the choices last for the page.
 */
import { parseConsent } from '../core/privacy/consent';
import type { ConsentState } from '../core/types';
import { stringifyJson } from './json';

/** What the shopper chose. */
export interface Choices {
  consent?: ConsentState | undefined;
  paused?: boolean;
}

/** The remembered choices of one personalizer database. */
export interface ChoiceMemory {
  read(): Choices;
  write(choices: Choices): void;
  close(): void;
}

/** The `localStorage` key that holds the choices for database `dbName`. */
export const choiceKey = (dbName: string): string => `pz-choices:${dbName}`;

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // a sandboxed frame or blocked storage throws on access
  }
}

function parse(raw: string | null | undefined): Choices {
  try {
    const v = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    return { consent: parseConsent(v.consent), paused: v.paused === true };
  } catch {
    return {};
  }
}

/** The choices remembered for `dbName` (empty when nothing is remembered or storage is blocked). */
export function readChoices(dbName: string): Choices {
  try {
    return parse(localStorage.getItem(choiceKey(dbName))); // throws where there is no storage, or it is blocked
  } catch {
    return {};
  }
}

/**
 * Opens the remembered choices for `dbName`; `onChange` runs when another tab changes them.
 * @example const memory = openChoiceMemory('on-device-personalizer', (c) => apply(c));
 */
export function openChoiceMemory(dbName: string, onChange: (choices: Choices) => void): ChoiceMemory {
  const key = choiceKey(dbName);
  const onStorage = (ev: StorageEvent) => {
    if (ev.key === key) onChange(parse(ev.newValue));
  };
  try {
    addEventListener('storage', onStorage);
  } catch {
    // no window events (a worker or a test shell)
  }
  return {
    read: () => readChoices(dbName),
    write(choices) {
      try {
        storage()?.setItem(key, stringifyJson(choices));
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
