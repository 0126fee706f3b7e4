/**
 * The site's decoder of locally private reports: reads what the report endpoint received (one JSON
 * object per line: a POST body `{ "reports": [...] }` or a single report `{ q, p, v, a? }`), groups it by
 * question, period and lift arm, and estimates the share of shoppers per answer value with a 95 %
 * interval, plus the lift per period for a lift question. The same numbers come out of
 * `decode-reports.sql` on any SQL engine (tested against this module).
 */
import { decodeLift, type LiftEstimate } from '../../core/privacy/lift';
import { estimate, type Encoded, readEncoded, supportCounts } from '../../core/privacy/oracle';
import { type Question, oracleOf, readReportConfig } from '../../core/privacy/questions';

/** One report as received. */
export interface ReceivedReport {
  q: string;
  p: number;
  v: Encoded;
  a?: 0 | 1;
}

/** One decoded value. */
export interface ShareRow {
  q: string;
  p: number;
  /** Lift arm, or null. */
  a: 0 | 1 | null;
  value: number;
  /** What the value means: a category, an intent bucket, "none of these", "bought". */
  label: string;
  n: number;
  share: number;
  se: number;
  low: number;
  high: number;
}

/** Everything decoded from a file of reports. */
export interface Decoded {
  shares: ShareRow[];
  lift: (LiftEstimate & { q: string; p: number })[];
  /** Lines or reports that could not be read (wrong question, malformed value). */
  skipped: number;
}

/** The oracle parameters per question, as the SQL's `questions` table wants them. */
export function oracleTable(questions: readonly Question[]): { q: string; kind: string; k: number; p_keep: number; q_flip: number }[] {
  return questions.map((q) => {
    const o = oracleOf(q);
    return { q: q.id, kind: o.kind, k: o.k, p_keep: o.p, q_flip: o.q };
  });
}

/** Label of each answer value of a question. */
export function labels(q: Question): string[] {
  if (q.type === 'top-category') return [...q.categories, 'none of these'];
  if (q.type === 'intent-bucket') return q.thresholds.map((t, i) => `< ${t}${i ? ` (≥ ${q.thresholds[i - 1]})` : ''}`).concat(`≥ ${q.thresholds.at(-1)}`);
  return ['did not buy', 'bought'];
}

/** Reads report lines; anything malformed is counted as skipped. */
export function readReports(lines: Iterable<string>, questions: readonly Question[]): { reports: ReceivedReport[]; skipped: number } {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const reports: ReceivedReport[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const list = Array.isArray((parsed as { reports?: unknown }).reports) ? (parsed as { reports: unknown[] }).reports : [parsed];
    for (const r of list) {
      const o = (r ?? {}) as Record<string, unknown>;
      const q = typeof o.q === 'string' ? byId.get(o.q) : undefined;
      const v = q ? readEncoded(oracleOf(q), o.v) : undefined;
      if (!q || v === undefined || !Number.isInteger(o.p) || (q.type === 'lift' && o.a !== 0 && o.a !== 1)) {
        skipped++;
        continue;
      }
      reports.push({ q: q.id, p: o.p as number, v, ...(q.type === 'lift' ? { a: o.a as 0 | 1 } : {}) });
    }
  }
  return { reports, skipped };
}

/** Decodes reports per question, period and arm. */
export function decodeReports(config: unknown, lines: Iterable<string>, z = 1.959963984540054): Decoded {
  const { questions } = readReportConfig(config);
  const { reports, skipped } = readReports(lines, questions);
  const groups = new Map<string, ReceivedReport[]>();
  for (const r of reports) {
    const key = JSON.stringify([r.q, r.p, r.a ?? null]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const shares: ShareRow[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  for (const [key, g] of [...groups].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const [qid, p, a] = JSON.parse(key) as [string, number, 0 | 1 | null];
    const q = byId.get(qid)!;
    const o = oracleOf(q);
    const names = labels(q);
    for (const [value, e] of estimate(o, supportCounts(o, g.map((r) => r.v)), z).entries()) {
      shares.push({ q: qid, p, a, value, label: names[value] ?? String(value), n: g.length, share: e.share, se: e.se, low: e.low, high: e.high });
    }
  }
  const lift: Decoded['lift'] = [];
  for (const q of questions) {
    if (q.type !== 'lift') continue;
    const periods = new Set(reports.filter((r) => r.q === q.id).map((r) => r.p));
    for (const p of [...periods].sort((x, y) => x - y)) {
      const rs = reports.filter((r) => r.q === q.id && r.p === p);
      lift.push({ q: q.id, p, ...decodeLift(q.epsilon, rs.map((r) => ({ arm: r.a!, bit: r.v as number }))) });
    }
  }
  return { shares, lift, skipped };
}
