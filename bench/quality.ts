/**
 * Offline quality benchmark: `npx tsx bench/quality.ts [--quick] [--out DIR (default bench/results, with
 * --quick bench/results/quick)] [--beauty DIR]
 * [--taobao FILE] [--policies a,b] [--intent-policies a,b] [--protocols beauty-loo,shown-lists,taobao-replay,taobao-intent]
 * [--module FILE] [--seed N] [--no-ranks]`.
 * Markdown on stdout, progress on stderr, files in the output folder.
 * `--module FILE` imports extra policies: the module may export `replayPolicies()` and/or
 * `intentPolicies()` returning arrays (this is how the product pipeline plugs in without edits here).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { baselineIntentPolicies, baselineReplayPolicies } from './quality/baselines/registry';
import { runQuality } from './quality/run';
import type { IntentPolicy, ProtocolName, ReplayPolicy } from './quality/types';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      taobao: { type: 'string' },
      beauty: { type: 'string' },
      quick: { type: 'boolean', default: false },
      policies: { type: 'string' },
      protocols: { type: 'string' },
      'intent-policies': { type: 'string' },
      module: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'no-ranks': { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      serial: { type: 'boolean', default: false },
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

  // A quick run never writes over the full run's committed results (nor shares its temporary folders).
  const outDir = resolve(values.out ?? join(here, values.quick ? 'results/quick' : 'results'));
  if (beautyDir && taobaoFile && !values.serial) {
    // Two cores, two datasets: run each protocol family in its own process and merge the outputs.
    const { markdown, json } = await runParallel(beautyDir, taobaoFile, outDir);
    process.stdout.write(markdown);
    if (values.check) checkProduct(json);
    return;
  }
  const { markdown, json } = await runQuality({
    ...(beautyDir ? { beautyDir } : {}),
    ...(taobaoFile ? { taobaoFile } : {}),
    outDir,
    replayPolicies: select(replay, values.policies, 'policy'),
    ...(values.protocols ? { protocols: protocolList(values.protocols) } : {}),
    intentPolicies: select(intent, values['intent-policies'], 'intent policy'),
    quick: values.quick,
    writeRanks: !values['no-ranks'],
    ...(values.seed ? { seed: Number(values.seed) } : {}),
  });
  process.stdout.write(markdown);
  if (values.check) checkProduct(json);
}

const PROTOCOLS: readonly ProtocolName[] = ['beauty-loo', 'shown-lists', 'taobao-replay', 'taobao-intent'];

/** `--protocols a,b`, every name checked. */
function protocolList(list: string): ProtocolName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !PROTOCOLS.includes(n as ProtocolName));
  if (unknown.length) throw new Error(`UnknownProtocolError: ${unknown.join(', ')}; known: ${PROTOCOLS.join(', ')}`);
  return names as ProtocolName[];
}

/** Runs the Beauty and Taobao protocols in two child processes (same flags) and merges their outputs. */
async function runParallel(beautyDir: string, taobaoFile: string, outDir: string): Promise<{ markdown: string; json: Record<string, unknown> }> {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = await import('node:fs');
  const passthrough: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check' || a === '--serial') continue;
    if (a === '--out' || a === '--beauty' || a === '--taobao') {
      i++;
      continue;
    }
    passthrough.push(a);
  }
  const t0 = performance.now();
  const jobs = [
    { name: 'beauty', args: ['--beauty', beautyDir] },
    { name: 'taobao', args: ['--taobao', taobaoFile] },
  ].map(({ name, args }) => {
    const dir = join(outDir, `.${name}`);
    mkdirSync(dir, { recursive: true });
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...passthrough, ...args, '--serial', '--out', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    return new Promise<{ dir: string; stdout: string }>((ok, fail) => {
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? ok({ dir, stdout }) : fail(new Error(`${name} protocols failed (exit ${code})`))));
    });
  });
  const done = await Promise.all(jobs);
  const parts = done.map((d) => JSON.parse(readFileSync(join(d.dir, 'quality.json'), 'utf8')) as Record<string, unknown>);
  const json: Record<string, unknown> = {
    ...parts[0],
    inputs: { beautyDir, taobaoFile },
    protocols: Object.assign({}, ...parts.map((p) => p.protocols as object)),
    totalSeconds: (performance.now() - t0) / 1000,
    parallel: 'beauty and taobao protocols in two processes',
  };
  for (const d of done) {
    for (const f of readdirSync(d.dir)) if (f !== 'quality.json') renameSync(join(d.dir, f), join(outDir, f));
    rmSync(d.dir, { recursive: true, force: true });
  }
  writeFileSync(join(outDir, 'quality.json'), `${JSON.stringify(json, null, 2)}\n`);
  process.stderr.write(`merged outputs in ${outDir} (${(json.totalSeconds as number).toFixed(1)} s wall)\n`);
  return { markdown: done.map((d) => d.stdout.trim()).join('\n\n') + '\n', json };
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
