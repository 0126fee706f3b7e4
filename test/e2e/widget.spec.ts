import { expect, type Page, test } from '@playwright/test';
import { flushedEvents, pzReady, renderedFrames, storedEvents, watch } from './helpers';

const DB = 'pz-e2e-widget';
// Playwright's CSS locators pierce open shadow roots.
const cards = (page: Page) => page.locator('#recs [part~="card"]');
const state = (page: Page) => page.locator('#recs');

async function shownIds(page: Page): Promise<string[]> {
  return page.locator('#recs').evaluate((el) =>
    Array.from(el.shadowRoot!.querySelectorAll('[part~="card"]')).map((c) => {
      const href = c.getAttribute('href') ?? '';
      return href.includes('#p-') ? href.slice(href.indexOf('#p-') + 3) : (c.textContent ?? '');
    }),
  );
}

test('renders accessible cards from the src URL, with safe images and links, without leaving the origin', async ({ page, baseURL }) => {
  const seen = watch(page);
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');

  await expect(page.getByRole('heading', { name: 'Picked for you' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Picked for you' });
  await expect(list.getByRole('listitem')).toHaveCount(6);
  await expect(cards(page)).toHaveCount(6);
  await expect(page.getByRole('link', { name: /Cast-iron pan/ })).toHaveAttribute('href', `${baseURL}/test/widget.html#p-w1`);
  // A foreign URL is never linked: that card becomes a button.
  await expect(page.getByRole('button', { name: /Phone with a rather long name/ })).toBeVisible();
  await expect(page.locator('#recs [part~="price"]').first()).toHaveText(/€|EUR/);

  const images = await page.locator('#recs').evaluate((el) =>
    Array.from(el.shadowRoot!.querySelectorAll('img')).map((i) => i.getAttribute('src') ?? ''),
  );
  expect(images[0]).toBe(`${baseURL}/test/widget-item.svg`);
  // Same-origin, data: and https: image hosts (CDNs) are used; this page's CSP refuses the CDN, so
  // that card falls back to the local placeholder.
  expect(images.every((src) => src.startsWith(baseURL!) || src.startsWith('data:image/') || src.startsWith('https://cdn.example.com/'))).toBe(true);

  // Every card is visible and laid out at the themed size.
  await page.screenshot({ path: test.info().outputPath('widget.png'), fullPage: true });
  for (const box of await cards(page).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
    expect(box.width).toBeGreaterThanOrEqual(160);
    expect(box.height).toBe(240);
  }
  for (const card of await cards(page).all()) await expect(card).toBeVisible();

  expect(seen.errors).toEqual([]);
  // Nothing leaves the origin but the product image the server's candidate names.
  expect([...new Set(seen.requests.filter((u) => !u.startsWith(baseURL!) && !u.startsWith('data:')))]).toEqual([
    'https://cdn.example.com/sneaker.jpg',
  ]);
});

test('clicks are stored with slot and position, and the clicked category comes first after a reload', async ({ page }) => {
  const seen = watch(page);
  // The page's clock, so the clicks can be spaced in time without waiting; a minute behind, because the
  // worker (which this clock does not reach) clamps event times from its future to its now.
  await page.clock.install({ time: Date.now() - 60_000 });
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  expect((await shownIds(page))[0]).toBe('w1');

  const lipstick = page.getByRole('link', { name: /Red lipstick/ });
  for (let i = 0; i < 3; i++) {
    // The same click on the same item within 1 s is one event (dedupe), so space them out.
    if (i) await page.clock.fastForward(1100);
    await lipstick.click();
  }
  await pzReady(page);
  await page.evaluate(() => (window as unknown as { pz: { flush(): Promise<unknown> } }).pz.flush());

  const clicks = (await storedEvents(page, DB)).filter((e) => e.type === 'click') as unknown as {
    item: { id: string; category: string; image?: string };
    slot: string;
    position: number;
  }[];
  expect(clicks.map((e) => e.item.id)).toEqual(['w5', 'w5', 'w5']);
  expect(clicks[0]).toMatchObject({ slot: 'widget', position: 4, item: { category: 'beauty/lipstick', brand: 'Rouge' } });
  // Display-only fields never reach the stored profile.
  expect(clicks[0]!.item.image).toBeUndefined();

  await page.reload();
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  await expect.poll(async () => (await shownIds(page))[0]).toBe('w5');
  await expect(page.locator('#recs [part~="reason"]').first()).not.toBeEmpty();
  expect(seen.errors).toEqual([]);
});

test('cards at least half visible for a second are tracked as views of the widget slot, once each', async ({ page }) => {
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  await pzReady(page);
  const viewCount = async () => (await flushedEvents(page, DB)).filter((e) => e.type === 'view').length;
  await expect.poll(viewCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
  await renderedFrames(page);
  const views = (await flushedEvents(page, DB)).filter((e) => e.type === 'view') as unknown as {
    item: { id: string };
    slot: string;
    position: number;
  }[];
  expect(views.map((v) => `${v.item.id}@${v.position}`).sort()).toEqual(['w1@0', 'w2@1', 'w3@2', 'w4@3', 'w5@4', 'w6@5']);
  expect(views.every((v) => v.slot === 'widget')).toBe(true);
});

test('is one tab stop; arrow keys, Home and End move focus between cards and Enter follows the link', async ({ page }) => {
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  const ids = await shownIds(page);

  await page.locator('#before').focus();
  await page.keyboard.press('Tab');
  await expect(cards(page).nth(0)).toBeFocused();
  // The focus ring is visible.
  const outline = await cards(page).nth(0).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');

  await page.keyboard.press('ArrowRight');
  await expect(cards(page).nth(1)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(cards(page).nth(0)).toBeFocused();
  await page.keyboard.press('End');
  await expect(cards(page).nth(5)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(cards(page).nth(5)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(cards(page).nth(0)).toBeFocused();
  await page.keyboard.press('ArrowRight');

  // Tab leaves the list from the card that has focus; Shift+Tab comes back to that same card.
  await page.keyboard.press('Tab');
  await expect(page.locator('#after')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(cards(page).nth(1)).toBeFocused();

  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#p-${ids[5]}$`));
});

test('a card without a safe link is a button: Enter selects it and fires pz:select', async ({ page }) => {
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  await page.getByRole('button', { name: /Phone/ }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => (window as unknown as { __selected: string[] }).__selected)).toEqual(['w3']);
});

test('no layout shift while the loader and the candidates arrive late and the rerank replaces the server order', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/widget-slow.html');
  const below = await page.locator('#below').boundingBox();
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready', { timeout: 10_000 });
  await expect(cards(page)).toHaveCount(6);
  expect((await page.locator('#below').boundingBox())?.y).toBe(below?.y);
  await renderedFrames(page);
  expect(await page.evaluate(() => (window as unknown as { __shifts: unknown[] }).__shifts)).toEqual([]);
  // wait="0": the server order was shown first, then replaced by the reranked order, still without a shift.
  expect(await page.evaluate(() => (window as unknown as { __states: string[] }).__states)).toEqual(['loading', 'shown', 'ready']);
  expect(seen.errors).toEqual([]);
});

test('a <template> child replaces the card body and its fields are filled as text', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/widget-template.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  await expect(cards(page)).toHaveCount(3);
  const first = cards(page).first();
  await expect(first.locator('strong.t')).toHaveText('Cast-iron pan');
  await expect(first.locator('span.b')).toHaveText('Forge');
  await expect(first.locator('span.p')).toHaveText('39.50');
  await expect(first.locator('span.tags')).toHaveText('iron');
  await expect(first.locator('img')).toHaveAttribute('alt', '');
  expect(seen.errors).toEqual([]);
});

test('custom properties and ::part theme the cards', async ({ page }) => {
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  const style = () =>
    page.locator('#recs').evaluate((el) => {
      const root = el.shadowRoot!;
      return {
        bg: getComputedStyle(root.querySelector('[part~="card"]')!).backgroundColor,
        accent: getComputedStyle(root.querySelector('[part~="price"]')!).color,
        title: getComputedStyle(root.querySelector('[part~="title"]')!).textTransform,
      };
    });
  expect(await style()).toMatchObject({ bg: 'rgb(255, 255, 255)', title: 'none' });
  await page.locator('#recs').evaluate((el) => {
    el.style.setProperty('--pz-card-bg', 'rgb(1, 2, 3)');
    el.style.setProperty('--pz-accent', 'rgb(200, 0, 100)');
    el.classList.add('themed');
  });
  expect(await style()).toEqual({ bg: 'rgb(1, 2, 3)', accent: 'rgb(200, 0, 100)', title: 'uppercase' });
});

test('the candidates property overrides src and an unreachable src never throws into the page', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/widget.html');
  await pzReady(page);
  await page.evaluate(() => {
    const el = document.createElement('pz-recommendations') as HTMLElement & { candidates: unknown };
    el.id = 'bad';
    el.setAttribute('src', 'https://cdn.example.com/recs.json');
    document.body.append(el);
    const good = document.querySelector('#recs') as HTMLElement & { candidates: unknown };
    good.candidates = [{ id: 'x1', title: 'Only one', price: 1, category: 'a/b' }];
  });
  await expect(page.locator('#bad')).toHaveAttribute('data-pz-state', 'error');
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText('Only one');
  expect(seen.errors).toEqual([]);
});

test('candidates set by the page before pz.js has loaded are rendered after the upgrade', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/widget-early.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  await expect(cards(page)).toHaveText([/Early one/, /Early two/]);
  expect(seen.errors).toEqual([]);
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="red"/></svg>';

test('product images from a CDN are shown when the page CSP allows their host, without a referrer', async ({ page }) => {
  await page.route('**/test/widget.html', async (route) => {
    const res = await route.fetch();
    const csp = (res.headers()['content-security-policy'] ?? '').replace("img-src 'self' data:", "img-src 'self' data: https://cdn.example.com");
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
  });
  const referers: (string | undefined)[] = [];
  await page.route('https://cdn.example.com/**', (route) => {
    referers.push(route.request().headers().referer);
    return route.fulfill({ contentType: 'image/svg+xml', body: SVG });
  });
  await page.goto('/test/widget.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  const img = page.locator('#recs img[src="https://cdn.example.com/sneaker.jpg"]');
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(40);
  expect(referers.length).toBeGreaterThan(0);
  expect(referers.every((r) => r === undefined)).toBe(true);
});

test('{ "candidates": [...] } with numeric ids renders; exclude and the page product are left out; data-debug explains refused images', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await page.route('https://cdn.example.com/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: SVG }));
  await page.goto('/test/widget-debug.html');
  await expect(state(page)).toHaveAttribute('data-pz-state', 'ready');
  // Item 7 is the product this page shows, 9 is in exclude="9".
  await expect(cards(page)).toHaveText([/Trail sneaker/, /Chef knife/, /Garden trowel/]);
  // Prices: Intl.NumberFormat with the page's lang (de) and the currency attribute.
  await expect(cards(page).first().locator('[part~="price"]')).toHaveText(/^1\.234,50\s€$/);
  // The page CSP (img-src 'self' data:) blocks the CDN; the console says so, and why ftp: is refused.
  await expect.poll(() => warnings.join('\n')).toMatch(/image of item 8 did not load .*img-src must allow https:\/\/cdn\.example\.com/);
  expect(warnings.join('\n')).toMatch(/image of item 10 refused: only https:, same-origin and data:image\/ URLs are shown, not ftp:/);
});

test('a src answering something else than a candidate list says why, in the console and data-pz-error', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await page.goto('/test/widget.html');
  await pzReady(page);
  await page.evaluate(() => {
    const el = document.createElement('pz-recommendations');
    el.id = 'odd';
    el.setAttribute('src', '/test/widget-debug.html');
    document.body.append(el);
  });
  await expect(page.locator('#odd')).toHaveAttribute('data-pz-state', 'error');
  await expect(page.locator('#odd')).toHaveAttribute('data-pz-error', /must answer a JSON array of candidates or \{ "candidates": \[\.\.\.\] \}|not valid JSON/);
  expect(warnings.some((w) => w.startsWith('[pz] <pz-recommendations>:'))).toBe(true);
});

for (const width of [390, 1280]) {
  test(`the README reservation snippet holds the rendered height exactly: no layout shift at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/test/widget-rows.html', { waitUntil: 'domcontentloaded' });
    // pz.js arrives 600 ms late: this is the snippet's reservation.
    expect(await page.evaluate(() => customElements.get('pz-recommendations') === undefined)).toBe(true);
    const before = await page.locator('#below').boundingBox();
    await expect(page.locator('#recs')).toHaveAttribute('data-pz-state', 'ready', { timeout: 10_000 });
    await expect(page.locator('#plain')).toHaveAttribute('data-pz-state', 'ready');
    expect((await page.locator('#below').boundingBox())?.y).toBe(before?.y);
    const rows = (id: string) =>
      page.locator(id).evaluate((el) => new Set(Array.from(el.shadowRoot!.querySelectorAll('li')).map((li) => li.getBoundingClientRect().top)).size);
    expect(await rows('#recs')).toBe(2);
    expect(await rows('#plain')).toBe(1);
    const cls = await page.evaluate(() => (window as unknown as { __shifts: { value: number }[] }).__shifts.reduce((a, s) => a + s.value, 0));
    console.log(`widget CLS at ${width} px: ${cls.toFixed(3)}`);
    expect(cls).toBe(0);
  });
}

test("a widget without a heading is labelled from the site's translation for the page language, English otherwise", async ({ page }) => {
  await page.goto('/test/widget-de.html');
  // `de-CH` falls back to the file's `de` (test/e2e/pages/panel-messages.json).
  await expect(page.getByRole('list', { name: 'Empfohlene Produkte' })).toBeVisible();
  await page.goto('/test/widget.html');
  await page.evaluate(() => document.querySelector('#recs')!.removeAttribute('heading'));
  await expect(page.getByRole('list', { name: 'Recommended products' })).toBeVisible();
});
