import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine';
import { applyRemovedInterests, interestKey, readRemoved, withoutRemoved, withRemoved } from '../../src/core/privacy/interests';
import { createRng } from '../../src/core/util/rng';
import { PersonalizerService } from '../../src/worker/service';
import { ev, T0 } from './profile-helpers';

const lipstick = (i: number) => ({ id: `lip-${i}`, category: 'beauty/lipstick', brand: 'Rouge', price: 12, tags: ['matte'] });
const eyeliner = (i: number) => ({ id: `eye-${i}`, category: 'beauty/eyeliner', brand: 'Kohl', price: 9 });
const pot = (i: number) => ({ id: `pot-${i}`, category: 'home/kitchen', brand: 'Forge', price: 30 });

function shopper(): Engine {
  const engine = new Engine({}, T0);
  let t = T0;
  for (let i = 0; i < 3; i++) engine.ingest(ev('click', (t += 60_000), pot(i)), t, false);
  for (let i = 0; i < 2; i++) engine.ingest(ev('click', (t += 60_000), eyeliner(i)), t, false);
  for (let i = 0; i < 6; i++) engine.ingest(ev('add_to_cart', (t += 60_000), lipstick(i)), t, false);
  return engine;
}
const still = () => 0;
const NOW = T0 + 3_600_000;

describe('removing an interest', () => {
  it('takes a category out with everything under it, and its credit out of its parent', () => {
    const p = shopper().profile;
    applyRemovedInterests(p, [{ kind: 'category', key: 'beauty/lipstick', at: NOW }]);
    expect(p.categories.long.has('beauty/lipstick')).toBe(false);
    expect(p.categories.short.has('beauty/lipstick')).toBe(false);
    // All of "beauty" that is left came from eyeliner.
    expect(p.categories.long.get('beauty')).toBeCloseTo(p.categories.long.get('beauty/eyeliner')!, 9);
    expect(p.prices.byCategory.has('beauty/lipstick')).toBe(false);
    expect(p.recentCategories).not.toContain('beauty/lipstick');
    expect(p.categories.long.get('home/kitchen')).toBeGreaterThan(0);
  });

  it('stays removed when new events come in, and is idempotent', () => {
    const engine = shopper();
    const removed = [{ kind: 'category' as const, key: 'beauty/lipstick', at: NOW }];
    applyRemovedInterests(engine.profile, removed);
    engine.ingest(ev('purchase', NOW, lipstick(9)), NOW, false);
    applyRemovedInterests(engine.profile, removed);
    applyRemovedInterests(engine.profile, removed);
    expect(engine.profile.categories.long.has('beauty/lipstick')).toBe(false);
    expect(engine.profile.categories.long.get('beauty')).toBeCloseTo(engine.profile.categories.long.get('beauty/eyeliner')!, 9);
  });

  it('brands and tags leave both horizons', () => {
    const p = shopper().profile;
    applyRemovedInterests(p, [
      { kind: 'brand', key: 'rouge', at: NOW },
      { kind: 'tag', key: 'matte', at: NOW },
    ]);
    expect([...p.brands.long.keys(), ...p.brands.short.keys()]).not.toContain('rouge');
    expect([...p.tags.long.keys(), ...p.tags.short.keys()]).not.toContain('matte');
  });

  it('the next rerank no longer uses it', () => {
    const engine = shopper();
    const candidates = [pot(50), { ...lipstick(50), brand: 'Other', tags: [] }];
    const before = engine.rerank(candidates, { personalization: 1, diversity: 0 }, createRng(1), NOW, still);
    expect(before.items[0]!.id).toBe('lip-50');
    applyRemovedInterests(engine.profile, [{ kind: 'category', key: 'beauty/lipstick', at: NOW }]);
    const after = engine.rerank(candidates, { personalization: 1, diversity: 0 }, createRng(1), NOW, still);
    expect(after.items[0]!.id).toBe('pot-50');
  });

  it('keys are normalised the way the profile stores them; lists are bounded and read defensively', () => {
    expect(interestKey('category', ' beauty / lipstick ')).toBe('beauty/lipstick');
    expect(interestKey('brand', ' Rouge ')).toBe('rouge');
    expect(interestKey('colour', 'red')).toBeUndefined();
    expect(interestKey('tag', 42)).toBeUndefined();
    let list = withRemoved([], 'brand', 'rouge', 1);
    list = withRemoved(list, 'brand', 'rouge', 2);
    expect(list).toEqual([{ kind: 'brand', key: 'rouge', at: 2 }]);
    expect(withoutRemoved(list, 'brand', 'rouge')).toEqual([]);
    expect(readRemoved([{ kind: 'brand', key: 'x', at: 1 }, { kind: 'evil', key: 'y', at: 1 }, null, 'z'])).toEqual([{ kind: 'brand', key: 'x', at: 1 }]);
    for (let i = 0; i < 300; i++) list = withRemoved(list, 'tag', `t${i}`, i);
    expect(list).toHaveLength(200);
  });
});

const started: PersonalizerService[] = [];
afterEach(() => {
  for (const s of started.splice(0)) s.close();
});
const service = () => {
  const svc = new PersonalizerService({ now: () => NOW, loadLearner: () => import('../../src/core/model/learner') });
  started.push(svc);
  return svc;
};
const cats = async (svc: PersonalizerService) => Object.keys(((await svc.profile()) as { profile: { categories: { long: Record<string, number> } } }).profile.categories.long);

describe('the worker keeps removed interests', () => {
  it('across a reload, for new events, in the export, and restores them on request', async () => {
    const dbName = `pz-interests-${T0}`;
    const a = service();
    await a.init({ dbName, seed: 1 });
    await a.track([{ id: 'e1', type: 'add_to_cart', item: lipstick(1), ts: NOW }, { id: 'e2', type: 'click', item: pot(1), ts: NOW }]);
    expect(await a.removeInterest('category', 'beauty/lipstick')).toBe(true);
    expect(await a.removeInterest('category', '   ')).toBe(false);
    expect(await cats(a)).not.toContain('beauty/lipstick');
    a.close();

    const b = service();
    await b.init({ dbName, seed: 1 });
    expect(await cats(b)).not.toContain('beauty/lipstick');
    await b.track([{ id: 'e3', type: 'purchase', item: lipstick(2), ts: NOW }]);
    expect(await cats(b)).not.toContain('beauty/lipstick');
    const exported = await b.exportData();
    expect(exported.version).toBe(2);
    expect(exported.removedInterests).toEqual([{ kind: 'category', key: 'beauty/lipstick', at: NOW }]);

    expect(await b.restoreInterest('category', 'beauty/lipstick')).toBe(true);
    await b.track([{ id: 'e4', type: 'purchase', item: lipstick(3), ts: NOW }]);
    expect(await cats(b)).toContain('beauty/lipstick');
  });

  it('explains the last personalized rerank item by item', async () => {
    const svc = service();
    await svc.init({ dbName: `pz-why-${T0}`, seed: 1 });
    await svc.track([1, 2, 3].map((i) => ({ id: `w${i}`, type: 'add_to_cart', item: lipstick(i), ts: NOW })));
    expect(await svc.explainLast()).toBeUndefined();
    await svc.rerank([pot(60), lipstick(60)], { slot: 'home', personalization: 1 });
    const why = await svc.explainLast();
    expect(why?.slot).toBe('home');
    expect(why?.items.map((i) => [i.id, i.from, i.to])).toEqual([
      ['lip-60', 1, 0],
      ['pot-60', 0, 1],
    ]);
    expect(why?.items[0]?.reason).toMatch(/\w/);
  });
});
