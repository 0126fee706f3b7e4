/** A hostile page (comlink's attack-fixture idea): the library's own elements stay clean. */
import { expect, test } from '@playwright/test';
import { pzReady } from './helpers';

test('a polluted Object.prototype puts no on* or other attributes on the elements the library builds (defect 11, h())', async ({ page }) => {
  await page.goto('/test/hostile-proto.html');
  await pzReady(page);
  // Wait until both elements have built their shadow content.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const panel = document.querySelector('pz-privacy-panel')?.shadowRoot;
        const recs = document.querySelector('pz-recommendations')?.shadowRoot;
        return (panel?.querySelectorAll('button').length ?? 0) > 0 && (recs?.querySelectorAll('[part~="card"]').length ?? 0) > 0;
      }),
    )
    .toBe(true);
  const polluted = await page.evaluate(() => {
    const out: string[] = [];
    for (const host of document.querySelectorAll('pz-privacy-panel, pz-recommendations')) {
      for (const el of host.shadowRoot?.querySelectorAll('*') ?? []) {
        for (const a of el.getAttributeNames()) if (a.startsWith('on') || a === 'data-polluted') out.push(`${el.tagName.toLowerCase()}[${a}]`);
      }
    }
    return out;
  });
  expect(polluted).toEqual([]);
  await page.locator('pz-privacy-panel').getByRole('button').first().click();
  expect(await page.evaluate(() => (window as unknown as { __pzRan: number }).__pzRan)).toBe(0);
});
