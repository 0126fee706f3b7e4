import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { pzReady, storedEvents, watch } from './helpers';
import type { Personalizer } from '../../src/client/personalizer';

const DB = 'pz-e2e-panel';

/**
 * Tracks three clicks (two lipsticks, one pot) through the public API and waits until they are
 * durable. Through the API rather than captured tiles: visible tiles would add view events on a timer.
 */
let round = 0;
/** Three clicks; each round uses its own items, so the 1-second duplicate rule never merges rounds. */
async function clickItems(page: Page): Promise<void> {
  await pzReady(page);
  round++;
  await page.evaluate((r) => {
    const pz = (window as unknown as { pz: Personalizer }).pz;
    pz.track({ type: 'click', item: { id: `p1-${r}`, category: 'beauty/lipstick', brand: 'Rouge', price: 10 } });
    pz.track({ type: 'click', item: { id: `p2-${r}`, category: 'beauty/lipstick', brand: 'Rouge', price: 14 } });
    pz.track({ type: 'click', item: { id: `p3-${r}`, category: 'home/kitchen', brand: 'Forge', price: 30 } });
    return pz.flush();
  }, round);
}

const summary = (page: Page) => page.locator('#panel [part~="summary"]');
const status = (page: Page) => page.getByRole('status');

test('shows what is stored: event count, top categories and brands, and the consent state', async ({ page, baseURL }) => {
  const seen = watch(page);
  await page.goto('/test/panel.html');
  await expect(page.getByRole('heading', { name: 'Your data on this device' })).toBeVisible();
  await clickItems(page);
  await expect(summary(page)).toContainText(/Stored events\s*3/);
  const interests = page.locator('#panel [part~="interests"]');
  await expect(interests).toContainText('Beauty › Lipstick');
  await expect(interests).toContainText('Rouge');
  await expect(page.getByRole('img', { name: /Top interests: Beauty › Lipstick \d+ %/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('panel.png') });
  await expect(page.getByRole('switch', { name: 'Personalisation' })).toHaveAttribute('aria-checked', 'true');
  expect(seen.errors).toEqual([]);
  expect(seen.requests.filter((u) => !u.startsWith(baseURL!))).toEqual([]);
});

test('"Download my data" downloads a JSON file holding the stored events', async ({ page }) => {
  await page.goto('/test/panel.html');
  await clickItems(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('my-shopping-data.json');
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    format: string;
    events: { type: string; item: { id: string } }[];
  };
  expect(data.format).toBe('on-device-personalizer/export');
  expect(data.events.filter((e) => e.type === 'click').map((e) => e.item.id.replace(/-\d+$/, ''))).toEqual(['p1', 'p2', 'p3']);
  await expect(status(page)).toContainText('Downloaded 3 events');
});

test('"Erase everything" asks inside the panel, then empties IndexedDB and says so', async ({ page }) => {
  await page.goto('/test/panel.html');
  await clickItems(page);
  expect(await storedEvents(page, DB)).toHaveLength(3);

  const erase = page.getByRole('button', { name: 'Erase everything' });
  // Cancel (also the focused, safe choice) keeps everything.
  await erase.click();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Yes, erase' })).toBeHidden();
  await expect(erase).toBeFocused();
  expect(await storedEvents(page, DB)).toHaveLength(3);

  // Keyboard only: Enter opens the confirmation, Shift+Tab reaches "Yes, erase".
  await page.keyboard.press('Enter');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: 'Yes, erase' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(status(page)).toHaveText('Everything stored on this device was erased.');
  await expect(summary(page)).toContainText(/Stored events\s*0/);
  expect(await storedEvents(page, DB)).toEqual([]);
});

test('turning consent off stops new events being stored', async ({ page }) => {
  await page.goto('/test/panel.html');
  await clickItems(page);
  const toggle = page.getByRole('switch', { name: 'Personalisation' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(status(page)).toContainText('Personalisation is off');
  expect(await page.evaluate(() => (window as unknown as { pz: { consent(): string } }).pz.consent())).toBe('denied');

  await clickItems(page);
  expect(await storedEvents(page, DB)).toHaveLength(3);

  await toggle.press('Space');
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await clickItems(page);
  expect(await storedEvents(page, DB)).toHaveLength(6);
});

test('custom properties theme the panel', async ({ page }) => {
  await page.goto('/test/panel.html');
  await pzReady(page);
  const bg = () => page.locator('#panel [part~="panel"]').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await bg()).toBe('rgb(255, 255, 255)');
  await page.locator('#panel').evaluate((el) => el.style.setProperty('--pz-card-bg', 'rgb(9, 8, 7)'));
  expect(await bg()).toBe('rgb(9, 8, 7)');
});

test('the shopper\'s "off" holds on the next page and in every tab until they switch it on', async ({ context, page }) => {
  const consentOf = (p: Page) => p.evaluate(() => (window as unknown as { pz: { consent(): string } }).pz.consent());
  await page.goto('/test/panel.html');
  await clickItems(page);
  const other = await context.newPage();
  await other.goto('/test/panel.html');
  await pzReady(other);
  expect(await consentOf(other)).toBe('granted');

  await page.getByRole('switch', { name: 'Personalisation' }).click();
  // The other tab hears of it at once…
  await expect.poll(() => consentOf(other)).toBe('denied');
  await expect(other.getByRole('switch', { name: 'Personalisation' })).toHaveAttribute('aria-checked', 'false');
  // …and the next page starts with it, before anything is written.
  await page.reload();
  await clickItems(page);
  expect(await consentOf(page)).toBe('denied');
  await expect(page.getByRole('switch', { name: 'Personalisation' })).toHaveAttribute('aria-checked', 'false');
  expect(await storedEvents(page, DB)).toHaveLength(3);

  // Switching it on again (in the other tab) is remembered the same way.
  await other.getByRole('switch', { name: 'Personalisation' }).click();
  await expect.poll(() => consentOf(page)).toBe('granted');
  await page.reload();
  expect(await consentOf(page)).toBe('granted');
  await clickItems(page);
  expect(await storedEvents(page, DB)).toHaveLength(6);
});

type Api = Personalizer;
const api = <T>(page: Page, fn: (pz: Api) => T | Promise<T>) =>
  page.evaluate(`(${fn.toString()})(window.pz)`) as Promise<T>;
const CANDIDATES = [
  { id: 'c-pot', category: 'home/kitchen', brand: 'Other', price: 30 },
  { id: 'c-lip', category: 'beauty/lipstick', brand: 'Other', price: 12 },
  { id: 'c-x', category: 'garden/tools', price: 20 },
];
/** Clicks plus three lipstick add-to-carts, so lipstick is clearly the strongest interest. */
async function lipstickFan(page: Page): Promise<void> {
  await clickItems(page);
  await page.evaluate((r) => {
    const pz = (window as unknown as { pz: Personalizer }).pz;
    for (let i = 0; i < 3; i++) pz.track({ type: 'add_to_cart', item: { id: `lip-${r}-${i}`, category: 'beauty/lipstick', price: 11 } });
    return pz.flush();
  }, round);
}
const order = (page: Page) =>
  page.evaluate(async (c) => {
    const r = await (window as unknown as { pz: Personalizer }).pz.rerank(c, { slot: 'home', personalization: 1, diversity: 0 });
    return { ids: r.items.map((i) => i.id), fellBack: r.fellBack };
  }, CANDIDATES);

test('removing an interest changes the next rerank and survives a reload', async ({ page }) => {
  await page.goto('/test/panel.html');
  await lipstickFan(page);
  expect((await order(page)).ids[0]).toBe('c-lip');
  await page.getByRole('button', { name: 'Remove Beauty › Lipstick' }).click();
  await expect(status(page)).toContainText('Beauty › Lipstick was removed');
  await expect(page.locator('#panel [part~="removed"]')).toContainText('Beauty › Lipstick');
  await expect(page.locator('#panel [part~="interests"]')).not.toContainText('Lipstick');
  expect((await order(page)).ids[0]).toBe('c-pot');
  const corrections = (requests: { url: string }[] | undefined) => requests?.some((r) => /\/pz-chunks\/corrections-[\w-]+\.js$/.test(r.url)) === true;
  expect(corrections(await api(page, (pz) => pz.requests()))).toBe(true);
  await page.reload();
  await clickItems(page); // new lipstick clicks do not bring it back
  expect((await order(page)).ids[0]).toBe('c-pot');
  // The stored removal is applied at start: the corrections' own file is fetched only to change the list.
  expect(corrections(await api(page, (pz) => pz.requests()))).toBe(false);
  await expect(page.locator('#panel [part~="interests"]')).not.toContainText('Lipstick');
  // Restoring lets new events count again.
  await page.getByRole('button', { name: 'Restore Beauty › Lipstick' }).click();
  await clickItems(page);
  await expect(page.locator('#panel [part~="interests"]')).toContainText('Beauty › Lipstick');
});

test('pause gives the exact server order, keeps recording events, and holds across a reload', async ({ page }) => {
  await page.goto('/test/panel.html');
  await lipstickFan(page);
  expect((await order(page)).ids).not.toEqual(CANDIDATES.map((c) => c.id));
  await page.getByRole('button', { name: 'Pause personalisation' }).click();
  await expect(summary(page)).toContainText('Paused');
  expect(await order(page)).toEqual({ ids: CANDIDATES.map((c) => c.id), fellBack: 'paused' });
  await clickItems(page);
  expect(await storedEvents(page, DB)).toHaveLength(9);
  await page.reload();
  await pzReady(page);
  expect(await order(page)).toEqual({ ids: CANDIDATES.map((c) => c.id), fellBack: 'paused' });
  expect((await api(page, (pz) => pz.exportData()))?.paused).toBe(true);
  await page.getByRole('button', { name: 'Resume personalisation' }).click();
  expect((await order(page)).ids[0]).toBe('c-lip');
});

test('"why these items" explains the last reranked slot in words; the timeline lists recent events', async ({ page }) => {
  await page.goto('/test/panel.html');
  await lipstickFan(page);
  await order(page);
  const why = page.locator('#panel [part~="why"] li');
  await expect(why).toHaveCount(3);
  await expect(why.first()).toContainText(/^c-lip: .+ \(moved from 2 to 1\)$/);
  await expect(page.getByRole('heading', { name: 'Why these items (Home)' })).toBeVisible();
  await expect(page.locator('#panel [part~="timeline"] li').first()).toContainText('Added to cart lip-');
});

test('a page CSS reset cannot collapse the panel; state is in words; no segments after erase', async ({ page }) => {
  await page.goto('/test/panel.html');
  await page.addStyleTag({ url: '/test/reset.css' });
  await clickItems(page);
  const padding = await page.locator('#panel [part~="panel"]').evaluate((el) => getComputedStyle(el).paddingLeft);
  expect(Number.parseFloat(padding)).toBeGreaterThan(4);
  const toggle = page.getByRole('switch', { name: 'Personalisation' });
  await expect(toggle).toHaveText('PersonalisationOn');
  await expect(page.locator('#panel [part~="segments"]')).toContainText('New: first seen');
  await page.getByRole('button', { name: 'Erase everything' }).click();
  await page.getByRole('button', { name: 'Yes, erase' }).click();
  await expect(summary(page)).toContainText(/Stored events\s*0/);
  await expect(page.locator('#panel [part~="segments"]')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveText('PersonalisationOff');
});

test('the panel passes an axe-core check with zero violations, on and off', async ({ page }) => {
  await page.goto('/test/panel.html');
  await clickItems(page);
  await order(page);
  await expect(page.locator('#panel [part~="why"] li')).toHaveCount(3);
  const check = async () => (await new AxeBuilder({ page }).include('#panel').analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(await check()).toEqual([]);
  await page.getByRole('button', { name: 'Erase everything' }).click();
  expect(await check()).toEqual([]);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('switch', { name: 'Personalisation' }).click();
  expect(await check()).toEqual([]);
});

test('a site translation (data-messages, picked by <html lang>) translates the panel; missing keys stay English', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/panel-de-CH.html');
  // `de-CH` falls back to the file's `de`.
  await expect(page.getByRole('heading', { name: 'Ihre Daten auf diesem Gerät' })).toBeVisible();
  await clickItems(page);
  await expect(summary(page)).toContainText(/Gespeicherte Ereignisse\s*3/);
  await expect(page.locator('#panel [part~="interests"]')).toContainText(/Rouge \(Marke, \d+ %\)/);
  await expect(page.getByRole('button', { name: 'Meine Daten herunterladen' })).toBeVisible();
  await expect(page.getByRole('switch', { name: 'Personalisierung' })).toHaveAttribute('aria-checked', 'true');
  // Keys the file does not give keep their English text.
  await expect(page.getByRole('button', { name: 'Pause personalisation' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your top interests' })).toBeVisible();
  await page.getByRole('button', { name: 'Alles löschen' }).click();
  await expect(page.getByRole('group', { name: 'Alle Ereignisse, Ihr Profil und das gelernte Modell auf diesem Gerät löschen?' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Yes, erase' })).toBeVisible();
  const violations = (await new AxeBuilder({ page }).include('#panel').analyze()).violations.map((v) => v.id);
  expect(violations).toEqual([]);
  expect(seen.errors).toEqual([]);
});

test('a page language the translation file lacks keeps the English defaults', async ({ page }) => {
  await page.goto('/test/panel-fr.html');
  await clickItems(page);
  await expect(summary(page)).toContainText(/Stored events\s*3/);
  await expect(page.getByRole('heading', { name: 'Your data on this device' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download my data' })).toBeVisible();
  await expect(page.locator('#panel [part~="interests"]')).toContainText(/Rouge \(brand, \d+ %\)/);
});

test("the panel's ids stay in its shadow root: a page's own id=\"q\" and id=\"h\" neither collide nor relabel it", async ({ page }) => {
  await page.goto('/test/panel-fr.html');
  await pzReady(page);
  await page.getByRole('button', { name: 'Erase everything' }).click();
  // The confirmation is named by the panel's own question, not by the page's paragraph with the same id.
  await expect(page.getByRole('group', { name: /^Erase every event, your profile/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Your data on this device' })).toBeVisible();
  const light = await page.evaluate(() => ({
    q: document.querySelectorAll('[id="q"]').length,
    h: document.querySelectorAll('[id="h"]').length,
    text: document.getElementById('q')?.textContent,
  }));
  expect(light).toEqual({ q: 1, h: 1, text: "The page's own paragraph" });
});
