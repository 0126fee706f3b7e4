#!/usr/bin/env -S npx tsx
// Decodes the locally private reports a site's endpoint received.
//   npm run decode-reports -- received.jsonl --questions questions.json [--json] [--sql] [--oracles]
// received.jsonl: one POST body ({"reports":[...]}) or one report ({q,p,v,a?}) per line.
// --sql runs the shipped plain-SQL query (src/site/reports/decode-reports.sql) on DuckDB instead;
// --oracles prints the `questions` table that query needs, for loading into your own warehouse.
import { readFileSync } from 'node:fs';
import { readReportConfig } from '../src/core/privacy/questions';
import { decodeReports, labels, oracleTable } from '../src/site/reports/decode';
import { decodeWithSql } from '../src/site/reports/sql-decoder';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const questionsFile = value('--questions');
const input = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--questions');
if (!questionsFile || (!input && !flag('--oracles'))) {
  console.error('usage: npm run decode-reports -- received.jsonl --questions questions.json [--json] [--sql] [--oracles]');
  process.exit(2);
}
const config = JSON.parse(readFileSync(questionsFile, 'utf8')) as unknown;
const { questions } = readReportConfig(config);
if (flag('--oracles')) {
  for (const row of oracleTable(questions)) console.log(JSON.stringify(row));
  process.exit(0);
}
const lines = readFileSync(input!, 'utf8').split('\n');
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const Z95 = 1.959963984540054;
if (flag('--sql')) {
  const rows = await decodeWithSql(config, lines);
  if (flag('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    const byId = new Map(questions.map((q) => [q.id, labels(q)]));
    console.log('| question | period | arm | value | reports | share | 95 % interval |\n| --- | ---: | --- | --- | ---: | ---: | --- |');
    for (const r of rows) console.log(`| ${r.q} | ${r.p} | ${r.a ?? ''} | ${byId.get(r.q)?.[r.value] ?? r.value} | ${r.n} | ${pct(r.share)} | ${pct(r.share - Z95 * r.se)} – ${pct(r.share + Z95 * r.se)} |`);
  }
} else {
  const d = decodeReports(config, lines);
  if (flag('--json')) console.log(JSON.stringify(d, null, 2));
  else {
    console.log('| question | period | arm | value | reports | share | 95 % interval |\n| --- | ---: | --- | --- | ---: | ---: | --- |');
    for (const r of d.shares) console.log(`| ${r.q} | ${r.p} | ${r.a ?? ''} | ${r.label} | ${r.n} | ${pct(r.share)} | ${pct(r.low)} – ${pct(r.high)} |`);
    for (const l of d.lift) {
      console.log(`\nlift ${l.q} period ${l.p}: control ${pct(l.control.rate)} (n ${l.control.n}), treatment ${pct(l.treatment.rate)} (n ${l.treatment.n}), lift ${pct(l.lift)} [${pct(l.low)}, ${pct(l.high)}]`);
    }
    if (d.skipped) console.log(`\n${d.skipped} unreadable lines or reports skipped`);
  }
}
