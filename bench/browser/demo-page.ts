/** The demo shop's home page in the browser benchmarks: its first rerank, and a shopper with history there. */
import type { Page } from '@playwright/test';

/** What the benchmark calls of the demo's `window.pz`. */
type DemoPz = { track(e: unknown): void; flush(): Promise<unknown>; rerank?: unknown };

/**
 * On the demo shop's pages (served at `/`), records their first rerank the way bench/browser/shop-page.js
 * does on the bench's page: the first `pz:reranked` of any slot, in `window.__shop`. An init script.
 */
export function watchDemoRerank(): void {
  if (location.pathname !== '/') return;
  const shop: { firstRerank: number | null; fellBack: false | string | null } = { firstRerank: null, fellBack: null };
  (window as unknown as { __shop: typeof shop }).__shop = shop;
  document.addEventListener('pz:reranked', (ev) => {
    if (shop.firstRerank !== null) return;
    shop.firstRerank = performance.now();
    shop.fellBack = (ev as CustomEvent<{ result: { fellBack: false | string } }>).detail.result.fellBack;
  });
}

/**
 * A shopper with history on the demo shop (its own database): views and clicks of 60 of its products,
 * read from the catalogue the demo serves.
 */
export async function openDemoShopper(page: Page, demo: string): Promise<void> {
  await page.goto(demo);
  await page.waitForFunction(() => typeof (window as unknown as { pz: DemoPz }).pz?.rerank === 'function');
  await page.evaluate(async () => {
    const pz = (window as unknown as { pz: DemoPz }).pz;
    const products = (await (await fetch('/catalog/products.json')).json()) as { id: number; category: string; brand: string; price: number }[];
    const t = Date.now() - 3_600_000;
    products.slice(0, 60).forEach((p, i) => {
      const item = { id: String(p.id), category: p.category, brand: p.brand, price: p.price };
      pz.track({ type: i % 3 === 0 ? 'click' : 'view', item, ts: t + i * 1000 });
    });
    await pz.flush();
  });
}
