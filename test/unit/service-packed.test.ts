import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { benchCandidates, benchEvents } from '../../bench/browser/fixtures';
import { packCandidates } from '../../src/core/input/packed';
import { unpackResult } from '../../src/core/rank/packed-result';
import type { RerankResult } from '../../src/core/types';
import { PersonalizerService } from '../../src/worker/service';
import { manualClock } from './manual-clock';
import { T0 } from './profile-helpers';

let dbCounter = 0;
const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
});

/** A started service on a virtual clock (no learner, so nothing changes between calls), with the bench shopper's history. */
async function shopper(): Promise<PersonalizerService> {
  const c = manualClock(T0);
  const svc = new PersonalizerService({ now: () => c.clock.t, timers: c.timers, loadLearner: () => new Promise(() => undefined) });
  started.push(svc);
  await svc.init({ dbName: `pz-service-packed-${dbCounter++}-${T0}`, seed: 3 });
  await svc.track(benchEvents(benchCandidates(200, 1), 120, T0 - 1000));
  return svc;
}

/** Without the time taken and the list id (ids count up per process, so two services never share one). */
const comparable = ({ tookMs: _t, listId, ...rest }: RerankResult) => ({ ...rest, hasListId: typeof listId === 'string' });

describe('PersonalizerService.rerankPacked', () => {
  it('answers a packed list with the packed form of what rerank answers for the objects, and explainLast is the same', async () => {
    const [objects, packed] = [await shopper(), await shopper()];
    const list = [...benchCandidates(200, 1), null, { id: 7, category: 'home/decor' }, { id: 'sku-1-3' }];
    for (const options of [{ slot: 'a' }, { slot: 'b', limit: 12, exploration: 0.2 }]) {
      const expected = await objects.rerank(structuredClone(list), options);
      const answer = unpackResult(await packed.rerankPacked(packCandidates(list)!, options));
      expect(answer.fellBack).toBe(false);
      expect(comparable(answer)).toStrictEqual(comparable(expected));
      const [a, b] = [await packed.explainLast(), await objects.explainLast()];
      expect({ ...a, listId: answer.listId }).toStrictEqual({ ...b, listId: answer.listId });
      expect(a?.listId).toBe(answer.listId);
    }
  });

  it('rejects what is not a packed list, so the page answers with its own server order', async () => {
    const svc = await shopper();
    for (const bad of [undefined, [{ id: 'a' }], { ids: 'ab' }]) {
      await expect(svc.rerankPacked(bad as never, {})).rejects.toThrow(new TypeError('packed candidates could not be read'));
    }
  });
});
