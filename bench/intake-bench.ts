import { fork, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import postgres from 'postgres';

export interface IntakeRow { target: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }

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

/** POST /v1/requests on PostgreSQL + BullMQ versus a bare Fastify route doing one INSERT, same database, same run. */
export async function runIntakeBench(opts: { dbUrl: string; redisUrl: string; seconds?: number; connections?: number }): Promise<IntakeRow[]> {
  const seconds = opts.seconds ?? 10;
  const connections = opts.connections ?? 50;
  const rows: IntakeRow[] = [];
  const base = await start('baseline', 3901, opts.dbUrl, opts.redisUrl);
  try {
    await load('http://127.0.0.1:3901/v1/requests', {}, 2, connections); // warm-up
    rows.push({ target: 'bare Fastify + one INSERT', ...(await load('http://127.0.0.1:3901/v1/requests', {}, seconds, connections)) });
  } finally { base.kill('SIGTERM'); }
  const od = await start('onedoor', 3902, opts.dbUrl, opts.redisUrl);
  let same: ChildProcess | undefined;
  try {
    const res = await fetch('http://127.0.0.1:3902/v1/api-keys', { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'member_state', label: 'bench', memberState: 'SEN' }) });
    const { key } = await res.json() as { key: string };
    const auth = { authorization: `Bearer ${key}` };
    await load('http://127.0.0.1:3902/v1/requests', auth, 2, connections);
    rows.push({ target: 'OneDoor POST /v1/requests (PostgreSQL + outbox)', ...(await load('http://127.0.0.1:3902/v1/requests', auth, seconds, connections)) });
    od.kill('SIGTERM');
    // The schema exists now (OneDoor migrated it): measure the same writes without the app around them.
    same = await start('same-writes', 3904, opts.dbUrl, opts.redisUrl);
    await load('http://127.0.0.1:3904/v1/requests', {}, 2, connections);
    rows.push({ target: 'bare Fastify + the same four inserts in one statement', ...(await load('http://127.0.0.1:3904/v1/requests', {}, seconds, connections)) });
  } finally { od.kill('SIGTERM'); same?.kill('SIGTERM'); }
  const sql = postgres(opts.dbUrl, { max: 1, onnotice: () => {} });
  await sql`drop table if exists bench_baseline`.catch(() => {});
  await sql.end();
  return rows;
}
