import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { expect, test } from '@playwright/test';
import { storedEvents } from './helpers';

// "Any static host": the README's deployment list (pz.js and pz-chunks/; a page with only the tag never
// asks for the fixed-name copies) copied to a fresh folder without a single .map file, served by a plain
// file server that sets only content-type (no CSP, no cache or CORS headers).
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml' };
let server: Server;
let dir: string;
let origin: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pz-static-'));
  copyFileSync(join('dist', 'pz.js'), join(dir, 'pz.js'));
  mkdirSync(join(dir, 'pz-chunks'));
  for (const f of readdirSync('dist/pz-chunks').filter((f) => !f.endsWith('.map'))) copyFileSync(join('dist/pz-chunks', f), join(dir, 'pz-chunks', f));
  copyFileSync('test/e2e/pages/widget-recs.json', join(dir, 'recs.json'));
  mkdirSync(join(dir, 'test'));
  copyFileSync('test/e2e/pages/widget-item.svg', join(dir, 'test/widget-item.svg'));
  copyFileSync('test/e2e/pages/static-shop.html', join(dir, 'index.html'));
  server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith('/') ? join(path, 'index.html') : path;
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the deployed files work from a plain static host, without any source map', async ({ page }) => {
  const errors: string[] = [];
  const failed: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requested.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(r.url());
  });
  await page.goto(`${origin}/`);
  await expect(page.locator('#recs')).toHaveAttribute('data-pz-state', 'ready');
  await expect(page.locator('#slot')).toHaveAttribute('data-pz-ready', '');
  await page.click('[data-pz-item="s2"]');
  await page.evaluate(() => (window as unknown as { pz: { flush(): Promise<unknown> } }).pz.flush());
  // The first stored event loads the learner chunk from pz-chunks/.
  await expect.poll(() => requested.some((u) => u.includes('/pz-chunks/learner-')), { timeout: 15_000 }).toBe(true);
  expect((await storedEvents(page, 'pz-e2e-static')).map((e) => `${e.type}:${e.item?.id}`)).toContain('click:s2');
  expect(requested.filter((u) => u.endsWith('.map'))).toEqual([]);
  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
});
