import type { StoredEvent } from '../../src/core/types';
import { recordTexts, type Store } from '../../src/worker/store';

/** Appends event objects as the service writes them: each event's JSON text and timestamp. */
export function appendEvents(store: Store, events: readonly StoredEvent[]): Promise<number[]> {
  return store.appendEvents(
    events.map((e) => e.ts),
    recordTexts(events.map((e) => JSON.stringify(e))),
  );
}
