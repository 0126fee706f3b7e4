/**
 * What limits the learner's gain on the shown-lists protocol, measured on the TUNING SHOPPERS only
 * (seed {@link TUNE_SEED}, as `bench/tune-shown-lists.ts`; no reported shopper is looked at):
 *   npx tsx bench/diagnose-shown-lists.ts [--shoppers 200] [--model informational] [--hypotheses 200]
 * Prints, per list group: the prior, prior + learner, the oracle, and two Bayesian learners that know
 * the true click model (examination 1/k, the model's attraction per grade) and rank by the posterior
 * expected gain 2^g − 1:
 * - `bayes-truth-in-set`: a posterior over the true taste and `--hypotheses` − 1 other shoppers'
 *   tastes (the true one included: an optimistic ceiling of what the clicks can teach);
 * - `bayes-others`: the same over other shoppers' tastes only (the truth is not among them);
 * - `bayes-frozen`: the first one never updated (what it knows before any click), so the ceiling of
 *   what learning from clicks adds is `bayes-truth-in-set` − `bayes-frozen`.
 * `--bayes-only` skips the product rows and the diagnostics.
 * The drift target's figure (the gain in the 5 lists after the switch as a share of the gain in the 5
 * before it) for the product's learner against the prior and for the ideal learner against itself
 * frozen: how far the product is from what these clicks allow after a drift.
 * Drift shoppers' second taste is in the first set too, with a switch hazard of
 * {@link SHOWN_LISTS}.driftShare / lists per list.
 * Then diagnostics of the product learner at lists 5, 10 and 20: the cosine, over the list's items
 * (centred), of the taste model's score and of the final personal score with the hidden utility, the
 * spread (sd) of each, and clicks per list.
 */
import { Engine } from '../src/core/engine';
import { FEATURE_DIM, FEATURE_INDEX, FEATURE_SCHEMA_VERSION, features } from '../src/core/model/features';
import { fmScoreBatch } from '../src/core/model/fm';
import { emptyProfile } from '../src/core/profile/profile';
import { type ShopperLearner, createLearner } from '../src/core/model/learner';
import type { Candidate } from '../src/core/types';
import { createRng } from '../src/core/util/rng';
import { loadBeauty } from '../src/site/logs/beauty';
import { dataDir } from './quality/paths';
import { productPolicy, trainedPrior } from './quality/product';
import { setupBeautyLoo } from './quality/protocols/beauty-loo';
import {
  ATTRACTION,
  type ClickModel,
  DRIFT_GROUPS,
  LIST_GROUPS,
  SHOWN_LISTS,
  type Taste,
  examination,
  grade,
  runShownLists,
  setupShownLists,
  shownListsPriorShoppers,
  summarize,
  TUNE_SEED,
  utility,
} from './quality/protocols/shown-lists';
import type { ReplayPolicy } from './quality/types';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const model = arg('model', 'informational') as ClickModel;
const K = Number(arg('hypotheses', '200'));

const data = loadBeauty(`${dataDir()}/amazon-beauty-s3rec`);
const beauty = setupBeautyLoo(data, { seed: TUNE_SEED, userIndices: [] });
const nShoppers = Number(arg('shoppers', '200'));
const setup = setupShownLists(beauty, { seed: TUNE_SEED, quick: nShoppers <= SHOWN_LISTS.quickShoppers });
setup.shoppers.length = Math.min(setup.shoppers.length, nShoppers);
setup.site.priorShoppers = () => shownListsPriorShoppers(setup, 'informational');
setup.site.quick = true;

const gradeOf = (t: Taste, id: string): number => grade(t, utility(t, setup, id, setup.candidates.get(id)!.embedding));

/** A Bayesian learner over a finite set of tastes that knows the click model. */
function bayesPolicy(name: string, truthIncluded: boolean, learn = true): ReplayPolicy {
  const others = setup.tuneShoppers.slice(0, truthIncluded ? K - 1 : K).map((t) => t.taste);
  const cache = new Map<Taste, Map<string, number>>();
  const g = (t: Taste, id: string): number => {
    let m = cache.get(t);
    if (!m) cache.set(t, (m = new Map()));
    let v = m.get(id);
    if (v === undefined) m.set(id, (v = gradeOf(t, id)));
    return v;
  };
  const hazard = SHOWN_LISTS.driftShare / SHOWN_LISTS.lists;
  const A = ATTRACTION[model];
  return {
    name,
    newShopper(userId) {
      const sh = setup.shoppers.find((s) => s.id === userId)!;
      const hyps = truthIncluded ? [sh.taste, ...(sh.drift ? [sh.drift] : []), ...others] : others;
      let post = new Float64Array(hyps.length).fill(1 / hyps.length);
      let last: { ids: string[]; order: number[] } | undefined;
      const clicked = new Set<string>();
      return {
        observe(e) {
          if (e.item) clicked.add(e.item.id);
        },
        rank(cands: readonly Candidate[]) {
          if (last && learn) {
            const logp = new Float64Array(hyps.length);
            hyps.forEach((t, h) => {
              let s = Math.log(post[h]! || 1e-300);
              last!.order.forEach((i, k) => {
                const p = examination(k + 1) * A[g(t, last!.ids[i]!)]!;
                s += clicked.has(last!.ids[i]!) ? Math.log(p) : Math.log(1 - p);
              });
              logp[h] = s;
            });
            const mx = Math.max(...logp);
            let z = 0;
            for (let h = 0; h < logp.length; h++) z += logp[h] = Math.exp(logp[h]! - mx);
            post = logp.map((x) => (1 - hazard) * (x / z) + hazard / hyps.length);
          }
          clicked.clear();
          const ids = cands.map((c) => c.id);
          const scores = new Float64Array(cands.length);
          hyps.forEach((t, h) => {
            if (post[h]! < 1e-6) return;
            ids.forEach((id, i) => {
              scores[i]! += post[h]! * (2 ** g(t, id) - 1);
            });
          });
          // Ties (nothing learnt yet) keep the server order.
          for (let i = 0; i < scores.length; i++) scores[i]! -= i * 1e-9;
          last = { ids, order: Array.from(scores.keys()).sort((p, q) => scores[q]! - scores[p]! || p - q) };
          return scores;
        },
      };
    },
  };
}

/** Cosine of two vectors after centring each. */
function centredCosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    d += (a[i]! - ma) * (b[i]! - mb);
    na += (a[i]! - ma) ** 2;
    nb += (b[i]! - mb) ** 2;
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : Number.NaN;
}
const sd = (a: ArrayLike<number>): number => {
  const n = a.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i]! / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - m) ** 2 / n;
  return Math.sqrt(s);
};

const AT = [5, 10, 20];
const diag = new Map<number, { cosTaste: number[]; cosFinal: number[]; sdTaste: number[]; sdFinal: number[] }>(AT.map((l) => [l, { cosTaste: [], cosFinal: [], sdTaste: [], sdFinal: [] }]));

/** The product's prior + learner row, instrumented (same engine and learner factory as `productPolicy`). */
function instrumented(weights: ReturnType<typeof trainedPrior>): ReplayPolicy {
  return {
    name: 'pz-prior-learner (instrumented)',
    newShopper(userId, seed) {
      const sh = setup.shoppers.find((s) => s.id === userId)!;
      const engine = new Engine({ weights, personalization: 1, learn: true, rerank: { exploration: 0, diversity: 0, budgetMs: 10_000 } }, 0);
      let learner: ShopperLearner | undefined;
      const learnPending = () => {
        if (!engine.hasLearner() && engine.pendingExamples() > 0) {
          learner = createLearner({ weights, version: 'bench-prior', featureSchemaVersion: FEATURE_SCHEMA_VERSION }, undefined, { seed }).ranker;
          engine.attachLearner(learner);
        }
        engine.train();
      };
      const rng = createRng(seed);
      let l = 0;
      let shown: { listId: string; ids: Set<string> } | undefined;
      return {
        observe(e) {
          const ev = shown && e.item && shown.ids.has(e.item.id) ? { ...e, listId: shown.listId, slot: 'bench' } : e;
          engine.ingest(ev, e.ts);
          learnPending();
        },
        rank(cands: readonly Candidate[], now: number) {
          l++;
          const r = engine.rerank(cands, { slot: 'bench' }, rng, now, () => performance.now());
          learnPending();
          shown = r.listId === undefined ? undefined : { listId: r.listId, ids: new Set(r.items.map((it) => it.id)) };
          const n = cands.length;
          const index = new Map(cands.map((c, i) => [c.id, i]));
          const scores = new Float64Array(n);
          const final = new Float64Array(n);
          for (const it of r.items) {
            const i = index.get(it.id)!;
            scores[i] = n - it.to;
            final[i] = it.score;
          }
          const d = diag.get(l);
          if (d && learner) {
            const t = sh.drift && l >= SHOWN_LISTS.driftAt ? sh.drift : sh.taste;
            const u = cands.map((c) => utility(t, setup, c.id, c.embedding));
            const taste = learner.scoreItems(cands);
            d.cosTaste.push(centredCosine(taste, u));
            d.cosFinal.push(centredCosine(final, u));
            d.sdTaste.push(sd(taste));
            d.sdFinal.push(sd(final));
          }
          return scores;
        },
      };
    },
  };
}

const mean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.reduce((s, x) => s + x, 0) / Math.max(1, f.length);
};
const ref = runShownLists(setup, productPolicy({ name: 'pz-prior', learn: false, prior: true, personalization: 1, exploration: 0 }), model);
const groups = [...LIST_GROUPS, ...DRIFT_GROUPS].map((g) => g.label);
console.log(`click model ${model}, ${setup.shoppers.length} tuning shoppers (seed ${TUNE_SEED})`);
console.log(['row', ...groups].join('\t'));
const show = (name: string, r: ReturnType<typeof runShownLists>, base: ReturnType<typeof runShownLists> = ref) => {
  const s = summarize(r, r === base ? undefined : base, setup, TUNE_SEED);
  console.log(
    [
      name,
      ...groups.map((g) => {
        const x = s[g]!;
        return `${x.ndcg10.toFixed(4)}${x.gain ? ` (${x.gain.mean >= 0 ? '+' : ''}${x.gain.mean.toFixed(4)} [${x.gain.lo.toFixed(4)}, ${x.gain.hi.toFixed(4)}])` : ''} c=${x.clicksPerList.toFixed(2)}`;
      }),
    ].join('\t'),
  );
  return s;
};
/**
 * The drift target's figure for a row against its start: the gain in the 5 lists after the switch as
 * a share of the gain in the 5 before it (the target: at least half).
 */
const recovery = (name: string, s: ReturnType<typeof summarize>) => {
  const before = s['drift-before-10-14']!.gain!.mean;
  const after = s['drift-after-1-5']!.gain!.mean;
  console.log(`drift recovery, ${name}: gain lists 10–14 ${before.toFixed(4)}, lists 15–19 (after the switch) ${after.toFixed(4)}: ${((100 * after) / before).toFixed(0)} % back within 5 lists`);
};
const bayesOnly = process.argv.includes('--bayes-only');
show('pz-prior', ref);
/**
 * List 1: the site prior scored on a shopper with no history, without the policy's no-history rule
 * (which keeps the server order). Counts the lists whose order differs from the server's and which
 * features are non-zero: with no history, what can the device know beyond the server's order?
 */
function priorWithoutGate(weights: ReturnType<typeof trainedPrior>): { policy: ReplayPolicy; report: () => string } {
  const nonZero = new Set<number>();
  let differ = 0;
  const report = () => {
    const names = Object.entries(FEATURE_INDEX).filter(([, i]) => nonZero.has(i)).map(([k]) => k);
    return `list 1, prior on an empty profile: order differs from the server's on ${differ} of ${setup.shoppers.length} lists; non-zero features: ${names.join(', ')}`;
  };
  const policy: ReplayPolicy = {
    name: 'pz-prior, no-history rule off',
    newShopper() {
      let l = 0;
      return {
        observe() {},
        rank(cands: readonly Candidate[], now: number) {
          l++;
          const n = cands.length;
          const X = features(emptyProfile(now), cands, { now });
          for (let j = 0; j < X.length; j++) if (X[j] !== 0) nonZero.add(j % FEATURE_DIM);
          const s = fmScoreBatch(weights, X, n);
          if (l === 1) {
            for (let i = 1; i < n; i++) if (!(s[i - 1]! >= s[i]!)) {
              differ++;
              break;
            }
          }
          return Float64Array.from(s);
        },
      };
    },
  };
  return { policy, report };
}
if (!bayesOnly) {
  const ungated = priorWithoutGate(trainedPrior(setup.site));
  show('pz-prior, no-history rule off', runShownLists(setup, ungated.policy, model));
  console.log(ungated.report());
}
const learnt = bayesOnly ? undefined : show('pz-prior-learner', runShownLists(setup, instrumented(trainedPrior(setup.site)), model));
if (!bayesOnly) show('oracle', runShownLists(setup, 'oracle', model));
const ideal = runShownLists(setup, bayesPolicy('bayes-truth-in-set', true), model);
show('bayes-truth-in-set', ideal);
const frozen = runShownLists(setup, bayesPolicy('bayes-frozen', true, false), model);
show('bayes-frozen', frozen);
if (learnt) recovery('pz-prior-learner − pz-prior', learnt);
recovery('ideal Bayesian learner − the same frozen', show('bayes-truth-in-set − frozen', ideal, frozen));
if (!bayesOnly) show('bayes-others', runShownLists(setup, bayesPolicy('bayes-others', false), model));
if (!bayesOnly) console.log('list\tcos(taste,u)\tcos(final,u)\tsd(taste)\tsd(final)');
if (!bayesOnly) for (const [l, d] of diag) console.log([l, mean(d.cosTaste), mean(d.cosFinal), mean(d.sdTaste), mean(d.sdFinal)].map((x) => (typeof x === 'number' && !Number.isInteger(x) ? x.toFixed(3) : x)).join('\t'));
