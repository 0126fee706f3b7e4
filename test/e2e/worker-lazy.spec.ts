import { expect, test } from '@playwright/test';
import { pzReady } from './helpers';

type Pz = {
  track(e: unknown): void;
  flush(): Promise<{ accepted: string[]; durable: boolean } | undefined>;
  rerank(candidates: unknown[], options?: { slot?: string }): Promise<{ fellBack: string | false }>;
  explainLast(): Promise<{ slot: string; items: { id: string }[] } | undefined>;
};
type First = [{ format: string; events: { id: string }[] } | undefined, unknown, { url: string }[] | undefined];

test("the worker's lazily loaded readouts answer when they are a page's first calls: exportData, explainLast, requests", async ({ context }) => {
  // An earlier page stored one event.
  const earlier = await context.newPage();
  await earlier.goto('/test/lazy.html');
  await pzReady(earlier);
  const ack = await earlier.evaluate(() => {
    const pz = (window as unknown as { pz: Pz }).pz;
    pz.track({ id: 'lazy-1', type: 'view', item: { id: 'l1', category: 'home/kitchen' } });
    return pz.flush();
  });
  expect(ack?.durable).toBe(true);
  await earlier.close();

  // The next page asks the three readouts before anything else (queued before pz.js ran).
  const page = await context.newPage();
  await page.goto('/test/lazy.html?first');
  const [exported, last, requests] = await page.evaluate(() => (window as unknown as { __first: Promise<First> }).__first);
  expect(exported?.format).toBe('on-device-personalizer/export');
  expect(exported?.events.map((e) => e.id)).toEqual(['lazy-1']);
  expect(last).toBeUndefined();
  // The readouts' own file was fetched by the worker (its resource timing lists it), from pz-chunks/.
  expect(requests?.some((r) => /\/pz-chunks\/readouts-[\w-]+\.js$/.test(r.url))).toBe(true);

  // And explainLast, already loaded, reports the rerank that follows.
  const after = await page.evaluate(async () => {
    const pz = (window as unknown as { pz: Pz }).pz;
    const result = await pz.rerank(
      [
        { id: 'a', category: 'garden/tools' },
        { id: 'l1', category: 'home/kitchen' },
      ],
      { slot: 'lazy-slot' },
    );
    return { fellBack: result.fellBack, last: await pz.explainLast() };
  });
  expect(after.fellBack).toBe(false);
  expect(after.last?.slot).toBe('lazy-slot');
  expect(after.last?.items.map((i) => i.id).sort()).toEqual(['a', 'l1']);
});
