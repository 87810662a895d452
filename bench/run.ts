// npm run bench: every benchmark, each figure beside a baseline measured in the same run; writes docs/benchmarks.md.
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { runIntakeBench } from './intake-bench.js';
import { runLatencyBench } from './latency-bench.js';
import { benchTable, runMatchingBench } from './matching-bench.js';
import { growthSvg, runGrowthBench, runOpenRequestsBench } from './growth-bench.js';

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
writeFileSync(only.length ? `docs/benchmarks-${only.join('-')}.md` /* a partial run: not committed (.gitignore) */ : 'docs/benchmarks.md', `${out.join('\n')}\n`);
console.log(out.join('\n'));
process.exit(0);
