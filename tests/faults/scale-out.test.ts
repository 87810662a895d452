import { fork, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';
import { startWorkerProcess } from '../helpers/worker-process.js';
import { fiuOffering, fiuRequest } from '../helpers/fixtures.js';

/** `npm start` as a real child process on a port, PostgreSQL + BullMQ. */
async function startApi(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = fork('src/server.ts', [], { execArgv: ['--import', 'tsx'], env: { ...process.env, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)), 90_000, `API on ${port}`);
  return child;
}

describe('scale-out: two API processes and two workers on one database and queue', () => {
  const procs: ChildProcess[] = [];
  let t: TestApp;
  afterAll(async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    await t?.close();
  });

  it('files through both APIs, matches with both workers, each request exactly once', async () => {
    t = await buildTestApp({ queue: 'bullmq' });
    const env = { DATABASE_URL: t.config.DATABASE_URL!, REDIS_URL: t.config.REDIS_URL!, QUEUE_PREFIX: t.config.QUEUE_PREFIX, ADMIN_API_KEY: ADMIN_KEY, OUTBOX_POLL_MS: '50', SESSION_SECRET: 'a-shared-session-secret-for-both-api-processes' };
    const ports = [3921 + Math.floor(Math.random() * 500), 0];
    ports[1] = ports[0] + 1;
    procs.push(await startApi(ports[0], env), await startApi(ports[1], env));
    procs.push(await startWorkerProcess(env), await startWorkerProcess(env));
    const call = async (port: number, path: string, key: string, body?: unknown) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      return { status: res.status, body: await res.json() as any };
    };
    const prov = await call(ports[0], '/v1/providers', ADMIN_KEY, { name: 'UNODC TPB', kind: 'task_force_entity', entity: 'UNODC' });
    const pkey = (await call(ports[1], '/v1/api-keys', ADMIN_KEY, { role: 'provider', label: 'p', providerId: prov.body.id })).body.key;
    expect((await call(ports[0], '/v1/offerings', pkey, fiuOffering)).status).toBe(201);
    const skey = (await call(ports[0], '/v1/api-keys', ADMIN_KEY, { role: 'member_state', label: 's', memberState: 'SEN' })).body.key;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await call(ports[i % 2], '/v1/requests', skey, { ...fiuRequest, title: `Scale-out FIU request ${i}` });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    await waitFor(async () => {
      const views = await Promise.all(ids.map((id, i) => call(ports[(i + 1) % 2], `/v1/requests/${id}`, skey)));
      return views.every((v) => v.body.matchedAt !== null);
    }, 120_000, 'all matched');
    const rows = await t.db.db.execute(`select request_id, count(*)::int as n from request_transitions where to_status = 'matched' group by 1`);
    const list = (Array.isArray(rows) ? rows : (rows as { rows: any[] }).rows) as { n: number }[];
    expect(list).toHaveLength(40);
    expect(list.every((r) => r.n === 1)).toBe(true);
  }, 300_000);
});
