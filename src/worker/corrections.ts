/**
 * The shopper's corrections of their profile: `removeInterest()` and `restoreInterest()`, asked from
 * the privacy panel, none of them needed before the first answer. A lazily loaded file of the worker
 * (`pz-chunks/corrections-*.js`), imported the first time one is asked; the service's methods of the
 * same names hand over to these. The removed list itself is read at start by the service (it shapes
 * every rerank), and stays applied whether or not this file ever loads.
 */
import { type InterestKind, interestKey, type RemovedInterest, withoutRemoved, withRemoved } from '../core/privacy/interests';
import { describeError } from '../core/errors';
import type { PersonalizerService } from './service';
import { REMOVED_KEY } from './meta-keys';

/** Removes one interest from the profile and keeps it out (see `Personalizer.removeInterest`). */
export async function removeInterest(s: PersonalizerService, kind: InterestKind, raw: string): Promise<boolean> {
  await s.initPromise;
  const key = interestKey(kind, raw);
  if (key === undefined) return false;
  await save(s, withRemoved(s.removed, kind, key, s.now()));
  return true;
}

/** Lets a removed interest count again (see `Personalizer.restoreInterest`). */
export async function restoreInterest(s: PersonalizerService, kind: InterestKind, raw: string): Promise<boolean> {
  await s.initPromise;
  const key = interestKey(kind, raw);
  if (key === undefined || !s.removed.some((r) => r.kind === kind && r.key === key)) return false;
  await save(s, withoutRemoved(s.removed, kind, key));
  return true;
}

/** Stores the list (when consent allows), applies it here and tells the other tabs. */
async function save(s: PersonalizerService, list: RemovedInterest[]): Promise<void> {
  s.applyRemoved(list);
  if (s.writable) {
    // In the write queue, so an erase never overtakes it (nor it an erase).
    await s
      .serial(async () => {
        const store = await s.openedStore();
        await store?.putMeta(REMOVED_KEY, list);
      })
      .catch((err: unknown) => {
        // Still removed for this page; storage failures are reported like any other.
        s.storageError = describeError(err);
      });
    s.scheduleSnapshot();
  }
  s.tabs?.post({ kind: 'interests', removed: list });
}
