import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/core/engine';
import { ModelStateError } from '../../src/core/errors';
import { type ShopperLearner, createLearner } from '../../src/core/model/learner';
import { DEFAULT_WEIGHTS } from '../../src/core/model/default-weights';
import { FAMILY_INDEX, FEATURE_FAMILIES, FEATURE_SCHEMA_VERSION } from '../../src/core/model/features';
import { type ListOutcome, TasteModel, type TasteSettings, tasteTokens } from '../../src/core/model/taste';
import { TASTE_SETTINGS } from '../../src/core/settings';
import { createRng } from '../../src/core/util/rng';
import type { Candidate } from '../../src/core/types';
import { T0 } from './profile-helpers';

const shown = (items: Candidate[], clickedIds: string[] = []): ListOutcome => ({
  items,
  positions: items.map((_, k) => k),
  clicked: items.map((c) => clickedIds.includes(c.id)),
});
const item = (id: string, tags: string[], extra: Partial<Candidate> = {}): Candidate => ({ id, tags, ...extra });

describe('taste model', () => {
  it('names every attribute of an item once, with its family', () => {
    expect(tasteTokens({ id: 'A1', brand: ' Acme ', category: 'beauty/lips', tags: ['matte', 'Matte', 'red'] })).toEqual([
      'i:A1',
      'b:acme',
      'c:beauty',
      'c:beauty/lips',
      't:matte',
      't:red',
    ]);
  });

  it('scores each item by exactly the tokens tasteTokens lists, in its order, family by family', () => {
    // A model holding a weight for some of the tokens the list below has, each mean a distinct value.
    const held = ['i:a', 'i:c', 'b:acme', 'b:globex', 'c:home', 'c:home/kitchen', 'c:beauty/lips', 't:matte', 't:red', 't:t3', 't:t40'];
    const state = { v: 2, lists: 4, clock: 4, tokens: held.map((t, k) => [t, 0.1 * (k + 1) + 1 / (k + 3), 1, 4]), embMean: [], embVar: [], embLists: 4, dense: [0, 0, 0], denseVar: [1, 1, 1], denseLists: 4, priceCentre: null };
    const m = TasteModel.fromState(state, TASTE_SETTINGS);
    const means = new Map(state.tokens.map(([t, mean]) => [t as string, mean as number]));
    const many = Array.from({ length: 45 }, (_, k) => `t${k}`);
    const list: Candidate[] = [
      { id: 'a', brand: ' Acme ', category: 'home/kitchen', tags: ['matte', 'Matte', 'red', 'MATTE '] },
      { id: 'b', brand: 'acme', category: 'home/kitchen/pans', tags: ['red', 'blue'] },
      { id: 'c', brand: 'Globex', category: 'beauty/lips', tags: many },
      { id: 'd', category: 'home', tags: [...many].reverse() },
      { id: 'e' },
    ];
    const f = FEATURE_FAMILIES.length;
    const slot: Record<string, number> = { i: FAMILY_INDEX.item, b: FAMILY_INDEX.brand, c: FAMILY_INDEX.category, t: FAMILY_INDEX.tags };
    const rows = new Float64Array(list.length * f);
    const scores = m.score(list, rows);
    list.forEach((c, i) => {
      const want = new Float64Array(f);
      let sum = 0;
      for (const t of tasteTokens(c)) {
        const mean = means.get(t);
        if (mean === undefined) continue;
        sum += mean;
        want[slot[t[0]!]!]! += mean;
      }
      expect([...m.contributions(c)]).toEqual([...want]);
      expect([...rows.subarray(i * f, i * f + f)]).toEqual([...want]);
      expect(scores[i]).toBe(Math.fround(sum));
    });
  });

  it('a fresh model scores every item 0, so attaching it changes no order', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    expect([...m.score([item('a', ['x']), item('b', ['y'])])]).toEqual([0, 0]);
  });

  it('learns a liked tag from clicks low in the list, and a tag passed over at the top as disliked', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    for (let l = 0; l < 12; l++) {
      // "liked" items sit low in the list and get clicked; "meh" items sit at the top and do not.
      const items = [item(`m${l}a`, ['page', 'meh']), item(`m${l}b`, ['page', 'meh']), item(`o${l}`, ['page', 'other']), item(`l${l}`, ['page', 'liked'])];
      m.observe([shown(items, [`l${l}`])]);
    }
    const [liked, meh, other] = m.score([item('n1', ['page', 'liked']), item('n2', ['page', 'meh']), item('n3', ['page', 'other'])]);
    expect(liked).toBeGreaterThan(other!);
    expect(other).toBeGreaterThan(meh!);
  });

  it('an item passed over at the top says more than one passed over far down (position-based examination)', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const items = Array.from({ length: 20 }, (_, k) => item(`p${k}`, [`t${k}`]));
    m.observe([shown(items, ['p9'])]);
    const s = m.score(items);
    expect(s[9]).toBeGreaterThan(0);
    expect(s[0]).toBeLessThan(0);
    expect(s[0]).toBeLessThan(s[19]!);
  });

  it('what every item of a list shares (the page itself) is context, not a preference', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const items = [item('a', ['page', 'x']), item('b', ['page', 'y']), item('c', ['page', 'z'])];
    m.observe([shown(items), shown(items, ['c'])]);
    expect(m.contributions(item('q', ['page']))[FAMILY_INDEX.tags]).toBeCloseTo(0, 12);
  });

  it('learns only what the other ranker leaves unexplained (offsets)', () => {
    const explained = new TasteModel(TASTE_SETTINGS);
    const unexplained = new TasteModel(TASTE_SETTINGS);
    for (let l = 0; l < 10; l++) {
      const items = [item(`a${l}`, ['dull']), item(`b${l}`, ['loved'])];
      const o = shown(items, [`b${l}`]);
      explained.observe([{ ...o, offsets: [-3, 3] }]);
      unexplained.observe([o]);
    }
    const gap = (m: TasteModel) => {
      const [d, l] = m.score([item('d', ['dull']), item('l', ['loved'])]);
      return l! - d!;
    };
    expect(gap(unexplained)).toBeGreaterThan(gap(explained));
    expect(gap(explained)).toBeGreaterThanOrEqual(0);
  });

  it('learns an embedding direction and a price level', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const rng = createRng(4);
    for (let l = 0; l < 30; l++) {
      const items = Array.from({ length: 10 }, (_, k) => {
        const a = rng() * 2 * Math.PI;
        return item(`e${l}-${k}`, [], { embedding: [Math.cos(a), Math.sin(a)], price: 10 * Math.exp(rng() * 2 - 1) });
      });
      // This shopper clicks what points along +x and costs about 10.
      const clicked = items.filter((c) => c.embedding![0]! > 0.5 && Math.abs(Math.log(c.price! / 10)) < 0.4).map((c) => c.id);
      m.observe([shown(items, clicked)]);
    }
    const [along, against] = m.score([item('a', [], { embedding: [1, 0] }), item('b', [], { embedding: [-1, 0] })]);
    expect(along).toBeGreaterThan(against!);
    const [usual, dear] = m.score([item('u', [], { price: 10 }), item('d', [], { price: 60 })]);
    expect(usual).toBeGreaterThan(dear!);
  });

  it('stores and restores exactly, JSON safe; a malformed state is refused with ModelStateError', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const items = [item('a', ['x'], { embedding: [1, 0], price: 5 }), item('b', ['y'], { embedding: [0, 1], price: 9 })];
    m.observe([shown(items, ['b'])]);
    const back = TasteModel.fromState(JSON.parse(JSON.stringify(m.exportState())), TASTE_SETTINGS);
    expect([...back.score(items)]).toEqual([...m.score(items)]);
    expect(back.listsSeen()).toBe(1);
    expect(() => TasteModel.fromState({ ...m.exportState(), v: 99 }, TASTE_SETTINGS)).toThrow(ModelStateError);
    expect(() => TasteModel.fromState({ ...m.exportState(), tokens: [['zz', 1, 1, 0]] }, TASTE_SETTINGS)).toThrow(ModelStateError);
    expect(() => TasteModel.fromState({ ...m.exportState(), denseVar: [1, 0, 1] }, TASTE_SETTINGS)).toThrow(ModelStateError);
  });

  it('keeps at most maxTokens attribute weights', () => {
    const m = new TasteModel({ ...TASTE_SETTINGS, maxTokens: 40 });
    for (let l = 0; l < 20; l++) m.observe([shown(Array.from({ length: 5 }, (_, k) => item(`z${l}-${k}`, [`t${l}-${k}`])))]);
    expect(m.size()).toBeLessThanOrEqual(40);
  });

  it('forgets: old evidence weighs less, so a changed taste is followed', () => {
    const run = (forget: number, meanKeep = 1) => {
      const m = new TasteModel({ ...TASTE_SETTINGS, forget, meanKeep });
      for (let l = 0; l < 30; l++) m.observe([shown([item(`a${l}`, ['x']), item(`b${l}`, ['y'])], [`a${l}`])]);
      for (let l = 0; l < 8; l++) m.observe([shown([item(`c${l}`, ['x']), item(`d${l}`, ['y'])], [`d${l}`])]);
      const [x, y] = m.score([item('p', ['x']), item('q', ['y'])]);
      return y! - x!;
    };
    expect(run(0.8)).toBeGreaterThan(run(1));
    expect(run(1, 0.9)).toBeGreaterThan(run(1));
  });

  it('forgets faster after surprising lists: clicks far less likely than the model expects move its clock on', () => {
    const on: TasteSettings = { ...TASTE_SETTINGS, surpriseThreshold: 1, surpriseLists: 3 };
    const off: TasteSettings = { ...TASTE_SETTINGS, surpriseLists: 0 };
    // Clicks drawn from the position-based model itself: position k examined with probability 1/k,
    // then clicked with 0.9 if the item has the liked tag, else 0.1.
    const run = (settings: TasteSettings, switchAt: number) => {
      const m = new TasteModel(settings);
      const rng = createRng(8);
      let clockAt34 = 0;
      for (let l = 0; l < 40; l++) {
        if (l === 34) clockAt34 = m.exportState().clock;
        const liked = l < switchAt ? 'x' : 'y';
        const items = Array.from({ length: 10 }, (_, k) => item(`p${l}-${k}`, [rng() < 0.5 ? 'x' : 'y']));
        const clicked = items.filter((c, k) => rng() < 1 / (k + 1) && rng() < (c.tags![0] === liked ? 0.9 : 0.1)).map((c) => c.id);
        m.observe([shown(items, clicked)]);
      }
      const [x, y] = m.score([item('p', ['x']), item('q', ['y'])]);
      // Extra forgetting over the last six lists, beyond one per list.
      return { gap: y! - x!, extra: m.exportState().clock - clockAt34 - 6 };
    };
    const steady = run(on, 40);
    const switched = run(on, 34);
    expect(run(off, 34).extra).toBe(0);
    // A taste that keeps being confirmed rarely surprises; one that flips does.
    expect(switched.extra).toBeGreaterThan(5);
    expect(switched.extra).toBeGreaterThan(steady.extra + 5);
    // So six lists after the switch the new taste leads, which plain forgetting has not managed yet.
    expect(switched.gap).toBeGreaterThan(0);
    expect(switched.gap).toBeGreaterThan(run(off, 34).gap);
  });

  it('reads a version-1 state (its forgetting clock was the list count)', () => {
    // Without surprise the clock is the list count, as in version 1.
    const m = new TasteModel({ ...TASTE_SETTINGS, surpriseLists: 0 });
    const items = [item('a', ['x']), item('b', ['y'])];
    m.observe([shown(items, ['b'])]);
    const { clock: _clock, ...v1 } = { ...m.exportState(), v: 1 };
    const back = TasteModel.fromState(v1, TASTE_SETTINGS);
    expect([...back.score(items)]).toEqual([...m.score(items)]);
    expect(back.exportState().clock).toBe(1);
    expect(() => TasteModel.fromState({ ...m.exportState(), clock: 0 }, TASTE_SETTINGS)).toThrow(ModelStateError);
  });

  it('an old taste fades once it stops being confirmed (weights shrink toward 0 per list)', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    for (let l = 0; l < 10; l++) m.observe([shown([item(`a${l}`, ['x']), item(`b${l}`, ['y'])], [`b${l}`])]);
    const gap = () => {
      const [x, y] = m.score([item('p', ['x']), item('q', ['y'])]);
      return y! - x!;
    };
    const before = gap();
    expect(before).toBeGreaterThan(0);
    for (let l = 0; l < 10; l++) m.observe([shown([item(`c${l}`, ['z']), item(`d${l}`, ['w'])])]);
    expect(gap()).toBeLessThan(before * TASTE_SETTINGS.meanKeep ** 9);
    expect(gap()).toBeGreaterThan(0);
  });
});

describe('taste model: means computed once per change', () => {
  it('scores and contributions between lists learnt are those of a model restored afresh', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const page = (l: number) => [0, 1, 2, 3, 4, 5].map((k) => item(`p${l}-${k}`, [`t${k % 3}`, 'page'], { brand: `B${k % 2}`, category: `c/${k % 3}`, price: 5 + k }));
    const probe = page(99);
    for (let l = 0; l < 8; l++) {
      // Scoring between lists caches every mean it reads; the next list must move them all on.
      const before = m.score(probe);
      m.observe([shown(page(l), [`p${l}-${(l * 5) % 6}`]), shown(page(l + 50))]);
      const fresh = TasteModel.fromState(m.exportState(), TASTE_SETTINGS);
      expect([...m.score(probe)]).toEqual([...fresh.score(probe)]);
      for (const c of probe) expect([...m.contributions(c)]).toEqual([...fresh.contributions(c)]);
      if (l > 0) expect([...m.score(probe)]).not.toEqual([...before]);
    }
    m.exclude([{ kind: 'brand', key: 'b1' }]);
    const fresh = TasteModel.fromState(m.exportState(), TASTE_SETTINGS);
    fresh.exclude([{ kind: 'brand', key: 'b1' }]);
    expect([...m.score(probe)]).toEqual([...fresh.score(probe)]);
  });

  it('scores a list and fills every candidate\'s contributions by family in the same pass', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const page = (l: number) =>
      [0, 1, 2, 3, 4].map((k) => item(`q${l}-${k}`, [`t${k}`, 'T0', 't0'], { brand: `B${k % 2}`, category: `c/${k % 2}/x`, price: 3 + k, embedding: [k, 1, -k] }));
    for (let l = 0; l < 6; l++) m.observe([shown(page(l), [`q${l}-${l % 5}`])]);
    const cands = [...page(0), ...page(9), item('bare', [])];
    const f = FEATURE_FAMILIES.length;
    const rows = new Float64Array(cands.length * f).fill(3);
    const scores = m.score(cands, rows);
    expect([...scores]).toEqual([...m.score(cands)]);
    cands.forEach((c, i) => {
      expect([...rows.subarray(i * f, i * f + f)]).toEqual([...m.contributions(c)]);
    });
  });

  it('adds its contributions into the buffer it is given, summing to the score', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const items = [item('a', ['x'], { brand: 'A', price: 4 }), item('b', ['y'], { brand: 'B', price: 9 })];
    for (let l = 0; l < 5; l++) m.observe([shown(items, ['b'])]);
    const out = new Float64Array(FEATURE_FAMILIES.length).fill(1);
    expect(m.contributions(items[1]!, out)).toBe(out);
    const own = m.contributions(items[1]!);
    expect(own.reduce((a, b) => a + b, 0)).toBeCloseTo(m.score([items[1]!])[0]!, 5);
    for (let k = 0; k < out.length; k++) expect(out[k]).toBe(1 + own[k]!);
  });
});

describe('engine + taste model', () => {
  const live: ShopperLearner[] = [];
  afterEach(() => {
    for (const l of live.splice(0)) l.dispose();
  });
  const learner = () => {
    const l = createLearner({ weights: DEFAULT_WEIGHTS, version: 'built-in', featureSchemaVersion: FEATURE_SCHEMA_VERSION }).ranker;
    live.push(l);
    return l;
  };
  const page = (p: number): Candidate[] => Array.from({ length: 12 }, (_, i) => ({ id: `p${p}-${i}`, category: 'beauty/lips', tags: [`shade-${i % 4}`], price: 10 + i }));
  const opts = { slot: 'grid', diversity: 0, exploration: 0 };

  it('learns from the whole list as shown: the item clicked low rises, those passed over at the top sink', () => {
    const engine = new Engine({}, T0);
    const l = learner();
    engine.attachLearner(l);
    const first = page(1);
    let r = engine.rerank(first, opts, createRng(1), T0, () => 0);
    expect(r.items.map((x) => x.id)).toEqual(first.map((c) => c.id));
    for (let k = 1; k <= 4; k++) {
      engine.ingest({ id: `c${k}`, type: 'click', item: first[9]!, ts: T0 + k * 60_000 - 1000, listId: r.listId!, slot: 'grid' }, T0 + k * 60_000 - 1000);
      // The next list in the slot replaces this one: it is final and goes to the learner.
      r = engine.rerank(first, opts, createRng(1), T0 + k * 60_000, () => 0);
      expect(engine.pendingExamples()).toBeGreaterThan(0);
      engine.train();
    }
    expect(r.items[0]!.id).toBe('p1-9');
    const taste = l.scoreItems(first);
    expect(taste[9]).toBeGreaterThan(0);
    // Passed over at the top every time (examined) versus shown at the bottom (hardly examined).
    expect(taste[0]).toBeLessThan(taste[11]!);
  });

  it('gives each moved item the reason explain() gives it (taste contributions from the scoring pass)', () => {
    const engine = new Engine({}, T0);
    engine.attachLearner(learner());
    const first = page(1);
    let r = engine.rerank(first, opts, createRng(1), T0, () => 0);
    for (let k = 1; k <= 4; k++) {
      engine.ingest({ id: `c${k}`, type: 'click', item: first[9 - k]!, ts: T0 + k * 60_000 - 1000, listId: r.listId!, slot: 'grid' }, T0 + k * 60_000 - 1000);
      r = engine.rerank(first, opts, createRng(1), T0 + k * 60_000, () => 0);
      engine.train();
    }
    const now = T0 + 10 * 60_000;
    r = engine.rerank(page(1), opts, createRng(1), now, () => 0);
    const moved = r.items.filter((x) => x.to < x.from);
    expect(moved.length).toBeGreaterThan(0);
    for (const x of r.items) expect(x.reason).toBe(x.to < x.from ? engine.explain(x.id, now)?.reason : undefined);
  });

  it('a list passed over entirely is no evidence against its top items (the shopper was not clicking)', () => {
    const engine = new Engine({}, T0);
    const l = learner();
    engine.attachLearner(l);
    engine.rerank(page(1), opts, createRng(1), T0, () => 0);
    engine.rerank(page(2), opts, createRng(1), T0 + 60_000, () => 0);
    expect(engine.train()).toBe(1);
    // Counted (the forgetting clock moves), but nothing about the items is learnt.
    expect(l.taste.listsSeen()).toBe(1);
    expect(l.taste.size()).toBe(0);
    expect([...l.scoreItems(page(1))].every((x) => x === 0)).toBe(true);
  });

  it('without learning no list is kept for a learner', () => {
    const engine = new Engine({ learn: false }, T0);
    engine.rerank(page(1), opts, createRng(1), T0, () => 0);
    engine.rerank(page(2), opts, createRng(1), T0 + 1, () => 0);
    expect(engine.pendingExamples()).toBe(0);
  });

  it('a click that arrives after its list went to the learner still counts as a click', () => {
    const engine = new Engine({}, T0);
    const l = learner();
    engine.attachLearner(l);
    const r1 = engine.rerank(page(1), opts, createRng(1), T0, () => 0);
    engine.rerank(page(2), opts, createRng(1), T0 + 1000, () => 0);
    engine.train();
    const target = page(1)[11]!;
    const before = l.scoreItems([target])[0]!;
    engine.ingest({ id: 'late', type: 'click', item: target, ts: T0 + 2000, listId: r1.listId!, slot: 'grid' }, T0 + 2000);
    engine.train();
    expect(l.scoreItems([target])[0]!).toBeGreaterThan(before);
  });

  it('the stored learner keeps the taste model across a restart', () => {
    const engine = new Engine({}, T0);
    const l = learner();
    engine.attachLearner(l);
    const r = engine.rerank(page(1), opts, createRng(1), T0, () => 0);
    engine.ingest({ id: 'c', type: 'click', item: page(1)[7]!, ts: T0 + 500, listId: r.listId!, slot: 'grid' }, T0 + 500);
    engine.rerank(page(2), opts, createRng(1), T0 + 1000, () => 0);
    engine.train();
    // Something was learnt (a list with a click), so the comparison below is not of zeros.
    expect(l.scoreItems([page(1)[7]!])[0]).toBeGreaterThan(0);
    const saved = JSON.parse(JSON.stringify(l.exportState().taste));
    const { ranker, restarted } = createLearner({ weights: DEFAULT_WEIGHTS, version: 'built-in', featureSchemaVersion: FEATURE_SCHEMA_VERSION }, { ...l.exportState(), taste: saved });
    live.push(ranker);
    expect(restarted).toBe(false);
    expect([...ranker.scoreItems(page(1))]).toEqual([...l.scoreItems(page(1))]);
  });
});

describe('taste model: interests the shopper removed', () => {
  it('a removed brand, tag or category loses what was learnt and is never learnt or scored again', () => {
    const m = new TasteModel(TASTE_SETTINGS);
    const liked = (l: number) => item(`x${l}`, ['glitter'], { brand: 'Acme', category: 'beauty/lips/gloss' });
    const other = (l: number) => item(`y${l}`, ['matte'], { brand: 'Other', category: 'beauty/eyes' });
    const teach = (n: number) => {
      for (let l = 0; l < n; l++) m.observe([shown([other(l), liked(l)], [`x${l}`])]);
    };
    teach(10);
    const probe = item('p', ['glitter'], { brand: 'Acme', category: 'beauty/lips/gloss' });
    expect(m.contributions(probe)[FAMILY_INDEX.brand]).toBeGreaterThan(0);
    m.exclude([
      { kind: 'brand', key: 'acme' },
      { kind: 'tag', key: 'glitter' },
      { kind: 'category', key: 'beauty/lips' },
    ]);
    teach(10);
    const after = m.contributions(probe);
    expect(after[FAMILY_INDEX.brand]).toBe(0);
    expect(after[FAMILY_INDEX.tags]).toBe(0);
    expect(after[FAMILY_INDEX.category]).toBe(0);
    // Restored: learnt again from new lists.
    m.exclude([]);
    teach(3);
    expect(m.contributions(probe)[FAMILY_INDEX.brand]).toBeGreaterThan(0);
  });

  it('the engine keeps removed interests out of a learner attached later', () => {
    const engine = new Engine({}, T0);
    engine.applyRemoved([{ kind: 'brand', key: 'acme', at: T0 }]);
    const l = createLearner({ weights: DEFAULT_WEIGHTS, version: 'built-in', featureSchemaVersion: FEATURE_SCHEMA_VERSION }).ranker;
    try {
      engine.attachLearner(l);
      const acme = (i: number): Candidate => ({ id: `a${i}`, brand: 'Acme', category: 'beauty/lips', price: 10 });
      const plain = (i: number): Candidate => ({ id: `o${i}`, brand: 'Other', category: 'beauty/lips', price: 10 });
      for (let k = 0; k < 6; k++) {
        const r = engine.rerank([plain(k), acme(k)], { slot: 's', diversity: 0, exploration: 0 }, createRng(1), T0 + k * 1000, () => 0);
        engine.ingest({ id: `c${k}`, type: 'click', item: acme(k), ts: T0 + k * 1000 + 1, listId: r.listId!, slot: 's' }, T0 + k * 1000 + 1);
        engine.train();
      }
      engine.rerank([plain(9)], { slot: 's' }, createRng(1), T0 + 99_000, () => 0);
      engine.train();
      expect(l.itemContributions(acme(99))[FAMILY_INDEX.brand]).toBe(0);
    } finally {
      l.dispose();
    }
  });
});
