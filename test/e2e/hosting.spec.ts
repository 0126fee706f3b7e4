import { expect, test } from '@playwright/test';
import { seenPaths, withHashPlaceholders } from './helpers';

test('files are served as a production host would: compressed, ETag and 304, hashed chunks immutable', async ({ request, page }) => {
  const first = await request.get('/pz.js', { headers: { 'accept-encoding': 'br, gzip' } });
  expect(first.status()).toBe(200);
  expect(first.headers()['content-encoding']).toBe('br');
  expect(first.headers()['cache-control']).toBe('no-cache');
  const etag = first.headers().etag;
  expect(etag).toMatch(/^".+"$/);
  const again = await request.get('/pz.js', { headers: { 'if-none-match': etag! } });
  expect(again.status()).toBe(304);
  const gz = await request.get('/pz-worker.js', { headers: { 'accept-encoding': 'gzip' } });
  expect(gz.headers()['content-encoding']).toBe('gzip');

  // The worker names its lazy learner file; that file's name carries its hash, so it is cached forever.
  const worker = await gz.text();
  const learner = /pz-chunks\/learner-[\w-]+\.js/.exec(worker)?.[0];
  expect(learner).toBeTruthy();
  const chunk = await request.get(`/${learner}`);
  expect(chunk.headers()['cache-control']).toBe('public, max-age=31536000, immutable');

  // A page still gets the strict policy.
  const html = await page.goto('/test/blank.html');
  expect(html?.headers()['content-security-policy']).toContain("script-src 'self'");
});

test('a page whose cache holds them starts the worker and loads its files without asking the server', async ({ page, request }) => {
  const asked = () => seenPaths(request, 'cached');
  await asked();
  const visit = async () => {
    await page.goto('/test/cached.html');
    await expect(page.locator('#recs')).toHaveAttribute('data-pz-state', 'ready');
    const r = await page.evaluate(() =>
      (window as unknown as { pz: { rerank(c: unknown, o: unknown): Promise<{ fellBack: unknown }> } }).pz.rerank([{ id: 'a' }, { id: 'b' }], { slot: 'cached' }),
    );
    expect(r.fellBack).toBe(false);
  };
  await visit();
  // pz.js names hashed files: the client file, the worker and the widget's file, each served immutable.
  const first = await asked();
  expect(first.map(withHashPlaceholders)).toEqual(expect.arrayContaining(['/pz.js', '/pz-chunks/client-[hash].js', '/pz-chunks/pz-worker-[hash].js', '/pz-chunks/pz-widget-[hash].js']));
  for (const p of first.filter((f) => /^\/pz-chunks\/(client|pz-worker|pz-widget)-/.test(f))) {
    expect((await request.get(p)).headers()['cache-control'], p).toBe('public, max-age=31536000, immutable');
  }
  await page.goto('/test/blank.html');
  await visit();
  // The next page revalidates pz.js (no-cache: a deploy reaches the next page view); what it names
  // comes from the cache, with no round trip to the server before the worker starts. (The worker's
  // lazy files, such as the learner a second after ready, may be asked for the first time now.)
  const second = await asked();
  expect(second).toContain('/pz.js');
  expect(second.filter((p) => /^\/(pz-worker|pz-widget|pz-panel)[-.]|^\/pz-chunks\/(client|pz-worker|pz-widget|pz-panel)-/.test(p))).toEqual([]);
});
