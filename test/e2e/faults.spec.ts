/**
 * Storage faults in real Chromium: the worker, its IndexedDB and the page's erase, with the database
 * put into a bad state from the page before the personalizer starts.
 */
import { expect, type Page, test } from '@playwright/test';
import { pzReady, storedEvents, watch } from './helpers';

const DB = 'pz-e2e-faults';

type Pz = {
  track(e: unknown): void;
  flush(): Promise<{ accepted: string[]; durable: boolean } | undefined>;
  exportData(): Promise<{ events: { id: string }[] } | undefined>;
  erase(): Promise<void>;
};

const databaseNames = (page: Page) => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

/** Creates the fixture database at `version` holding `records` in `batches`, from a blank page. */
async function seed(page: Page, version: number, records: unknown[]): Promise<void> {
  await page.goto('/test/blank.html');
  await page.evaluate(
    ({ name, version, records }) =>
      new Promise<void>((resolve, reject) => {
        const del = indexedDB.deleteDatabase(name);
        del.onsuccess = () => {
          const req = indexedDB.open(name, version);
          req.onupgradeneeded = () => {
            const db = req.result;
            db.createObjectStore('batches', { keyPath: 'id', autoIncrement: true }).createIndex('lastTs', 'lastTs');
            for (const s of ['profile', 'model', 'meta']) db.createObjectStore(s);
          };
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction('batches', 'readwrite');
            for (const r of records) tx.objectStore('batches').add(r);
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
          };
        };
        del.onerror = () => reject(del.error);
      }),
    { name: DB, version, records },
  );
}

const event = (id: string, ts = Date.now() - 60_000) => ({ id, type: 'view', ts, item: { id: `item-${id}`, category: 'a/b' } });

test('erase deletes a database at a newer schema version that the worker could not open (defect 1)', async ({ page }) => {
  const seen = watch(page);
  await seed(page, 4, [{ lastTs: Date.now(), events: [event('from-a-newer-version')] }]);
  await page.goto('/test/faults.html');
  await pzReady(page);
  await page.evaluate(() => (window as unknown as { pz: Pz }).pz.erase());
  expect(await databaseNames(page)).not.toContain(DB);
  expect(seen.errors).toEqual([]);
});

test('one malformed record is skipped: storage stays durable and erase deletes everything (defects 1, 2)', async ({ page }) => {
  await seed(page, 2, [{ lastTs: Date.now(), events: [event('good-1')] }, { lastTs: 'junk', events: 'not a list' }]);
  await page.goto('/test/faults.html');
  await pzReady(page);
  const ack = await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'good-2', type: 'view', item: { id: 'x', category: 'a/b' } });
    return p.flush();
  });
  expect(ack?.durable).toBe(true);
  expect((await storedEvents(page, DB)).map((e) => e.id).sort()).toEqual(['good-1', 'good-2']);
  await page.evaluate(() => (window as unknown as { pz: Pz }).pz.erase());
  expect(await databaseNames(page)).not.toContain(DB);
});

test('after the database was deleted under the worker, the next write opens it again (defect 3)', async ({ page }) => {
  await seed(page, 2, []);
  await page.goto('/test/faults.html');
  await pzReady(page);
  await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'before', type: 'view', item: { id: 'x', category: 'a/b' } });
    await p.flush();
  });
  // Another tab's erase, or the browser's "clear site data", from outside the worker.
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const del = indexedDB.deleteDatabase(name);
        del.onsuccess = () => resolve();
        del.onerror = () => reject(del.error);
      }),
    DB,
  );
  const ack = await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'after', type: 'view', item: { id: 'y', category: 'a/b' } });
    return p.flush();
  });
  expect(ack?.durable).toBe(true);
  expect((await storedEvents(page, DB)).map((e) => e.id)).toEqual(['after']);
  const exported = await page.evaluate(() => (window as unknown as { pz: Pz }).pz.exportData());
  expect(exported?.events.map((e) => e.id)).toEqual(['after']);
  await page.evaluate(() => (window as unknown as { pz: Pz }).pz.erase());
  expect(await databaseNames(page)).not.toContain(DB);
});

test('on a full disk nothing is claimed durable, and the events are written with the next batch (defect 8, wrapper worker)', async ({ page }) => {
  const QUOTA_DB = 'pz-e2e-quota';
  await page.goto('/test/blank.html');
  await page.evaluate((name) => new Promise((resolve) => (indexedDB.deleteDatabase(name).onsuccess = resolve)), QUOTA_DB);
  await page.goto('/test/quota.html');
  await pzReady(page);
  const first = await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'while-full', type: 'view', item: { id: 'x', category: 'a/b' } });
    return p.flush();
  });
  expect(first).toMatchObject({ accepted: ['while-full'], durable: false });
  expect(await storedEvents(page, QUOTA_DB)).toEqual([]);
  // Not lost: it is in the export, and goes first with the next write.
  const exported = await page.evaluate(() => (window as unknown as { pz: Pz }).pz.exportData());
  expect(exported?.events.map((e) => e.id)).toEqual(['while-full']);
  const next = await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'after', type: 'view', item: { id: 'y', category: 'a/b' } });
    return p.flush();
  });
  expect(next?.durable).toBe(true);
  expect((await storedEvents(page, QUOTA_DB)).map((e) => e.id)).toEqual(['while-full', 'after']);
});
