import { expect, test } from '@playwright/test';
import { pzReady } from './helpers';

type Reranks = { top: string[]; below: string[] };
const reranks = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __reranks: Reranks }).__reranks);

test('a slot that fell back is reranked when the worker is ready, unless the shopper already saw it', async ({ page }) => {
  await page.goto('/test/late.html');
  await pzReady(page);
  // Both slots fall back at once: the worker is still on its way.
  await expect.poll(async () => (await reranks(page)).top.length + (await reranks(page)).below.length).toBe(2);
  const first = await reranks(page);
  expect(first.top[0]).toMatch(/worker start timed out/);
  expect(first.below[0]).toMatch(/worker start timed out/);
  // The worker becomes ready: the slot below the fold (never seen) is reranked once, personally.
  await page.evaluate(() => (window as unknown as { pz: { profile(): Promise<unknown> } }).pz.profile());
  await expect.poll(async () => (await reranks(page)).below, { timeout: 15_000 }).toEqual([first.below[0], 'personal']);
  await expect(page.locator('#below')).not.toHaveAttribute('data-pz-fell-back');
  // The slot in view for more than 300 ms keeps the order the shopper saw.
  expect((await reranks(page)).top).toEqual([first.top[0]]);
  await expect(page.locator('#top')).toHaveAttribute('data-pz-fell-back', /worker start timed out/);
});
