import { afterEach, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';
import { startWorkerProcess } from '../helpers/worker-process.js';

const rows = async (t: TestApp, q: string): Promise<any[]> => {
  const r = await t.db.db.execute(q);
  return Array.isArray(r) ? r : (r as { rows: any[] }).rows;
};
const redisAt = new URL(TEST_REDIS_URL);
const pgAt = new URL(TEST_DATABASE_URL);

/** Every filed request is matched exactly once: one `matched` transition each, no duplicate matches. */
async function assertMatchedOnce(t: TestApp, ids: string[]) {
  const list = `'${ids.join("','")}'`;
  const matched = await rows(t, `select request_id, count(*)::int as n from request_transitions where to_status = 'matched' and request_id in (${list}) group by request_id`);
  expect(matched).toHaveLength(ids.length);
  expect(matched.every((r) => r.n === 1)).toBe(true);
  const dup = await rows(t, `select request_id, offering_id, count(*)::int as n from matches where request_id in (${list}) group by 1, 2 having count(*) > 1`);
  expect(dup).toEqual([]);
}

describe('faults (loopback only, bounded in time)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('keeps accepting requests while Redis is down, reports it, and matches them all when it returns', async () => {
    const proxy = await startProxy({ host: redisAt.hostname, port: Number(redisAt.port || 6379) });
    cleanup.push(() => proxy.stop());
    const t = await buildTestApp({ queue: 'bullmq', env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    await t.startWorkers();
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });

    await proxy.stop();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: `FIU request during the outage ${i}` } });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const health = await t.call({ method: 'GET', url: '/health' });
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ db: 'ok', queue: 'down' });
    const waiting = await rows(t, `select count(*)::int as n from outbox where published_at is null and topic = 'request.submitted'`);
    expect(waiting[0].n).toBeGreaterThanOrEqual(20);

    await proxy.start();
    await waitFor(async () => (await rows(t, `select count(*)::int as n from requests where matched_at is not null and id in ('${ids.join("','")}')`))[0].n === 20, 120_000, 'all requests matched after Redis returned');
    expect((await t.call({ method: 'GET', url: '/health' })).status).toBe(200);
    await assertMatchedOnce(t, ids);
  }, 240_000);

  it('retries a job whose worker was killed with SIGKILL mid-run: each request matched once, no duplicate webhooks', async () => {
    const t = await buildTestApp({ queue: 'bullmq', env: { JOB_LOCK_MS: '2000' } });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    const env = { DATABASE_URL: t.config.DATABASE_URL!, REDIS_URL: t.config.REDIS_URL!, QUEUE_PREFIX: t.config.QUEUE_PREFIX, JOB_LOCK_MS: '2000', OUTBOX_POLL_MS: '50', WORKER_CONCURRENCY: '4', WEBHOOK_ALLOW_PRIVATE: 'true' };
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: `FIU request number ${i}` } })).body.id);

    const first = await startWorkerProcess(env);
    // Kill it as soon as matching is under way, so some jobs die half-done.
    await waitFor(async () => (await rows(t, `select count(*)::int as n from requests where matched_at is not null`))[0].n >= 3, 90_000, 'first matches');
    first.kill('SIGKILL');
    await first.exited;
    const second = await startWorkerProcess(env);
    cleanup.push(async () => { second.kill('SIGTERM'); await second.exited; });
    await waitFor(async () => (await rows(t, `select count(*)::int as n from requests where matched_at is not null and id in ('${ids.join("','")}')`))[0].n === 40, 120_000, 'all matched after the kill');
    await assertMatchedOnce(t, ids);
    const dupDeliveries = await rows(t, `select subscription_id, event_id from webhook_deliveries group by 1, 2 having count(*) > 1`);
    expect(dupDeliveries).toEqual([]);
  }, 300_000);

  it('answers 503 in the error shape while PostgreSQL is unreachable, and recovers without a restart', async () => {
    const proxy = await startProxy({ host: pgAt.hostname, port: Number(pgAt.port || 5432) });
    cleanup.push(() => proxy.stop());
    const direct = await buildTestApp();
    cleanup.push(() => direct.close());
    // A second app on the same fresh database, through the proxy.
    const viaProxy = new URL(direct.config.DATABASE_URL!);
    viaProxy.port = String(proxy.port);
    viaProxy.hostname = '127.0.0.1';
    const t = await buildTestApp({ env: { DATABASE_URL: viaProxy.toString() }, reuseDatabase: true });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    expect((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).status).toBe(202);

    await proxy.stop();
    // Clients that keep trying, 20 at a time, 5 rounds: every answer comes within DB_WAIT_MS (3 s here).
    // Before, the queued statements waited out postgres.js's reconnect backoff (growing to 20 s each).
    const key = 'outage-retry-1';
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        const started = Date.now();
        const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest, headers: { 'idempotency-key': i === 0 ? key : `outage-${round}-${i}` } });
        return { ...res, took: Date.now() - started };
      }));
      for (const during of answers) {
        expect(during.took, `round ${round}: an answer took ${during.took} ms`).toBeLessThan(8000);
        expect(during.status).toBe(503);
        expect(during.headers['retry-after']).toBe('5');
        expect(during.body.error).toMatchObject({ code: 'service_unavailable', message: expect.any(String), details: [] });
        // Refused connections prove the request never reached PostgreSQL: the answer says it was not recorded
        // (or, when the key itself had to be looked up, that the database is not reachable).
        expect(during.body.error.message).toMatch(/^The request was not recorded|^The database is not reachable/);
        expect(JSON.stringify(during.body)).not.toMatch(/ECONN|at .*\.ts/);
      }
    }
    const health = await t.call({ method: 'GET', url: '/health' });
    expect(health.status).toBe(503);
    expect(health.body.db).toBe('down');

    await proxy.start();
    await waitFor(async () => (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest, headers: { 'idempotency-key': key } })).status === 202, 20_000, 'recovery');
    const again = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest, headers: { 'idempotency-key': key } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await rows(direct, `select count(*)::int as n from idempotency_keys where key = '${key}'`)).toEqual([{ n: 1 }]);
    expect((await t.call({ method: 'GET', url: '/health' })).body.db).toBe('ok');
  }, 240_000);

  it('two worker processes on one queue match every request exactly once', async () => {
    const t = await buildTestApp({ queue: 'bullmq' });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    const env = { DATABASE_URL: t.config.DATABASE_URL!, REDIS_URL: t.config.REDIS_URL!, QUEUE_PREFIX: t.config.QUEUE_PREFIX, OUTBOX_POLL_MS: '50' };
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    const workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
    cleanup.push(async () => { for (const w of workers) { w.kill('SIGTERM'); await w.exited; } });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: { ...fiuRequest, title: `Parallel FIU request ${i}` } })).body.id);
    await waitFor(async () => (await rows(t, `select count(*)::int as n from requests where matched_at is not null and id in ('${ids.join("','")}')`))[0].n === 60, 120_000, 'all matched by two workers');
    await assertMatchedOnce(t, ids);
  }, 300_000);
});
