import { expect, test } from '@playwright/test';

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
