import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  // The demo runs under Trusted Types: any policy violation is recorded.
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });

  const home = await page.goto('/');
  expect(home?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
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
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
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
  // No wait is needed: a read-only worker never schedules a timed write (the snapshot debounce is
  // never armed; consent.test.ts runs its timers on a virtual clock to prove it).
  expect(await dbs()).not.toContain('pz-e2e-denied');
  expect(await storedEvents(page, 'pz-e2e-denied')).toEqual([]);
});

test('with data-report: exactly one report per question per period, only the encoded value, question id and period, credentials omitted, until the ε budget is spent', async ({ context, page, baseURL }) => {
  // A cookie the site set: a report must not carry it.
  await context.addCookies([{ name: 'session', value: 'shopper-42', url: baseURL! }]);
  const posts: { body: string; cookie: string | undefined; referer: string | undefined; url: string }[] = [];
  context.on('request', async (r) => {
    if (r.method() !== 'POST') return;
    const headers = await r.allHeaders();
    posts.push({ body: r.postData() ?? '', cookie: headers.cookie, referer: headers.referer, url: r.url() });
  });
  await page.goto('/test/report.html');
  await pzReady(page);
  await page.evaluate(() => {
    const pz = (window as unknown as { pz: Api }).pz;
    for (let i = 0; i < 3; i++) pz.track({ type: 'add_to_cart', item: { id: `r${i}`, category: 'beauty/lipstick', price: 10 } });
    return pz.flush();
  });
  // ε = 0.25 per report and a budget of 1 per 7 days: four periods report, then the ledger refuses.
  await expect.poll(() => posts.length, { timeout: 30_000 }).toBe(4);
  const status = await page.evaluate(() => (window as unknown as { pz: { reports(): Promise<{ left: number; sent: { p: number }[] }> } }).pz.reports());
  expect(status.left).toBe(0);
  const reports = posts.map((p) => JSON.parse(p.body) as { reports: { q: string; p: number; v: string }[] });
  const periods = reports.map((b) => {
    expect(b.reports).toHaveLength(1);
    const [r] = b.reports;
    expect(Object.keys(r!).sort()).toEqual(['p', 'q', 'v']);
    expect(r!.q).toBe('top-category');
    expect(r!.v).toMatch(/^[01]{13}$/);
    return r!.p;
  });
  expect(new Set(periods).size).toBe(4); // one per period
  for (const p of posts) {
    expect(p.cookie).toBeUndefined();
    expect(p.referer).toBeUndefined();
    expect(new URL(p.url).pathname).toBe('/test/report-questions.json');
    expect(p.body).not.toMatch(/lipstick|beauty|r0|shopper/);
  }
  // The worker's own request log lists the same POSTs, each a report with its ε, and no body (polled: the last may still be answered).
  const logged = () =>
    page.evaluate(async () =>
      ((await (window as unknown as { pz: { requests(): Promise<{ url: string; method: string; kind: string; at: number }[]> } }).pz.requests()) ?? [])
        .filter((r) => r.method === 'POST')
        .map((r) => ({ ...r, at: typeof r.at })),
    );
  await expect.poll(logged).toEqual(posts.map((p) => ({ url: p.url, method: 'POST', kind: 'report', epsilon: 0.25, at: 'number', ok: true })));
  // The panel shows what was sent and the budget left (it redraws on the shopper's next event).
  await page.evaluate(() => (window as unknown as { pz: Api }).pz.track({ type: 'view', item: { id: 'r9' } }));
  await expect(page.locator('#panel [part~="reports"]')).toContainText('4 reports');
  // Two more periods come and their reports are withheld (the ledger refused them before any request).
  const withheld = () => page.evaluate(async () => (await (window as unknown as { pz: { reports(): Promise<{ withheld: number }> } }).pz.reports()).withheld);
  await expect.poll(withheld, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  expect(posts).toHaveLength(4);
});

test("runs under require-trusted-types-for 'script': worker, reranks, widget and panel, without a violation", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A missing favicon is the fixture server's business, not a policy violation.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(new URL(r.url()).pathname);
  });
  const response = await page.goto('/test/trusted-types.html');
  expect(response?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");
  await pzReady(page);
  const result = await page.evaluate(async () => {
    const pz = (window as unknown as { pz: Api & { rerank(c: unknown, o: unknown): Promise<{ fellBack: false | string }> } }).pz;
    for (let i = 0; i < 3; i++) pz.track({ type: 'add_to_cart', item: { id: `tt${i}`, category: 'beauty/lipstick', price: 10 } });
    await pz.flush();
    return pz.rerank([{ id: 'x', category: 'home/kitchen' }, { id: 'y', category: 'beauty/lipstick' }], { personalization: 1 });
  });
  // The worker started (a string URL would have been refused): a personal answer, not a fallback.
  expect(result.fellBack).toBe(false);
  await expect(page.locator('#panel [part~="interests"]')).toContainText('Beauty › Lipstick');
  await expect(page.locator('pz-recommendations [part~="card"]').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(errors).toEqual([]);
  expect(missing.filter((p) => p !== '/favicon.ico')).toEqual([]);
});

test("under CSP 'trusted-types pz' (no duplicates allowed) a crashed worker is restarted through the same policy", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  const response = await page.goto('/test/trusted-types-named.html');
  expect(response?.headers()['content-security-policy']).toContain('trusted-types pz');
  await pzReady(page);
  type W = { __pzWorkers: Worker[]; pz: Api & { rerank(c: unknown, o: unknown): Promise<{ fellBack: false | string }> } };
  await page.evaluate(() => (window as unknown as W).pz.profile());
  // The worker dies behind the client's back; the client starts a new one from its own file.
  await page.evaluate(() => (window as unknown as W).__pzWorkers[0]!.terminate());
  await page.evaluate(() => {
    const pz = (window as unknown as W).pz;
    for (let i = 0; i < 3; i++) pz.track({ type: 'add_to_cart', item: { id: `ttn${i}`, category: 'beauty/lipstick', price: 10 } });
  });
  await expect.poll(() => page.evaluate(() => (window as unknown as W).__pzWorkers.length), { timeout: 30_000 }).toBe(2);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as W).pz.rerank([{ id: 'x', category: 'home/kitchen' }, { id: 'y', category: 'beauty/lipstick' }], { personalization: 1 }).then((r) => r.fellBack)), { timeout: 30_000 })
    .toBe(false);
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(errors).toEqual([]);
});

test('dist/integrity.json holds the SRI hash of every built file, and Chromium accepts pz.js with it', async ({ page, request }) => {
  const sri = JSON.parse(readFileSync('dist/integrity.json', 'utf8')) as Record<string, string>;
  for (const file of ['pz.js', 'pz-panel.js', 'pz-worker.js']) expect(sri[file], file).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
  expect(Object.keys(sri).filter((f) => f.startsWith('pz-chunks/')).length).toBeGreaterThan(0);
  for (const [file, hash] of Object.entries(sri).filter(([f]) => f.startsWith('pz'))) {
    const body = await (await request.get(`/${file}`)).body();
    expect(`sha384-${createHash('sha384').update(body).digest('base64')}`, file).toBe(hash);
  }
  await page.goto('/test/blank.html');
  const load = (integrity: string) =>
    page.evaluate(
      (i) =>
        new Promise<string>((resolve) => {
          const s = document.createElement('script');
          s.src = '/pz.js';
          s.integrity = i;
          s.onload = () => resolve('loaded');
          s.onerror = () => resolve('refused');
          document.head.append(s);
        }),
      integrity,
    );
  expect(await load(sri['pz.js']!)).toBe('loaded');
  expect(await load(sri['pz-panel.js']!)).toBe('refused');
});
