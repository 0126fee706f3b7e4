import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FM_K } from '../../src/core/model/default-weights';
import { FEATURE_DIM, FEATURE_SCHEMA_VERSION, FEATURES } from '../../src/core/model/features';
import { parsePrior } from '../../src/core/model/prior';
import { checkLogisticModel, PROPENSITY_FEATURES } from '../../src/core/profile/propensity';
import { createRng } from '../../src/core/util/rng';
import { main, parseArgs, UsageError } from '../../scripts/train-prior';

const dir = mkdtempSync(join(tmpdir(), 'pz-train-prior-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 6);
const CATEGORIES = ['beauty/lipstick', 'home/kitchen', 'garden/tools'];

/**
 * A small shop: 20 shoppers over 6 days, each keen on one category (so the prior has something to
 * find), some buying on some days, plus three broken lines.
 */
function syntheticLog(): string {
  const rng = createRng(5);
  const lines: string[] = [];
  for (let s = 0; s < 20; s++) {
    const fav = CATEGORIES[s % 3]!;
    for (let day = 0; day < 6; day++) {
      if (rng() < 0.3) continue;
      let ts = START + day * DAY + 9 * 3_600_000 + Math.floor(rng() * 3_600_000);
      for (let k = 0; k < 6; k++) {
        ts += 60_000 + Math.floor(rng() * 600_000);
        const category = rng() < 0.8 ? fav : CATEGORIES[Math.floor(rng() * 3)]!;
        const item = { id: `${category}#${Math.floor(rng() * 15)}`, category, price: 5 + Math.floor(rng() * 50) };
        const type = k === 5 && rng() < 0.4 ? 'purchase' : rng() < 0.2 ? 'add_to_cart' : 'view';
        lines.push(JSON.stringify({ shopper: `s${s}`, type, item, ts }));
      }
    }
  }
  lines.splice(3, 0, '{ not json');
  lines.splice(10, 0, JSON.stringify({ type: 'view', item: { id: 'x' }, ts: START }));
  lines.splice(20, 0, JSON.stringify({ shopper: 's1', type: 'view', item: { id: 'x', price: 'abc' }, ts: START }));
  return lines.join('\n') + '\n';
}

describe('train-prior CLI', () => {
  const input = join(dir, 'events.jsonl');
  writeFileSync(input, syntheticLog());

  it('fits a prior from a JSONL log that parsePrior accepts, with names and a propensity model', async () => {
    const out = join(dir, 'out', 'prior.json');
    const logged: string[] = [];
    const summary = await main([input, '--out', out, '--epochs', '2', '--seed', '3', '--prior-version', 'test-1'], (m) => logged.push(m));

    const json = JSON.parse(readFileSync(out, 'utf8'));
    const parsed = parsePrior(json, { d: FEATURE_DIM, k: FM_K, featureSchemaVersion: FEATURE_SCHEMA_VERSION });
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.prior.version).toBe('test-1');
    expect(json.featureNames).toEqual(FEATURES.map((f) => f.name));
    expect(json.propensity.purchaseIntent.features).toEqual([...PROPENSITY_FEATURES]);
    expect(() => checkLogisticModel(json.propensity.purchaseIntent)).not.toThrow();

    expect(summary.format).toBe('jsonl');
    expect(summary.shoppers).toBe(20);
    expect(summary.pairs).toBeGreaterThan(100);
    expect(summary.heldOutAccuracy).toBeGreaterThanOrEqual(0);
    expect(summary.propensity?.points).toBeGreaterThan(0);
    // Broken lines are reported with their line numbers and skipped.
    expect(summary.rejectedLines).toBe(3);
    expect(logged.filter((m) => m.includes(': rejected: ')).map((m) => m.split(':').slice(0, 2).join(':'))).toEqual([
      'events.jsonl:4',
      'events.jsonl:11',
      'events.jsonl:21',
    ]);
    expect(logged.some((m) => m.includes('item.price must be a finite number'))).toBe(true);
    expect(logged.some((m) => m.includes('held-out pairs'))).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const args = ['--epochs', '1', '--seed', '9', '--prior-version', 'v', '--max-examples', '400'];
    await main([input, '--out', a, ...args], () => undefined);
    await main([input, '--out', b, ...args], () => undefined);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('parses its command line and refuses bad arguments with a UsageError', () => {
    const o = parseArgs(['log.csv.gz', '--max-examples=50000'], () => 'today');
    expect(o).toMatchObject({ format: 'taobao', maxExamples: 50000, out: 'public/prior.json', epochs: 5, seed: 1, priorVersion: 'today', tzOffsetMinutes: 480 });
    expect(parseArgs(['x.jsonl']).format).toBe('jsonl');
    expect(() => parseArgs([])).toThrow(UsageError);
    expect(() => parseArgs(['x.jsonl', '--epochs', '0'])).toThrow(/--epochs must be an integer ≥ 1/);
    expect(() => parseArgs(['x.jsonl', '--format', 'xml'])).toThrow(/--format must be one of/);
    expect(() => parseArgs(['x.jsonl', '--bogus', '1'])).toThrow(/unknown option --bogus/);
    expect(() => parseArgs(['x.txt'])).toThrow(/cannot tell the format/);
    expect(parseArgs(['x.jsonl']).trainer).toBe('tfjs');
    expect(parseArgs(['x.jsonl', '--trainer', 'plain']).trainer).toBe('plain');
    expect(() => parseArgs(['x.jsonl', '--trainer', 'gpu'])).toThrow(/--trainer must be tfjs or plain/);
    expect(() => parseArgs(['x.jsonl', '--trainer', 'plain', '--variance-shoppers', '5'])).toThrow(/needs --trainer tfjs/);
  });
});
