import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/core/privacy/lift';
import { encode } from '../../src/core/privacy/oracle';
import { oracleOf, readReportConfig } from '../../src/core/privacy/questions';
import { createRng } from '../../src/core/util/rng';
import { decodeReports } from '../../src/site/reports/decode';
import { decodeWithSql } from '../../src/site/reports/sql-decoder';

const CONFIG = {
  questions: [
    { id: 'top-category', type: 'top-category', epsilon: 1, categories: ['beauty', 'home', 'garden', 'toys', 'books', 'music', 'sports', 'tools', 'food', 'pets', 'baby'] },
    { id: 'intent', type: 'intent-bucket', epsilon: 0.5, thresholds: [0.25, 0.5, 0.75] },
    { id: 'lift', type: 'lift', epsilon: 1, controlShare: 0.2 },
  ],
};

/** Received report lines for `n` simulated shoppers over two periods (one POST body per shopper and period). */
function generate(n: number, seed: number): { lines: string[]; truth: number[] } {
  const rng = createRng(seed);
  const { questions } = readReportConfig(CONFIG);
  const truth = new Array(12).fill(0);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const arm = assignArm(0.2, rng);
    const cat = Math.min(11, Math.floor(rng() ** 2 * 12));
    truth[cat]++;
    for (const p of [100, 101]) {
      const values = [cat, Math.floor(rng() * 4), rng() < (arm ? 0.06 : 0.05) ? 1 : 0];
      const reports = questions.map((q, j) => ({ q: q.id, p, v: encode(oracleOf(q), values[j]!, rng), ...(q.type === 'lift' ? { a: arm } : {}) }));
      lines.push(JSON.stringify({ reports }));
    }
  }
  lines.push('not json', JSON.stringify({ q: 'unknown', p: 1, v: 1 }), JSON.stringify({ q: 'intent', p: 100, v: 9 }));
  return { lines, truth: truth.map((c) => c / n) };
}

describe('site decoder', () => {
  const { lines, truth } = generate(20_000, 4);

  it('estimates shares per question and period with intervals, and lift per period', () => {
    const d = decodeReports(CONFIG, lines);
    expect(d.skipped).toBe(3);
    const top = d.shares.filter((r) => r.q === 'top-category' && r.p === 100);
    expect(top).toHaveLength(12);
    expect(top.at(-1)!.label).toBe('none of these');
    for (const r of top) expect(Math.abs(r.share - truth[r.value]!)).toBeLessThan(4.5 * r.se);
    expect(top.filter((r) => r.low <= truth[r.value]! && truth[r.value]! <= r.high).length).toBeGreaterThanOrEqual(9);
    expect(d.lift.map((l) => l.p)).toEqual([100, 101]);
    expect(d.lift[0]!.control.n + d.lift[0]!.treatment.n).toBe(20_000);
  });

  it('the plain SQL query gives the same numbers as the TypeScript decoder (DuckDB)', async () => {
    const ts = decodeReports(CONFIG, lines).shares;
    const sql = await decodeWithSql(CONFIG, lines);
    expect(sql).toHaveLength(ts.length);
    const key = (r: { q: string; p: number; a: number | null; value: number }) => `${r.q}|${r.p}|${r.a}|${r.value}`;
    const bySql = new Map(sql.map((r) => [key(r), r]));
    for (const r of ts) {
      const s = bySql.get(key(r));
      expect(s, key(r)).toBeDefined();
      expect(s!.n).toBe(r.n);
      expect(s!.share).toBeCloseTo(r.share, 10);
      expect(s!.se).toBeCloseTo(r.se, 10);
    }
  });
});
