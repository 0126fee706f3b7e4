import type { Page } from '@playwright/test';

/** Collects page errors and every request URL, to assert zero errors and no request leaving the origin. */
export function watch(page: Page): { errors: string[]; requests: string[] } {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  return { errors, requests };
}

/** Reads every stored event from the personalizer's IndexedDB, in the page. */
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
            const out = (req.result as { events: { id: string; type: string; ts: number }[] }[]).flatMap((b) => b.events);
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
