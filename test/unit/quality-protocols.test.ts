/**
 * Leakage and contract checks for the quality-benchmark protocols on tiny synthetic datasets
 * written inline: a step never sees its target or anything after it, candidates carry only the
 * allowed public features, site knowledge comes from the training split only, and outputs allow
 * recomputing every metric.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { baselineIntentPolicies, baselineReplayPolicies } from '../../bench/quality/baselines/registry';
import { stepMetrics } from '../../bench/quality/metrics';
import { beautyPriorShoppers } from '../../bench/quality/prior-shoppers';
import { beautyCandidates, runBeautyLoo, setupBeautyLoo } from '../../bench/quality/protocols/beauty-loo';
import { beijingDay, INTENT_FIRST_DAY, runTaobaoIntent } from '../../bench/quality/protocols/taobao-intent';
import { runTaobaoReplay, setupTaobaoReplay, TAOBAO_CANDIDATES } from '../../bench/quality/protocols/taobao-replay';
import { runQuality } from '../../bench/quality/run';
import { SITE_KNOWLEDGE_PRODUCER, setupBeautyLooFromPipeline } from '../../bench/quality/site-knowledge';
import type { IntentPolicy, ReplayPolicy, SiteKnowledge } from '../../bench/quality/types';
import { createRng } from '../../src/core/util/rng';
import type { Candidate, StoredEvent } from '../../src/core/types';
import { publishItemKnowledge } from '../../src/site/item-knowledge';
import { compareKnowledge } from '../../src/site/pipeline';
import { loadBeauty } from '../../src/site/logs/beauty';
import { loadTaobao } from '../../src/site/logs/taobao';

let dir: string;
const taobaoUsers = 6;
// 2017-11-25 00:00 Beijing = 2017-11-24 16:00 UTC.
const T0 = Date.UTC(2017, 10, 24, 16) / 1000;

function writeTaobao(path: string, gzip: boolean): void {
  const rng = createRng(7);
  const rows = ['user_id,item_id,category_id,behavior_type,timestamp'];
  const behaviours = ['pv', 'pv', 'pv', 'cart', 'fav', 'buy'];
  for (let u = 1; u <= taobaoUsers; u++) {
    const n = u === 1 ? 3 : 10 + u * 3; // user 1 has < 5 events and must be skipped
    let ts = T0 + u * 1000;
    for (let t = 0; t < n; t++) {
      ts += Math.floor(rng() * 40_000);
      // Every third event revisits an earlier item of the same user.
      const item = t % 3 === 2 ? 1000 * u + t - 2 : 1000 * u + t;
      rows.push(`${u},${item},${item % 7},${behaviours[Math.floor(rng() * behaviours.length)]},${ts}`);
    }
  }
  // Filler items so negatives can be drawn: 300 one-event users (too short to be evaluated).
  for (let k = 0; k < 300; k++) rows.push(`${100 + k},${50_000 + k},${k % 7},pv,${T0 + k}`);
  const text = `${rows.join('\n')}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
}

function writeBeauty(d: string): void {
  const rng = createRng(11);
  const lines: string[] = [];
  const neg: string[] = [];
  const attrs: Record<string, number[]> = {};
  for (let i = 1; i <= 300; i++) attrs[String(i)] = [1 + (i % 5), 10 + (i % 3)];
  for (let u = 1; u <= 30; u++) {
    const n = 5 + (u % 4);
    const items = new Set<number>();
    while (items.size < n) items.add(1 + Math.floor(rng() * 200));
    // Items 250..279 appear only as final (test) targets: they must not be in the training split.
    const seq = [...items];
    seq[n - 1] = 249 + u;
    lines.push(`${u} ${seq.join(' ')}`);
    const negs = new Set<number>();
    while (negs.size < 99) {
      const k = 1 + Math.floor(rng() * 300);
      if (!seq.includes(k)) negs.add(k);
    }
    neg.push(`${u} ${[...negs].join(' ')}`);
  }
  writeFileSync(join(d, 'Beauty.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(d, 'Beauty_item2attributes.json'), JSON.stringify(attrs));
  writeFileSync(join(d, 'Beauty_negatives_99.txt.gz'), gzipSync(`${neg.join('\n')}\n`));
}

/** A policy that records what it saw and checks, at every rank call, that nothing leaked. */
function spyPolicy(protocolCheck: (c: Candidate) => void): ReplayPolicy & { calls: number; sites: SiteKnowledge[] } {
  const spy = {
    name: 'spy',
    calls: 0,
    sites: [] as SiteKnowledge[],
    prepare: (site: SiteKnowledge) => {
      spy.sites.push(site);
    },
    newShopper: () => {
      const seen: StoredEvent[] = [];
      return {
        observe: (e: StoredEvent) => {
          if (seen.length) expect(e.ts).toBeGreaterThanOrEqual(seen[seen.length - 1]!.ts);
          seen.push(e);
        },
        rank: (candidates: readonly Candidate[], now: number) => {
          spy.calls++;
          expect(candidates.length).toBe(100);
          expect(new Set(candidates.map((c) => c.id)).size).toBe(100);
          for (const e of seen) expect(e.ts).toBeLessThanOrEqual(now);
          candidates.forEach(protocolCheck);
          return new Float64Array(candidates.length);
        },
      };
    },
  };
  return spy;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pz-quality-'));
  writeTaobao(join(dir, 'taobao.csv.gz'), true);
  writeTaobao(join(dir, 'taobao.csv'), false);
  writeBeauty(dir);
});

describe('taobao-replay protocol', () => {
  it('reads gzip and plain CSV identically', () => {
    const a = loadTaobao(join(dir, 'taobao.csv.gz'));
    const b = loadTaobao(join(dir, 'taobao.csv'));
    expect(a).toEqual(b);
    expect(a.users.length).toBe(taobaoUsers + 300);
  });

  it('skips users with < 5 events and ranks every later event once', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const setup = setupTaobaoReplay(log, { seed: 1 });
    const eligible = log.users.filter((u) => u.items.length >= 5);
    expect(setup.userIndices.length).toBe(eligible.length);
    expect(setup.targetPos.length).toBe(eligible.reduce((s, u) => s + u.items.length - 1, 0));
  });

  it('draws negatives the shopper never touched before the step, never the target', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const setup = setupTaobaoReplay(log, { seed: 1 });
    setup.userIndices.forEach((ui, j) => {
      const u = log.users[ui]!;
      for (let t = 1; t < u.items.length; t++) {
        const step = setup.stepOffset[j]! + t - 1;
        const cands = Array.from(setup.candidateIndex.subarray(step * TAOBAO_CANDIDATES, (step + 1) * TAOBAO_CANDIDATES));
        const tp = setup.targetPos[step]!;
        expect(cands[tp]).toBe(u.items[t]);
        expect(cands.filter((c) => c === u.items[t]).length).toBe(1);
        const before = new Set(u.items.subarray(0, t));
        cands.forEach((c, i) => {
          if (i !== tp) expect(before.has(c)).toBe(false);
        });
      }
    });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const a = setupTaobaoReplay(log, { seed: 5 });
    const b = setupTaobaoReplay(log, { seed: 5 });
    const c = setupTaobaoReplay(log, { seed: 6 });
    expect(a.candidateIndex).toEqual(b.candidateIndex);
    expect(a.candidateIndex).not.toEqual(c.candidateIndex);
  });

  it('never shows a step its target event or anything after it, and candidates carry only id and category', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const setup = setupTaobaoReplay(log, { seed: 1 });
    const events: StoredEvent[][] = [];
    const policy: ReplayPolicy = {
      name: 'leak-check',
      newShopper: (userId) => {
        const seen: StoredEvent[] = [];
        events.push(seen);
        let step = 0;
        return {
          observe: (e) => seen.push(e),
          rank: (candidates, now) => {
            step++;
            expect(seen.length).toBe(step); // exactly events 0..t-1
            expect(seen.every((e) => e.id.startsWith(`${userId}:`))).toBe(true);
            expect(seen.every((e) => e.ts <= now)).toBe(true);
            for (const c of candidates) expect(Object.keys(c).sort()).toEqual(['category', 'id']);
            return new Float64Array(candidates.length);
          },
        };
      },
    };
    const r = runTaobaoReplay(setup, policy);
    expect(r.records.length).toBe(setup.targetPos.length);
    // Constant scores: neutral tie-breaking gives exactly the random expectation.
    expect(r.slices.all!['HR@10']).toBeCloseTo(0.1, 12);
    expect(r.slices.all!.steps).toBe(r.slices['first-half']!.steps + r.slices['second-half']!.steps);
    expect(r.slices.all!.steps).toBe(r.slices.repeat!.steps + r.slices.new!.steps);
    expect(r.slices.repeat!.steps).toBeGreaterThan(0);
  });

  it('recency ranks every repeat target first', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const recency = baselineReplayPolicies().find((p) => p.name === 'recency')!;
    const r = runTaobaoReplay(setupTaobaoReplay(log, { seed: 1 }), recency);
    expect(r.slices.repeat!['HR@1']).toBe(1);
  });
});

describe('taobao-intent protocol', () => {
  it('scores each active Beijing day after observing only that day and earlier', () => {
    const log = loadTaobao(join(dir, 'taobao.csv.gz'));
    const userIndices = log.users.map((_, i) => i).filter((i) => log.users[i]!.items.length >= 5);
    const policy: IntentPolicy = {
      name: 'leak-check',
      newShopper: () => {
        let last = Number.NEGATIVE_INFINITY;
        return {
          observe: (e) => {
            last = Math.max(last, e.ts);
          },
          intent: (now) => {
            expect(last).toBeLessThan(now);
            // `now` is a Beijing midnight.
            expect(((now / 1000 + 8 * 3600) % 86_400) === 0).toBe(true);
            return last;
          },
        };
      },
    };
    const r = runTaobaoIntent(log, policy, { seed: 1, userIndices });
    expect(r.points.length).toBeGreaterThan(0);
    for (const p of r.points) expect(p.day).toBeGreaterThanOrEqual(0);
    // Labels: a buy on the next Beijing day.
    for (const p of r.points) {
      const u = log.users.find((x) => x.id === p.user)!;
      const buyNext = Array.from(u.ts).some((ts, i) => u.behaviours[i] === 3 && beijingDay(ts) === INTENT_FIRST_DAY + p.day + 1);
      expect(p.label).toBe(buyNext);
    }
  });
});

describe('beauty-loo protocol', () => {
  it('builds site knowledge from s[:n-2] only and shows each step only its history', () => {
    const data = loadBeauty(dir);
    const setup = setupBeautyLoo(data, { seed: 3, knowledge: { dim: 4 } });
    for (const u of data.users) {
      // Final targets (items 250..279) never occur in training: popularity 0, no neighbours.
      expect(setup.knowledge.popularity(u.items[u.items.length - 1]!)).toBe(0);
    }
    const policy: ReplayPolicy = {
      name: 'leak-check',
      newShopper: (userId) => {
        const u = data.users.find((x) => x.id === userId)!;
        const seen: string[] = [];
        let call = 0;
        return {
          observe: (e) => seen.push(e.item!.id),
          rank: (candidates) => {
            const n = u.items.length;
            expect(seen).toEqual(u.items.slice(0, call === 0 ? n - 2 : n - 1));
            call++;
            for (const c of candidates) {
              expect(Object.keys(c).every((k) => k === 'id' || k === 'related' || k === 'tags' || k === 'embedding')).toBe(true);
            }
            return new Float64Array(candidates.length);
          },
        };
      },
    };
    const r = runBeautyLoo(setup, policy);
    expect(r.slices.valid!.steps).toBe(data.users.length);
    expect(r.slices.test!.steps).toBe(data.users.length);
    expect(r.slices.test!['HR@10']).toBeCloseTo(0.1, 12);
  });

  it('serves target + the 99 fixed negatives in non-increasing training popularity', () => {
    const data = loadBeauty(dir);
    const setup = setupBeautyLoo(data, { seed: 3, knowledge: { dim: 0 } });
    data.users.forEach((u, ui) => {
      for (const split of ['valid', 'test'] as const) {
        const { candidates, target } = beautyCandidates(setup, ui, split);
        const targetId = u.items[u.items.length - (split === 'test' ? 1 : 2)];
        expect(candidates[target]!.id).toBe(targetId);
        expect(new Set(candidates.map((c) => c.id))).toEqual(new Set([targetId, ...u.negatives]));
        const pops = candidates.map((c) => setup.knowledge.popularity(c.id));
        for (let i = 1; i < pops.length; i++) expect(pops[i - 1]!).toBeGreaterThanOrEqual(pops[i]!);
      }
    });
  });

  it('fits the prior on s[n-h] with knowledge from s[:n-h] only (no example sees its own transition)', () => {
    const data = loadBeauty(dir);
    const setup = setupBeautyLoo(data, { seed: 3, knowledge: { dim: 0 }, priorLevels: 2 });
    const distinct = (cut: number) => data.users.reduce((s, u) => s + new Set(u.items.slice(0, Math.max(0, u.items.length - cut))).size, 0);
    const total = (k: typeof setup.knowledge) => k.itemIds.reduce((s, id) => s + k.popularity(id), 0);
    expect(total(setup.knowledge)).toBe(distinct(2));
    expect(setup.prior.map((l) => l.heldOut)).toEqual([3, 4]);
    for (const level of setup.prior) expect(total(level.knowledge)).toBe(distinct(level.heldOut));
    const indices = data.users.map((_, i) => i);
    const shoppers = beautyPriorShoppers(setup, indices, 3);
    expect(shoppers).toHaveLength(2 * data.users.length);
    shoppers.forEach((shopper, s) => {
      const level = setup.prior[Math.floor(s / data.users.length)]!;
      const u = data.users[s % data.users.length]!;
      const t0 = u.items.length - level.heldOut;
      // The shopper's log ends with the step's target: nothing after it is replayed.
      expect(shopper.events.map((e) => e.item!.id)).toEqual(u.items.slice(0, t0 + 1));
      expect(shopper.events.every((e) => e.item === level.features.get(e.item!.id))).toBe(true);
      for (let t = 1; t <= t0; t++) {
        const list = shopper.listFor(t);
        if (t !== t0) expect(list).toBeUndefined();
        else {
          expect(list!.candidates.length).toBe(100);
          expect(list!.candidates[list!.target]!.id).toBe(u.items[t0]);
          const touched = new Set(u.items);
          expect(list!.candidates.filter((c) => touched.has(c.id)).length).toBe(1);
        }
      }
    });
  });

  it('publishes each item\'s strongest predecessors as its related items', () => {
    const data = loadBeauty(dir);
    const setup = setupBeautyLoo(data, { seed: 3, knowledge: { dim: 0 } });
    let checked = 0;
    for (const [id, c] of setup.features) {
      const pre = setup.knowledge.predecessors(id);
      expect(c.related?.map((r) => r.id) ?? []).toEqual(pre.slice(0, 100).map((p) => p.id));
      for (const r of c.related ?? []) {
        expect(r.score).toBeGreaterThan(0);
        expect(r.score).toBeLessThanOrEqual(1);
        expect(setup.knowledge.similarity(r.id, id)).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('hands policies the training-split site knowledge once and ranks twice per user', () => {
    const data = loadBeauty(dir);
    const setup = setupBeautyLoo(data, { seed: 3, knowledge: { dim: 0 } });
    const spy = spyPolicy(() => {});
    runBeautyLoo(setup, spy);
    expect(spy.calls).toBe(2 * data.users.length);
    expect(spy.sites[0]?.items).toBe(setup.knowledge);
  });
});

describe('beauty-loo site knowledge from the site pipeline', () => {
  it('builds every level with the pipeline (DuckDB) from Beauty.txt, equal to the in-memory reference', async () => {
    const data = loadBeauty(dir);
    const opts = { seed: 3, knowledge: { dim: 4 }, priorLevels: 2 };
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('pz-quality-site-'));
    const pipeline = await setupBeautyLooFromPipeline(data, dir, opts);
    const reference = setupBeautyLoo(data, opts);
    // The temporary files are gone: nothing is cached between runs.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('pz-quality-site-'))).toEqual(before);
    expect(pipeline.prior.map((l) => l.heldOut)).toEqual([3, 4]);
    const levels = (s: typeof pipeline) => [s.knowledge, ...s.prior.map((l) => l.knowledge)];
    levels(pipeline).forEach((k, i) => {
      const c = compareKnowledge(publishItemKnowledge(levels(reference)[i]!), publishItemKnowledge(k));
      expect(c.examples).toEqual([]);
      expect(c).toMatchObject({ missingItems: 0, differentLists: 0, popularityDiffs: 0, embeddingPresenceDiffs: 0, maxEmbeddingDiff: 0 });
      expect(c.items).toBeGreaterThan(50);
    });
    // The candidates' public features agree (related scores at published precision).
    expect([...pipeline.features.keys()]).toEqual([...reference.features.keys()]);
    for (const [id, c] of pipeline.features) {
      const r = reference.features.get(id)!;
      expect(c.related?.map((x) => x.id)).toEqual(r.related?.map((x) => x.id));
      for (const [j, x] of (c.related ?? []).entries()) expect(x.score).toBeCloseTo(r.related![j]!.score, 4);
      expect(c.embedding?.length).toBe(r.embedding?.length);
    }
    const knn = baselineReplayPolicies().find((p) => p.name === 'item-knn')!;
    expect(runBeautyLoo(pipeline, knn).slices.test!['NDCG@10']).toBeCloseTo(runBeautyLoo(reference, knn).slices.test!['NDCG@10']!, 6);
  });

  it('is what runQuality uses for Beauty, and says so in quality.json', async () => {
    const { json } = await runQuality({
      beautyDir: dir,
      outDir: join(dir, 'out-site'),
      replayPolicies: baselineReplayPolicies().filter((p) => p.name === 'popularity'),
      intentPolicies: [],
      protocols: ['beauty-loo'],
      writeRanks: false,
      log: () => {},
    });
    const params = (json.protocols as Record<string, { params: { siteKnowledge: Record<string, unknown> } }>)['beauty-loo']!.params;
    expect(params.siteKnowledge.producer).toBe(SITE_KNOWLEDGE_PRODUCER);
    expect(params.siteKnowledge.items).toBe(setupBeautyLoo(loadBeauty(dir), { seed: 20_240_601, knowledge: { dim: 0 } }).knowledge.itemIds.length);
  });
});

describe('runQuality end to end', () => {
  it('writes JSON, SVG and gzipped ranks from which the metrics can be recomputed', async () => {
    const out = join(dir, 'out');
    const { json, markdown } = await runQuality({
      beautyDir: dir,
      taobaoFile: join(dir, 'taobao.csv.gz'),
      outDir: out,
      replayPolicies: baselineReplayPolicies(),
      intentPolicies: baselineIntentPolicies(),
      seed: 1,
      log: () => {},
    });
    expect(markdown).toContain('not rerun here');
    const saved = JSON.parse(readFileSync(join(out, 'quality.json'), 'utf8'));
    expect(saved.protocols).toEqual(JSON.parse(JSON.stringify(json.protocols)));
    const svg = readFileSync(join(out, 'taobao-replay.learning-curve.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // shown-lists ran on the Beauty catalogue, with its curve and a gain over pz-prior per group.
    const shown = saved.protocols['shown-lists'];
    expect(Object.keys(shown.models)).toEqual(['informational', 'navigational', 'perfect']);
    const rows = shown.models.informational.policies;
    for (const name of ['oracle', 'random', 'server-order', 'clicked-before-first', 'pz-prior', 'pz-prior-learner']) expect(rows[name]).toBeDefined();
    expect(rows.oracle.groups['lists-1'].ndcg10).toBe(1);
    expect(rows['pz-prior-learner'].groups['lists-10-19'].gain).toBeDefined();
    expect(markdown).toContain('shown-lists, informational clicks');
    expect(readFileSync(join(out, 'shown-lists-informational.learning-curve.svg'), 'utf8').startsWith('<svg')).toBe(true);
    for (const [protocol, slice, split] of [
      ['taobao-replay', 'second-half', 'second'],
      ['beauty-loo', 'test', 'test'],
    ] as const) {
      const lines = gunzipSync(readFileSync(join(out, `${protocol}-recency.ranks.jsonl.gz`)))
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { split: string; rank: number; ties?: number; repeat: boolean });
      const kept = lines.filter((l) => l.split === split);
      const ndcg =
        kept.reduce((s, l) => {
          const ties = l.ties ?? 0;
          return s + stepMetrics({ greater: l.rank - 1 - ties / 2, ties })['NDCG@10'];
        }, 0) / kept.length;
      expect(ndcg).toBeCloseTo(saved.protocols[protocol].policies.recency.slices[slice]['NDCG@10'], 10);
    }
  }, 180_000); // every protocol end to end, shown-lists included: slow on a loaded 2-core machine
});

describe('product rows', () => {
  it('a protocol a row does not list gets the product default strength, not 1', async () => {
    const { personalizationFor } = await import('../../bench/quality/product');
    const { ENGINE_SETTINGS } = await import('../../src/core/settings');
    expect(personalizationFor({ 'beauty-loo': 0.7 }, 'shown-lists')).toBe(ENGINE_SETTINGS.personalization);
    expect(personalizationFor({ 'beauty-loo': 0.4 }, 'beauty-loo')).toBe(0.4);
    expect(personalizationFor(1, 'anything')).toBe(1);
  });

  it('events on an item of the list just shown carry its listId (as the loader stamps tiles)', async () => {
    const { onShownList } = await import('../../bench/quality/product');
    const shown = { listId: 'l1', ids: new Set(['a', 'b']) };
    const click = { id: 'e', type: 'click' as const, item: { id: 'b' }, ts: 1 };
    expect(onShownList(click, shown)).toMatchObject({ listId: 'l1', slot: 'bench' });
    expect(onShownList({ ...click, item: { id: 'z' } }, shown).listId).toBeUndefined();
    expect(onShownList({ ...click, listId: 'other' }, shown).listId).toBe('other');
  });
});

describe('shown-lists pieces', () => {
  it('graded NDCG@10 is 1 for the ideal order, lower for a worse one, undefined when nothing is relevant', async () => {
    const { gradedNdcg10 } = await import('../../bench/quality/protocols/shown-lists');
    const grades = [0, 4, 1, 0, 2];
    expect(gradedNdcg10(grades, [1, 4, 2, 0, 3])).toBeCloseTo(1, 12);
    expect(gradedNdcg10(grades, [0, 3, 2, 4, 1])!).toBeLessThan(0.6);
    expect(gradedNdcg10([0, 0], [0, 1])).toBeUndefined();
  });

  it('attraction rises with the grade in every click model, and examination falls as 1/k', async () => {
    const { ATTRACTION, examination } = await import('../../bench/quality/protocols/shown-lists');
    for (const p of Object.values(ATTRACTION)) for (let g = 1; g < 5; g++) expect(p[g]!).toBeGreaterThan(p[g - 1]!);
    expect([1, 2, 4].map(examination)).toEqual([1, 0.5, 0.25]);
  });

  it('the bootstrap interval holds the mean and narrows with more shoppers', async () => {
    const { bootstrap } = await import('../../bench/quality/protocols/shown-lists');
    const rng = createRng(3);
    const small = Array.from({ length: 20 }, () => rng() - 0.4);
    const large = Array.from({ length: 2000 }, () => rng() - 0.4);
    const a = bootstrap(small, createRng(1));
    const b = bootstrap(large, createRng(1));
    expect(a.lo).toBeLessThanOrEqual(a.mean);
    expect(a.hi).toBeGreaterThanOrEqual(a.mean);
    expect(b.hi - b.lo).toBeLessThan(a.hi - a.lo);
    expect(b.lo).toBeGreaterThan(0);
  });
});
