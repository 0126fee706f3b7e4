import { expect, test } from '@playwright/test';
import { flushedEvents, pzReady, renderedFrames, storedEvents, watch } from './helpers';

type Pz = { flush(): Promise<unknown>; rerank(c: unknown, o?: unknown): Promise<{ items: { id: string }[]; fellBack: false | string; tookMs: number }> };
const flush = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { pz: Pz }).pz.flush());

/** Waits for the #recs slot, teaches a taste (three lipstick add-to-carts), and reloads until the slot is reranked again. */
async function teachLipstickAndReload(page: import('@playwright/test').Page): Promise<void> {
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-ready', '');
  await page.evaluate(() => {
    const pz = (window as unknown as { pz: { track(e: unknown): void } }).pz;
    for (const id of ['x1', 'x2', 'x3']) pz.track({ type: 'add_to_cart', item: { id, category: 'beauty/lipstick', price: 13 } });
  });
  await flush(page);
  await page.reload();
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-ready', '');
}

test('every auto-capture path records its event, with no site JavaScript', async ({ page, baseURL }) => {
  const seen = watch(page);
  await page.goto('/test/capture.html');
  await pzReady(page);
  // Views: tiles visible for ≥ 1 s.
  const viewed = async () => (await flushedEvents(page, 'pz-e2e-capture')).filter((e) => e.type === 'view').map((e) => e.item?.id);
  await expect.poll(viewed, { timeout: 10_000 }).toEqual(expect.arrayContaining(['t1', 't2']));
  await page.click('#fav-t2');
  await page.click('[data-pz-item="t1"]');
  await page.click('#add');
  await page.click('#remove');
  await page.click('#buy');
  await page.fill('#q', 'red lipstick');
  await page.press('#q', 'Enter');
  // SPA navigation: the product page's view is sent with its dwell when the shopper moves on.
  await page.click('#spa-next');
  await expect.poll(viewed, { timeout: 10_000 }).toContain('p1');
  const events = await storedEvents(page, 'pz-e2e-capture');
  const summary = events.map((e) => `${e.type}:${e.item?.id ?? ''}`);
  expect(summary).toEqual(expect.arrayContaining([
    'view:t1', 'view:t2', 'favorite:t2', 'click:t1', 'add_to_cart:p1', 'remove_from_cart:p1', 'purchase:p1', 'search:', 'view:p1',
  ]));
  const purchase = events.find((e) => e.type === 'purchase') as { value?: number } | undefined;
  expect(purchase?.value).toBe(2);
  const pageView = events.find((e) => e.type === 'view' && e.item?.id === 'p1') as { dwellMs?: number } | undefined;
  expect(pageView?.dwellMs).toBeGreaterThan(500);
  // The favourite button sits inside tile t2: it is a favourite, not also a click.
  expect(summary.filter((s) => s === 'click:t2')).toEqual([]);
  expect(seen.errors).toEqual([]);
  // The search query stays on the device: no request carries it.
  expect(seen.requests.filter((u) => !u.startsWith(baseURL!) || u.includes('lipstick'))).toEqual([]);
});

test('slots: reordered in place with zero layout shift, listeners kept, pins kept, re-rendered lists reranked', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/slots.html');
  await pzReady(page);
  await teachLipstickAndReload(page);
  const order = await page.locator('#recs > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-pz-item')));
  expect(order.slice(0, 2).sort()).toEqual(['r5', 'r6']);
  expect(order[2]).toBe('r3'); // pinned: keeps its server position
  await expect(page.locator('#recs > li[data-pz-item="r5"]')).toHaveAttribute('data-pz-reason', /.+/);
  // data-pz-reason only on items that moved up from their server position (r1…r6), shown by the README's CSS.
  const reasons = await page.locator('#recs > li').evaluateAll((els) =>
    els.map((e, to) => ({
      from: Number(e.getAttribute('data-pz-item')!.slice(1)) - 1,
      to,
      reason: e.getAttribute('data-pz-reason'),
      shown: getComputedStyle(e, '::after').content,
    })),
  );
  for (const r of reasons) {
    if (r.reason !== null) expect(r.to).toBeLessThan(r.from);
    expect(r.shown).toBe(r.reason === null ? 'none' : JSON.stringify(r.reason));
  }
  expect(reasons.filter((r) => r.to >= r.from).every((r) => r.reason === null)).toBe(true);
  // Listeners survive.
  await page.click('[data-pz-item="r5"]');
  expect(await page.evaluate(() => (window as unknown as { __clicks: string[] }).__clicks)).toEqual(['r5']);
  // No layout shift from the reorder: rendered frames would have reported one.
  await renderedFrames(page);
  expect(await page.evaluate(() => (window as unknown as { __shifts: number[] }).__shifts)).toEqual([]);
  // The site replaces the list: it is reranked again.
  await page.click('#rerender');
  await expect.poll(() => page.locator('#recs > li').first().getAttribute('data-pz-category')).toBe('beauty/lipstick');
  expect(await page.evaluate(() => (window as unknown as { __reranked: string[] }).__reranked.length)).toBeGreaterThanOrEqual(2);
  expect(seen.errors).toEqual([]);
});

test('two script tags make one instance and one worker', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/twice.html');
  await pzReady(page);
  await page.evaluate(() => (window as unknown as { pz: { profile(): Promise<unknown> } }).pz.profile());
  // Both async script tags have run once the load event fired.
  await page.waitForLoadState('load');
  await renderedFrames(page);
  expect(await page.evaluate(() => (window as unknown as { __workers: number }).__workers)).toBe(1);
  expect(seen.errors).toEqual([]);
});

for (const [name, path] of [['crashed', '/test/broken-worker.html'], ['slow', '/test/slow-worker.html']] as const) {
  test(`a ${name} worker gives the server order within the budget, and the page keeps working`, async ({ page }) => {
    const seen = watch(page);
    await page.goto(path);
    await pzReady(page);
    const r = await page.evaluate(async () => {
      const t0 = performance.now();
      const res = await (window as unknown as { pz: Pz }).pz.rerank([{ id: 'a' }, { id: 'b' }, { id: 'c' }], { slot: 's' });
      return { ids: res.items.map((i) => i.id), fellBack: res.fellBack, ms: performance.now() - t0 };
    });
    expect(r.ids).toEqual(['a', 'b', 'c']);
    expect(r.fellBack).toBeTruthy();
    // Ready-timeout (800 ms) is the bound while a worker is still starting; a crash answers at once.
    expect(r.ms).toBeLessThan(name === 'crashed' ? 200 : 1000);
    await expect(page.locator('[data-pz-rerank] > li').first()).toHaveAttribute('data-pz-item', 'a');
    expect(seen.errors).toEqual([]);
  });
}

test('the global can be renamed, and with consent pending nothing is stored until it is granted', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/renamed.html');
  await pzReady(page, 'shopPz');
  expect(await page.evaluate(() => typeof (window as unknown as { pz?: unknown }).pz)).toBe('undefined');
  type Api = { track(e: unknown): void; flush(): Promise<unknown>; consent(s?: string): string; rerank(c: unknown): Promise<{ fellBack: false | string }> };
  const pending = await page.evaluate(async () => {
    const api = (window as unknown as { shopPz: Api }).shopPz;
    api.track({ id: 'held-1', type: 'click', item: { id: 'h1', category: 'a/b' } });
    await api.flush();
    return { consent: api.consent(), fellBack: (await api.rerank([{ id: 'x' }, { id: 'y' }])).fellBack };
  });
  expect(pending).toEqual({ consent: 'pending', fellBack: 'consent pending' });
  expect(await storedEvents(page, 'pz-e2e-renamed').catch(() => [])).toEqual([]);
  await page.evaluate(async () => {
    const api = (window as unknown as { shopPz: Api }).shopPz;
    api.consent('granted');
    await api.flush();
  });
  await expect.poll(async () => (await storedEvents(page, 'pz-e2e-renamed')).map((e) => e.id)).toEqual(['held-1']);
  expect(seen.errors).toEqual([]);
});

test('data-pz-search reads the type=search, name=q or first visible text input, never a hidden one', async ({ page, baseURL }) => {
  const seen = watch(page);
  await page.goto('/test/search.html');
  await pzReady(page);
  await page.fill('#term', 'red shoes');
  await page.press('#term', 'Enter');
  await page.fill('#kw', 'green hat');
  await page.press('#kw', 'Enter');
  await page.fill('#q3', 'blue scarf');
  await page.press('#q3', 'Enter');
  await expect
    .poll(async () => {
      await flush(page);
      return (await storedEvents(page, 'pz-e2e-search')).map((e) => (e as { query?: string }).query);
    })
    .toEqual(['red shoes', 'green hat', 'blue scarf']);
  // A GET form still submits: the shop's server receives the query in the URL, as the page made it.
  await page.fill('#q4', 'boots');
  await Promise.all([page.waitForURL(/q=boots/), page.press('#q4', 'Enter')]);
  expect(seen.requests.filter((u) => u.startsWith(`${baseURL}/test/search.html?`))).toEqual([`${baseURL}/test/search.html?color=any&q=boots`]);
  expect(seen.errors).toEqual([]);
});

test('reasons are translated from data-messages for the page lang (de-DE falls back to de)', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/messages.html');
  await pzReady(page);
  await teachLipstickAndReload(page);
  const reasons = await page.locator('#recs > li[data-pz-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pz-reason')));
  expect(reasons.length).toBeGreaterThan(0);
  for (const r of reasons) expect(r).toMatch(/^(Sie sehen sich oft Lipstick an|Sie haben sich Lipstick angesehen|Wie Artikel in Ihrem Warenkorb|Kürzlich in den Warenkorb gelegt)$/);
  expect(seen.errors).toEqual([]);
});
