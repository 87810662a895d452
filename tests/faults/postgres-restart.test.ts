import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { createCluster, type Cluster } from '../helpers/pg-cluster.js';
import { freePort, startChild, type Child } from '../helpers/processes.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { ADMIN_KEY } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The issue 11 run, made a test: an API and two workers on a PostgreSQL cluster of the test's own,
 * requests filed throughout by clients that retry a 503 with the same Idempotency-Key, PostgreSQL
 * restarted with a fast shutdown several times, both workers killed with SIGKILL mid-work.
 */
describe('PostgreSQL restarts and killed workers under load', () => {
  let cluster: Cluster;
  const children: Child[] = [];
  beforeAll(async () => { cluster = await createCluster(); }, 90_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await cluster?.drop();
  }, 90_000);

  it('accepts, keeps and matches every request exactly once; no process dies; readiness is red while no worker consumes', async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: cluster.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: `odfault-${randomBytes(4).toString('hex')}`,
      ADMIN_API_KEY: ADMIN_KEY, RATE_LIMIT_PER_MINUTE: '100000', OUTBOX_POLL_MS: '100', WORKER_HEARTBEAT_MS: '500',
      DB_WAIT_MS: '2000', WORKER_CONCURRENCY: '4', JOB_LOCK_MS: '5000', DATABASE_POOL_MAX: '5',
    };
    const base = `http://127.0.0.1:${port}`;
    const api = startChild('src/server.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    children.push(api);
    await waitFor(async () => (await fetch(`${base}/health`).then((r) => r.ok, () => false)) || api.exitCode() !== undefined, 90_000, 'the API');
    const startWorker = () => { const w = startChild('workers/main.ts', env); children.push(w); return w; };
    let workers = [startWorker(), startWorker()];
    await waitFor(() => workers.every((w) => w.ready()) || workers.some((w) => w.exitCode() !== undefined), 90_000, 'two workers');

    const call = async (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, headers: res.headers, body: await res.json().catch(() => null) as any };
    };
    const ready = async () => (await fetch(`${base}/health/ready`).then(async (r) => ({ status: r.status, body: await r.json() as any }), () => ({ status: 0, body: null })));
    const prov = await call('POST', '/v1/providers', ADMIN_KEY, { name: 'UNODC TPB', kind: 'task_force_entity', entity: 'UNODC' });
    const pkey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'provider', label: 'p', providerId: prov.body.id })).body.key;
    expect((await call('POST', '/v1/offerings', pkey, fiuOffering)).status).toBe(201);
    const skey = (await call('POST', '/v1/api-keys', ADMIN_KEY, { role: 'member_state', label: 's', memberState: 'SEN' })).body.key;
    await waitFor(async () => (await ready()).status === 200, 30_000, 'ready before the faults');

    // Clients that file requests and retry a 503 (or a refused connection) with the same Idempotency-Key until it is accepted.
    const accepted = new Map<string, string>();
    const answers = { unavailable: 0, slowestMs: 0, other: [] as string[] };
    let filing = true;
    let next = 0;
    const client = async () => {
      while (filing) {
        const key = `fault-${next++}`;
        for (;;) {
          const started = Date.now();
          const res = await call('POST', '/v1/requests', skey, { ...fiuRequest, title: `FIU request under faults ${key}` }, { 'idempotency-key': key }).catch(() => null);
          answers.slowestMs = Math.max(answers.slowestMs, Date.now() - started);
          if (res?.status === 202) { accepted.set(key, res.body.id); break; }
          if (res && res.status !== 503) answers.other.push(`${res.status} ${JSON.stringify(res.body)}`);
          if (res?.status === 503) {
            answers.unavailable++;
            expect(res.headers.get('retry-after')).toBe('5');
            expect(res.body.error).toMatchObject({ code: 'service_unavailable', details: [] });
          }
          await sleep(100);
        }
        await sleep(250);
      }
    };
    const clients = Array.from({ length: 2 }, client);
    // Stops waiting as soon as a process that must live has died, and says why.
    const noneDied = () => {
      expect(api.exitCode(), api.stderr()).toBeUndefined();
      for (const w of workers) if (!killed.has(w)) expect(w.exitCode(), w.stderr()).toBeUndefined();
    };
    const killed = new Set<Child>();
    const acceptedGrowsBy = async (n: number, what: string) => {
      const from = accepted.size;
      await waitFor(() => accepted.size >= from + n || api.exitCode() !== undefined || workers.some((w) => !killed.has(w) && w.exitCode() !== undefined), 60_000, what);
      noneDied();
    };

    await acceptedGrowsBy(6, 'requests before the first restart');
    for (let i = 0; i < 3; i++) {
      await cluster.restart();
      await acceptedGrowsBy(6, `requests accepted after restart ${i + 1}`);
    }

    // Both workers killed mid-work: readiness goes red once their heartbeats expire, and the API keeps relaying.
    for (const w of workers) { killed.add(w); w.proc.kill('SIGKILL'); }
    await Promise.all(workers.map((w) => w.exited));
    await waitFor(async () => (await ready()).body?.failing?.includes('workers'), 20_000, 'readiness red without workers');
    const red = await ready();
    expect(red.status).toBe(503);
    expect(red.body.checks.workers).toMatchObject({ status: 'none', alive: 0 });
    const live = await fetch(`${base}/health`).then((r) => r.json() as Promise<any>);
    expect(live).toMatchObject({ status: 'ok', db: 'ok', queue: 'ok', workers: { alive: 0 } });
    // A restart while nobody consumes; intake carries on.
    await cluster.restart();
    await acceptedGrowsBy(6, 'requests accepted while no worker runs');

    workers = [startWorker()];
    await waitFor(() => workers.every((w) => w.ready()) || workers.some((w) => w.exitCode() !== undefined), 90_000, 'a new worker');
    noneDied();
    await waitFor(async () => (await ready()).status === 200, 30_000, 'readiness green again');
    await cluster.restart();
    await acceptedGrowsBy(6, 'requests after the last restart');
    filing = false;
    await Promise.all(clients);

    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      const ids = [...accepted.values()];
      await waitFor(async () => (await sql`select count(*)::int as n from requests where matched_at is not null and id = any(${ids}::uuid[])`)[0].n === ids.length, 90_000, `all ${ids.length} accepted requests matched`);
      // Every request filed is one of those accepted: a retried key never made a second request.
      expect((await sql`select count(*)::int as n from requests`)[0].n).toBe(ids.length);
      expect(new Set(ids).size).toBe(ids.length);
      const matchedTwice = await sql`select request_id from request_transitions where to_status = 'matched' group by 1 having count(*) <> 1`;
      expect(matchedTwice).toEqual([]);
      expect((await sql`select count(distinct request_id)::int as n from request_transitions where to_status = 'matched'`)[0].n).toBe(ids.length);
      expect(await sql`select request_id, offering_id from matches group by 1, 2 having count(*) > 1`).toEqual([]);
      expect(await sql`select job_name, error from dead_letters`).toEqual([]);
    } finally {
      await sql.end();
    }
    console.info(`faults: ${accepted.size} requests accepted and matched once each; ${answers.unavailable} answers were 503, the slowest answer took ${answers.slowestMs} ms`);
    expect(answers.other).toEqual([]);
    // Every answer came within DB_WAIT_MS and a margin for a loaded machine, never after postgres.js's 20 s backoff.
    expect(answers.slowestMs).toBeLessThan(10_000);
    // No process died: the API and the new worker still run; none printed the driver's TypeError.
    expect(api.exitCode(), api.stderr()).toBeUndefined();
    for (const w of workers) expect(w.exitCode(), w.stderr()).toBeUndefined();
    for (const c of children) expect(c.stderr()).not.toMatch(/TypeError|Cannot read properties of null/);
    expect((await ready()).status).toBe(200);
  }, 240_000);
});
