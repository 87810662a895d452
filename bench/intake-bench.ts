import { fork, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import postgres from 'postgres';

export interface IntakeRow { target: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }
export interface IntakeResult {
  /** Median of each target over the rounds. */
  rows: IntakeRow[];
  /** Each round's OneDoor / baseline throughput ratio, in run order. */
  ratios: number[];
  rounds: number;
  seconds: number;
  connections: number;
}

const ADMIN = 'bench-admin-key-0123456789abcdef';
const body = JSON.stringify({
  title: 'Strengthening our financial intelligence unit',
  description: 'Our FIU receives few suspicious transaction reports. We ask for training on terrorist financing typologies.',
  language: 'en',
});

function start(mode: string, port: number, dbUrl: string, redisUrl: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork('bench/intake-server.ts', [mode, String(port), dbUrl, redisUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function load(url: string, headers: Record<string, string>, seconds: number, connections: number) {
  const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * POST /v1/requests on PostgreSQL + BullMQ versus a bare Fastify route doing one INSERT, same database.
 * The three servers stay up and are loaded in turn, round after round, so drift on this shared
 * machine (other tenants, table growth, checkpoints) falls on all of them alike; each figure is the
 * median over the rounds, and the headline ratio the median of the per-round ratios.
 */
export async function runIntakeBench(opts: { dbUrl: string; redisUrl: string; seconds?: number; connections?: number; rounds?: number }): Promise<IntakeResult> {
  const seconds = opts.seconds ?? 8;
  const connections = opts.connections ?? 50;
  const rounds = opts.rounds ?? 3;
  const servers: ChildProcess[] = [];
  try {
    // OneDoor first: it migrates the schema the same-writes server writes into.
    servers.push(await start('onedoor', 3902, opts.dbUrl, opts.redisUrl));
    servers.push(await start('baseline', 3901, opts.dbUrl, opts.redisUrl));
    servers.push(await start('same-writes', 3904, opts.dbUrl, opts.redisUrl));
    const res = await fetch('http://127.0.0.1:3902/v1/api-keys', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'member_state', label: 'bench', memberState: 'SEN' }) });
    const { key } = await res.json() as { key: string };
    const targets: Array<{ target: string; url: string; headers: Record<string, string> }> = [
      { target: 'bare Fastify + one INSERT', url: 'http://127.0.0.1:3901/v1/requests', headers: {} },
      { target: 'OneDoor POST /v1/requests (PostgreSQL + outbox)', url: 'http://127.0.0.1:3902/v1/requests', headers: { authorization: `Bearer ${key}` } },
      { target: 'bare Fastify + the same four inserts in one statement', url: 'http://127.0.0.1:3904/v1/requests', headers: {} },
    ];
    const runs: IntakeRow[][] = targets.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, t] of targets.entries()) {
        await load(t.url, t.headers, 1, connections); // warm-up
        runs[i].push({ target: t.target, ...(await load(t.url, t.headers, seconds, connections)) });
        console.error(`  round ${round + 1}/${rounds}: ${t.target}: ${runs[i][round].rps.toFixed(0)} req/s, p99 ${runs[i][round].p99} ms`);
      }
    }
    const rows = runs.map((r) => ({
      target: r[0].target, rps: median(r.map((x) => x.rps)), p50: median(r.map((x) => x.p50)), p99: median(r.map((x) => x.p99)),
      errors: r.reduce((n, x) => n + x.errors, 0), non2xx: r.reduce((n, x) => n + x.non2xx, 0),
    }));
    return { rows, ratios: runs[1].map((od, i) => od.rps / runs[0][i].rps), rounds, seconds, connections };
  } finally {
    for (const s of servers) s.kill('SIGTERM');
    const sql = postgres(opts.dbUrl, { max: 1, onnotice: () => {} });
    await sql`drop table if exists bench_baseline`.catch(() => {});
    await sql.end();
  }
}
