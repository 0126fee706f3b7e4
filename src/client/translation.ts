/**
 * The site's translation for a personalizer's language: the same `data-messages` / `messagesUrl` file
 * and `lang` the worker reads for the reasons, fetched once per personalizer and read against one table
 * of English defaults (only that table's keys are kept). Resolves `undefined` (the English defaults)
 * when there is no file, it fails to load, or it has nothing for the language.
 */
import { readMessages } from '../core/messages';
import type { Personalizer } from './personalizer';

const files = new WeakMap<Personalizer, Promise<unknown>>();

/** The translation of `defaults`' keys for `pz`'s language, or `undefined` for English. Never rejects. */
export function siteTranslation<T extends Readonly<Record<string, string>>>(
  pz: Personalizer,
  defaults: T,
): Promise<Partial<Record<keyof T & string, string>> | undefined> {
  let file = files.get(pz);
  if (!file) {
    const url = pz.messagesUrl;
    file = url
      ? fetch(url, { credentials: 'same-origin' }).then(
          (r) => (r.ok ? r.json() : undefined),
          () => undefined,
        )
      : Promise.resolve(undefined);
    files.set(pz, file);
  }
  return file.then(
    (raw) => readMessages(raw, pz.lang, defaults),
    () => undefined,
  );
}
