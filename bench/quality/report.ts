/** Markdown tables, the JSON results file, gzipped per-step ranks and hand-written SVG learning curves. */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { RANK_METRICS, type RankMetrics } from './metrics';
import type { RankRunResult } from './protocols/common';
import type { IntentRunResult, IntentSummary } from './protocols/taobao-intent';
import { BEAUTY_REFERENCE } from './reference';

const f4 = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(4));
const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const header = (cells: string[]): string => `${row(cells)}\n${row(cells.map(() => '---'))}`;

function metricCells(m: RankMetrics | undefined): string[] {
  return RANK_METRICS.map((k) => f4(m?.[k]));
}

export function beautyMarkdown(runs: RankRunResult[]): string {
  const lines = ['### beauty-loo (Amazon Beauty, 1 target + 99 fixed negatives)', ''];
  lines.push(header(['policy', 'split', ...RANK_METRICS, 'steps', 'steps/s']));
  for (const r of runs) {
    for (const split of ['valid', 'test']) {
      const m = r.slices[split];
      lines.push(row([r.policy, split, ...metricCells(m), m?.steps ?? 0, Math.round(r.stepsPerSecond)]));
    }
  }
  lines.push('', 'Reference rows, test split — **published / measured server-side, not rerun here**:', '');
  lines.push(header(['model (not rerun)', ...RANK_METRICS, 'source']));
  for (const ref of BEAUTY_REFERENCE) {
    lines.push(row([ref.model, ...RANK_METRICS.map((k) => f4(ref[k])), ref.source]));
  }
  return lines.join('\n');
}

const TAOBAO_SLICES = ['all', 'repeat', 'new', 'per-user', 'first-half', 'second-half', 'second-half-new'];

export function taobaoMarkdown(runs: RankRunResult[]): string {
  const lines = ['### taobao-replay (next event, 1 target + 99 uniform negatives, random server order)', ''];
  lines.push(header(['policy', 'slice', ...RANK_METRICS, 'steps', 'steps/s']));
  for (const r of runs) {
    for (const s of ['all', 'second-half']) {
      const m = r.slices[s];
      lines.push(row([r.policy, s, ...metricCells(m), m?.steps ?? 0, Math.round(r.stepsPerSecond)]));
    }
  }
  lines.push('', 'NDCG@10 by slice (repeat = target seen before by this shopper; per-user = macro average):', '');
  lines.push(header(['policy', ...TAOBAO_SLICES]));
  for (const r of runs) lines.push(row([r.policy, ...TAOBAO_SLICES.map((s) => f4(r.slices[s]?.['NDCG@10']))]));
  const first = runs[0];
  if (first) {
    lines.push('', `steps per slice: ${TAOBAO_SLICES.map((s) => `${s} ${first.slices[s]?.steps ?? 0}`).join(', ')}`);
  }
  return lines.join('\n');
}

export function intentMarkdown(runs: IntentRunResult[]): string {
  const lines = ['### taobao-intent (buy within the next 24 h, per active shopper-day, Beijing days)', ''];
  lines.push(header(['policy', 'days', 'AUC', 'precision', 'recall', 'F1', 'points', 'base rate', 'threshold']));
  const cells = (s: IntentSummary): string[] => [f4(s.auc), f4(s.precision), f4(s.recall), f4(s.f1), String(s.points), f4(s.baseRate)];
  for (const r of runs) {
    lines.push(row([r.policy, 'second half (test)', ...cells(r.test), r.threshold.toPrecision(4)]));
    lines.push(row([r.policy, 'first half (threshold)', ...cells(r.tune), '']));
  }
  return lines.join('\n');
}

/** A learning curve (NDCG@10 vs events or lists seen, bucketed) as standalone SVG text. */
export function learningCurveSvg(
  title: string,
  runs: readonly { policy: string; curve: readonly { label: string; ndcg10: number }[] }[],
  xLabel = 'events seen by the shopper before the step',
): string {
  const W = 760;
  const H = 420;
  const m = { l: 60, r: 200, t: 40, b: 60 };
  const labels: string[] = [];
  for (const r of runs) for (const p of r.curve) if (!labels.includes(p.label)) labels.push(p.label);
  const lo = (l: string): number => Number.parseInt(l, 10);
  labels.sort((a, b) => lo(a) - lo(b));
  const maxY = Math.max(0.1, ...runs.flatMap((r) => r.curve.map((p) => p.ndcg10)));
  const yTop = Math.ceil(maxY * 10) / 10;
  const r1 = (v: number): number => Math.round(v * 10) / 10;
  const x = (i: number): number => r1(m.l + (labels.length <= 1 ? 0 : (i * (W - m.l - m.r)) / (labels.length - 1)));
  const y = (v: number): number => r1(H - m.b - (v / yTop) * (H - m.t - m.b));
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="24" font-size="15">${esc(title)}</text>`,
  ];
  for (let t = 0; t <= 5; t++) {
    const v = (yTop * t) / 5;
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  labels.forEach((l, i) => {
    out.push(`<text x="${x(i)}" y="${H - m.b + 18}" text-anchor="middle">${esc(l)}</text>`);
  });
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 18}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">NDCG@10</text>`);
  out.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/>`);
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`);
  runs.forEach((r, k) => {
    const c = colors[k % colors.length]!;
    const pts = r.curve.map((p) => `${x(labels.indexOf(p.label)).toFixed(1)},${y(p.ndcg10).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of pts) {
      const [px, py] = p.split(',');
      out.push(`<circle cx="${px}" cy="${py}" r="3" fill="${c}"/>`);
    }
    const ly = m.t + 10 + k * 18;
    out.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${W - m.r + 38}" y="${ly + 4}">${esc(r.policy)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes per-step ranks as gzipped JSON lines. */
export async function writeRanks(path: string, run: RankRunResult): Promise<void> {
  const gz = createGzip({ level: 6 });
  const file = createWriteStream(path);
  const done = pipeline(gz, file);
  let buf = '';
  for (const line of run.records.jsonLines()) {
    buf += `${line}\n`;
    if (buf.length > 1 << 16) {
      if (!gz.write(buf)) await new Promise((r) => gz.once('drain', r));
      buf = '';
    }
  }
  gz.end(buf);
  await done;
}

/** JSON form of a ranking run (without the per-step records). */
export function rankRunJson(r: RankRunResult): Record<string, unknown> {
  return { slices: r.slices, curve: r.curve, seconds: r.seconds, stepsPerSecond: r.stepsPerSecond };
}

export function intentRunJson(r: IntentRunResult): Record<string, unknown> {
  return { threshold: r.threshold, tune: r.tune, test: r.test, seconds: r.seconds, points: r.points.length };
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

export function writeText(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** One row of the shown-lists protocol, summarised per list-number group (see `protocols/shown-lists.ts`). */
export interface ShownListsRow {
  policy: string;
  groups: Record<string, { ndcg10: number; clicksPerList: number; shoppers: number; gain?: { mean: number; lo: number; hi: number } }>;
}

const signed = (v: number): string => (Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`);

/** Markdown for one click model of shown-lists: NDCG@10 and clicks per group, gains over `pz-prior` with 95 % intervals. */
export function shownListsMarkdown(model: string, rows: readonly ShownListsRow[], groups: readonly string[], driftGroups: readonly string[], shoppers: number): string {
  const lines = [`### shown-lists, ${model} clicks (${shoppers} shoppers × 30 lists, position-based clicks on real Beauty items)`, ''];
  lines.push('NDCG@10 of the hidden-taste relevance, by list number:', '');
  lines.push(header(['policy', ...groups]));
  for (const r of rows) lines.push(row([r.policy, ...groups.map((g) => f4(r.groups[g]?.ndcg10))]));
  lines.push('', 'Clicks per list:', '');
  lines.push(header(['policy', ...groups]));
  for (const r of rows) lines.push(row([r.policy, ...groups.map((g) => (r.groups[g]?.clicksPerList ?? Number.NaN).toFixed(3))]));
  const withGain = rows.filter((r) => groups.some((g) => r.groups[g]?.gain));
  if (withGain.length) {
    lines.push('', 'Gain in NDCG@10 over `pz-prior` [95 % bootstrap interval over shoppers]:', '');
    const all = [...groups, ...driftGroups];
    lines.push(header(['policy', ...all]));
    for (const r of withGain) {
      lines.push(row([r.policy, ...all.map((g) => {
        const x = r.groups[g]?.gain;
        return x ? `${signed(x.mean)} [${signed(x.lo)}, ${signed(x.hi)}]` : '–';
      })]));
    }
  }
  return lines.join('\n');
}
