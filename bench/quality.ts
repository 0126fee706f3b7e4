/**
 * Offline quality benchmark: `npx tsx bench/quality.ts [--quick] [--out DIR] [--beauty DIR]
 * [--taobao FILE] [--policies a,b] [--intent-policies a,b] [--module FILE] [--seed N] [--no-ranks]`.
 * Markdown on stdout, progress on stderr, files in bench/results (or --out).
 * `--module FILE` imports extra policies: the module may export `replayPolicies()` and/or
 * `intentPolicies()` returning arrays (this is how the product pipeline plugs in without edits here).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { baselineIntentPolicies, baselineReplayPolicies } from './quality/baselines/registry';
import { runQuality } from './quality/run';
import type { IntentPolicy, ReplayPolicy } from './quality/types';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      taobao: { type: 'string' },
      beauty: { type: 'string' },
      quick: { type: 'boolean', default: false },
      policies: { type: 'string' },
      'intent-policies': { type: 'string' },
      module: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'no-ranks': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${(await import('node:fs')).readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
    return;
  }
  let beautyDir = values.beauty;
  let taobaoFile = values.taobao;
  if (!beautyDir && !taobaoFile) {
    const dataDir = process.env.PZ_DATA_DIR ?? resolve(here, '..', '..', 'shared', 'data');
    beautyDir = join(dataDir, 'amazon-beauty-s3rec');
    taobaoFile = join(dataDir, 'taobao-userbehavior', 'userbehavior_head_815users.csv.gz');
  }
  for (const p of [beautyDir, taobaoFile]) {
    if (p && !existsSync(p)) throw new Error(`DataNotFoundError: ${p} does not exist (set --beauty/--taobao or PZ_DATA_DIR)`);
  }

  let replay: ReplayPolicy[] = baselineReplayPolicies();
  let intent: IntentPolicy[] = baselineIntentPolicies();
  for (const m of values.module ?? []) {
    const mod = (await import(pathToFileURL(resolve(m)).href)) as {
      replayPolicies?: () => ReplayPolicy[];
      intentPolicies?: () => IntentPolicy[];
    };
    replay = [...replay, ...(mod.replayPolicies?.() ?? [])];
    intent = [...intent, ...(mod.intentPolicies?.() ?? [])];
  }
  const select = <T extends { name: string }>(all: T[], list: string | undefined, what: string): T[] => {
    if (!list) return all;
    const names = list.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !all.some((p) => p.name === n));
    if (unknown.length) throw new Error(`UnknownPolicyError: ${what} ${unknown.join(', ')}; known: ${all.map((p) => p.name).join(', ')}`);
    return all.filter((p) => names.includes(p.name));
  };

  const { markdown, json } = await runQuality({
    ...(beautyDir ? { beautyDir } : {}),
    ...(taobaoFile ? { taobaoFile } : {}),
    outDir: resolve(values.out ?? join(here, 'results')),
    replayPolicies: select(replay, values.policies, 'policy'),
    intentPolicies: select(intent, values['intent-policies'], 'intent policy'),
    quick: values.quick,
    writeRanks: !values['no-ranks'],
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  });
  process.stdout.write(markdown);
  if (values.check) checkProduct(json);
}

/**
 * `--check` (used by `npm test` with `--quick`): the product must clearly beat the server order and a
 * random ranker on every reported split it ran on; a regression anywhere in the pipeline fails it.
 */
function checkProduct(json: Record<string, unknown>): void {
  type Slices = Record<string, Record<string, number>>;
  const protocols = json.protocols as Record<string, { policies?: Record<string, { slices?: Slices }> }>;
  const reported: Record<string, string> = { 'beauty-loo': 'test', 'taobao-replay': 'second-half' };
  const failures: string[] = [];
  for (const [protocol, split] of Object.entries(reported)) {
    const policies = protocols[protocol]?.policies;
    if (!policies) continue;
    const ndcg = (name: string) => policies[name]?.slices?.[split]?.['NDCG@10'];
    const floor = Math.max(ndcg('server-order') ?? 0, ndcg('random') ?? 0) + 0.05;
    for (const name of Object.keys(policies).filter((n) => n.startsWith('pz-'))) {
      const v = ndcg(name);
      if (v === undefined || !(v > floor)) failures.push(`${protocol} ${split}: ${name} NDCG@10 ${v} is not above ${floor.toFixed(4)}`);
    }
  }
  if (failures.length) throw new Error(`QualityCheckError:\n${failures.join('\n')}`);
  process.stderr.write('quality check passed: every product row beats the server order and random by ≥ 0.05 NDCG@10\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
