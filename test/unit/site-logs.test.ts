/**
 * One reader per input format, shipped in src/site/logs and shared by train-prior and the benchmark:
 * the shipped code never imports the benchmark, and each reader handles its format's edge cases.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/train-prior';
import { createRng } from '../../src/core/util/rng';
import { beautyPriorShoppers as benchBeautyPriorShoppers } from '../../bench/quality/prior-shoppers';
import { setupBeautyLoo } from '../../bench/quality/protocols/beauty-loo';
import { BEAUTY_EMBEDDING_DIM, beautyItemFeatures, beautyPriorShoppers, beautyTrainingSequences } from '../../src/site/beauty-prior';
import { buildItemKnowledge } from '../../src/site/item-knowledge';
import { loadBeauty } from '../../src/site/logs/beauty';
import { loadJsonlLog } from '../../src/site/logs/jsonl';
import { readText } from '../../src/site/logs/read-text';
import { loadTaobao, taobaoEvent, taobaoEventLog } from '../../src/site/logs/taobao';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'pz-site-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts|mjs|js)$/.test(f) ? [p] : [];
  });
}

/** `users` shoppers, 6–9 distinct purchases each out of `catalogue` items (seeded). */
function writeBeauty(d: string, negatives: boolean, users = 30, catalogue = 300): void {
  mkdirSync(d, { recursive: true });
  const rng = createRng(9);
  const lines: string[] = [];
  const neg: string[] = [];
  for (let u = 1; u <= users; u++) {
    const items = new Set<number>();
    while (items.size < 6 + (u % 4)) items.add(1 + Math.floor(rng() * catalogue));
    lines.push(`${u} ${[...items].join(' ')}`);
    neg.push(`${u} ${catalogue + 1} ${catalogue + 2} ${catalogue + 3}`);
  }
  writeFileSync(join(d, 'Beauty.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(d, 'Beauty_item2attributes.json'), JSON.stringify(Object.fromEntries(Array.from({ length: catalogue + 3 }, (_, i) => [String(i + 1), [i % 4]]))));
  if (negatives) writeFileSync(join(d, 'Beauty_negatives_99.txt.gz'), gzipSync(`${neg.join('\n')}\n`));
}

describe('site log readers', () => {
  it('the shipped code (src/, scripts/) imports nothing from bench/', () => {
    const offenders = [...files(join(root, 'src')), ...files(join(root, 'scripts'))].filter((f) =>
      /from\s+['"][^'"]*\bbench\//.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('reads Beauty with the fixed negatives required (the benchmark) or optional (a shop export)', () => {
    const withNeg = join(dir, 'beauty-neg');
    const without = join(dir, 'beauty-plain');
    writeBeauty(withNeg, true);
    writeBeauty(without, false);
    const a = loadBeauty(withNeg);
    expect(a.users).toHaveLength(30);
    expect(a.users[0]!.negatives).toEqual(['301', '302', '303']);
    expect(() => loadBeauty(without)).toThrow(/Beauty_negatives_99/);
    const b = loadBeauty(without, { negatives: 'optional' });
    expect(b.users.map((u) => u.items)).toEqual(a.users.map((u) => u.items));
    expect(b.users.every((u) => u.negatives.length === 0)).toBe(true);
    // A present negatives file must cover every user, even when optional.
    writeFileSync(join(withNeg, 'Beauty.txt'), `${readFileSync(join(withNeg, 'Beauty.txt'), 'utf8')}99 1 2 3\n`);
    expect(() => loadBeauty(withNeg, { negatives: 'optional' })).toThrow(/no negatives for user 99/);
  });

  it('train-prior fits Beauty on the benchmark\'s own prior lists, with or without the negatives file', async () => {
    const d = join(dir, 'beauty-cli');
    writeBeauty(d, false);
    const data = loadBeauty(d, { negatives: 'optional' });
    // The shipped module's lists are the benchmark's (level s[:n-3]), step for step.
    const knowledge = buildItemKnowledge(beautyTrainingSequences(data, 3), { seed: 4, dim: BEAUTY_EMBEDDING_DIM });
    const shipped = beautyPriorShoppers(data, [{ heldOut: 3, knowledge, features: beautyItemFeatures(data, knowledge) }], [0, 1, 2], 4);
    const bench = benchBeautyPriorShoppers(setupBeautyLoo(data, { seed: 4 }), [0, 1, 2], 4);
    expect(shipped.map((s) => s.events.map((e) => e.item!.id))).toEqual(bench.map((s) => s.events.map((e) => e.item!.id)));
    shipped.forEach((s, i) => {
      const t = s.events.length - 1;
      expect(s.listFor(t)!.candidates.map((c) => c.id)).toEqual(bench[i]!.listFor(t)!.candidates.map((c) => c.id));
    });
    const out = (name: string) => join(dir, name);
    const args = ['--format', 'beauty', '--trainer', 'plain', '--epochs', '1', '--seed', '4', '--prior-version', 't'];
    const s1 = await main([d, '--out', out('a.json'), ...args], () => {});
    expect(s1.shoppers).toBe(30);
    expect(s1.pairs).toBeGreaterThan(0);
    // With the file, its items join the catalogue the negatives are drawn from (as in the benchmark).
    writeBeauty(d, true);
    const s2 = await main([d, '--out', out('b.json'), ...args], () => {});
    expect(s2.shoppers).toBe(30);
    expect(JSON.parse(readFileSync(out('b.json'), 'utf8')).trainedOn.format).toBe('beauty');
  });

  it('a catalogue smaller than a list gives every untouched item, not a hang', () => {
    const d = join(dir, 'beauty-tiny');
    writeBeauty(d, false, 6, 20);
    const data = loadBeauty(d, { negatives: 'optional' });
    const knowledge = buildItemKnowledge(beautyTrainingSequences(data, 3), { seed: 1, dim: 0 });
    const features = beautyItemFeatures(data, knowledge);
    const shoppers = beautyPriorShoppers(data, [{ heldOut: 3, knowledge, features }], data.users.map((_, i) => i), 1);
    shoppers.forEach((s, i) => {
      const u = data.users[i]!;
      const list = s.listFor(u.items.length - 3)!;
      expect(list.candidates).toHaveLength(1 + features.size - new Set(u.items).size);
      expect(list.candidates[list.target]!.id).toBe(u.items[u.items.length - 3]);
    });
  });

  it('reads Taobao CSVs (gzip or not) as a log and as shoppers\' events; a folder must hold one CSV', () => {
    const csv = 'user_id,item_id,category_id,behavior_type,timestamp\n1,10,5,pv,1511600000\n1,11,5,buy,1511500000\n2,10,5,cart,1511700000\n';
    const d = join(dir, 'taobao');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'a.csv.gz'), gzipSync(csv));
    expect(readText(join(d, 'a.csv.gz'))).toBe(csv);
    const log = loadTaobao(join(d, 'a.csv.gz'));
    // Each shopper's rows are time-sorted.
    expect(Array.from(log.users[0]!.items, (k) => log.itemIds[k])).toEqual(['11', '10']);
    const items = log.itemIds.map((id, k) => ({ id, category: log.itemCategory[k]! }));
    expect(taobaoEvent(log, items, 0, 0)).toEqual({ id: '1:0', type: 'purchase', item: { id: '11', category: '5' }, ts: 1511500000_000 });
    const events = taobaoEventLog(d);
    expect(events.shoppers.map((s) => s.events.map((e) => e.type))).toEqual([['purchase', 'click'], ['add_to_cart']]);
    writeFileSync(join(d, 'b.csv'), csv);
    expect(() => taobaoEventLog(d)).toThrow(/one CSV at a time/);
  });

  it('reads JSONL logs, counting rejected lines, shoppers\' events time-ordered', () => {
    const f = join(dir, 'log.jsonl');
    writeFileSync(
      f,
      [
        JSON.stringify({ shopper: 'a', type: 'view', item: { id: 'x' }, ts: 2000 }),
        '{ broken',
        JSON.stringify({ shopper: 'a', type: 'purchase', item: { id: 'y' }, ts: 1000 }),
        JSON.stringify({ type: 'view', item: { id: 'x' }, ts: 3000 }),
      ].join('\n'),
    );
    const warnings: string[] = [];
    const log = loadJsonlLog(f, (m) => warnings.push(m));
    expect(log.rejectedLines).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(log.shoppers.map((s) => [s.id, s.events.map((e) => e.item!.id)])).toEqual([['a', ['y', 'x']]]);
    expect(log.items.map((i) => i.id).sort()).toEqual(['x', 'y']);
  });
});
