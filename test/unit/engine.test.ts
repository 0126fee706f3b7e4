import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { weightsFromTable, DEFAULT_WEIGHTS, FM_K } from '../../src/core/model/default-weights';
import { Engine, type Learner } from '../../src/core/engine';
import { FEATURE_DIM, FEATURE_FAMILIES, FEATURE_INDEX, FEATURE_SCHEMA_VERSION, features } from '../../src/core/model/features';
import { type FmWeights, type PairExample, cloneWeights, fmContributions, fmScoreBatch } from '../../src/core/model/fm';
import { FmRanker } from '../../src/core/model/model';
import { createLearner } from '../../src/core/model/learner';
import { ENGINE_SETTINGS, LEARNER_SETTINGS } from '../../src/core/settings';
import { createRng } from '../../src/core/util/rng';
import { ensureTf, memory } from '../../src/core/model/tf';
import type { ListOutcome } from '../../src/core/model/taste';
import type { Candidate, RerankOptions, RerankResult } from '../../src/core/types';
import { T0 } from './profile-helpers';

/** No diversity and no exploration: the order is a pure function of scores, so tests can pin it. */
const PLAIN: RerankOptions = { diversity: 0, exploration: 0 };
const still = () => 0;

const live: FmRanker[] = [];
const ranker = (weights = DEFAULT_WEIGHTS): FmRanker => {
  const r = new FmRanker({
    d: FEATURE_DIM,
    k: FM_K,
    prior: { version: 'test', featureSchemaVersion: FEATURE_SCHEMA_VERSION, weights },
    featureSchemaVersion: FEATURE_SCHEMA_VERSION,
    seed: 3,
  });
  live.push(r);
  return r;
};
afterEach(() => {
  for (const r of live.splice(0)) r.dispose();
});

/** A learner that scores with fixed weights and records what it was taught. */
function recordingLearner(wt: FmWeights = DEFAULT_WEIGHTS): Learner & { taught: PairExample[] } {
  const taught: PairExample[] = [];
  return {
    taught,
    score: (X, n) => fmScoreBatch(wt, X, n),
    scoreSampled: (X, n) => fmScoreBatch(wt, X, n),
    learn(pairs) {
      taught.push(...pairs);
      return 0;
    },
    contributions: (x) => fmContributions(wt, x),
    weights: () => wt,
  };
}

const list = (n: number, category: (i: number) => string = (i) => (i % 2 === 0 ? 'home/kitchen' : 'garden/tools')): Candidate[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i}`, category: category(i), price: 10 + i }));

const ids = (r: RerankResult) => r.items.map((x) => x.id);

function rerankAt(engine: Engine, cands: unknown, now: number, options: RerankOptions = PLAIN, seed = 1): RerankResult {
  return engine.rerank(cands, options, createRng(seed), now, still);
}

describe('Engine', () => {
  it('returns exactly the server order for a fresh shopper, whatever the list', () => {
    const candidate = fc.record(
      {
        category: fc.constantFrom('a', 'a/b', 'c/d/e'),
        brand: fc.constantFrom('Acme', 'Globex'),
        price: fc.double({ min: 0, max: 1000, noNaN: true }),
        tags: fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
        pinned: fc.boolean(),
        available: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }).filter((id) => id.trim() !== ''), { maxLength: 60 }), fc.array(candidate, { maxLength: 60 }), (keys, fields) => {
        const cands = keys.map((id, i) => ({ ...(fields[i] ?? {}), id }));
        const r = new Engine({}, T0).rerank(cands, {}, createRng(1), T0, still);
        expect(r.fellBack).toBe(false);
        expect(ids(r)).toEqual(keys);
        expect(r.items.every((x, i) => x.from === i && x.to === i && x.reason === undefined)).toBe(true);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('lifts the candidates of a category the shopper kept clicking, with a reason', () => {
    const engine = new Engine({}, T0);
    for (let i = 0; i < 5; i++) {
      const r = engine.ingestRaw({ type: 'click', item: { id: `l${i}`, category: 'beauty/lipstick' }, ts: T0 + i * 60_000 }, T0 + i * 60_000);
      expect(r.ok).toBe(true);
    }
    const cands = list(20, (i) => (i >= 15 ? 'beauty/lipstick' : `misc/m${i}`));
    const r = rerankAt(engine, cands, T0 + 10 * 60_000);
    expect(r.fellBack).toBe(false);
    const lipsticks = r.items.filter((x) => x.from >= 15);
    expect(lipsticks).toHaveLength(5);
    for (const x of lipsticks) {
      expect(x.to).toBeLessThan(x.from);
      expect(x.reason).toMatch(/Lipstick/);
    }
  });

  it('counts a duplicate event once and learns nothing from it', () => {
    const engine = new Engine({}, T0);
    const shown = rerankAt(engine, list(6), T0);
    const click = { id: 'same', type: 'click', item: { id: shown.items[3]!.id }, listId: shown.listId, ts: T0 + 1000 };
    const first = engine.ingestRaw(click, T0 + 1000);
    const second = engine.ingestRaw(click, T0 + 2000);
    expect(first.ok && first.duplicate).toBe(false);
    expect(second.ok && second.duplicate).toBe(true);
    expect(second.ok && second.pairs).toBe(0);
    expect(engine.profile.eventCount).toBe(1);
    expect(engine.profile.duplicates).toBe(1);
    expect(engine.pendingExamples()).toBe(3);
  });

  it('turns a click on the 4th shown item into three skip-above pairs, with the features as shown', () => {
    const engine = new Engine({}, T0);
    const cands = list(10);
    const shown = rerankAt(engine, cands, T0);
    const X = features(engine.profile, cands, { now: T0 });
    const clicked = shown.items[3]!.id;
    const r = engine.ingestRaw({ type: 'click', item: { id: clicked }, listId: shown.listId }, T0 + 5000);
    expect(r.ok && r.pairs).toBe(3);
    expect(engine.pendingExamples()).toBe(3);

    const learner = recordingLearner();
    engine.attachLearner(learner);
    expect(engine.train()).toBe(3);
    expect(engine.pendingExamples()).toBe(0);
    const row = (id: string) => {
      const i = cands.findIndex((c) => c.id === id);
      return X.slice(i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
    };
    expect(learner.taught.map((p) => p.weight)).toEqual([1, 1, 1]);
    for (const p of learner.taught) expect(p.pos).toEqual(row(clicked));
    // The negatives as shown, except their server rank: the clicked item's (position is not taste).
    const sr = FEATURE_INDEX.server_rank;
    const asNeg = (id: string) => {
      const r = row(id);
      r[sr] = row(clicked)[sr]!;
      return r;
    };
    expect(learner.taught.map((p) => p.neg)).toEqual([2, 1, 0].map((k) => asNeg(shown.items[k]!.id)));
    for (const p of learner.taught) expect(p.neg[sr]).toBe(p.pos[sr]);
    // One buffer for the event's rows, not one per row: a burst of clicks must not leave the collector
    // thousands of small typed arrays to track one by one.
    expect(new Set(learner.taught.flatMap((p) => [p.pos.buffer, p.neg.buffer])).size).toBe(1);
  });

  it('a click outside any shown list is compared with the items viewed before it, as they were then', () => {
    const engine = new Engine({}, T0);
    const viewed = list(4);
    for (const c of viewed) engine.ingestRaw({ type: 'view', item: c }, T0);
    const clicked: Candidate = { id: 'new', category: 'garden/tools', price: 30 };
    const X = features(engine.profile, [clicked, ...viewed], { now: T0 + 5 });
    const r = engine.ingestRaw({ type: 'click', item: clicked, ts: T0 + 5 }, T0 + 5);
    expect(r.ok && r.pairs).toBe(4);
    const learner = recordingLearner();
    engine.attachLearner(learner);
    engine.train();
    const row = (i: number) => X.slice(i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
    for (const p of learner.taught) expect(p.pos).toEqual(row(0));
    expect(learner.taught.map((p) => p.neg)).toEqual([1, 2, 3, 4].map(row));
    expect(learner.taught.map((p) => p.weight)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(new Set(learner.taught.flatMap((p) => [p.pos.buffer, p.neg.buffer])).size).toBe(1);
  });

  it('turns a click on the top item into one softer pair with the item below it', () => {
    const engine = new Engine({}, T0);
    const learner = recordingLearner();
    engine.attachLearner(learner);
    const shown = rerankAt(engine, list(10), T0);
    const r = engine.ingestRaw({ type: 'click', item: { id: shown.items[0]!.id }, listId: shown.listId }, T0 + 1000);
    expect(r.ok && r.pairs).toBe(1);
    expect(engine.pendingExamples()).toBe(1);
    engine.train();
    expect(learner.taught.map((p) => p.weight)).toEqual([0.5]);
  });

  it('weighs stronger feedback more and ignores types that are not feedback', () => {
    const engine = new Engine({}, T0);
    const learner = recordingLearner();
    engine.attachLearner(learner);
    const shown = rerankAt(engine, list(10), T0);
    const at = (k: number) => ({ id: shown.items[k]!.id });
    engine.ingestRaw({ type: 'view', item: at(5), listId: shown.listId }, T0 + 1);
    expect(engine.pendingExamples()).toBe(0);
    engine.ingestRaw({ type: 'add_to_cart', item: at(2), listId: shown.listId }, T0 + 2);
    engine.train();
    expect(learner.taught.map((p) => p.weight)).toEqual([2, 2]);
  });

  it('with an FmRanker attached, repeated feedback raises the clicked item over the ones skipped', () => {
    // A flat start (all-zero weights), so what the list shows is what the learner learnt: the built-in
    // weights already separate this case so well that its loss has no gradient left.
    const flat = weightsFromTable({});
    const engine = new Engine({ weights: flat }, T0);
    const r = ranker(flat);
    engine.attachLearner(r);
    const before = r.weights();
    const cands = list(10, (i) => (i === 6 ? 'sports/running' : 'home/kitchen'));
    const target = 'c6';
    let now = T0;
    let consumed = 0;
    // Each weight's step grows with the evidence behind it, so the first rounds move the FM little.
    for (let round = 0; round < 60; round++) {
      now += 60_000;
      const shown = rerankAt(engine, cands, now);
      const res = engine.ingestRaw({ type: 'click', item: { id: target }, listId: shown.listId, ts: now + 1000 }, now + 1000);
      expect(res.ok).toBe(true);
      const pending = engine.pendingExamples();
      expect(engine.train()).toBe(pending);
      expect(engine.pendingExamples()).toBe(0);
      consumed += pending;
    }
    expect(consumed).toBeGreaterThan(30);
    // Same features, old weights vs learnt ones: only the learning differs.
    const X = features(engine.profile, cands, { now: now + 60_000 });
    const margin = (s: Float32Array) => {
      const others = [...s].filter((_, i) => i !== 6);
      return s[6]! - others.reduce((a, b) => a + b, 0) / others.length;
    };
    const m0 = margin(fmScoreBatch(before, X, cands.length));
    const m1 = margin(r.score(X, cands.length));
    expect(m1).toBeGreaterThan(m0 + 0.1);
    // And the personalised list now puts it first.
    expect(ids(rerankAt(engine, cands, now + 60_000))[0]).toBe(target);
  });

  it('rejects invalid raw events with InvalidEventError messages naming the field', () => {
    const engine = new Engine({}, T0);
    const cases: [unknown, string][] = [
      [{ type: 'teleport', item: { id: 'a' } }, 'InvalidEventError: type must be one of'],
      [{ type: 'view' }, 'InvalidEventError: item is required for view events'],
      [{ type: 'view', item: { id: 'a', price: 'abc' } }, 'InvalidEventError: item.price must be a finite number ≥ 0, got "abc"'],
      [{ type: 'rating', item: { id: 'a' }, value: 9 }, 'InvalidEventError: value must be a rating between 1 and 5'],
      [null, 'InvalidEventError: event must be an object'],
    ];
    for (const [input, message] of cases) {
      const r = engine.ingestRaw(input, T0);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.startsWith(message), r.error).toBe(true);
    }
    expect(engine.profile.eventCount).toBe(0);
  });

  it('explains a ranked candidate with family contributions and a reason', () => {
    const engine = new Engine({}, T0);
    for (let i = 0; i < 3; i++) engine.ingestRaw({ type: 'click', item: { id: `p${i}`, category: 'garden/tools' } }, T0 + i);
    rerankAt(engine, list(10), T0 + 10);
    const e = engine.explain('c1', T0 + 10);
    expect(e).toBeDefined();
    expect(e!.reason).toMatch(/Tools/);
    expect(e!.contributions.length).toBeGreaterThan(0);
    const category = e!.contributions.find((c) => c.family === 'category');
    expect(category!.value).toBeGreaterThan(0);
    for (let i = 1; i < e!.contributions.length; i++) {
      expect(Math.abs(e!.contributions[i]!.value)).toBeLessThanOrEqual(Math.abs(e!.contributions[i - 1]!.value));
    }
    expect(engine.explain('never-ranked', T0 + 10)).toBeUndefined();
  });

  it('reasons come with the shown positions only; explain() says why for an item moved up further down', () => {
    const engine = new Engine({}, T0);
    for (let i = 0; i < 3; i++) engine.ingestRaw({ type: 'click', item: { id: `p${i}`, category: 'garden/tools' } }, T0 + i);
    const r = rerankAt(engine, list(400), T0 + 10, { ...PLAIN, personalization: 1 });
    const shown = ENGINE_SETTINGS.maxRememberedPositions;
    const movedUp = r.items.filter((x) => x.to < x.from);
    expect(movedUp.some((x) => x.to < shown && x.reason)).toBe(true);
    const below = movedUp.filter((x) => x.to >= shown);
    expect(below.length).toBeGreaterThan(0);
    expect(below.every((x) => x.reason === undefined)).toBe(true);
    expect(engine.explain(below[0]!.id, T0 + 10)?.reason).toMatch(/Tools/);
  });

  it('a reason counts the learner\'s item contributions, as scored with the list or asked for by explain()', () => {
    const zero = { d: FEATURE_DIM, k: FM_K, w0: 0, w: new Float32Array(FEATURE_DIM), V: new Float32Array(FEATURE_DIM * FM_K) };
    const price = FEATURE_FAMILIES.indexOf('price');
    const lift = (c: Candidate) => (c.id === 'c7' ? 2 : 0);
    const learner: Learner = {
      ...recordingLearner(zero),
      scoreItems(cands, byFamily) {
        byFamily?.fill(0, 0, cands.length * FEATURE_FAMILIES.length);
        cands.forEach((c, i) => {
          if (byFamily) byFamily[i * FEATURE_FAMILIES.length + price] = lift(c);
        });
        return Float32Array.from(cands, lift);
      },
      itemContributions(c, out = new Float64Array(FEATURE_FAMILIES.length)) {
        out[price]! += lift(c);
        return out;
      },
    };
    const engine = new Engine({}, T0);
    engine.attachLearner(learner);
    const r = rerankAt(engine, list(10), T0 + 10, { ...PLAIN, personalization: 1 });
    const c7 = r.items.find((x) => x.id === 'c7')!;
    expect(c7.to).toBeLessThan(c7.from);
    expect(c7.reason).toBe('In your usual price range');
    expect(engine.explain('c7', T0 + 10)?.reason).toBe(c7.reason);
  });

  it('reset() forgets the profile, shown lists and pending feedback', () => {
    const engine = new Engine({}, T0);
    engine.ingestRaw({ type: 'click', item: { id: 'x', category: 'garden/tools' } }, T0);
    const shown = rerankAt(engine, list(10), T0 + 1);
    engine.ingestRaw({ type: 'click', item: { id: shown.items[4]!.id }, listId: shown.listId }, T0 + 2);
    expect(engine.pendingExamples()).toBeGreaterThan(0);
    engine.reset(T0 + 3);
    expect(engine.profile.eventCount).toBe(0);
    expect(engine.pendingExamples()).toBe(0);
    expect(engine.explain('c1', T0 + 3)).toBeUndefined();
    const again = rerankAt(engine, list(10), T0 + 4);
    expect(ids(again)).toEqual(list(10).map((c) => c.id));
    // A click on the forgotten list teaches nothing.
    engine.ingestRaw({ type: 'click', item: { id: 'c3' }, listId: shown.listId }, T0 + 5);
    expect(engine.pendingExamples()).toBeLessThanOrEqual(3);
  });

  it('keeps the tensor count flat over 1,000 ingest + train + rerank cycles', () => {
    ensureTf();
    const engine = new Engine({}, T0);
    engine.attachLearner(ranker());
    const cands = list(20);
    const rng = createRng(9);
    let now = T0;
    const cycle = () => {
      now += 30_000;
      const shown = engine.rerank(cands, { exploration: 0.1 }, rng, now, still);
      const pick = shown.items[Math.floor(rng() * shown.items.length)]!.id;
      engine.ingestRaw({ type: rng() < 0.8 ? 'click' : 'add_to_cart', item: { id: pick }, listId: shown.listId }, now + 1000);
      engine.train();
    };
    cycle(); // whatever the first step creates once is counted in `before`
    const before = memory().numTensors;
    for (let i = 0; i < 1000; i++) cycle();
    expect(memory().numTensors).toBe(before);
  }, 90_000); // a leak test, not a speed test: 1,000 tfjs steps take 10–30 s on a loaded 2-core machine
});

describe('Engine feedback from every shown list', () => {
  it('train(n) learns in slices of at most n pairs, oldest first, and keeps the rest queued', () => {
    const engine = new Engine({}, T0);
    const shown = rerankAt(engine, list(10), T0);
    engine.ingestRaw({ type: 'click', item: { id: shown.items[9]!.id }, listId: shown.listId }, T0 + 1);
    expect(engine.pendingExamples()).toBe(9);
    expect(engine.train(4)).toBe(0); // no learner yet: nothing is lost
    const learner = recordingLearner();
    engine.attachLearner(learner);
    expect(engine.train(4)).toBe(4);
    expect(engine.pendingExamples()).toBe(5);
    expect(engine.train(4)).toBe(4);
    expect(engine.train(4)).toBe(1);
    expect(engine.train(4)).toBe(0);
    expect(learner.taught).toHaveLength(9);
  });

  it('train(n, 1) hands over one shown list per call, and no pair while lists still wait (lists first, in slices)', () => {
    const engine = new Engine({}, T0);
    const first = rerankAt(engine, list(10), T0, { ...PLAIN, slot: 'grid' });
    engine.ingestRaw({ type: 'click', item: { id: first.items[3]!.id }, listId: first.listId }, T0 + 1);
    // Each new list in the slot makes the one before it final: three lists queue for the learner.
    for (let k = 1; k <= 3; k++) rerankAt(engine, list(10), T0 + k * 1000, { ...PLAIN, slot: 'grid' });
    const observed: number[] = [];
    const learner = { ...recordingLearner(), observeLists: (lists: readonly unknown[]) => observed.push(lists.length) };
    engine.attachLearner(learner);
    const pairs = engine.pendingExamples() - 3;
    expect(pairs).toBe(3);
    expect(engine.train(8, 1)).toBe(1);
    expect(engine.train(8, 1)).toBe(1);
    expect(learner.taught).toHaveLength(0);
    expect(engine.train(8, 1)).toBe(1 + pairs);
    expect(observed).toEqual([1, 1, 1]);
    expect(learner.taught).toHaveLength(pairs);
    expect(engine.pendingExamples()).toBe(0);
  });

  it('a duplicate event neither teaches nor marks its item as used', () => {
    const engine = new Engine({}, T0);
    engine.ingestRaw({ id: 'e1', type: 'click', item: { id: 'elsewhere' } }, T0);
    const shown = rerankAt(engine, list(10), T0 + 1);
    // Same event id as before: a duplicate, even though it names an item of the list.
    const dup = engine.ingestRaw({ id: 'e1', type: 'click', item: { id: shown.items[3]!.id }, listId: shown.listId }, T0 + 2);
    expect(dup.ok && dup.duplicate).toBe(true);
    expect(dup.ok && dup.pairs).toBe(0);
    const before = engine.pendingExamples();
    const r = engine.ingestRaw({ type: 'click', item: { id: shown.items[5]!.id }, listId: shown.listId }, T0 + 3);
    // All five items above count as skipped: the duplicate did not use up item 3.
    expect(r.ok && r.pairs).toBe(5);
    expect(engine.pendingExamples()).toBe(before + 5);
  });

  it('a list the page no longer shows keeps only the positions feedback can reach, with their features and what was used', () => {
    const engine = new Engine({}, T0);
    const keep = ENGINE_SETTINGS.maxRememberedPositions;
    const first = rerankAt(engine, list(keep * 3), T0);
    const at = (k: number) => first.items[k]!.id;
    const X = features(engine.profile, list(keep * 3), { now: T0 }); // the rows as shown
    // Position 160 is explainable while the list is on the page.
    expect(engine.explain(at(160), T0 + 1)).toBeDefined();
    engine.ingestRaw({ type: 'click', item: { id: at(2) }, listId: first.listId }, T0 + 2);
    // A newer list in the same slot replaces it on the page: it is folded and trimmed.
    rerankAt(engine, Array.from({ length: 5 }, (_, i) => ({ id: `n${i}`, category: 'toys' })), T0 + 3);
    expect(engine.explain(at(160), T0 + 4)).toBeUndefined();
    expect(engine.explain(at(keep - 1), T0 + 4)).toBeDefined();
    // A late click within the kept positions still teaches, with the rows as they were shown; the item
    // clicked before still counts as used (not a skipped negative).
    const before = engine.pendingExamples();
    const late = engine.ingestRaw({ type: 'click', item: { id: at(5) }, listId: first.listId }, T0 + 5);
    expect(late.ok && late.pairs).toBe(4); // positions 4, 3, 1, 0: position 2 was clicked before
    const learner = recordingLearner();
    engine.attachLearner(learner);
    engine.train(10_000);
    const row = (id: string) => {
      const i = Number(id.slice(1));
      return X.slice(i * FEATURE_DIM, (i + 1) * FEATURE_DIM);
    };
    expect(learner.taught.at(-1)!.pos).toEqual(row(at(5)));
    expect(engine.pendingExamples()).toBe(0);
    expect(before).toBeGreaterThan(0);
  });

  it('an owned list (the worker\'s structured clone) ranks, remembers, teaches and explains exactly as a copied one', () => {
    const copied = new Engine({}, T0);
    const owned = new Engine({}, T0);
    const messy = (n: number, k: number): Candidate[] =>
      list(n).map((c, i) => ({ ...c, id: `${c.id}-${k}`, ...(i % 3 === 0 ? { tags: [' red', 'blue'] } : { tags: ['red'] }), ...(i % 7 === 0 ? { brand: ' Acme' } : {}), ...(i % 5 === 0 ? { price: -1 } : {}) }));
    const steps: unknown[][] = [];
    let t = T0;
    // A history that makes tags, brands and prices count.
    for (const engine of [copied, owned]) {
      for (let i = 0; i < 6; i++) engine.ingestRaw({ type: 'add_to_cart', item: { id: `h${i}`, category: 'home/kitchen', brand: 'Acme', tags: ['red'], price: 12 + i }, ts: t + i }, t + i);
    }
    t += 10;
    for (let k = 0; k < 6; k++) {
      const cands = messy(k % 2 === 0 ? 300 : 20, k);
      const options: RerankOptions = { slot: k % 3 === 0 ? 'a' : 'b', ...(k === 4 ? { limit: 12 } : {}) };
      const a = copied.rerank(cands, options, createRng(k), t, still);
      const b = owned.rerank(structuredClone(cands), options, createRng(k), t, still, true);
      expect(b).toEqual({ ...a, listId: b.listId });
      // Clicks at shown positions 0, 5 and 150 (when shown), with and without the list id, and a view.
      for (const pos of [5, 0, 150]) {
        const item = a.items[pos];
        if (!item) continue;
        t += 1000;
        const ea = copied.ingestRaw({ type: 'click', item: { id: item.id }, ...(pos === 0 ? {} : { listId: a.listId }) }, t);
        const eb = owned.ingestRaw({ type: 'click', item: { id: item.id }, ...(pos === 0 ? {} : { listId: b.listId }) }, t);
        steps.push([ea.ok && ea.pairs, eb.ok && eb.pairs]);
      }
      if (k === 3) {
        copied.recordImpression({ listId: a.listId!, slot: 'b', ids: a.items.slice(0, 4).map((x) => x.id), ts: t });
        owned.recordImpression({ listId: b.listId!, slot: 'b', ids: b.items.slice(0, 4).map((x) => x.id), ts: t });
      }
      for (const item of a.items.slice(0, 3)) expect(owned.explain(item.id, t)).toEqual(copied.explain(item.id, t));
      expect(owned.pendingExamples()).toBe(copied.pendingExamples());
      t += 60_000;
    }
    for (const [pa, pb] of steps) expect(pb).toBe(pa);
    expect(steps.some(([pa]) => (pa as number) > 0)).toBe(true);
    // The shown lists reach the learner with the same (clean) items.
    const withLists = () => {
      const seen: ListOutcome[] = [];
      return Object.assign(recordingLearner(), { seen, observeLists: (o: readonly ListOutcome[]) => void seen.push(...o) });
    };
    const la = withLists();
    const lb = withLists();
    copied.attachLearner(la);
    owned.attachLearner(lb);
    copied.train(10_000);
    owned.train(10_000);
    expect(lb.taught).toEqual(la.taught);
    expect(la.seen.length).toBeGreaterThan(2);
    expect(lb.seen).toEqual(la.seen);
  });

  it('pairs waiting for the learner are capped: a burst teaches its newest pairs, every event reaches the profile', () => {
    const engine = new Engine({}, T0);
    const cap = ENGINE_SETTINGS.maxPendingPairs;
    const clicks = Math.ceil((cap * 1.5) / ENGINE_SETTINGS.maxNegatives);
    let last: { id: string; listId: string } | undefined;
    for (let k = 0; k < clicks; k++) {
      const shown = rerankAt(engine, list(ENGINE_SETTINGS.maxNegatives + 1).map((c) => ({ ...c, id: `${c.id}-${k}` })), T0 + k);
      last = { id: shown.items.at(-1)!.id, listId: shown.listId! };
      engine.ingestRaw({ type: 'click', item: { id: last.id }, listId: last.listId }, T0 + k);
      expect(engine.pendingExamples()).toBeLessThanOrEqual(cap + cap / 4 + ENGINE_SETTINGS.maxPendingLists);
    }
    expect(engine.profile.eventCount).toBe(clicks);
    const learner = recordingLearner();
    engine.attachLearner(learner);
    while (engine.pendingExamples() > 0) engine.train(512);
    const pairs = learner.taught.length;
    expect(pairs).toBeGreaterThanOrEqual(cap);
    expect(pairs).toBeLessThan(clicks * ENGINE_SETTINGS.maxNegatives);
    // The newest click's pairs are the last ones taught.
    const lastRow = learner.taught.at(-1)!.pos;
    expect(learner.taught.slice(-ENGINE_SETTINGS.maxNegatives).every((p) => p.pos === lastRow)).toBe(true);
  });

  it('a list shown in server order (personalization 0) teaches like a personalised one', () => {
    const engine = new Engine({ personalization: 0 }, T0);
    engine.ingestRaw({ type: 'click', item: { id: 'x', category: 'home/kitchen' } }, T0);
    const cands = list(10);
    const shown = rerankAt(engine, cands, T0 + 1);
    expect(ids(shown)).toEqual(cands.map((c) => c.id));
    const learner = recordingLearner();
    engine.attachLearner(learner);
    const r = engine.ingestRaw({ type: 'click', item: { id: 'c4' }, listId: shown.listId }, T0 + 2);
    expect(r.ok && r.pairs).toBe(4);
    engine.train();
    const X = features(engine.profile, cands, { now: T0 + 1 });
    const neg = X.slice(3 * FEATURE_DIM, 4 * FEATURE_DIM);
    neg[FEATURE_INDEX.server_rank] = X[4 * FEATURE_DIM + FEATURE_INDEX.server_rank]!;
    expect(learner.taught[0]!.neg).toEqual(neg);
  });

  it('an impression of a list the engine never ranked registers it, with the features of the items it knows', () => {
    const engine = new Engine({}, T0);
    const cands = list(6);
    for (const c of cands) engine.ingestRaw({ type: 'view', item: c }, T0);
    engine.recordImpression({ listId: 'site-sorted-1', slot: 'category-page', ids: ['c5', 'c4', 'c3', 'unknown', 'c1'], ts: T0 + 1 });
    const r = engine.ingestRaw({ type: 'click', item: { id: 'c1' }, listId: 'site-sorted-1' }, T0 + 2);
    expect(r.ok && r.pairs).toBe(4);
    expect(engine.explain('c5', T0 + 2)).toBeDefined();
  });

  it('attaching the product learner changes no score before it has learnt', () => {
    const engine = new Engine({}, T0);
    for (let i = 0; i < 4; i++) engine.ingestRaw({ type: 'click', item: { id: `h${i}`, category: 'home/kitchen', price: 12 + i } }, T0 + i);
    const cands = list(30);
    const before = rerankAt(engine, cands, T0 + 10);
    const { ranker: learner } = createLearner({ weights: DEFAULT_WEIGHTS, version: 'built-in', featureSchemaVersion: FEATURE_SCHEMA_VERSION });
    live.push(learner.fm);
    engine.attachLearner(learner);
    const after = rerankAt(engine, cands, T0 + 10);
    expect(after.items.map((x) => [x.id, x.score])).toEqual(before.items.map((x) => [x.id, x.score]));
  });

  it('the learner factory ships the settings of settings.ts and restores a saved state only for the same prior', () => {
    const base = { weights: DEFAULT_WEIGHTS, version: 'p1', featureSchemaVersion: FEATURE_SCHEMA_VERSION };
    const fresh = createLearner(base);
    live.push(fresh.ranker.fm);
    expect(fresh.restarted).toBe(false);
    expect(fresh.ranker.fm.learningRate()).toBe(LEARNER_SETTINGS.lr);
    const saved = fresh.ranker.exportState();
    const again = createLearner(base, saved);
    live.push(again.ranker.fm);
    expect(again.restarted).toBe(false);
    expect(again.ranker.fm.learningRate()).toBe(LEARNER_SETTINGS.lr);
    // A state stored before the taste model (a bare FM state) still restores the FM.
    const legacy = createLearner(base, saved.fm);
    live.push(legacy.ranker.fm);
    expect(legacy.restarted).toBe(false);
    const other = createLearner({ ...base, version: 'p2' }, saved);
    live.push(other.ranker.fm);
    expect(other.restarted).toBe(true);
    expect(new Engine({}, T0).rerank(list(3), {}, createRng(1), T0, still).items).toHaveLength(3);
    expect(ENGINE_SETTINGS.personalization).toBeGreaterThan(0);
  });
});

describe('Engine: what the built-in weights do with bought items and views', () => {
  // The storefront marks its one-off items (data-pz-consumable="false").
  const shop = (): Candidate[] => Array.from({ length: 8 }, (_, i) => ({ id: `e${i}`, category: 'electronics/computers', price: 800 + 100 * i, consumable: false }));
  const pos = (r: RerankResult, id: string) => r.items.findIndex((x) => x.id === id);

  it('a bought one-off item is demoted, never promoted as "Buy again"', () => {
    const engine = new Engine({ personalization: 1 }, T0);
    for (let i = 0; i < 3; i++) engine.ingestRaw({ type: 'click', item: { id: `e${i}`, category: 'electronics/computers', price: 900 } }, T0 + i);
    const before = pos(rerankAt(engine, shop(), T0 + 10), 'e4');
    engine.ingestRaw({ type: 'purchase', item: { id: 'e4', category: 'electronics/computers', price: 1200, consumable: false } }, T0 + 20);
    const after = rerankAt(engine, shop(), T0 + 30);
    expect(pos(after, 'e4')).toBeGreaterThan(before);
    expect(pos(after, 'e4')).toBe(7);
    // In a mixed list it falls below every other item of its category, which its purchase lifted.
    const mixed = [...Array.from({ length: 6 }, (_, i) => ({ id: `o${i}`, category: 'home/kitchen', price: 30, consumable: false })), ...shop()];
    const m = rerankAt(engine, mixed, T0 + 40);
    for (const c of shop()) if (c.id !== 'e4') expect(pos(m, 'e4')).toBeGreaterThan(pos(m, c.id));
    expect(after.items.find((x) => x.id === 'e4')?.reason).toBeUndefined();
  });

  it('a bought consumable comes back as "Buy again" once its repurchase interval has passed, not the next day', () => {
    const engine = new Engine({ personalization: 1 }, T0);
    const soap = (i: number): Candidate => ({ id: `s${i}`, category: 'home/soap', price: 5, consumable: true });
    const cands = Array.from({ length: 8 }, (_, i) => soap(i));
    engine.ingestRaw({ type: 'click', item: soap(0) }, T0);
    engine.ingestRaw({ type: 'purchase', item: soap(6) }, T0 + 1);
    const nextDay = pos(rerankAt(engine, cands, T0 + 86_400_000), 's6');
    expect(nextDay).toBeGreaterThan(1);
    const due = rerankAt(engine, cands, T0 + 40 * 86_400_000);
    expect(pos(due, 's6')).toBeLessThanOrEqual(1);
    expect(due.items.find((x) => x.id === 's6')!.reason).toBe('Buy again');
  });

  it('a tile scrolled past does not outrank an item the shopper clicked', () => {
    const engine = new Engine({ personalization: 1 }, T0);
    const cands = shop();
    engine.ingestRaw({ type: 'click', item: cands[6]! }, T0);
    for (const c of cands.slice(0, 6)) engine.ingestRaw({ type: 'view', item: c, slot: 'home', position: 0 }, T0 + 5);
    engine.ingestRaw({ type: 'view', item: cands[7]!, slot: 'home', position: 0 }, T0 + 10);
    const r = rerankAt(engine, cands, T0 + 20);
    expect(pos(r, 'e6')).toBe(0);
    expect(pos(r, 'e6')).toBeLessThan(pos(r, 'e7'));
  });
});

describe('Engine weights', () => {
  it('scores with the given prior weights until a learner is attached', () => {
    const flipped = cloneWeights(DEFAULT_WEIGHTS);
    for (let i = 0; i < flipped.w.length; i++) flipped.w[i] = -flipped.w[i]!;
    const engine = new Engine({ weights: flipped }, T0);
    expect(engine.scoringWeights()).toBe(flipped);
    for (let i = 0; i < 3; i++) engine.ingestRaw({ type: 'click', item: { id: `p${i}`, category: 'garden/tools' } }, T0 + i);
    // A prior that dislikes known categories pushes them down instead of up.
    const r = rerankAt(engine, list(10), T0 + 10);
    const garden = r.items.filter((x) => x.id.match(/c[13579]$/));
    expect(garden.some((x) => x.to > x.from)).toBe(true);
  });
});
