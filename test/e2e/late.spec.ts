import { expect, test } from '@playwright/test';
import { lipstickShopper, pzReady } from './helpers';

type Reranks = { top: string[]; below: string[] };
const reranks = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __reranks: Reranks }).__reranks);

test('a slot that fell back is reranked when the worker is ready, unless the shopper already saw it', async ({ page }) => {
  await page.goto('/test/late.html');
  await pzReady(page);
  // Both slots fall back at once: the worker is still on its way.
  await expect.poll(async () => (await reranks(page)).top.length + (await reranks(page)).below.length).toBe(2);
  const first = await reranks(page);
  expect(first.top[0]).toMatch(/worker start timed out/);
  expect(first.below[0]).toMatch(/worker start timed out/);
  // The worker becomes ready: the slot below the fold (never seen) is reranked once, personally.
  await page.evaluate(() => (window as unknown as { pz: { profile(): Promise<unknown> } }).pz.profile());
  await expect.poll(async () => (await reranks(page)).below, { timeout: 15_000 }).toEqual([first.below[0], 'personal']);
  await expect(page.locator('#below')).not.toHaveAttribute('data-pz-fell-back');
  // The slot in view for more than 300 ms keeps the order the shopper saw.
  expect((await reranks(page)).top).toEqual([first.top[0]]);
  await expect(page.locator('#top')).toHaveAttribute('data-pz-fell-back', /worker start timed out/);
});

test('a slot the shopper has been looking at since before pz.js arrived keeps its order; one below the fold is personalized', async ({ page }) => {
  const order = (id: string) => page.locator(`#${id} [data-pz-item]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.pzItem));
  // A shopper who likes lipstick (first visit), then the next page, where pz.js comes 1.2 s after the paint.
  await lipstickShopper(page, '/test/late-script.html');
  await page.reload();
  await expect(page.locator('#top')).toHaveAttribute('data-pz-ready', '');
  await expect(page.locator('#below')).toHaveAttribute('data-pz-ready', '');
  // The slot below the fold was never on screen: personalized, lipstick first.
  await expect.poll(() => order('below')).toEqual(['b2', 'b1']);
  // The slot in view had been showing for over a second: its tiles stay where the shopper saw them,
  // and no late rerank moves them afterwards.
  expect(await order('top')).toEqual(['t1', 't2']);
  await expect(page.locator('#top')).not.toHaveAttribute('data-pz-fell-back');
  expect((await reranks(page)).top).toEqual(['personal']);
});

type Post = { at: number; method: string; arg: unknown };
/** Records every call the page posts to a worker (comlink's method path, an impression's argument) and when each answer arrives. */
function recordWorkerCalls(): void {
  const w = window as unknown as { __posts: Post[]; __answers: { at: number; id: unknown }[] };
  w.__posts = [];
  w.__answers = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, ...args: unknown[]) {
    const m = args[0] as { path?: string[]; argumentList?: { value?: unknown }[]; id?: unknown };
    if (m && Array.isArray(m.path)) {
      const method = m.path.join('.');
      // Only an impression's argument is kept (a packed list's typed arrays are transferred away).
      const arg = method === 'impression' ? JSON.parse(JSON.stringify(m.argumentList?.[0]?.value)) : undefined;
      w.__posts.push({ at: performance.now(), method: `${method}#${String(m.id)}`, arg });
    }
    if (!this.__pzRecorded) {
      this.__pzRecorded = true;
      this.addEventListener('message', (ev) => w.__answers.push({ at: performance.now(), id: (ev.data as { id?: unknown })?.id }));
    }
    return (post as (...a: unknown[]) => void).apply(this, args);
  } as typeof Worker.prototype.postMessage;
}
declare global {
  interface Worker {
    __pzRecorded?: boolean;
  }
}

test('a rerank asked before the worker is ready is posted at once, behind init, and a late personal answer is told what the page showed', async ({ page }) => {
  await page.addInitScript(recordWorkerCalls);
  await page.goto('/test/late.html');
  await pzReady(page);
  await expect.poll(async () => (await reranks(page)).top.length).toBe(1);
  const calls = () =>
    page.evaluate(() => {
      const w = window as unknown as { __posts: Post[]; __answers: { at: number; id: unknown }[] };
      return { posts: w.__posts, answers: w.__answers };
    });
  await expect.poll(async () => (await calls()).posts.some((p) => p.method.startsWith('impression#')), { timeout: 15_000 }).toBe(true);
  const { posts, answers } = await calls();
  const init = posts.find((p) => p.method.startsWith('init#'))!;
  const initAnswer = answers.find((a) => `init#${String(a.id)}` === init.method)!;
  // The worker answered init 1.5 s late; both slots' reranks had gone to it right behind init, not after.
  expect(initAnswer.at - init.at).toBeGreaterThan(1000);
  expect(posts.filter((p) => p.method.startsWith('rerankPacked#') && p.at - init.at < 500)).toHaveLength(2);
  // The slot in view kept the server order; the worker's personal answer for it, which came after the
  // page stopped waiting, is followed by an impression of the order the page showed.
  const shown = posts.filter((p) => p.method.startsWith('impression#')).map((p) => p.arg as { slot: string; ids: string[]; listId: string });
  const top = shown.find((s) => s.slot === 'top');
  expect(top?.ids).toEqual(['t1', 't2']);
  expect(top?.listId).toMatch(/./);
  await expect(page.locator('#top')).toHaveAttribute('data-pz-fell-back', /worker start timed out/);
});
