import { readFile } from 'node:fs/promises';
import { type Page, expect, test } from '@playwright/test';
import { pzReady, storedEvents, watch } from './helpers';

/** Serves a fixture with its CSP changed (the test server's CSP forbids <base>, for instance). */
async function withCsp(page: Page, path: string, edit: (csp: string) => string, body?: (html: string) => string): Promise<void> {
  await page.route(`**${path}`, async (route) => {
    const res = await route.fetch();
    const headers = { ...res.headers(), 'content-security-policy': edit(res.headers()['content-security-policy'] ?? '') };
    await route.fulfill({ response: res, headers, ...(body ? { body: body(await res.text()) } : {}) });
  });
}

test('Prototype.js toJSON and a broken Array.prototype.includes: queued commands run and the download is real JSON', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/hostile-protos.html');
  await pzReady(page);
  await expect.poll(async () => (await storedEvents(page, 'pz-e2e-hostile-protos')).map((e) => e.id)).toEqual(['queued-1', 'queued-2']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
  const data = JSON.parse(await readFile((await download.path()) as string, 'utf8')) as { events: unknown };
  expect(Array.isArray(data.events)).toBe(true);
  expect((data.events as { id: string }[]).map((e) => e.id)).toEqual(['queued-1', 'queued-2']);
  // The page's own toJSON is back in place afterwards.
  expect(await page.evaluate(() => typeof (Array.prototype as unknown as { toJSON?: unknown }).toJSON)).toBe('function');
  expect(seen.errors).toEqual([]);
});

test('a hostile window.Promise never throws into the page, and the personalizer keeps working', async ({ page, context }) => {
  const seen = watch(page);
  await page.goto('/test/hostile-promise.html');
  // The slot was reranked through the worker (comlink and the client use the engine's own Promise).
  await expect(page.locator('[data-pz-rerank]')).toHaveAttribute('data-pz-ready', '');
  // The widget's own file (pz-widget.js) also keeps working.
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-state', 'ready');
  await expect(page.locator('#recs [part~="card"]')).toHaveCount(3);
  await page.click('[data-pz-item="h1"]');
  // Read the database from a page whose Promise is intact.
  const reader = await context.newPage();
  await reader.goto('/test/blank.html');
  await expect.poll(async () => (await storedEvents(reader, 'pz-e2e-hostile-promise')).map((e) => `${e.type}:${e.item?.id}`)).toContain('click:h1');
  expect(seen.errors).toEqual([]);
});

for (const name of ['name', 'localStorage', '__proto__', 'shop', 'not-an-identifier']) {
  test(`data-global="${name}" is refused with a console error, and nothing starts`, async ({ page }) => {
    const seen = watch(page);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await withCsp(page, '/test/global.html', (csp) => csp, (html) => html.replace('__GLOBAL__', name));
    await page.goto('/test/global.html');
    await expect.poll(() => errors.join('\n')).toMatch(/^\[pz\] data-global="[^"]*" (is taken: window\.\S+ (is \w+|cannot be read)|is not a JavaScript identifier); the personalizer did not start$/);
    const state = await page.evaluate(() => ({
      name: window.name,
      shop: JSON.stringify((window as unknown as { shop: unknown }).shop),
      storage: typeof localStorage.getItem,
      pz: typeof (window as unknown as { pz?: unknown }).pz,
      elements: customElements.get('pz-recommendations') === undefined,
    }));
    expect(state).toEqual({ name: '', shop: '{"cart":[]}', storage: 'function', pz: 'undefined', elements: true });
    expect(page.workers()).toEqual([]);
    await page.click('[data-pz-item="g1"]');
    expect(await storedEvents(page, 'pz-e2e-global')).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
}

test('two tags with different data-global give one instance, one worker, one event per click', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/two-globals.html');
  await pzReady(page);
  await pzReady(page, 'shopPz');
  expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).pz === (window as unknown as Record<string, unknown>).shopPz)).toBe(true);
  await page.evaluate(() => (window as unknown as { pz: { profile(): Promise<unknown> } }).pz.profile());
  expect(await page.evaluate(() => (window as unknown as { __workers: number }).__workers)).toBe(1);
  await page.click('#tile');
  await page.evaluate(() => (window as unknown as { shopPz: { flush(): Promise<unknown> } }).shopPz.flush());
  await expect.poll(async () => (await storedEvents(page, 'pz-e2e-two-globals')).filter((e) => e.type === 'click').length).toBe(1);
  // Still one after the other tag's instance would have flushed too.
  await page.evaluate(() => (window as unknown as { pz: { flush(): Promise<unknown> } }).pz.flush());
  expect((await storedEvents(page, 'pz-e2e-two-globals')).filter((e) => e.type === 'click').length).toBe(1);
  expect(await page.evaluate(() => (window as unknown as { __workers: number }).__workers)).toBe(1);
  expect(seen.errors).toEqual([]);
});

test('<base href>: data-worker, data-segments and the widget src resolve as the page means them', async ({ page, baseURL }) => {
  const seen = watch(page);
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await withCsp(page, '/test/shop/base.html', (csp) => csp.replace("base-uri 'none'", "base-uri 'self'"));
  await page.goto('/test/shop/base.html');
  await pzReady(page);
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-state', 'ready');
  await expect(page.locator('#recs [part~="card"]')).toHaveCount(3);
  const status = await page.evaluate(() => (window as unknown as { pz: { profile(): Promise<unknown> } }).pz.profile());
  expect(status).toBeTruthy();
  expect(seen.requests).toEqual(expect.arrayContaining([`${baseURL}/pz-worker.js`, `${baseURL}/site/segments.json`, `${baseURL}/test/widget-recs.json`]));
  expect(missing).toEqual([]);
  expect(seen.errors).toEqual([]);
});
