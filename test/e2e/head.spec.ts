import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { seenPaths, withHashPlaceholders } from './helpers';

test("the README gives the build's <head> lines", () => {
  const lines = readFileSync('dist/pz-head.html', 'utf8');
  expect(readFileSync('README.md', 'utf8')).toContain(withHashPlaceholders(lines));
});

test("the build's <head> lines fetch the worker and the client file while pz.js is on its way, once each", async ({ page, request }) => {
  const asked: string[] = [];
  /** Everything the page has asked the server for so far. */
  const poll = async () => {
    asked.push(...(await seenPaths(request, 'head')));
    return asked.map(withHashPlaceholders);
  };
  await poll();
  asked.length = 0;
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
  // pz.js comes 3 s late; the lines name the worker and the client file beside it.
  await page.goto('/__head/head?ms=3000', { waitUntil: 'commit' });
  await expect.poll(poll).toEqual(expect.arrayContaining(['/__slow/pz-chunks/pz-worker-[hash].js', '/__slow/pz-chunks/client-[hash].js']));
  expect(await page.evaluate(() => 'pz' in window)).toBe(false);
  // Then pz.js runs: its worker and client file are the preloaded ones, and the worker answers.
  await expect(page.locator('[data-pz-rerank]')).toHaveAttribute('data-pz-ready', '', { timeout: 15_000 });
  const r = await page.evaluate(() =>
    (window as unknown as { pz: { rerank(c: unknown, o: unknown): Promise<{ fellBack: unknown }> } }).pz.rerank([{ id: 'a' }, { id: 'b' }], { slot: 'head' }),
  );
  expect(r.fellBack).toBe(false);
  const all = await poll();
  expect(all.filter((p) => p === '/__slow/pz-chunks/pz-worker-[hash].js')).toHaveLength(1);
  expect(all.filter((p) => p === '/__slow/pz-chunks/client-[hash].js')).toHaveLength(1);
  expect(all).toContain('/__slow/pz.js');
  expect(warnings).toEqual([]);
});
