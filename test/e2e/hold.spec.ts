import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { lipstickShopper } from './helpers';

/** Records, every frame from the start, the slot's computed visibility, whether it is marked ready, and its order. */
function watchSlotFrames(): void {
  const w = window as unknown as { __frames: { visible: boolean; ready: boolean; order: string }[] };
  w.__frames = [];
  const tick = () => {
    const slot = document.getElementById('slot');
    if (slot) {
      const order = Array.from(slot.querySelectorAll<HTMLElement>('[data-pz-item]'), (e) => e.dataset.pzItem).join(',');
      w.__frames.push({ visible: getComputedStyle(slot).visibility === 'visible', ready: slot.hasAttribute('data-pz-ready'), order });
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
type Frame = { visible: boolean; ready: boolean; order: string };
const frames = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __frames: Frame[] }).__frames);

test('the README snippet: a slot is first shown in the order the device gave it, and anyway after its deadline', async ({ page }) => {
  const css = readFileSync('test/e2e/pages/hold.css', 'utf8').trim().split('\n');
  const readme = readFileSync('README.md', 'utf8');
  for (const rule of css) expect(readme).toContain(rule);

  // A shopper who likes lipstick.
  await lipstickShopper(page, '/test/hold.html');
  await page.addInitScript(watchSlotFrames);
  await page.reload();
  await expect(page.locator('#slot')).toHaveAttribute('data-pz-ready', '');
  await expect.poll(async () => (await frames(page)).some((f) => f.visible)).toBe(true);
  const seen = (await frames(page)).filter((f) => f.visible);
  // Never visible before it was ordered, and first visible in the personal order (lipstick first).
  expect(seen.every((f) => f.ready)).toBe(true);
  expect(seen[0]?.order.startsWith('h3')).toBe(true);
  expect(seen.at(-1)?.order).toBe(seen[0]?.order);

  // Where the library never runs (blocked, offline), the slot shows in the server order after the deadline.
  await page.route('**/pz.js', (route) => route.abort());
  await page.reload();
  await expect.poll(async () => (await frames(page)).some((f) => f.visible), { timeout: 10_000 }).toBe(true);
  const blocked = await frames(page);
  expect(blocked[0]?.visible).toBe(false);
  expect(blocked.find((f) => f.visible)).toEqual({ visible: true, ready: false, order: 'h1,h2,h3' });
});
