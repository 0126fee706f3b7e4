/**
 * A build whose engine gets far less memory than its data spills to disk and still writes the same
 * files, byte for byte, as a build with the default limit.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite, SITE_FILES } from '../../src/site/pipeline';

const tmp = mkdtempSync(join(tmpdir(), 'pz-site-spill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A seeded synthetic log: 1,200 shoppers × 100 events over 6,000 items with a heavy head. */
async function writeLog(file: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (
    SELECT 'u' || (i // 100) AS shopper,
      'i' || CAST(floor(6000 * pow((hash(i, 1) % 1000000) / 1e6, 3)) AS INTEGER) AS item,
      CASE WHEN hash(i, 2) % 20 = 0 THEN 'purchase' WHEN hash(i, 2) % 7 = 0 THEN 'add_to_cart' ELSE 'click' END AS type,
      1700000000000 + i * 61000 AS ts,
      'c' || CAST(floor(6000 * pow((hash(i, 1) % 1000000) / 1e6, 3)) AS INTEGER) % 12 AS category,
      CAST(NULL AS DOUBLE) AS value
    FROM range(120000) t(i)
  ) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
  conn.closeSync();
  db.closeSync();
}

function diskBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const f of readdirSync(dir)) {
    try {
      total += statSync(join(dir, f)).blocks * 512;
    } catch {
      // removed between the listing and the stat
    }
  }
  return total;
}

describe('site build under a small engine memory limit', () => {
  it('spills to disk and writes the same files as the default limit, byte for byte', async () => {
    const log = join(tmp, 'events.parquet');
    await writeLog(log);
    const options = { events: log, format: 'parquet' as const, threads: 2, knowledge: { dim: 16 }, prior: { priorVersion: 'spill-test', maxExamples: 20_000, epochs: 2 } };

    const small = join(tmp, 'small');
    const work = join(tmp, 'small-work');
    let spilled = 0;
    // Poll the spill folder while the build runs (the engine works on its own threads).
    const timer = setInterval(() => {
      spilled = Math.max(spilled, diskBytes(join(work, 'spill')));
    }, 20);
    try {
      // The sorted streams (edge file, item rows) in passes of 20,000 rows, as a 50M-event build's are.
      await buildSite({ ...options, knowledge: { ...options.knowledge, streamRowsPerPass: 20_000 }, outDir: small, workDir: work, memoryLimit: '48MB' });
    } finally {
      clearInterval(timer);
    }
    const free = join(tmp, 'free');
    await buildSite({ ...options, outDir: free });

    expect(spilled, 'bytes in the spill folder at its fullest').toBeGreaterThan(1 << 20);
    for (const f of Object.values(SITE_FILES)) {
      const hash = (dir: string) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
      expect(hash(small), f).toBe(hash(free));
    }
    const knowledge = JSON.parse(readFileSync(join(small, SITE_FILES.itemKnowledge), 'utf8')) as { items: Record<string, unknown> };
    expect(Object.keys(knowledge.items).length).toBeGreaterThan(3000);
  }, 120_000);
});
