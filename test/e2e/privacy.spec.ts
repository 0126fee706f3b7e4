import { expect, test } from '@playwright/test';
import { flushedEvents, pzReady, storedEvents } from './helpers';

/**
 * The privacy promise, tested: a shopper browses the demo storefront (views, clicks, cart, purchase,
 * search) and every request the page and its worker make is watched. Only the site's own static
 * files are fetched, with GET, and no request carries anything the shopper did.
 */
test('no personal data leaves the browser while shopping the demo storefront', async ({ context, page, baseURL }) => {
  const requests: { url: string; method: string; body: string | null }[] = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData() }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/');
  await pzReady(page);
  await expect(page.locator('[data-pz-rerank="home-recs"] > li').first()).toBeVisible();
  // Tiles seen for a second become view events.
  await expect.poll(async () => (await flushedEvents(page, 'on-device-personalizer')).some((e) => e.type === 'view'), { timeout: 10_000 }).toBe(true);
  const first = page.locator('[data-pz-rerank="home-recs"] > li a').first();
  const title = (await first.locator('.tile-title').textContent()) ?? '';
  await first.click();
  await page.locator('[data-pz-page-item] [data-pz-action="add-to-cart"]').click();
  await page.locator('[data-pz-page-item] [data-pz-action="favorite"]').click();
  await page.goBack();
  await page.fill('#search-q', 'secret lipstick');
  await page.press('#search-q', 'Enter');
  await page.click('#open-cart');
  await page.click('#to-checkout');
  await page.click('#place-order');
  await page.evaluate(() => (window as unknown as { pz: { flush(): Promise<unknown> } }).pz.flush());
  const events = await page.evaluate(async () => {
    const data = await (window as unknown as { pz: { exportData(): Promise<{ events: { type: string }[] }> } }).pz.exportData();
    return data.events.map((e) => e.type);
  });
  // The site's published segment file is applied on the device: soft cluster memberships summing to 1.
  const segments = await page.evaluate(async () => {
    const view = (await (window as unknown as { pz: { profile(): Promise<{ segments: { fuzzy: { name: string; membership: number }[] } }> } }).pz.profile());
    return view.segments.fuzzy;
  });
  expect(segments.map((f) => f.name).sort()).toEqual(['beauty lover', 'fashion follower', 'home maker', 'tech enthusiast']);
  expect(segments.reduce((a, f) => a + f.membership, 0)).toBeCloseTo(1, 6);
  // The shopper's actions were recorded, on the device…
  expect(events).toEqual(expect.arrayContaining(['click', 'add_to_cart', 'favorite', 'purchase', 'search', 'view']));

  // …and nothing of them went anywhere.
  const origin = new URL(baseURL!).origin;
  for (const r of requests) {
    const url = new URL(r.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
    expect(url.origin, r.url).toBe(origin);
    expect(r.method, r.url).toBe('GET');
    expect(r.body, r.url).toBeNull();
    expect(url.search, r.url).toBe('');
    expect(decodeURIComponent(r.url)).not.toContain('secret');
    if (title) expect(decodeURIComponent(r.url)).not.toContain(title);
  }
  // Every file fetched is one of the site's static assets.
  const paths = new Set(requests.map((r) => new URL(r.url).pathname));
  for (const p of paths) expect(p).toMatch(/^\/($|index\.html$|assets\/|catalog\/|api\/|pz\.js$|pz-panel\.js$|pz-worker\.js$|pz-chunks\/|site\/|favicon\.ico$)/);
  expect(errors).toEqual([]);
});

type Api = {
  setDeclared(k: string, v: string): Promise<void>;
  profile(): Promise<{ profile: { declared: Record<string, string> } } | undefined>;
  exportData(): Promise<{ events: unknown[] } | undefined>;
  track(e: unknown): void;
  flush(): Promise<unknown>;
  consent(s?: string): string;
};

test('under denied no database is created: declared values, the panel, profile() and exportData() stay in memory', async ({ page }) => {
  await page.goto('/test/denied.html');
  await pzReady(page);
  const declared = await page.evaluate(async () => {
    const pz = (window as unknown as { pz: Api }).pz;
    await pz.setDeclared('size', 'XL');
    await pz.setDeclared('region', 'EU-secret');
    pz.track({ type: 'add_to_cart', item: { id: 'sku-secret', category: 'a/b' } });
    await pz.flush();
    await pz.exportData();
    return (await pz.profile())?.profile.declared;
  });
  // The values hold for the page…
  expect(declared).toEqual({ size: 'XL', region: 'EU-secret' });
  await expect(page.locator('#panel [part~="summary"]')).toContainText('Off: nothing new is stored');
  // …and nothing reached storage, even after the profile snapshot delay.
  const dbs = async () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  // Absence needs a wait: well past the worker's 500 ms profile-snapshot debounce.
  await page.waitForTimeout(1000);
  expect(await dbs()).not.toContain('pz-e2e-denied');
  expect(await storedEvents(page, 'pz-e2e-denied')).toEqual([]);
});
