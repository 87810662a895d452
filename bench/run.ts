// npm run bench: every benchmark, each figure beside a baseline measured in the same run; writes docs/benchmarks.md.
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { runIntakeBench } from './intake-bench.js';
import { runLatencyBench } from './latency-bench.js';
import { benchTable, runMatchingBench } from './matching-bench.js';
import { growthSvg, runGrowthBench, runOpenRequestsBench } from './growth-bench.js';
import { ensureBuilt, runScaleAt, scalePlans, scaleSvg, type ScaleRow } from './scale-bench.js';
import { runEmbeddedBench } from './embedded-bench.js';
import { runExportBench } from './export-bench.js';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function freshDb(name: string): Promise<string> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

const table = (rows: Record<string, unknown>[]) => {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]);
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => fmt(r[c])).join(' | ')} |`)].join('\n');
};

const out: string[] = [];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${execSync('psql --version').toString().trim().split(' ')[2]}, Redis ${execSync('redis-server --version').toString().split(' ')[2]?.replace('v=', '')}`;
out.push('# Benchmarks', '', `Command: \`npm run bench\` (or \`npm run bench -- matching intake latency\`). Date: ${new Date().toISOString()}. Machine: ${machine}.`, '',
  'This machine is noisy (2 shared cores), so every figure stands beside a baseline measured in the same run.', '');

// Intake and latency first: the matching benches leave this process with a large heap.
if (want('intake')) {
  console.error('intake bench…');
  const url = await freshDb('onedoor_bench_intake');
  const r = await runIntakeBench({ dbUrl: url, redisUrl: REDIS_URL });
  const [base, od, same] = r.rows;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const ratio = [...r.ratios].sort((x, y) => x - y)[r.ratios.length >> 1];
  out.push('## Intake: POST /v1/requests', '',
    `${r.connections} connections (autocannon, in the bench process), servers in child processes. The baseline is a bare Fastify route doing one INSERT on the same database; the third row does, bare, the same durable writes as OneDoor (request, transition, audit, outbox), which is the floor the database sets. The three servers are loaded in turn, ${r.seconds} s each after a 1 s warm-up, for ${r.rounds} rounds; each figure is the median over the rounds.`, '',
    table(r.rows as unknown as Record<string, unknown>[]), '',
    `OneDoor reaches **${pct(ratio)}** of the one-INSERT baseline (median of the per-round ratios ${r.ratios.map(pct).join(', ')}; target ≥ 50%), p99 ${od.p99} ms (target < 50 ms). The same four writes done bare, one request per statement, reach ${pct(same.rps / base.rps)} of it; OneDoor, which also authenticates, rate-limits, validates and sets security headers, reaches ${pct(od.rps / same.rps)} of that because requests filed at the same moment share one statement and one commit (src/modules/requests/write-batcher.ts).`, '');
}
if (want('latency')) {
  console.error('latency bench…');
  const url = await freshDb('onedoor_bench_latency');
  const row = await runLatencyBench({ dbUrl: url, redisUrl: REDIS_URL });
  out.push('## Submission to matchedAt', '', 'Requests filed at a fixed rate through the API (PostgreSQL + BullMQ, one separate worker process); latency = `matched_at - submitted_at` from the database.', '', table([row as unknown as Record<string, unknown>]), '');
}
if (want('matching')) {
  console.error('matching bench…');
  const rows = await runMatchingBench();
  out.push('## Matching: scoring one request against the catalogue', '', 'Synthetic offerings built from the thematic-area terms in all six languages (bench/matching-bench.ts); per-request latency of the full engine (classification, candidate retrieval, hard filters, scoring, routing) in one process, and the heap it holds. Targets: median ≤ 10 ms at 10k, ≤ 50 ms at 100k.', '', benchTable(rows), '');
  console.error('growth bench…');
  const growth = runGrowthBench();
  writeFileSync('docs/benchmarks-growth.svg', growthSvg(growth));
  out.push('## How cost grows with the catalogue', '', 'Same synthetic generator, one run: the engine beside a naive MiniSearch (library defaults, fuzzy 0.2 + prefix OR query over title + description, no filters) — the baseline a person with a keyword search has. Both in milliseconds per request.', '', table(growth as unknown as Record<string, unknown>[]), '', '![median latency vs catalogue size](benchmarks-growth.svg)', '');
  const open = runOpenRequestsBench();
  out.push('## How cost grows with a state\'s open requests', '', 'Duplicate detection compares a new request with the same state\'s open requests; 10,000 offerings. The text analysis of each open request is kept by the engine (keyed by id, checked against the text), so the first job pays it and later jobs reuse it, as in a worker that sees the same open requests job after job.', '', table(open as unknown as Record<string, unknown>[]), '');
}
if (want('scale')) {
  console.error('scale bench (issue 16)…');
  ensureBuilt();
  const all: ScaleRow[] = [];
  const loads: string[] = [];
  for (const plan of scalePlans()) {
    const r = await runScaleAt(ADMIN_URL, REDIS_URL, plan, (m) => console.error(m));
    all.push(...r.rows);
    // Each size's rows as soon as they are measured, so a long run that is stopped still leaves its figures.
    console.error(table(r.rows.map((row) => ({ size: row.size, target: row.target, measured: row.measured, floor: row.floor, unit: row.unit, ratio: `${row.ratio}×`, note: row.note ?? '' }))));
    loads.push(`${plan.offerings.toLocaleString('en')} offerings / ${plan.requests.toLocaleString('en')} requests / ${plan.inReview.toLocaleString('en')} in review / ${plan.needs.toLocaleString('en')} needs (${r.sizes.matches.toLocaleString('en')} matches): loaded in ${Object.entries(r.load).map(([k, v]) => `${k} ${v} s`).join(', ')}`);
  }
  const svg = only.length ? 'docs/benchmarks-scale.svg' : 'docs/benchmarks-scale-growth.svg';
  writeFileSync(svg, scaleSvg(all));
  out.push('## Scale: issue 16\'s targets, each beside its floor', '',
    'A history loaded by bench/scale-load.ts (500 providers; 193 states with skewed demand; 24 areas; a mature status mix: half completed, the rest in delivery, accepted, rejected, withdrawn, and the re-matchable ones, half in review and half routed without an accepted offering; offerings stored as the app writes them, with their analysis and search vector; the re-matchable requests matched in full, with their proposals and analysis). Production mode: PostgreSQL, Redis, the API and the worker as compiled JavaScript (dist/) in child processes. Each figure stands beside its floor from the same run:',
    '',
    '- *worker ready*: spawn of `node dist/workers/main.js` until it takes jobs (migrations checked, reference data, engine, the offering index fed from the stored analyses); floor: `SELECT id, title, description FROM offerings` and MiniSearch `addAll` of those texts, in the bench process.',
    '- *worker CPU per match*: the worker process\'s CPU time (user + system, /proc) while it matches requests filed through the outbox, per request; floor: the engine alone (`matchRequest` with the same requests, their state\'s needs and earlier open requests) in the bench process, its CPU time (`process.cpuUsage`, two passes averaged). After 40 matches to warm both, rounds in turn (default 5 of 40 requests, `BENCH_WORKER_ROUNDS`, `BENCH_WORKER_BATCH`): the worker\'s batch, then the engine on that batch; the medians of the rounds, the spread in the note.',
    '- *one offering change*: one `reverse-match` job for a new offering (median of 15); floor: one new-request match (`match-request`, median of 15), same database, same process.',
    '- *1,500-offering import*: one provider\'s bulk import (the service the bulk, CSV and IATI endpoints call: one event), then its one re-matching job on one worker, until every list is up to date; goal 60 s.',
    '- *directory search*: `GET /v1/directory/offerings?q=` over HTTP (8 queries in 6 languages, 5 runs each, after a warm-up); floor: the page\'s own SQL statement run alone by postgres.js.',
    '- *analytics, review queue*: each endpoint over HTTP (median of 3 or 5); floor: the SQL statements the endpoint runs, captured and run alone (in parallel) by postgres.js; for overlaps, the bare SQL that reads the rows its answer is made from (its cells and the requests accepted by several providers), its own statements in the note.',
    '- *API RSS*: the API process\'s resident memory after all the searches and analytics above; goal 300 MB.',
    '',
    ...loads.map((l) => `- ${l}`), '',
    table(all.map((r) => ({ size: r.size, target: r.target, measured: r.measured, floor: r.floor, unit: r.unit, ratio: `${r.ratio}×`, goal: r.goal, note: r.note ?? '' }))), '',
    `![each target over its floor as the history grows](${svg.replace('docs/', '')})`, '');
}
if (want('embedded')) {
  console.error('embedded bench…');
  const r = await runEmbeddedBench();
  out.push('## Embedded default: filing while matching', '',
    'The compiled server on PGlite with the in-process queue (what `npm start` runs on a bare machine), 1,000 offerings imported, 20 connections filing for 10 s. First with no job running (`EMBEDDED_WORKER=false`); then, on the same data, with jobs: the process matches the requests filed in the first run (waiting in the outbox) and re-matches the import while it keeps filing — measured once the first of them is matched (the index is built after the server listens). Target: filing while matching ≥ 50 % of idle filing.', '',
    table(r.rows as unknown as Record<string, unknown>[]), '',
    `Filing while matching reaches **${Math.round(r.ratio * 100)}%** of idle filing (target ≥ 50%).`, '');
}
if (want('export')) {
  console.error('export bench (issue 17)…');
  const rows = await runExportBench(ADMIN_URL);
  out.push('## Exports: the requests list to CSV and XLSX', '',
    'The whole requests list as CTED sees it (every column, names in French beside the codes) through the export service (src/modules/exports), read a page of 1,000 at a time by keyset cursor and written as it is read: CSV through the shared writer, XLSX through exceljs\'s streaming WorkbookWriter; the bytes go to a sink that counts them. Each row is one fresh child process (node --expose-gc), which samples its own RSS and heap every 20 ms; growth is peak minus the figure after start-up. The floor reads the same pages from the list service and throws them away. Every child runs with the old space capped at 160 MB (`--max-old-space-size`): flat memory means 100k rows export under the cap as 10k do, with the peak growth about the same and nothing retained after (heapRetainedMb: heap after a forced GC at the end, minus at the start).', '',
    table(rows as unknown as Record<string, unknown>[]), '');
}
writeFileSync(only.length ? `docs/benchmarks-${only.join('-')}.md` /* a partial run: not committed (.gitignore) */ : 'docs/benchmarks.md', `${out.join('\n')}\n`);
console.log(out.join('\n'));
process.exit(0);
