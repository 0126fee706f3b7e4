import { type Page, expect, test } from '@playwright/test';
import { flushedEvents, storedEvents, watch } from './helpers';

type Ranked = { items: { id: string }[]; fellBack: false | string };
type Pz = {
  track(e: unknown): void;
  rerank(c: unknown, o?: unknown): Promise<Ranked>;
  on(name: string, fn: (d: { where: string; message: string }) => void): () => void;
};
type Win = { pz: Pz; answer?: Promise<Ranked>; heard?: { where: string; message: string }[] };
const CLIENT_FILE = /\/pz-chunks\/client-[\w-]+\.js$/;

/**
 * Holds every request for the client file until `release()`, then lets it through (`then: 'continue'`)
 * or fails it (`'abort'`); `asked()` says whether the page has asked for it yet.
 */
async function holdClientFile(page: Page, then: 'continue' | 'abort'): Promise<{ release: () => void; asked: () => boolean }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let asked = false;
  await page.route(CLIENT_FILE, async (route) => {
    asked = true;
    await held;
    await (then === 'abort' ? route.abort() : route.continue());
  });
  return { release, asked: () => asked };
}

test('pz.js starts the worker before its client file arrives; clicks, searches and calls made meanwhile are kept with the time they happened', async ({ page }) => {
  const seen = watch(page);
  const { release, asked: clientAsked } = await holdClientFile(page, 'continue');
  const workerAsked = page.waitForRequest(/\/pz-chunks\/pz-worker-[\w-]+\.js$/);
  await page.goto('/test/loader.html');
  await workerAsked; // while the client file is held: the two load side by side
  await expect.poll(clientAsked).toBe(true);
  const before = await page.evaluate(() => Date.now());
  await page.click('[data-pz-item="t1"]');
  await page.fill('#q', 'cast iron');
  await page.press('#q', 'Enter');
  await page.evaluate(() => {
    const w = window as unknown as Win;
    w.pz.track({ type: 'add_to_cart', item: { id: 'x9', category: 'home/kitchen', price: 30 } });
    w.answer = w.pz.rerank([{ id: 't2' }, { id: 't1' }], { slot: 'early' });
  });
  const acted = await page.evaluate(() => Date.now());
  // The client file arrives well after the shopper acted: stored times must be the acts', not the arrival's.
  await page.waitForFunction((t) => Date.now() > t + 300, acted);
  release();
  const answer = await page.evaluate(() => (window as unknown as Win).answer!);
  expect(answer.fellBack).toBe(false);
  const summary = async () => (await flushedEvents(page, 'pz-e2e-loader')).map((e) => `${e.type}:${e.item?.id ?? ''}`);
  await expect.poll(summary, { timeout: 15_000 }).toEqual(expect.arrayContaining(['click:t1', 'search:', 'add_to_cart:x9']));
  const events = (await storedEvents(page, 'pz-e2e-loader')) as unknown as { type: string; ts: number }[];
  for (const e of events.filter((x) => x.type !== 'view')) {
    expect(e.ts).toBeGreaterThanOrEqual(before - 1);
    expect(e.ts).toBeLessThanOrEqual(acted + 1);
  }
  expect(seen.errors).toEqual([]);
});

test('a client file that cannot load: reranks answer the server order, error listeners hear why, the page sees no error', async ({ page }) => {
  const seen = watch(page);
  const { release } = await holdClientFile(page, 'abort');
  await page.goto('/test/loader.html');
  await page.waitForFunction(() => typeof (window as unknown as Partial<Win>).pz?.rerank === 'function');
  await page.evaluate(() => {
    const w = window as unknown as Win;
    w.heard = [];
    w.pz.on('error', (e) => w.heard!.push(e));
    w.pz.track({ type: 'click', item: { id: 't1' } });
    w.answer = w.pz.rerank([{ id: 'b' }, { id: 'a' }, { id: 'b' }]);
  });
  release();
  const answer = await page.evaluate(() => (window as unknown as Win).answer!);
  expect(answer.items.map((i) => i.id)).toEqual(['b', 'a']);
  expect(answer.fellBack).toMatch(/client file could not load/);
  const heard = await page.evaluate(() => (window as unknown as Win).heard);
  expect(heard).toEqual([{ where: 'load', message: expect.stringMatching(/could not load.*1 events were not stored$/) }]);
  expect(seen.errors).toEqual([]);
});

test('a worker file that fails to load before the client file arrives: reranks answer the server order at once, saying why', async ({ page }) => {
  const seen = watch(page);
  const { release } = await holdClientFile(page, 'continue');
  const workerFailed = page.waitForResponse(/\/test\/no-such-worker\.js$/);
  await page.goto('/test/missing-worker.html');
  expect((await workerFailed).status()).toBe(404);
  // The loader's worker failed while the client file was held (its error event follows the 404): the
  // client must learn it from the loader (a failed script load fires a plain Event, without a message),
  // not wait for the 20 s ready timeout. Had the event come after the client listened, the client's own
  // listener gives the same answer.
  release();
  const answer = await page.evaluate(async () => {
    const w = window as unknown as Win;
    const t0 = performance.now();
    const r = await w.pz.rerank([{ id: 'b' }, { id: 'a' }]);
    return { ids: r.items.map((i) => i.id), fellBack: r.fellBack, ms: performance.now() - t0 };
  });
  expect(answer.ids).toEqual(['b', 'a']);
  expect(answer.fellBack).toBe('worker crashed (worker failed to load)');
  expect(answer.ms).toBeLessThan(10_000);
  expect(seen.errors).toEqual([]);
});
