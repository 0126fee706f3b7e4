import { expect, test } from '@playwright/test';
import { pzReady, storedEvents, watch } from './helpers';

type Pz = {
  track(e: unknown): void;
  flush(): Promise<{ accepted: string[]; durable: boolean } | undefined>;
  profile(): Promise<{ profile: { eventCount: number; counts: Record<string, number> } }>;
  erase(): Promise<void>;
};

test('an acknowledged event survives the tab closing right after the acknowledgement', async ({ context }) => {
  const page = await context.newPage();
  await page.goto('/test/tabs.html');
  await pzReady(page);
  const ack = await page.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    for (let i = 0; i < 25; i++) p.track({ id: `durable-${i}`, type: 'view', item: { id: `d${i}`, category: 'a/b' } });
    return p.flush();
  });
  expect(ack?.durable).toBe(true);
  expect(ack?.accepted).toHaveLength(25);
  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await next.goto('/test/blank.html');
  const ids = (await storedEvents(next, 'pz-e2e-tabs')).map((e) => e.id);
  for (let i = 0; i < 25; i++) expect(ids).toContain(`durable-${i}`);
});

test('schema v1 data is upgraded in the browser and every event is kept', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/blank.html');
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('pz-e2e-upgrade', 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore('events', { keyPath: 'id' }).createIndex('ts', 'ts');
          db.createObjectStore('profile');
          db.createObjectStore('meta');
        };
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction('events', 'readwrite');
          const now = Date.now();
          for (let i = 0; i < 300; i++) {
            tx.objectStore('events').put({ id: `v1-${i}`, type: i % 3 ? 'view' : 'click', ts: now - (300 - i) * 60_000, item: { id: `it${i % 20}`, category: i % 2 ? 'home/kitchen' : 'x/y' } });
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
        };
      }),
  );
  await page.goto('/test/upgrade.html');
  await pzReady(page);
  const view = await page.evaluate(() => (window as unknown as { pz: Pz }).pz.profile());
  expect(view.profile.eventCount).toBe(300);
  const ids = new Set((await storedEvents(page, 'pz-e2e-upgrade')).map((e) => e.id));
  expect(ids.size).toBe(300);
  expect(seen.errors).toEqual([]);
});

test('events reach the other tabs, and erase empties every tab at once', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/test/tabs.html');
  await b.goto('/test/tabs.html');
  await pzReady(a);
  await pzReady(b);
  const before = await b.evaluate(() => (window as unknown as { pz: Pz }).pz.profile());
  await a.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'tab-a-1', type: 'add_to_cart', item: { id: 'shared', category: 'beauty/lipstick' } });
    await p.flush();
  });
  await expect
    .poll(async () => (await b.evaluate(() => (window as unknown as { pz: Pz }).pz.profile())).profile.eventCount)
    .toBe(before.profile.eventCount + 1);
  await a.evaluate(() => (window as unknown as { pz: Pz }).pz.erase());
  await expect.poll(async () => (await b.evaluate(() => (window as unknown as { pz: Pz }).pz.profile())).profile.eventCount).toBe(0);
  expect(await storedEvents(b, 'pz-e2e-tabs')).toEqual([]);
});

test('an erase in one tab drops what another tab recorded before it but had not sent (defect 9)', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/test/tabs.html');
  await b.goto('/test/tabs.html');
  await pzReady(a);
  await pzReady(b);
  await b.evaluate(async () => {
    const p = (window as unknown as { pz: Pz }).pz;
    p.track({ id: 'b-sent', type: 'view', item: { id: 'x', category: 'a/b' } });
    await p.flush();
  });
  const recordedBefore = await b.evaluate(() => Date.now());
  await a.evaluate(() => (window as unknown as { pz: Pz }).pz.erase());
  await expect.poll(async () => (await b.evaluate(() => (window as unknown as { pz: Pz }).pz.profile())).profile.eventCount).toBe(0);
  // Tab b's page recorded these before the erase (their time says so) and sends them only now.
  const ack = await b.evaluate(async (ts) => {
    const p = (window as unknown as { pz: Pz }).pz;
    for (let i = 0; i < 3; i++) p.track({ id: `b-unsent-${i}`, type: 'view', ts, item: { id: `u${i}`, category: 'a/b' } });
    return p.flush();
  }, recordedBefore);
  expect(ack?.accepted).toEqual([]);
  expect(await storedEvents(b, 'pz-e2e-tabs')).toEqual([]);
});
