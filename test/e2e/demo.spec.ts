import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Page, type Request, type TestInfo, expect, test } from '@playwright/test';
import { pzReady, storedEvents } from './helpers';

/**
 * The demo shop, shopped as a visitor would, on the production build: a category browsed leads the
 * home page's "Recommended for you", with reasons; the server-order switch shows the
 * server's exact order; reload keeps the profile; "Reset me" gives the server order and an empty
 * database. (That a bought one-off item is not offered again is a test of its own, skipped until the
 * library keeps it out of the list.) All the way: zero console errors, zero layout shifts, no tile
 * moves once visible, every first-screen photo from the shop's own origin, and a network drawer whose
 * verdict matches the requests Playwright saw. Screenshots at phone and desktop width are attached.
 */

const DB = 'on-device-personalizer';
const HOME = '[data-pz-rerank="home-recs"]';

interface Card {
  id: number;
  category: string;
  consumable: boolean;
}

/** Records layout shifts and tiles that move after they were visible (from the first script on). */
function recordStability(): void {
  type Shift = { value: number; hadRecentInput: boolean; sources: { node?: Node; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly }[] };
  const w = window as unknown as { __shifts: { value: number; input: boolean; what: string[] }[]; __moves: string[] };
  w.__shifts = [];
  w.__moves = [];
  const describeNode = (n: Node | undefined) => {
    const el = n instanceof Element ? n : n?.parentElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} "${(el.textContent ?? '').trim().slice(0, 30)}"` : '?';
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as unknown as Shift[]) {
      const what = e.sources.map((s) => `${describeNode(s.node)} ${Math.round(s.previousRect.y)}→${Math.round(s.currentRect.y)} h${Math.round(s.previousRect.height)}→${Math.round(s.currentRect.height)}`);
      w.__shifts.push({ value: e.value, input: e.hadRecentInput, what });
    }
  }).observe({ type: 'layout-shift', buffered: true });
  // Every frame: where each visible tile of a reranked list sits; a tile seen once must not move.
  const seen = new WeakMap<Element, { index: number; list: Element }>();
  const frame = () => {
    for (const el of Array.from(document.querySelectorAll('[data-pz-rerank] > [data-pz-item]'))) {
      const list = el.parentElement!;
      const index = Array.prototype.indexOf.call(list.children, el);
      const r = el.getBoundingClientRect();
      const visible = getComputedStyle(el).visibility === 'visible' && r.width > 0 && r.bottom > 0 && r.top < innerHeight;
      const before = seen.get(el);
      if (before && before.list === list && before.index !== index) {
        w.__moves.push(`${(el as HTMLElement).dataset.pzItem} ${before.index} -> ${index}`);
        seen.set(el, { index, list });
      } else if (visible && !before) seen.set(el, { index, list });
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Ids of a list's tiles in DOM order. */
const ids = (page: Page, list: string) => page.locator(`${list} > [data-pz-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.pzItem!));

/** Waits for the list to be reranked and returns its order; the personalizer must not have fallen back. */
async function order(page: Page, list: string): Promise<string[]> {
  await expect(page.locator(list)).toHaveAttribute('data-pz-ready', '', { timeout: 15_000 });
  expect(await page.locator(list).getAttribute('data-pz-fell-back'), `${list} fell back to the server order`).toBeNull();
  return ids(page, list);
}

interface Seen {
  url: string;
  method: string;
  body: string | null;
}

/** Every request of the page and its worker; `current()` gives those since the last document load. */
function watchNetwork(page: Page): { all: Seen[]; current: () => Seen[] } {
  const all: Seen[] = [];
  let start = 0;
  // The context sees the requests of the page's dedicated worker too (the page's own listener does not).
  page.context().on('request', (r: Request) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) start = all.length;
    all.push({ url: r.url(), method: r.method(), body: r.postData() });
  });
  return { all, current: () => all.slice(start) };
}

/** A screenshot attached to the test; the README's are also copied to PZ_DEMO_SCREENSHOTS when it is set. */
async function shot(page: Page, info: TestInfo, name: string, readme = false): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
  if (readme && process.env.PZ_DEMO_SCREENSHOTS) copyFileSync(path, join(process.env.PZ_DEMO_SCREENSHOTS, `${name}.png`));
}

/** Asserts every photo in the first screen has loaded, from the page's origin. */
async function firstScreenPhotos(page: Page, origin: string): Promise<void> {
  await expect
    .poll(() =>
      page.locator('main img').evaluateAll((imgs, o) => {
        const shown = (imgs as HTMLImageElement[]).filter((i) => {
          const r = i.getBoundingClientRect();
          return r.width > 0 && r.top < innerHeight && r.bottom > 0 && getComputedStyle(i).visibility === 'visible';
        });
        if (!shown.length) return 'no photo on the first screen';
        return shown
          .filter((i) => !(i.complete && i.naturalWidth > 0 && new URL(i.currentSrc).origin === o))
          .map((i) => i.currentSrc || i.src)
          .join(' ');
      }, origin),
    )
    .toBe('');
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function stability(page: Page): Promise<{ shifts: { value: number; input: boolean; what: string[] }[]; moves: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __shifts: { value: number; input: boolean; what: string[] }[]; __moves: string[] };
    return { shifts: w.__shifts, moves: w.__moves };
  });
}

test.describe('demo shop', () => {
  test.setTimeout(120_000);

  test('desktop journey: browse, buy, switch, reload, reset', async ({ page, baseURL }, info) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.addInitScript(recordStability);
    const errors = collectErrors(page);
    const net = watchNetwork(page);
    const origin = new URL(baseURL!).origin;
    const home = (await (await page.request.get('/api/home.json')).json()) as { recommended: Card[] };
    const serverOrder = home.recommended.map((c) => String(c.id));

    await page.goto('/');
    await pzReady(page);
    expect(await order(page, HOME)).toEqual(expect.arrayContaining(serverOrder));
    await firstScreenPhotos(page, origin);
    await shot(page, info, 'desktop-1-new-visitor', true);
    // The README's page-weight figure (printed by this test).
    const weight = await page.evaluate(() => {
      const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
      const kb = (es: PerformanceResourceTiming[]) => Math.round(es.reduce((s, e) => s + e.encodedBodySize, 0) / 1024);
      return { requests: all.length, kb: kb(all), photos: all.filter((e) => e.initiatorType === 'img').length, photoKb: kb(all.filter((e) => e.initiatorType === 'img')) };
    });
    console.log(`demo home at 1280 px, first screen: ${weight.requests} requests from the page, ${weight.kb} KB (${weight.photos} photos, ${weight.photoKb} KB), worker files not counted`);

    // Browse a category: three of its products, then buy a one-off item from it.
    await page.getByRole('link', { name: 'Browse shoes' }).click();
    const category = '[data-pz-rerank="category"]';
    const shoes = await order(page, category);
    await firstScreenPhotos(page, origin);
    const product = page.locator('[data-pz-page-item]');
    for (const id of [shoes[1], shoes[2], shoes[0]]) {
      await page.locator(`${category} > [data-pz-item="${id}"] a`).click();
      await expect(product).toHaveAttribute('data-pz-page-item', id!);
      if (id !== shoes[0]) {
        await page.goBack();
        await order(page, category);
      }
    }
    const bought = shoes[0]!;
    // "Similar items" and "Complete the look" never show the product on the page.
    await order(page, '[data-pz-rerank="similar"]');
    await expect(page.locator('[data-pz-rerank="similar"] > [data-pz-item]')).not.toHaveCount(0);
    await expect(page.locator(`[data-pz-rerank="similar"] > [data-pz-item="${bought}"], [data-pz-rerank="complete"] > [data-pz-item="${bought}"]`)).toHaveCount(0);
    await expect(product).toHaveAttribute('data-pz-category', 'fashion/mens-shoes');
    await expect(product).toHaveAttribute('data-pz-consumable', 'false');
    await product.locator('[data-pz-action="add-to-cart"]').click();
    await page.locator('#open-cart').click();
    await expect(page.locator('#cart-count')).toHaveText('1');
    await page.locator('#to-checkout').click();
    await page.locator('#place-order').click();
    await expect(page.getByRole('heading', { name: /order placed/ })).toBeVisible();
    await expect
      .poll(async () => (await storedEvents(page, DB)).filter((e) => e.type === 'purchase' && e.item?.id === bought).length, { timeout: 15_000 })
      .toBe(1);

    // Home now leads with the category, with a reason.
    await page.locator('.logo').click();
    const personal = await order(page, HOME);
    const firstRow = page.locator(`${HOME} > [data-pz-item]:nth-child(-n + 6)`);
    await expect(page.locator(`${HOME} > [data-pz-item]`).first()).toHaveAttribute('data-pz-category', /\/mens-shoes$/);
    await expect(firstRow.and(page.locator('[data-pz-category$="/mens-shoes"][data-pz-reason]')).first()).toBeVisible();
    await firstScreenPhotos(page, origin);
    await shot(page, info, 'desktop-2-personalized');

    // "Why this order?" shows the server's and the device's positions.
    await page.locator('#toggle-why').click();
    const shoe = firstRow.and(page.locator('[data-pz-category$="/mens-shoes"]')).first();
    const shoeAt = personal.indexOf((await shoe.getAttribute('data-pz-item'))!);
    const shoeFrom = serverOrder.indexOf((await shoe.getAttribute('data-pz-item'))!);
    await expect(shoe.locator('.tile-why')).toBeVisible();
    await expect(shoe.locator('.tile-why')).toHaveText(shoeAt === shoeFrom ? `Server #${shoeFrom + 1} · stays #${shoeAt + 1}` : new RegExp(`^Server #${shoeFrom + 1} → #${shoeAt + 1} here`));
    await shot(page, info, 'desktop-3-why-this-order', true);
    await page.locator('#toggle-why').click();

    // "What your browser learned" shows the interest.
    await expect(page.locator('.hero .learned .bars li').first()).toContainText("Men's shoes");

    // Server order: exactly what the server sent.
    await page.locator('[data-mode="server"]').click();
    expect(await order(page, HOME)).toEqual(serverOrder);
    await page.locator('[data-mode="personal"]').click();
    await order(page, HOME);
    await expect(firstRow.and(page.locator('[data-pz-category$="/mens-shoes"]')).first()).toBeVisible();

    // Reload keeps the profile.
    const beforeReload = await stability(page);
    await page.reload();
    await pzReady(page);
    await order(page, HOME);
    // Reranks may differ in detail (exploration, learning), not in what the profile holds.
    await expect(firstRow.and(page.locator('[data-pz-category$="/mens-shoes"]')).first()).toBeVisible();
    expect(personal.length).toBe(serverOrder.length);
    await firstScreenPhotos(page, origin);

    // The network drawer's verdict matches what Playwright saw for this document.
    await page.locator('#open-network').click();
    const verdict = page.locator('#network-verdict');
    await expect(verdict).toHaveText(/^Nothing about you was sent: \d+ requests/);
    await expect(page.locator('#network-reports')).toContainText('off on this shop');
    const rows = await page.locator('#network-body tr[data-path]').count();
    expect((await verdict.textContent())?.match(/(\d+) requests/)?.[1]).toBe(String(rows));
    for (const r of net.all) {
      const u = new URL(r.url);
      if (u.protocol === 'data:') continue;
      expect(u.origin, r.url).toBe(origin);
      expect(r.method, r.url).toBe('GET');
      expect(r.body, r.url).toBeNull();
      expect(u.search, r.url).toBe('');
    }
    // Every request of this document and its worker is in the drawer (the worker's from its own log,
    // which the drawer reads again while open: the learner's chunk may load after it opened).
    const listedPaths = () => page.locator('#network-body tr[data-path]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')!));
    const unlisted = async () => {
      const listed = new Set(await listedPaths());
      return net
        .current()
        .map((r) => new URL(r.url).pathname)
        .filter((p) => !listed.has(p));
    };
    // The worker imports the learner's chunk by itself: the drawer lists it too, once Playwright saw it.
    await expect.poll(() => net.current().some((r) => new URL(r.url).pathname.startsWith('/pz-chunks/learner-')), { timeout: 30_000 }).toBe(true);
    await expect.poll(unlisted, { message: 'requests the drawer does not list', timeout: 20_000 }).toEqual([]);
    await expect(page.locator('#network-body tr[data-path^="/pz-chunks/learner-"]')).toContainText('worker');
    await expect(page.locator('#network-body tr[data-path="/site/segments.json"]')).toContainText('worker');
    await expect(verdict).toHaveText(/^Nothing about you was sent: \d+ requests/);
    expect((await verdict.textContent())?.match(/(\d+) requests/)?.[1]).toBe(String(await page.locator('#network-body tr[data-path]').count()));
    const listed = new Set(await listedPaths());
    // And the drawer lists nothing Playwright did not see.
    const seenPaths = new Set(net.all.map((r) => new URL(r.url).pathname));
    expect([...listed].filter((p) => !seenPaths.has(p))).toEqual([]);
    expect(await page.locator('#network-body tr.unexpected').count()).toBe(0);
    await shot(page, info, 'desktop-4-network', true);
    await page.keyboard.press('Escape');

    // Reset me: the server's order and an empty database.
    await page.locator('#reset').click();
    await expect.poll(() => storedEvents(page, DB), { timeout: 15_000 }).toEqual([]);
    await expect.poll(() => ids(page, `${HOME}[data-pz-ready]`), { timeout: 15_000 }).toEqual(serverOrder);
    await expect(page.locator('#cart-count')).toHaveText('0');

    const after = await stability(page);
    expect([...beforeReload.shifts, ...after.shifts], 'layout shifts').toEqual([]);
    expect([...beforeReload.moves, ...after.moves], 'tiles that moved after they were visible').toEqual([]);
    expect(errors).toEqual([]);
  });

  // Skipped until the library demotes a bought one-off item out of a list that is personalised at strength 1:
  // after the #14 item 3 fix the category does lead and "Buy again" is gone, but the bought pair of shoes
  // still comes back at #1 or #2 ("Exploring something new", or on its category's affinity).
  test('a bought one-off item is not offered again', async ({ page }) => {
    await page.goto('/#/c/mens-shoes');
    await pzReady(page);
    const category = '[data-pz-rerank="category"]';
    const shoes = await order(page, category);
    const product = page.locator('[data-pz-page-item]');
    for (const id of [shoes[1], shoes[2], shoes[0]]) {
      await page.locator(`${category} > [data-pz-item="${id}"] a`).click();
      await expect(product).toHaveAttribute('data-pz-page-item', id!);
      if (id !== shoes[0]) {
        await page.goBack();
        await order(page, category);
      }
    }
    const bought = shoes[0]!;
    await product.locator('[data-pz-action="add-to-cart"]').click();
    await page.locator('#open-cart').click();
    await page.locator('#to-checkout').click();
    await page.locator('#place-order').click();
    await expect
      .poll(async () => (await storedEvents(page, DB)).filter((e) => e.type === 'purchase' && e.item?.id === bought).length, { timeout: 15_000 })
      .toBe(1);
    await page.locator('.logo').click();
    const shown = await order(page, HOME);
    await expect(page.locator(`${HOME} > [data-pz-item]`).first()).toHaveAttribute('data-pz-category', /\/mens-shoes$/);
    await expect(page.locator(`${HOME} > [data-pz-item="${bought}"]`)).not.toHaveAttribute('data-pz-reason', /buy again/i);
    expect(shown.indexOf(bought), 'position of the bought one-off item').toBeGreaterThanOrEqual(12);
  });

  test('tour, keyboard, a sort the shopper picks, dark mode', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const errors = collectErrors(page);
    await page.goto('/');
    await pzReady(page);
    await order(page, HOME);

    // Keyboard: the first Tab reaches "Skip to content", which moves focus to the page's main content.
    await page.keyboard.press('Tab');
    await expect(page.locator('.skip')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#main')).toBeFocused();

    // The three-step tour: shoes, add to cart, home.
    await page.locator('#start-tour').click();
    const tour = page.locator('#tour');
    await expect(tour).toContainText('Step 1 of 3');
    await tour.getByRole('button', { name: 'Show me shoes' }).click();
    const category = '[data-pz-rerank="category"]';
    await order(page, category);
    await page.locator(`${category} > [data-pz-item] a`).first().click();
    await expect(tour).toContainText('Step 2 of 3');
    await page.locator('[data-pz-page-item] [data-pz-action="add-to-cart"]').click();
    await expect(tour).toContainText('Step 3 of 3');
    await tour.getByRole('button', { name: 'Go home' }).click();
    await expect(tour).toBeHidden();
    await order(page, HOME);

    // A sort the shopper picks is theirs: not a personalised slot, in exactly that order.
    await page.goto('/#/c/fashion');
    await order(page, category);
    await page.getByLabel('Sort').selectOption('price-asc');
    const sorted = page.locator('.listing > ul');
    await expect(sorted).not.toHaveAttribute('data-pz-rerank', /.*/);
    const prices = await sorted.locator('> [data-pz-item]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.pzPrice)));
    expect(prices.length).toBeGreaterThan(10);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));

    // Dark mode follows the system setting.
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect((r! + g! + b!) / 3, `background ${bg}`).toBeLessThan(60);
    expect(errors).toEqual([]);
  });

  test('phone: shop, search and the drawer at 390 px', async ({ page, baseURL }, info) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.addInitScript(recordStability);
    const errors = collectErrors(page);
    const origin = new URL(baseURL!).origin;
    await page.goto('/');
    await pzReady(page);
    await order(page, HOME);
    await firstScreenPhotos(page, origin);
    await shot(page, info, 'phone-1-home', true);

    // The dock fits the screen: every control inside it, none overlapping the next.
    const box = (await page.locator('.dock').boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= 390).toBe(true);
    const dock = await page.locator('.dock button:visible').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect()).map((r) => [r.left, r.right]));
    dock.forEach(([l, r], i) => {
      expect(l! >= box.x && r! <= box.x + box.width, `dock button at ${l}-${r}`).toBe(true);
      if (i > 0) expect(l!, 'dock buttons overlap').toBeGreaterThanOrEqual(dock[i - 1]![1]! - 0.5);
    });

    await page.locator('#search-q').fill('watch');
    await page.locator('#search-q').press('Enter');
    const results = await order(page, '[data-pz-rerank="search"]');
    expect(results.length).toBeGreaterThan(3);
    await firstScreenPhotos(page, origin);
    await page.locator('[data-pz-rerank="search"] > [data-pz-item] a').first().click();
    await expect(page.locator('[data-pz-page-item]')).toBeVisible();
    await expect
      .poll(async () => (await storedEvents(page, DB)).filter((e) => e.type === 'search').length, { timeout: 15_000 })
      .toBe(1);
    await page.locator('.logo').click();
    await order(page, HOME);
    await page.locator('#toggle-why').click();
    await expect(page.locator(`${HOME} .tile-why`).first()).toBeVisible();
    await shot(page, info, 'phone-2-after-search', true);
    await page.locator('#toggle-why').click();
    await page.locator('#open-network').click();
    await expect(page.locator('#network-verdict')).toHaveText(/^Nothing about you was sent/);
    await shot(page, info, 'phone-3-network');

    const { shifts, moves } = await stability(page);
    expect(shifts, 'layout shifts').toEqual([]);
    expect(moves, 'tiles that moved after they were visible').toEqual([]);
    expect(errors).toEqual([]);
  });
});
