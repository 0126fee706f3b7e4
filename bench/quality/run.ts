/**
 * The benchmark driver as a function, so other scripts (and the product pipeline) can run it with
 * their own policies: `runQuality({ beautyDir, taobaoFile, replayPolicies: [...] })`.
 */
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { createRng } from '../../src/core/util/rng';
import { loadBeauty } from '../../src/site/logs/beauty';
import { loadTaobao } from '../../src/site/logs/taobao';
import type { RankRunResult } from './protocols/common';
import { runBeautyLoo } from './protocols/beauty-loo';
import { type ClickModel, DRIFT_GROUPS, LIST_GROUPS, SHOWN_LISTS, runShownLists, setupShownLists, shownListsPriorShoppers, summarize } from './protocols/shown-lists';
import { type IntentRunResult, INTENT_DAYS, INTENT_FIRST_DAY, INTENT_TUNE_DAYS, runTaobaoIntent } from './protocols/taobao-intent';
import { TAOBAO_CANDIDATES, TAOBAO_MIN_EVENTS, runTaobaoReplay, setupTaobaoReplay, taobaoEligibleUsers } from './protocols/taobao-replay';
import { BEAUTY_REFERENCE } from './reference';
import {
  beautyMarkdown,
  ensureDir,
  intentMarkdown,
  intentRunJson,
  learningCurveSvg,
  rankRunJson,
  type ShownListsRow,
  shownListsMarkdown,
  taobaoMarkdown,
  writeRanks,
  writeText,
} from './report';
import { mixSeed, sampleIndices } from './seeds';
import { SITE_KNOWLEDGE_PRODUCER, setupBeautyLooFromPipeline } from './site-knowledge';
import { beautyPriorShoppers, taobaoPriorShoppers } from './prior-shoppers';
import type { IntentPolicy, ProtocolName, ReplayPolicy } from './types';

export interface QualityOptions {
  /** Directory with Beauty.txt, Beauty_item2attributes.json, Beauty_negatives_99.txt.gz; omit to skip beauty-loo. */
  beautyDir?: string;
  /** Taobao CSV (gzip or plain); omit to skip the Taobao protocols. */
  taobaoFile?: string;
  outDir: string;
  replayPolicies: ReplayPolicy[];
  intentPolicies: IntentPolicy[];
  seed?: number;
  /** Sample users (seeded) for a < 60 s run. */
  quick?: boolean;
  /** Protocols to run (default: every protocol its data allows). */
  protocols?: readonly ProtocolName[];
  /** Write per-step ranks (default true). */
  writeRanks?: boolean;
  log?: (msg: string) => void;
}

export const QUICK_BEAUTY_USERS = 4000;
export const QUICK_TAOBAO_USERS = 200;

const supports = (p: ReplayPolicy, protocol: ProtocolName): boolean => !p.protocols || p.protocols.includes(protocol);

function gitCommit(): string | null {
  try {
    return execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

/** Runs the selected protocols and writes every output; returns the Markdown report. */
export async function runQuality(o: QualityOptions): Promise<{ markdown: string; json: Record<string, unknown> }> {
  const seed = o.seed ?? 20_240_601;
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const t0 = performance.now();
  ensureDir(o.outDir);
  const md: string[] = [];
  const protocols: Record<string, unknown> = {};
  const files: string[] = [];

  const emitRank = async (protocol: ProtocolName, runs: RankRunResult[]): Promise<void> => {
    files.push(writeText(o.outDir, `${protocol}.learning-curve.svg`, learningCurveSvg(`${protocol}: NDCG@10 vs events seen`, runs)));
    if (o.writeRanks === false) return;
    for (const r of runs) {
      const p = join(o.outDir, `${protocol}-${r.policy}.ranks.jsonl.gz`);
      await writeRanks(p, r);
      files.push(p);
    }
  };

  const wants = (p: ProtocolName): boolean => !o.protocols || o.protocols.includes(p);
  if (o.beautyDir && (wants('beauty-loo') || wants('shown-lists'))) {
    log(`beauty-loo: loading ${o.beautyDir}`);
    const data = loadBeauty(o.beautyDir);
    const userIndices = o.quick
      ? sampleIndices(data.users.length, QUICK_BEAUTY_USERS, createRng(mixSeed(seed, 1)))
      : undefined;
    const setup = await setupBeautyLooFromPipeline(data, o.beautyDir, { seed, ...(userIndices ? { userIndices } : {}) });
    // The prior learns from every user's training split (public site data; never a reported target).
    setup.site.priorShoppers = () => beautyPriorShoppers(setup, data.users.map((_, i) => i), seed);
    setup.site.quick = o.quick === true;
    log(`beauty-loo: ${data.users.length} users (${setup.userIndices.length} evaluated), site knowledge from the site pipeline (${setup.prior.length + 1} training splits) in ${setup.knowledgeSeconds.toFixed(1)} s`);
    const runs: RankRunResult[] = [];
    for (const p of o.replayPolicies.filter((q) => wants('beauty-loo') && supports(q, 'beauty-loo'))) {
      const r = runBeautyLoo(setup, p);
      runs.push(r);
      log(`beauty-loo: ${p.name.padEnd(24)} test NDCG@10 ${r.slices.test?.['NDCG@10'].toFixed(4)}  valid ${r.slices.valid?.['NDCG@10'].toFixed(4)}  (${r.seconds.toFixed(1)} s)`);
    }
    if (runs.length) md.push(beautyMarkdown(runs));
    if (runs.length) await emitRank('beauty-loo', runs);
    if (runs.length) protocols['beauty-loo'] = {
      params: {
        users: data.users.length,
        evaluatedUsers: setup.userIndices.length,
        candidates: 100,
        negatives: 'Beauty_negatives_99.txt.gz (fixed)',
        serverOrder: 'training-split popularity, ties by seeded random key',
        trainingSplit: "every user's s[:n-2]",
        syntheticEventSpacingMs: 86_400_000,
        siteKnowledge: { producer: SITE_KNOWLEDGE_PRODUCER, dim: setup.knowledge.dim, items: setup.knowledge.itemIds.length, seconds: setup.knowledgeSeconds },
      },
      policies: Object.fromEntries(runs.map((r) => [r.policy, rankRunJson(r)])),
      reference: { note: 'published / measured server-side, not rerun here', rows: BEAUTY_REFERENCE },
    };
    if (wants('shown-lists')) {
      const r = runShownListsProtocol(setup, o, seed, log);
      md.push(r.markdown);
      files.push(...r.files);
      protocols['shown-lists'] = r.json;
    }
  }

  if (o.taobaoFile && (wants('taobao-replay') || wants('taobao-intent'))) {
    log(`taobao: loading ${o.taobaoFile}`);
    const tlog = loadTaobao(o.taobaoFile);
    const eligible = taobaoEligibleUsers(tlog);
    const userIndices = o.quick
      ? sampleIndices(eligible.length, QUICK_TAOBAO_USERS, createRng(mixSeed(seed, 2))).map((i) => eligible[i]!)
      : eligible;
    const ts = performance.now();
    const setup = setupTaobaoReplay(tlog, { seed, userIndices });
    setup.site.priorShoppers = () => taobaoPriorShoppers(setup);
    setup.site.quick = o.quick === true;
    log(`taobao-replay: ${userIndices.length} shoppers, ${setup.targetPos.length} steps, candidates drawn in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
    const runs: RankRunResult[] = [];
    for (const p of o.replayPolicies.filter((q) => wants('taobao-replay') && supports(q, 'taobao-replay'))) {
      const r = runTaobaoReplay(setup, p);
      runs.push(r);
      log(`taobao-replay: ${p.name.padEnd(24)} all NDCG@10 ${r.slices.all?.['NDCG@10'].toFixed(4)}  second-half ${r.slices['second-half']?.['NDCG@10'].toFixed(4)}  (${r.seconds.toFixed(1)} s)`);
    }
    if (runs.length) md.push(taobaoMarkdown(runs));
    if (runs.length) await emitRank('taobao-replay', runs);
    if (runs.length) protocols['taobao-replay'] = {
      params: {
        rows: tlog.rows,
        users: tlog.users.length,
        evaluatedUsers: userIndices.length,
        minEvents: TAOBAO_MIN_EVENTS,
        candidates: TAOBAO_CANDIDATES,
        steps: setup.targetPos.length,
        distinctItems: tlog.itemIds.length,
        negatives: "uniform over the file's distinct items, excluding the target and items the shopper touched before t",
        serverOrder: 'seeded random permutation',
        candidateFeatures: ['id', 'category'],
        halves: "first = step index < floor(m/2) of the shopper's m steps; tune only on first",
      },
      policies: Object.fromEntries(runs.map((r) => [r.policy, rankRunJson(r)])),
    };

    const intentRuns: IntentRunResult[] = [];
    for (const p of o.intentPolicies.filter(() => wants('taobao-intent'))) {
      const r = runTaobaoIntent(tlog, p, { seed, userIndices });
      intentRuns.push(r);
      log(`taobao-intent: ${p.name.padEnd(24)} test AUC ${r.test.auc.toFixed(4)} F1 ${r.test.f1.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
    }
    if (intentRuns.length) {
      md.push(intentMarkdown(intentRuns));
      protocols['taobao-intent'] = {
        params: {
          timezone: 'UTC+8 (Beijing)',
          firstPredictionDay: new Date(((INTENT_FIRST_DAY * 86_400 - 8 * 3600) * 1000)).toISOString(),
          predictionDays: INTENT_DAYS,
          thresholdDays: INTENT_TUNE_DAYS,
          point: 'end of each Beijing day on which the shopper had ≥ 1 event; label = ≥ 1 buy on the next Beijing day',
          threshold: 'max F1 on the first-half days',
        },
        policies: Object.fromEntries(intentRuns.map((r) => [r.policy, intentRunJson(r)])),
      };
    }
  }

  const totalSeconds = (performance.now() - t0) / 1000;
  const json = {
    version: 1,
    git: gitCommit(),
    node: process.version,
    seed,
    quick: !!o.quick,
    inputs: { beautyDir: o.beautyDir ?? null, taobaoFile: o.taobaoFile ?? null },
    tieBreaking: 'exact expectation over a uniform random tie-break (never optimistic)',
    protocols,
    totalSeconds,
  };
  files.push(writeText(o.outDir, 'quality.json', `${JSON.stringify(json, null, 2)}\n`));
  log(`wrote ${files.length} files to ${o.outDir} in ${totalSeconds.toFixed(1)} s`);
  return { markdown: `${md.join('\n\n')}\n`, json };
}

/**
 * shown-lists on the Beauty catalogue: every opted-in row (and the oracle) under the informational
 * click model; the full run adds the perfect and navigational models for the reference and product
 * rows. Tables, JSON and one learning-curve SVG per click model.
 */
function runShownListsProtocol(
  beauty: Parameters<typeof setupShownLists>[0],
  o: QualityOptions,
  seed: number,
  log: (m: string) => void,
): { markdown: string; json: Record<string, unknown>; files: string[] } {
  const t0 = performance.now();
  const setup = setupShownLists(beauty, { seed, quick: o.quick === true });
  // The prior learns from other users' server-order lists and clicks (the site's own log).
  setup.site.priorShoppers = () => shownListsPriorShoppers(setup, 'informational');
  setup.site.quick = o.quick === true;
  log(`shown-lists: ${setup.shoppers.length} shoppers (${setup.shoppers.filter((s) => s.drift).length} drifting), ${setup.catalogue.length} items, setup ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // --quick (inside npm test) runs the rows the targets are about; the full run all opted-in rows.
  const quickRows = new Set(['random', 'server-order', 'clicked-before-first', 'pz-heuristics', 'pz-prior', 'pz-prior-learner']);
  const policies = o.replayPolicies.filter((p) => p.protocols?.includes('shown-lists') && (!o.quick || quickRows.has(p.name)));
  const models: ClickModel[] = o.quick ? ['informational'] : ['informational', 'navigational', 'perfect'];
  const keyRows = new Set(['random', 'server-order', 'clicked-before-first', 'pz-prior', 'pz-prior-learner']);
  const md: string[] = [];
  const files: string[] = [];
  const json: Record<string, unknown> = {
    params: {
      ...SHOWN_LISTS,
      shoppers: setup.shoppers.length,
      driftShoppers: setup.shoppers.filter((s) => s.drift).length,
      tuneShoppers: setup.tuneShoppers.length,
      catalogue: setup.catalogue.length,
      examination: 'eta(k) = 1/k (Joachims et al. WSDM 2017)',
      attraction: 'Hofmann et al. TOIS 2013, Table 1',
      prior: 'fitted on tuning shoppers (other Beauty users), server order, informational clicks',
    },
    models: {},
  };
  const groups = LIST_GROUPS.map((g) => g.label);
  const driftGroups = DRIFT_GROUPS.map((g) => g.label);
  for (const model of models) {
    const rows: ShownListsRow[] = [];
    const runs = [runShownLists(setup, 'oracle', model)];
    for (const p of policies) {
      if (model !== 'informational' && !keyRows.has(p.name)) continue;
      const r = runShownLists(setup, p, model);
      runs.push(r);
      log(`shown-lists ${model}: ${p.name.padEnd(26)} lists 10-19 NDCG@10 ${summarize(r, undefined, setup, seed)['lists-10-19']?.ndcg10.toFixed(4)} (${r.seconds.toFixed(1)} s)`);
    }
    const ref = runs.find((r) => r.policy === 'pz-prior');
    for (const r of runs) rows.push({ policy: r.policy, groups: summarize(r, r === ref || r.policy === 'oracle' ? undefined : ref, setup, seed) });
    md.push(shownListsMarkdown(model, rows, groups, driftGroups, setup.shoppers.length));
    (json.models as Record<string, unknown>)[model] = {
      policies: Object.fromEntries(rows.map((r, i) => [r.policy, { groups: r.groups, seconds: runs[i]!.seconds }])),
    };
    const curve = rows.map((r) => ({
      policy: r.policy,
      curve: LIST_GROUPS.map((g) => ({ label: g.label.replace('lists-', ''), ndcg10: r.groups[g.label]!.ndcg10 })),
    }));
    files.push(writeText(o.outDir, `shown-lists-${model}.learning-curve.svg`, learningCurveSvg(`shown-lists (${model} clicks): NDCG@10 vs lists seen`, curve, 'list number (lists the shopper has been shown, this one included)')));
  }
  json.seconds = (performance.now() - t0) / 1000;
  return { markdown: md.join('\n\n'), json, files };
}
