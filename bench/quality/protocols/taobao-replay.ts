/**
 * taobao-replay: online next-event replay. Per shopper with ≥ 5 events, at every event t ≥ 1 the
 * policy ranks {item_t} + 99 negatives drawn uniformly (seeded) from the file's distinct items,
 * excluding item_t and every item the shopper touched before t; server order = seeded random
 * permutation. The session has observed events 0..t-1 only. Candidates carry only id and category.
 */
import { createRng } from '../../../src/core/util/rng';
import type { Candidate } from '../../../src/core/types';
import { type TaobaoLog, taobaoEvent } from '../../../src/site/logs/taobao';
import { placeTarget } from '../metrics';
import { StepRecords } from '../records';
import { mixSeed } from '../seeds';
import type { ReplayPolicy, SiteKnowledge } from '../types';
import { type RankRunResult, checkScores, learningCurve, perUserMetrics, sliceMetrics } from './common';

export const TAOBAO_MIN_EVENTS = 5;
export const TAOBAO_CANDIDATES = 100;

export interface TaobaoReplaySetup {
  log: TaobaoLog;
  site: SiteKnowledge;
  /** Public features per item: exactly {id, category}. */
  features: Candidate[];
  /** Evaluated users (indices into log.users), each with ≥ 5 events. */
  userIndices: number[];
  /** Per evaluated user: offset of its first step in {@link candidateIndex} (in units of steps). */
  stepOffset: Int32Array;
  /** Candidate item indices per step in server order, TAOBAO_CANDIDATES per step. */
  candidateIndex: Int32Array;
  /** Target position per step. */
  targetPos: Int16Array;
  seed: number;
}

/** Eligible users: at least {@link TAOBAO_MIN_EVENTS} events. */
export function taobaoEligibleUsers(log: TaobaoLog): number[] {
  return log.users.flatMap((u, i) => (u.items.length >= TAOBAO_MIN_EVENTS ? [i] : []));
}

export function setupTaobaoReplay(log: TaobaoLog, opts: { seed: number; userIndices?: number[] }): TaobaoReplaySetup {
  const userIndices = opts.userIndices ?? taobaoEligibleUsers(log);
  const nItems = log.itemIds.length;
  if (nItems < TAOBAO_CANDIDATES + 1) throw new Error(`TaobaoReplayError: only ${nItems} distinct items`);
  const features = log.itemIds.map((id, k) => Object.freeze<Candidate>({ id, category: log.itemCategory[k]! }));
  const stepOffset = new Int32Array(userIndices.length + 1);
  userIndices.forEach((ui, j) => {
    stepOffset[j + 1] = stepOffset[j]! + log.users[ui]!.items.length - 1;
  });
  const totalSteps = stepOffset[userIndices.length]!;
  const candidateIndex = new Int32Array(totalSteps * TAOBAO_CANDIDATES);
  const targetPos = new Int16Array(totalSteps);
  // Stamps avoid clearing per step: touched[k] === userStamp means "touched before t by this user".
  const touched = new Int32Array(nItems);
  const picked = new Int32Array(nItems);
  let pickStamp = 0;
  userIndices.forEach((ui, j) => {
    const u = log.users[ui]!;
    const userStamp = j + 1;
    const rng = createRng(mixSeed(opts.seed, 21, ui));
    touched[u.items[0]!] = userStamp;
    let touchedCount = 1;
    for (let t = 1; t < u.items.length; t++) {
      if (nItems - touchedCount - 1 < TAOBAO_CANDIDATES - 1) {
        throw new Error(`TaobaoReplayError: user ${u.id} step ${t}: fewer than ${TAOBAO_CANDIDATES - 1} untouched items`);
      }
      const step = stepOffset[j]! + t - 1;
      const target = u.items[t]!;
      const base = step * TAOBAO_CANDIDATES;
      pickStamp++;
      picked[target] = pickStamp;
      candidateIndex[base] = target;
      let filled = 1;
      while (filled < TAOBAO_CANDIDATES) {
        const k = Math.floor(rng() * nItems);
        if (picked[k] === pickStamp || touched[k] === userStamp) continue;
        picked[k] = pickStamp;
        candidateIndex[base + filled++] = k;
      }
      // Fisher–Yates: the server order is a seeded random permutation.
      let tp = 0;
      for (let i = TAOBAO_CANDIDATES - 1; i > 0; i--) {
        const r = Math.floor(rng() * (i + 1));
        const a = candidateIndex[base + i]!;
        candidateIndex[base + i] = candidateIndex[base + r]!;
        candidateIndex[base + r] = a;
      }
      for (let i = 0; i < TAOBAO_CANDIDATES; i++) if (candidateIndex[base + i] === target) tp = i;
      targetPos[step] = tp;
      if (touched[target] !== userStamp) touchedCount++;
      touched[target] = userStamp;
    }
  });
  return {
    log,
    site: { protocol: 'taobao-replay', embeddingDim: 0 },
    features,
    userIndices,
    stepOffset,
    candidateIndex,
    targetPos,
    seed: opts.seed,
  };
}

/** First or second half of a shopper's m steps (step index k = t - 1). */
export function halfOf(k: number, m: number): 'first' | 'second' {
  return k < Math.floor(m / 2) ? 'first' : 'second';
}

export function runTaobaoReplay(setup: TaobaoReplaySetup, policy: ReplayPolicy): RankRunResult {
  const { log, features } = setup;
  const t0 = performance.now();
  policy.prepare?.(setup.site);
  const records = new StepRecords();
  const seen = new Set<number>();
  setup.userIndices.forEach((ui, j) => {
    const u = log.users[ui]!;
    const rec = records.addUser(u.id);
    const session = policy.newShopper(u.id, mixSeed(setup.seed, 23, ui));
    seen.clear();
    const m = u.items.length - 1;
    for (let t = 1; t < u.items.length; t++) {
      session.observe(taobaoEvent(log, features, ui, t - 1));
      seen.add(u.items[t - 1]!);
      const step = setup.stepOffset[j]! + t - 1;
      const base = step * TAOBAO_CANDIDATES;
      const candidates = new Array<Candidate>(TAOBAO_CANDIDATES);
      for (let i = 0; i < TAOBAO_CANDIDATES; i++) candidates[i] = features[setup.candidateIndex[base + i]!]!;
      const scores = session.rank(candidates, u.ts[t]! * 1000);
      checkScores(policy.name, scores, TAOBAO_CANDIDATES);
      records.add(rec, t, halfOf(t - 1, m), placeTarget(scores, setup.targetPos[step]!), seen.has(u.items[t]!));
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    protocol: 'taobao-replay',
    policy: policy.name,
    slices: {
      all: sliceMetrics(records, () => true),
      repeat: sliceMetrics(records, (r) => r.repeat),
      new: sliceMetrics(records, (r) => !r.repeat),
      'per-user': perUserMetrics(records),
      'first-half': sliceMetrics(records, (r) => r.split === 'first'),
      'second-half': sliceMetrics(records, (r) => r.split === 'second'),
      'second-half-new': sliceMetrics(records, (r) => r.split === 'second' && !r.repeat),
    },
    curve: learningCurve(records),
    records,
    seconds,
    stepsPerSecond: records.length / Math.max(seconds, 1e-9),
  };
}
