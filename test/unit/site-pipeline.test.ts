import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTaobao, taobaoEvent } from '../../src/site/logs/taobao';
import { main as trainPrior } from '../../scripts/train-prior';
import { DEFAULT_WEIGHTS, FM_K } from '../../src/core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION } from '../../src/core/model/features';
import { parsePrior } from '../../src/core/model/prior';
import { createRng } from '../../src/core/util/rng';
import { priorExamples } from '../../src/site/prior-examples';
import { logShopper, NEGATIVES_PER_STEP, PAIR_WEIGHTS, subsample } from '../../src/site/prior-lists';
import { pairwiseAccuracy } from '../../src/site/prior-publish';
import { buildItemKnowledge, type PublishedItemKnowledge, publishItemKnowledge } from '../../src/site/item-knowledge';
import { buildSite, compareKnowledge, fitPurchaseIntent, guessFormat, InputError, openEngine, readEvents, sqlParameterNames, sqlStatements, StepRunner, type StepStats } from '../../src/site/pipeline';
import { loadJsonlLog } from '../../src/site/logs/jsonl';
import { fitPropensity, intentPoints } from '../../src/site/propensity-fit';
import { fitSegments, fuzzyCMeans, segmentFeatureNames, segmentPoints, ShopperSegmentReplay } from '../../src/site/segments-fit';
import { checkCentroidFile, fuzzyMemberships } from '../../src/core/profile/segments';
import { runSqlFile, runSqlFileInBuckets } from '../../src/site/pipeline/run-sql';
import { transitionBuckets } from '../../src/site/pipeline/knowledge';
import { HAND_PAIRS, HAND_PAIRS_KEPT } from './hand-pairs';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.PZ_DATA_DIR ?? resolve(here, '..', '..', '..', 'shared', 'data');
const beautyDir = join(dataDir, 'amazon-beauty-s3rec');
const taobaoFile = join(dataDir, 'taobao-userbehavior', 'userbehavior_head_815users.csv.gz');
const tmp = mkdtempSync(join(tmpdir(), 'pz-site-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PublishedItemKnowledge;

// Shoppers with overlapping baskets, repeats, ties and one item that never co-occurs.
const SEQS: Record<string, string[]> = {
  u1: ['a', 'b', 'c', 'a', 'd'],
  u2: ['b', 'c', 'e'],
  u3: ['lonely'],
  u4: ['c', 'a', 'b', 'b', 'f', 'g', 'a'],
  u5: ['e', 'd', 'c', 'b', 'a'],
};
const T0 = 1_700_000_000_000;

describe('site pipeline SQL files', () => {
  it('every file splits into statements whose parameters are named', () => {
    const dir = join(here, '..', '..', 'src', 'site', 'pipeline', 'sql');
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const st = sqlStatements(f.replace(/\.sql$/, ''));
      expect(st.length, f).toBeGreaterThan(0);
      for (const s of st) for (const p of sqlParameterNames(s)) expect(p, f).toMatch(/^[a-z_]+$/);
    }
    expect(sqlParameterNames('SELECT $window, $top_k, $window')).toEqual(['window', 'top_k']);
  });

  it('guesses formats from names and refuses what it cannot tell', () => {
    expect(guessFormat('logs/*.parquet')).toBe('parquet');
    expect(guessFormat('a.jsonl.gz')).toBe('jsonl');
    expect(guessFormat('UserBehavior.csv')).toBe('taobao');
    expect(() => guessFormat('events.xml')).toThrow(InputError);
  });
});

describe('site pipeline on a tiny log, every reader', () => {
  const reference = publishItemKnowledge(buildItemKnowledge(Object.values(SEQS), { dim: 3, window: 3, topK: 3, seed: 5 }));
  const knowledge = { dim: 3, window: 3, topK: 3, seed: 5 };
  const rows = Object.entries(SEQS).flatMap(([shopper, items]) => items.map((item, i) => ({ shopper, item, ts: T0 + i * 60_000 })));

  it('sequences, Taobao CSV, JSONL and Parquet give the reference file byte for byte', async () => {
    const seqFile = join(tmp, 'tiny.txt');
    writeFileSync(seqFile, Object.entries(SEQS).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const csv = join(tmp, 'tiny.csv');
    // Taobao rows out of time order within a shopper: the pipeline sorts by time.
    const csvRows = rows.map((r) => `${r.shopper},${r.item},cat-${r.item},pv,${Math.floor(r.ts / 1000)}`);
    writeFileSync(csv, ['user_id,item_id,category_id,behavior_type,timestamp', ...csvRows.slice(1), csvRows[0]].join('\n') + '\n');
    const jsonl = join(tmp, 'tiny.jsonl');
    const bad = ['not json', JSON.stringify({ shopper: 'u9', type: 'teleport', ts: T0, item: { id: 'z' } }), JSON.stringify({ shopper: '', type: 'view', ts: T0, item: { id: 'z' } })];
    writeFileSync(jsonl, [...rows.map((r) => JSON.stringify({ shopper: r.shopper, type: 'view', ts: r.ts, item: { id: r.item, category: 'x', price: 3 } })), ...bad].join('\n') + '\n');
    const parquet = join(tmp, 'tiny.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`COPY (SELECT * FROM read_json('${jsonl.replace(/'/g, "''")}', format = 'newline_delimited', ignore_errors = true, columns = {'shopper': 'VARCHAR', 'type': 'VARCHAR', 'ts': 'BIGINT', 'item': 'STRUCT(id VARCHAR, category VARCHAR)'}) WHERE type = 'view' AND shopper <> '') TO '${parquet}' (FORMAT parquet)`);
    await conn.run(`COPY (SELECT shopper, item.id AS item, type, ts, item.category AS category, CAST(NULL AS DOUBLE) AS value FROM '${parquet}') TO '${parquet}.2' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
    const canonical = join(tmp, 'canonical.parquet');
    writeFileSync(canonical, readFileSync(`${parquet}.2`));

    const expected = JSON.stringify(reference);
    for (const [events, format, rejected] of [
      [seqFile, 'sequences', 0],
      [csv, 'taobao', 0],
      [jsonl, 'jsonl', 3],
      [canonical, 'parquet', 0],
    ] as const) {
      const out = join(tmp, `out-${format}`);
      const s = await buildSite({ events, format, outDir: out, knowledge, prior: false, memoryLimit: '256MB', threads: 1 });
      expect(s.rejected, format).toBe(rejected);
      expect(s.events, format).toBe(rows.length);
      expect(readFileSync(s.files.itemKnowledge, 'utf8').trim(), format).toBe(expected);
      expect(existsSync(join(out, '.work', 'pipeline.duckdb')), 'work files removed').toBe(false);
    }
  }, 120_000);

  it('with an embedding neighbour cap that binds, still gives the reference file byte for byte', async () => {
    const seqFile = join(tmp, 'tiny-cap.txt');
    writeFileSync(seqFile, Object.entries(SEQS).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const capped = { ...knowledge, embeddingNeighbours: 1 };
    const ref = publishItemKnowledge(buildItemKnowledge(Object.values(SEQS), capped));
    expect(JSON.stringify(ref)).not.toBe(JSON.stringify(reference));
    const s = await buildSite({ events: seqFile, outDir: join(tmp, 'cap'), knowledge: capped, prior: false, memoryLimit: '256MB', threads: 1 });
    expect(readFileSync(s.files.itemKnowledge, 'utf8').trim()).toBe(JSON.stringify(ref));
    expect(s.knowledge.similarityPairs).toBeLessThanOrEqual(s.knowledge.items);
  }, 60_000);

  it('streams the edge file and the item rows in more passes than items and still gives the reference file byte for byte', async () => {
    const seqFile = join(tmp, 'tiny-passes.txt');
    writeFileSync(seqFile, Object.entries(SEQS).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const s = await buildSite({ events: seqFile, outDir: join(tmp, 'passes'), knowledge: { ...knowledge, streamRowsPerPass: 1 }, prior: false, memoryLimit: '256MB', threads: 1 });
    expect(readFileSync(s.files.itemKnowledge, 'utf8').trim()).toBe(JSON.stringify(reference));
    await expect(buildSite({ events: seqFile, outDir: join(tmp, 'passes-0'), knowledge: { streamRowsPerPass: 0 }, prior: false })).rejects.toThrow(RangeError);
  }, 60_000);

  it('a window longer than every sequence, and items repeated next to each other and within the window, still give the reference file byte for byte', async () => {
    const seqs: Record<string, string[]> = { ...SEQS, u6: ['x', 'x', 'y', 'x', 'x', 'x'], u7: ['y', 'x'] };
    const seqFile = join(tmp, 'tiny-long-window.txt');
    writeFileSync(seqFile, Object.entries(seqs).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const wide = { ...knowledge, window: 12 };
    const ref = publishItemKnowledge(buildItemKnowledge(Object.values(seqs), wide));
    const s = await buildSite({ events: seqFile, outDir: join(tmp, 'long-window'), knowledge: wide, prior: false, memoryLimit: '256MB', threads: 1 });
    expect(readFileSync(s.files.itemKnowledge, 'utf8').trim()).toBe(JSON.stringify(ref));
    // Pairs more than 3 steps apart count: the file differs from the window-3 one.
    expect(JSON.stringify(ref)).not.toBe(JSON.stringify(publishItemKnowledge(buildItemKnowledge(Object.values(seqs), knowledge))));
  }, 60_000);

  it('similarity.sql keeps the pairs the reference keeps, degrees over the kept pairs', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      // edges holds each hand pair once, doubled (sym = (w(a, b) + w(b, a)) / 2).
      await conn.run('CREATE TABLE edges (a INTEGER, b INTEGER, w DOUBLE)');
      for (let p = 0; p < HAND_PAIRS.w.length; p++) await conn.run(`INSERT INTO edges VALUES (${HAND_PAIRS.lo[p]}, ${HAND_PAIRS.hi[p]}, ${2 * HAND_PAIRS.w[p]!})`);
      // The ranking in 1 pass, in 3, and in more passes than items (5) keeps the same pairs.
      for (const [cap, kept, buckets] of Object.entries(HAND_PAIRS_KEPT).flatMap(([c, k]) => [1, 3, 7].map((b) => [c, k, b] as const))) {
        await runSqlFileInBuckets(conn, 'similarity', { embedding_neighbours: Number(cap) }, buckets);
        const rows = (await conn.runAndReadAll('SELECT lo, hi, v FROM similarity ORDER BY lo, hi')).getRowObjectsJS() as { lo: number; hi: number; v: number }[];
        const want = [...kept.keys()].filter((p) => kept[p]);
        expect(rows.map((r) => `${r.lo}-${r.hi}`), `cap ${cap}, ${buckets} passes`).toEqual(want.map((p) => `${HAND_PAIRS.lo[p]}-${HAND_PAIRS.hi[p]}`));
        const deg = new Float64Array(HAND_PAIRS.n);
        for (const p of want) {
          deg[HAND_PAIRS.lo[p]!]! += HAND_PAIRS.w[p]!;
          deg[HAND_PAIRS.hi[p]!]! += HAND_PAIRS.w[p]!;
        }
        rows.forEach((r, i) => {
          const p = want[i]!;
          expect(r.v).toBeCloseTo(HAND_PAIRS.w[p]! / Math.sqrt(deg[r.lo]! * deg[r.hi]!), 12);
        });
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('transitions.sql in 1 and in 3 passes (and in more passes than items) gives the same edges', async () => {
    const seqFile = join(tmp, 'tiny-buckets.txt');
    writeFileSync(seqFile, Object.entries(SEQS).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const inputs = [seqFile, ...(existsSync(beautyDir) ? [beautyDir] : [])];
    for (const input of inputs) {
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      try {
        await readEvents(conn, input, 'sequences');
        await runSqlFile(conn, 'sequences', { hold_out_last: 0 });
        const params = { window: 3, decay: 0.7, backward_weight: 0.3, beta: 0.3 };
        await runSqlFileInBuckets(conn, 'transitions', params, 1);
        await conn.run('CREATE TABLE edges_1 AS SELECT * FROM edges');
        const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowObjectsJS()[0]!.n);
        const pairs = await count('SELECT count(*) AS n FROM edges_1');
        expect(pairs, input).toBeGreaterThan(input === seqFile ? 10 : 100_000);
        for (const buckets of input === seqFile ? [3, 1000] : [3]) {
          await runSqlFileInBuckets(conn, 'transitions', params, buckets);
          const what = `${input}, ${buckets} passes`;
          expect(await count('SELECT count(*) AS n FROM edges'), what).toBe(pairs);
          // The same pairs, both ways, and the same weights to the last bit (the sums are exact, so the
          // order threads add a group's terms in does not matter).
          expect(await count('SELECT count(*) AS n FROM (SELECT a, b FROM edges EXCEPT SELECT a, b FROM edges_1)'), what).toBe(0);
          expect(await count('SELECT count(*) AS n FROM (SELECT a, b FROM edges_1 EXCEPT SELECT a, b FROM edges)'), what).toBe(0);
          expect(await count('SELECT count(*) AS n FROM edges e JOIN edges_1 o USING (a, b) WHERE e.w <> o.w'), what).toBe(0);
        }
        await expect(runSqlFileInBuckets(conn, 'transitions', params, 0)).rejects.toThrow(RangeError);
      } finally {
        conn.closeSync();
        db.closeSync();
      }
    }
    expect(transitionBuckets(0, 10)).toBe(1);
    expect(transitionBuckets(10_000_000, 10)).toBe(1);
    expect(transitionBuckets(10_000_001, 10)).toBe(2);
    expect(transitionBuckets(50_000_000, 10)).toBe(5);
  }, 120_000);

  it('holds out the last events of each shopper like the leave-one-out split', async () => {
    const seqFile = join(tmp, 'tiny-hold.txt');
    writeFileSync(seqFile, Object.entries(SEQS).map(([u, s]) => `${u} ${s.join(' ')}`).join('\n') + '\n');
    const ref = publishItemKnowledge(buildItemKnowledge(Object.values(SEQS).map((s) => s.slice(0, Math.max(0, s.length - 2))), knowledge));
    const s = await buildSite({ events: seqFile, outDir: join(tmp, 'hold'), knowledge: { ...knowledge, holdOutLast: 2 }, prior: false, memoryLimit: '256MB', threads: 1 });
    expect(read(s.files.itemKnowledge)).toEqual(ref);
  }, 60_000);

  it('fits and publishes a prior the worker accepts (every prior SQL file runs, with or without data)', async () => {
    const jsonl = join(tmp, 'tiny-prior.jsonl');
    writeFileSync(jsonl, rows.map((r, i) => JSON.stringify({ shopper: r.shopper, type: i % 3 ? 'view' : 'add_to_cart', ts: r.ts, item: { id: r.item, category: `c${r.item}` } })).join('\n') + '\n');
    const s = await buildSite({ events: jsonl, outDir: join(tmp, 'tiny-prior'), knowledge: { dim: 2 }, prior: { maxExamples: 200, epochs: 1, priorVersion: 'tiny' }, threads: 1 });
    expect(s.prior!.pairs).toBeGreaterThan(0);
    const r = parsePrior(JSON.parse(readFileSync(s.files.prior!, 'utf8')), { d: FEATURE_DIM, k: FM_K, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
    expect(r.ok).toBe(true);
    expect(s.steps.map((x) => x.name)).toEqual(['read events', 'sequences', 'transitions', 'top-k', 'similarity', 'embedding', 'write item knowledge', 'prior sample', 'prior replay', 'prior fit', 'intent days', 'intent replay', 'intent fit', 'segments']);
    // Minutes of views on one day: no shopper-day with an observed next 24 h, so no intent model.
    expect(s.prior!.propensitySkipped).toMatch(/no shopper-day/);
  }, 60_000);

  it('says which input it cannot read', async () => {
    await expect(buildSite({ events: join(tmp, 'missing-*.parquet'), outDir: join(tmp, 'missing') })).rejects.toThrow(/cannot read .*missing/);
  });
});

describe('site pipeline on multi-file Parquet', () => {
  // 6 files of many small row groups; times on the hour, so many of a shopper's events tie and input
  // order decides their order.
  const dir = join(tmp, 'multi');
  const glob = join(dir, 'part-*.parquet');
  const part = (f: number) =>
    `SELECT 'u' || (hash(i, ${f}) % 400) AS shopper, 'i' || (hash(i * 7, ${f}) % 900) AS item,
       CASE WHEN i % 11 = 0 THEN 'add_to_cart' WHEN i % 29 = 0 THEN 'purchase' ELSE 'view' END AS type,
       ${T0} + (i // 40) * 3600000 AS ts, 'c' || (hash(i * 3, ${f}) % 8) AS category, CAST(NULL AS DOUBLE) AS value
     FROM range(30000) t(i)`;
  const numbering = async (conn: Awaited<ReturnType<DuckDBInstance['connect']>>, path: string) => {
    await readEvents(conn, path, 'parquet');
    await runSqlFile(conn, 'sequences', { hold_out_last: 0 });
    const rows = async (sql: string) => JSON.stringify((await conn.runAndReadAll(sql)).getRows(), (_, v) => (typeof v === 'bigint' ? Number(v) : v));
    return { shoppers: await rows('SELECT shopper, s FROM shoppers ORDER BY s'), items: await rows('SELECT item, idx, pop FROM items ORDER BY idx'), walk: await rows('SELECT sum(hash(g, idx)) FROM walk') };
  };

  it('numbers shoppers and items by (file name, row in the file), however the engine schedules the read', async () => {
    mkdirSync(dir, { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const scrambled = await DuckDBInstance.create(':memory:', { threads: '4', preserve_insertion_order: 'false' });
    const sconn = await scrambled.connect();
    try {
      // Written in reverse, so name order is not the order the files were made in.
      for (let f = 5; f >= 0; f--) await conn.run(`COPY (${part(f)}) TO '${join(dir, `part-${f}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      const single = join(tmp, 'multi-as-one.parquet');
      await conn.run(`COPY (SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet('${glob}', filename = true, file_row_number = true) ORDER BY filename, file_row_number) TO '${single}' (FORMAT parquet)`);
      const expected = await numbering(conn, single);
      expect(JSON.parse(expected.items).length).toBeGreaterThan(800);
      for (let run = 0; run < 2; run++) expect(await numbering(sconn, glob), `run ${run}`).toEqual(expected);
      // The engine did reorder the rows it stored (rowid, the old order key, no longer follows the files).
      const moved = (await sconn.runAndReadAll('SELECT count(*) AS n FROM (SELECT rowid AS r, row_number() OVER (ORDER BY ord) - 1 AS k FROM events) WHERE r <> k')).getRowObjectsJS()[0]!.n;
      expect(Number(moved)).toBeGreaterThan(0);
    } finally {
      sconn.closeSync();
      scrambled.closeSync();
      conn.closeSync();
      db.closeSync();
    }
  }, 120_000);

  it('two builds of the same files give byte-identical files', async () => {
    expect(existsSync(join(dir, 'part-5.parquet'))).toBe(true);
    const outs = [join(tmp, 'multi-a'), join(tmp, 'multi-b')];
    for (const out of outs) {
      await buildSite({ events: glob, outDir: out, knowledge: { dim: 4 }, prior: { maxExamples: 2000, epochs: 1, priorVersion: 'multi' }, threads: 2, memoryLimit: '512MB' });
    }
    const files = readdirSync(outs[0]!).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(['item-knowledge.json', 'prior.json', 'segments.json']);
    for (const f of files) expect(readFileSync(join(outs[1]!, f), 'utf8'), f).toBe(readFileSync(join(outs[0]!, f), 'utf8'));
  }, 180_000);
});

// The real logs: the same lists as the reference (up to the order of tied weights), the same
// embeddings. Small embeddings keep this to a few minutes on a loaded 2-core machine; the
// bench (npm run bench:site) runs the benchmark's own settings.
describe.skipIf(!existsSync(beautyDir) || !existsSync(taobaoFile))('site pipeline equals the in-memory reference on the real logs', () => {
  if (!existsSync(beautyDir) || !existsSync(taobaoFile)) console.warn(`site pipeline equivalence skipped: no data in ${dataDir} (set PZ_DATA_DIR)`);
  const expectSame = (ref: PublishedItemKnowledge, file: string) => {
    const c = compareKnowledge(ref, read(file));
    expect(c.examples).toEqual([]);
    expect(c).toMatchObject({ missingItems: 0, differentLists: 0, popularityDiffs: 0, embeddingPresenceDiffs: 0 });
    expect(c.identicalLists).toBeGreaterThan(0.95 * c.lists);
    expect(c.maxWeightDiff).toBeLessThanOrEqual(2.000001e-6);
    expect(c.maxEmbeddingDiff).toBeLessThanOrEqual(1.000001e-4);
    return c;
  };

  it('Beauty training split (every s[:n-2])', async () => {
    const users = readFileSync(join(beautyDir, 'Beauty.txt'), 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 2);
    const opts = { dim: 16, seed: 1 };
    const ref = publishItemKnowledge(buildItemKnowledge(users.map((f) => f.slice(1, Math.max(1, f.length - 2))), opts));
    const s = await buildSite({ events: beautyDir, outDir: join(tmp, 'beauty'), knowledge: { ...opts, holdOutLast: 2 }, prior: false });
    const c = expectSame(ref, s.files.itemKnowledge);
    expect(c.items).toBe(12_068);
  }, 300_000);

  it('Taobao 815 shoppers', async () => {
    const log = loadTaobao(taobaoFile);
    // 55k items: a 4-d embedding keeps the dense passes short; Beauty covers 16-d.
    const opts = { dim: 4, seed: 1 };
    const ref = publishItemKnowledge(buildItemKnowledge(log.users.map((u) => Array.from(u.items, (k) => log.itemIds[k]!)), opts));
    const s = await buildSite({ events: taobaoFile, outDir: join(tmp, 'taobao'), knowledge: opts, prior: false });
    const c = expectSame(ref, s.files.itemKnowledge);
    expect(c.items).toBe(55_368);
  }, 300_000);

  it('Taobao prior: the same quality as train-prior on one common set of pairs', async () => {
    const opts = ['--max-examples', '20000', '--trainer', 'plain', '--seed', '3', '--tz-offset-minutes', '480'];
    const refFile = join(tmp, 'prior-ref.json');
    await trainPrior([taobaoFile, ...opts, '--out', refFile], () => undefined);
    const s = await buildSite({
      events: taobaoFile,
      outDir: join(tmp, 'prior'),
      knowledge: { dim: 0, topK: 1 },
      prior: { maxExamples: 20_000, trainer: 'plain', seed: 3, tzOffsetMinutes: 480 },
    });
    expect(s.prior!.pairs).toBeGreaterThan(15_000);
    // Pairs from every shopper, lists drawn with seeds neither fit used.
    const log = loadTaobao(taobaoFile);
    const items = log.itemIds.map((id, k) => ({ id, category: log.itemCategory[k]! }));
    const pick = createRng(999);
    const shoppers = log.users.map((u, ui) => subsample(logShopper(Array.from(u.items, (_, t) => taobaoEvent(log, items, ui, t)), items, createRng(5000 + ui)), 0.03, pick));
    const pairs = priorExamples(shoppers, { rng: createRng(77), negativesPerStep: NEGATIVES_PER_STEP, weights: PAIR_WEIGHTS, profile: { tzOffsetMinutes: 480 } });
    const weights = (file: string) => {
      const r = parsePrior(JSON.parse(readFileSync(file, 'utf8')), { d: FEATURE_DIM, k: FM_K, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
      if (!r.ok) throw r.error;
      return r.prior.weights;
    };
    const ref = pairwiseAccuracy(weights(refFile), pairs);
    const pipe = pairwiseAccuracy(weights(s.files.prior!), pairs);
    // ~20k pairs: one standard error of an accuracy near 0.85 is ~0.0025.
    expect(Math.abs(pipe - ref), `train-prior ${ref}, pipeline ${pipe}`).toBeLessThan(0.01);
    expect(pipe).toBeGreaterThan(pairwiseAccuracy(DEFAULT_WEIGHTS, pairs) - 0.02);
    // The purchase-intent model: the same shopper-days, labels and features, so the same published model.
    const intent = (file: string) => JSON.parse(readFileSync(file, 'utf8')).propensity.purchaseIntent;
    expect(intent(s.files.prior!)).toEqual(intent(refFile));
    expect(s.prior!.propensity).toMatchObject({ logDays: 5007, points: 5007, positives: 892 });
  }, 300_000);
});

describe('site pipeline purchase intent', () => {
  const DAY = 86_400_000;
  // 40 shoppers over 9 days, some buying, with events right at local midnight (tz UTC-5) and a shopper
  // active on one day only.
  const lines: string[] = [];
  const rng = createRng(12);
  const start = Date.UTC(2025, 2, 3, 5); // local midnight at UTC-5
  for (let s = 0; s < 40; s++) {
    for (let day = 0; day < 9; day++) {
      if (rng() < 0.45 || (s === 39 && day > 0)) continue;
      let ts = start + day * DAY + (s % 5 === 0 ? 0 : Math.floor(rng() * 20 * 3_600_000));
      for (let k = 0; k < 1 + Math.floor(rng() * 6); k++) {
        const type = rng() < 0.15 ? 'purchase' : rng() < 0.25 ? 'add_to_cart' : rng() < 0.1 ? 'favorite' : 'view';
        lines.push(JSON.stringify({ shopper: `s${s}`, type, ts, item: { id: `i${Math.floor(rng() * 30)}`, category: `c${s % 4}` } }));
        ts += Math.floor(rng() * 1_800_000);
      }
    }
  }
  const file = join(tmp, 'intent.jsonl');
  writeFileSync(file, lines.reverse().join('\n') + '\n');
  const tz = -300;

  async function pipelineIntent(maxDays?: number) {
    const engine = await openEngine({ workDir: join(tmp, `intent-${maxDays ?? 'all'}`), memoryLimit: '256MB', threads: 1 });
    try {
      await readEvents(engine.conn, file, 'jsonl');
      return await fitPurchaseIntent(engine.conn, new StepRunner(), { tzOffsetMinutes: tz, seed: 2, ...(maxDays ? { maxDays } : {}) });
    } finally {
      engine.close();
    }
  }

  it('finds the shopper-days and labels in SQL exactly as the in-memory reference, and fits the same model', async () => {
    const ref = intentPoints(loadJsonlLog(file).shoppers, tz, { tzOffsetMinutes: tz });
    const r = await pipelineIntent();
    expect(ref.length).toBeGreaterThan(100);
    expect(new Set(ref.map((p) => p.label))).toEqual(new Set([0, 1]));
    expect(r.days).toBe(ref.length);
    expect(r.points).toEqual(ref);
    expect(r.fit).toEqual(fitPropensity(ref));
    expect('model' in r.fit && r.fit.stats.heldOutDays).toBeGreaterThan(0);
  }, 60_000);

  it('caps the shopper-days with a seeded sample of whole shoppers', async () => {
    const ref = intentPoints(loadJsonlLog(file).shoppers, tz, { tzOffsetMinutes: tz });
    const r = await pipelineIntent(Math.floor(ref.length / 3));
    expect(r.days).toBe(ref.length);
    expect(r.points.length).toBeGreaterThan(0);
    expect(r.points.length).toBeLessThan(ref.length * 0.7);
    // Each sampled point is the reference's, in the reference's order (a subsequence of whole shoppers).
    let j = 0;
    for (const p of r.points) {
      while (j < ref.length && JSON.stringify(ref[j]) !== JSON.stringify(p)) j++;
      expect(j, 'point not in the reference, or out of order').toBeLessThan(ref.length);
      j++;
    }
  }, 60_000);

  it('writes segments.json: centroids over the top categories equal to the in-memory fit, with the purchase-intent model the device reads', async () => {
    const s = await buildSite({
      events: file,
      outDir: join(tmp, 'segments'),
      knowledge: { dim: 0, topK: 1 },
      prior: { maxExamples: 500, epochs: 1, tzOffsetMinutes: tz, priorVersion: 'seg' },
      segments: { categories: 3, clusters: 3, seed: 4 },
      threads: 1,
    });
    const published = JSON.parse(readFileSync(s.files.segments!, 'utf8'));
    // The reference: every shopper's profile at the log's last event, the same fit.
    const log = loadJsonlLog(file);
    const counts = new Map<string, Set<string>>();
    for (const sh of log.shoppers) for (const e of sh.events) counts.set(e.item!.category!, (counts.get(e.item!.category!) ?? new Set()).add(sh.id));
    const top = [...counts].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([c]) => c);
    const features = segmentFeatureNames(top);
    const now = Math.max(...log.shoppers.flatMap((sh) => sh.events.map((e) => e.ts)));
    const points = segmentPoints(log.shoppers, features, now, { tzOffsetMinutes: tz });
    expect(published.centroids).toEqual(fitSegments(points, features, { clusters: 3, seed: 4 }));
    expect(s.segments).toMatchObject({ shoppers: 40, points: 40, features, withPurchaseIntent: true });
    expect(published.propensity.purchaseIntent).toEqual(JSON.parse(readFileSync(s.files.prior!, 'utf8')).propensity.purchaseIntent);
    // What the device accepts: its own checks, and memberships for a profile.
    expect(() => checkCentroidFile(published.centroids)).not.toThrow();
    const profile = new ShopperSegmentReplay({ tzOffsetMinutes: tz });
    for (const e of log.shoppers[0]!.events) profile.event(e);
    const u = fuzzyMemberships(profile.point(features, now)!, published.centroids.centroids);
    expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  }, 60_000);
});

describe('fuzzy c-means for segment centroids', () => {
  it('recovers three planted groups, seeded and deterministic', () => {
    const rng = createRng(3);
    const centres = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
    const points = Array.from({ length: 300 }, (_, i) => centres[i % 3]!.map((c) => c + (rng() - 0.5) * 0.1));
    const found = fuzzyCMeans(points, { clusters: 3, seed: 9 });
    expect(fuzzyCMeans(points, { clusters: 3, seed: 9 })).toEqual(found);
    for (const c of centres) expect(Math.min(...found.map((f) => Math.hypot(...f.map((x, j) => x - c[j]!))))).toBeLessThan(0.03);
    const named = fitSegments(points, ['cat:a', 'cat:b', 'cat:c'], { clusters: 3, seed: 9 });
    expect([...named.names!].sort()).toEqual(['a shoppers', 'b shoppers', 'c shoppers']);
    expect(() => fuzzyCMeans(points.slice(0, 2), { clusters: 3 })).toThrow(RangeError);
  });
});

describe('npm run site', () => {
  it('refuses a bad command line with a usage error naming the argument', async () => {
    const { main, UsageError } = await import('../../scripts/site');
    await expect(main(['train'])).rejects.toThrow(UsageError);
    await expect(main(['build', '--out', tmp])).rejects.toThrow(/--events/);
    await expect(main(['build', '--events', 'x.csv', '--out', tmp, '--dim', '65'])).rejects.toThrow(/--dim/);
    await expect(main(['build', '--events', 'x.csv', '--out', tmp, '--format', 'xml'])).rejects.toThrow(/--format/);
    await expect(main(['build', '--events', 'x.csv', '--out', tmp, '--max-intent-days', '0'])).rejects.toThrow(/--max-intent-days/);
    await expect(main(['build', '--events', 'x.csv', '--out', tmp, '--transition-buckets', '0'])).rejects.toThrow(/--transition-buckets/);
  });
});

describe('StepRunner', () => {
  it('marks a step that threw as failed, passes its error on, and a step that returned as not failed', async () => {
    const ended: StepStats[] = [];
    const runner = new StepRunner({ end: (s) => ended.push(s) });
    expect(await runner.run('fine', () => 7)).toBe(7);
    await expect(runner.run('broken', () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(ended.map((s) => [s.name, s.failed])).toEqual([
      ['fine', undefined],
      ['broken', true],
    ]);
    expect(runner.stats).toEqual(ended);
  });
});
