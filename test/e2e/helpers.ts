import type { APIRequestContext, Page } from '@playwright/test';

/** Collects page errors and every request URL, to assert zero errors and no request leaving the origin. */
export function watch(page: Page): { errors: string[]; requests: string[] } {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  return { errors, requests };
}

/**
 * Reads every stored event from the personalizer's IndexedDB, in the page (a record's events are JSON
 * text, or an array in a schema-2 record; a record that is neither holds none, as the worker reads it).
 */
export function storedEvents(page: Page, dbName: string): Promise<{ id: string; type: string; item?: { id: string } }[]> {
  return page.evaluate(
    (name) =>
      // Opening a database that does not exist would create an empty one: report no events instead.
      indexedDB.databases().then((known) => new Promise((resolve, reject) => {
        if (!known.some((d) => d.name === name)) {
          resolve([]);
          return;
        }
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('batches', 'readonly');
          const req = tx.objectStore('batches').getAll();
          req.onsuccess = () => {
            const out = (req.result as { events: string | { id: string; type: string; ts: number }[] }[]).flatMap((b) => {
              try {
                const list = typeof b.events === 'string' ? JSON.parse(b.events) : b.events;
                return Array.isArray(list) ? list : [];
              } catch {
                return [];
              }
            });
            db.close();
            resolve(out);
          };
          req.onerror = () => reject(req.error);
        };
      })),
    dbName,
  ) as Promise<{ id: string; type: string; item?: { id: string } }[]>;
}

/** Waits until `window.pz` is the loaded API (not the queue array). */
export async function pzReady(page: Page, global = 'pz'): Promise<void> {
  await page.waitForFunction((g) => {
    const pz = (window as unknown as Record<string, { rerank?: unknown }>)[g];
    return !!pz && typeof pz.rerank === 'function';
  }, global);
}

/** `text` with the build's content hashes in file names written `[hash]` (`client-AbCd12_-.js` → `client-[hash].js`). */
export const withHashPlaceholders = (text: string): string => text.replace(/-[\w-]{8}\.js/g, '-[hash].js');

/**
 * The dist paths the page asked the test server for under `/__seen/<key>/` since the last call (the
 * server forgets them once told; cache hits are not asked).
 */
export async function seenPaths(request: APIRequestContext, key: string): Promise<string[]> {
  return (await (await request.get(`/__seen/${key}`)).json()) as string[];
}

/**
 * Opens `url` and, once `window.pz` is there, records a shopper who likes lipstick (clicks and carts on
 * twelve `beauty/lipstick` items) and waits until the events are stored: the history a test's next page
 * view is personalized from.
 */
export async function lipstickShopper(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await pzReady(page);
  await page.evaluate(async () => {
    const pz = (window as unknown as { pz: { track(e: unknown): void; flush(): Promise<unknown> } }).pz;
    for (let i = 0; i < 12; i++) pz.track({ type: i % 3 ? 'click' : 'add_to_cart', item: { id: `l${i}`, category: 'beauty/lipstick', price: 12 } });
    await pz.flush();
  });
}

/**
 * Resolves after the page has rendered `n` more frames: what an absence check (no layout shift, no
 * second worker) waits for, instead of a fixed sleep.
 */
export function renderedFrames(page: Page, n = 2): Promise<void> {
  return page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const step = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
        step(count);
      }),
    n,
  );
}

/** Flushes the page's buffered events, then reads the stored ones: poll this until what should be stored is. */
export async function flushedEvents(page: Page, dbName: string, global = 'pz'): Promise<{ id: string; type: string; item?: { id: string } }[]> {
  await page.evaluate((g) => (window as unknown as Record<string, { flush?: () => Promise<unknown> }>)[g]?.flush?.(), global);
  return storedEvents(page, dbName);
}
