import { expect, test } from '@playwright/test';
import { pzReady, storedEvents, watch } from './helpers';

test('clicks persist in IndexedDB and reorder the slot after a reload, with queued calls replayed in order', async ({ page, baseURL }) => {
  const seen = watch(page);
  await page.goto('/test/store.html');
  await pzReady(page);
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-ready', '');

  for (const id of ['g1', 'g2', 'g3']) await page.click(`[data-pz-item="${id}"]`);
  await page.evaluate(() => (window as unknown as { pz: { flush(): Promise<unknown> } }).pz.flush());

  const events = await storedEvents(page, 'pz-e2e');
  const ids = events.map((e) => e.id);
  // Queued before load, replayed in order, before anything the page did later.
  expect(ids.indexOf('queued-1')).toBeGreaterThanOrEqual(0);
  expect(ids.indexOf('queued-1')).toBeLessThan(ids.indexOf('queued-2'));
  expect(await page.evaluate(() => (window as unknown as { __order: string[] }).__order)).toEqual([
    'fn-after-first',
    'fn-after-second:function',
  ]);
  const clicks = events.filter((e) => e.type === 'click').map((e) => e.item?.id);
  expect(clicks).toEqual(['g1', 'g2', 'g3']);

  await page.reload();
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-ready', '');
  // Three clicks on Rouge lipsticks lift the Rouge lipstick (server position 5) into the top two, with a
  // reason; the server's first item may keep its place (the shopper also viewed kitchen items, and the
  // blend bends the server order only as far as the evidence goes).
  const lipstick = page.locator('#recs > li[data-pz-item="r5"]');
  await expect(lipstick).toHaveAttribute('data-pz-reason', /.+/);
  const order = await page.locator('#recs > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-pz-item')));
  expect(order.indexOf('r5')).toBeLessThanOrEqual(1);

  expect(seen.errors).toEqual([]);
  const foreign = seen.requests.filter((u) => !u.startsWith(baseURL!));
  expect(foreign).toEqual([]);
});
