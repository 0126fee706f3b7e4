import { expect, test } from '@playwright/test';
import { pzReady, watch } from './helpers';

type Result = { items: { id: string; score: number; from: number; to: number; reason?: string }[]; fellBack: false | string; listId?: string };

/**
 * In real Chromium with the built bundles: a list `pz.rerank` sends packed gets the result the same
 * list sent as objects gets, for the same shopper. A list packing refuses goes as objects (one element
 * with an over-long tag list, and an id the cleaner drops, so both lists clean to the same candidates).
 */
test('a packed rerank returns what the object path returns, for the bench list and a messy one; a list packing refuses still reranks', async ({ page }) => {
  const seen = watch(page);
  await page.goto('/test/packed.html');
  await pzReady(page);
  const compared = await page.evaluate(async () => {
    type Pz = {
      track(e: unknown): void;
      flush(): Promise<unknown>;
      profile(): Promise<{ model?: { learning?: boolean; pendingExamples?: number } } | undefined>;
      rerank(c: unknown, o?: unknown): Promise<Result>;
      explainLast(): Promise<{ listId: string; items: { id: string }[] } | undefined>;
      on(name: string, fn: (d: unknown) => void): () => void;
    };
    const w = window as unknown as { pz: Pz; __pzCalls: string[] };
    const pz = w.pz;
    const categories = ['beauty/lipstick', 'beauty/serum', 'home/kitchen', 'fashion/shoes', 'groceries/coffee'];
    const list = Array.from({ length: 200 }, (_, i) => ({
      id: `sku-${i}`,
      title: `Product ${i}`,
      category: categories[i % 5],
      brand: ['Rouge', 'Nord', 'Acme'][i % 3],
      price: 5 + ((i * 37) % 200),
      tags: ['matte', 'vegan', 'gift', 'eco'].slice(i % 3, (i % 3) + 2),
      embedding: Array.from({ length: 16 }, (_, k) => Math.sin(i * 16 + k)),
      related: i % 4 === 0 ? [{ id: `sku-${i + 1}`, score: 0.5 }] : [],
      consumable: i % 2 === 0,
      ...(i % 50 === 7 ? { pinned: true } : {}),
      ...(i % 40 === 3 ? { available: false } : {}),
    }));
    for (let i = 0; i < 60; i++) {
      const c = list[(i * 5) % 40]!;
      pz.track({ id: `packed-ev-${i}`, type: i % 6 === 0 ? 'add_to_cart' : 'click', item: { id: c.id, category: c.category, brand: c.brand, price: c.price, tags: c.tags }, ts: Date.now() - (60 - i) * 60_000 });
    }
    await pz.flush();
    // The learner attached and caught up, so nothing changes the shopper's model between the calls compared.
    for (let i = 0; i < 100; i++) {
      const v = await pz.profile();
      if (v?.model?.learning && v.model.pendingExamples === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const getter = {
      id: 'getter',
      get price(): number {
        return 3;
      },
    };
    const messy: unknown[] = [
      ...list.slice(0, 60).map((c, i) => ({ ...c, ...(i % 7 === 0 ? { price: 'abc' } : {}), ...(i % 11 === 0 ? { tags: [' Matte ', 'matte', 7] } : {}), ...(i % 13 === 0 ? { category: ` ${String(c.category).toUpperCase()} ` } : {}) })),
      { ...list[3], title: 'duplicate' },
      null,
      'junk',
      7,
      { id: '' },
      { id: 42, category: 'home/kitchen', price: 20 },
      Object.freeze({ id: 'frozen', category: 'beauty/lipstick', brand: 'Rouge' }),
      getter,
      { id: 'emb65', embedding: new Array(65).fill(0.5), category: 'beauty/serum' },
      { id: 'bad-related', related: [{ id: 'sku-1', score: 2 }, null, { score: 0.4 }] },
      { id: 'flags', pinned: 'yes', available: 0, category: 'fashion/shoes' },
    ];
    // Packing refuses a list with a tag list over 1,000 long; this element's id is one the cleaner drops.
    const refusing = (l: unknown[]) => [...l, { id: '', tags: new Array(1001).fill('t') }];
    // A generous budget: the test compares results, and a loaded machine must not turn one into the server order.
    const options = [{ slot: 'plain', exploration: 0, budgetMs: 10_000 }, { slot: 'limited', exploration: 0, budgetMs: 10_000, limit: 12, diversity: 0.3 }];
    const out: { name: string; packed: Result; objects: Result; packedCall: string; objectCall: string; eventsSame: boolean; lastSame: boolean }[] = [];
    for (const [name, l] of [['bench-shaped', list], ['messy', messy]] as const) {
      for (const o of options) {
        const heard: Result[] = [];
        const off = pz.on('reranked', (d) => heard.push((d as { result: Result }).result));
        let calls = w.__pzCalls.length;
        const packed = await pz.rerank(l, { ...o, slot: `${o.slot}-packed` });
        const packedCall = w.__pzCalls.slice(calls).join(',');
        const last = await pz.explainLast();
        calls = w.__pzCalls.length;
        const objects = await pz.rerank(refusing(l), { ...o, slot: `${o.slot}-objects` });
        const objectCall = w.__pzCalls.slice(calls).join(',');
        off();
        out.push({
          name: `${name} ${o.slot}`,
          packed,
          objects,
          packedCall,
          objectCall,
          eventsSame: heard.length === 2 && heard[0] === packed && heard[1] === objects,
          lastSame: last?.listId === packed.listId && JSON.stringify(last?.items.map((i) => i.id)) === JSON.stringify(packed.items.map((i) => i.id)),
        });
      }
    }
    return out;
  });
  for (const c of compared) {
    expect(c.packedCall, c.name).toBe('rerankPacked');
    expect(c.objectCall, c.name).toBe('rerank');
    expect(c.packed.fellBack, c.name).toBe(false);
    expect(c.objects.fellBack, c.name).toBe(false);
    expect(c.packed.listId, c.name).toMatch(/.+/);
    expect(c.eventsSame, c.name).toBe(true);
    expect(c.lastSame, c.name).toBe(true);
    // The same order, positions and reasons. Scores to 4 decimals: features decay with the worker's clock,
    // which moves between the two calls (test/unit/packed.test.ts compares at one time, exactly).
    const shape = (r: Result) => r.items.map(({ id, from, to, reason }) => ({ id, from, to, reason }));
    expect(shape(c.packed), c.name).toEqual(shape(c.objects));
    c.packed.items.forEach((item, k) => {
      expect(item.score, `${c.name} ${item.id}`).toBeCloseTo(c.objects.items[k]!.score, 4);
    });
    // Personalised: some item moved.
    expect(c.packed.items.some((i) => i.from !== i.to), c.name).toBe(true);
  }
  expect(compared.find((c) => c.name === 'messy plain')!.packed.items.map((i) => i.id)).toEqual(expect.arrayContaining(['42', 'frozen', 'getter', 'emb65', 'flags']));
  expect(seen.errors).toEqual([]);
});

test('a packed list the worker cannot read gets the page\'s own server order, saying why', async ({ page }) => {
  await page.goto('/test/packed.html');
  await pzReady(page);
  // `pz.rerank` is there before the client file has posted `init`; count only the calls after it.
  await page.waitForFunction(() => (window as unknown as { __pzCalls: string[] }).__pzCalls.includes('init'));
  const answer = await page.evaluate(async () => {
    const w = window as unknown as { pz: { rerank(c: unknown, o?: unknown): Promise<Result> }; __pzSpoilPacked: boolean; __pzCalls: string[] };
    w.__pzSpoilPacked = true;
    const calls = w.__pzCalls.length;
    const result = await w.pz.rerank([{ id: 'a', price: 3 }, { id: 'b' }, { id: 'c' }], { limit: 2 });
    return { result, calls: w.__pzCalls.slice(calls) };
  });
  expect(answer.calls).toEqual(['rerankPacked']);
  expect(answer.result.items).toEqual([expect.objectContaining({ id: 'a', from: 0, to: 0 }), expect.objectContaining({ id: 'b', from: 1, to: 1 })]);
  expect(answer.result.fellBack).toContain('packed candidates could not be read');
});
