import { afterEach, describe, expect, it } from 'vitest';
import { coreEventRouter, createOutboxRelay } from '../../src/modules/events/outbox.relay.js';
import { RETRY } from '../../src/queue/jobs.js';
import { castOf, fiuOffering, fiuRequest } from '../helpers/fixtures.js';
import { TEST_DATABASE_URL } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { buildTestApp, memoryLog, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const rows = async (t: TestApp, q: string): Promise<any[]> => {
  const r = await t.db.db.execute(q);
  return Array.isArray(r) ? r : (r as { rows: any[] }).rows;
};
const pgAt = new URL(TEST_DATABASE_URL);
const fast = () => 30; // outage waits shortened for the test (the real ones grow to 15 s)

/** A fresh database, and an app that reaches it through a TCP proxy the test can cut. */
async function appBehindProxy(cleanup: (() => Promise<unknown>)[], queue: 'in-process' | 'bullmq', env: Record<string, string> = {}) {
  const proxy = await startProxy({ host: pgAt.hostname, port: Number(pgAt.port || 5432) });
  cleanup.push(() => proxy.stop());
  const direct = await buildTestApp();
  cleanup.push(() => direct.close());
  const via = new URL(direct.config.DATABASE_URL!);
  via.hostname = '127.0.0.1';
  via.port = String(proxy.port);
  const make = async (extra: Record<string, string> = {}) => {
    const t = await buildTestApp({ queue, env: { DATABASE_URL: via.toString(), ...env, ...extra }, reuseDatabase: true });
    cleanup.push(() => t.close());
    return t;
  };
  return { proxy, direct, make };
}

/** Moves what is in the outbox to the queue now, without starting consumers. */
const relayOnce = (t: TestApp) => createOutboxRelay({ db: t.db.db, queue: t.queue, routers: [coreEventRouter], log: { warn() {} }, pollMs: 1000 }).tick();

describe.each(['in-process', 'bullmq'] as const)('jobs during a PostgreSQL outage (%s queue)', (queue) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('a job failing on connection errors waits without using its attempts, and runs when the database returns', async () => {
    const { proxy, direct, make } = await appBehindProxy(cleanup, queue);
    const t = await make();
    const c = await castOf(t);
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
    expect(filed.status).toBe(202);
    expect(await relayOnce(t)).toBeGreaterThan(0);

    await proxy.stop();
    const log = memoryLog();
    await t.startWorkers({ log, outageDelayMs: fast });
    // Well past the 5 attempts a job has: before, it was dead-lettered (into the database that was down).
    await waitFor(() => log.lines.filter((l) => l.obj.job === 'match-request' && /not counted as an attempt/.test(l.msg)).length > RETRY.attempts + 2, 60_000, 'the match job to wait through more failures than it has attempts');
    expect(log.count('job failed for good')).toBe(0);

    await proxy.start();
    await waitFor(async () => (await rows(direct, `select matched_at from requests where id = '${filed.body.id}'`))[0]?.matched_at != null, 60_000, 'the request matched after the outage');
    expect(await rows(direct, `select count(*)::int as n from request_transitions where request_id = '${filed.body.id}' and to_status = 'matched'`)).toEqual([{ n: 1 }]);
    expect(await rows(direct, 'select * from dead_letters')).toEqual([]);
  }, 120_000);

  it('a dead letter that fails while the database is down is kept and stored when it returns', async () => {
    const { proxy, direct, make } = await appBehindProxy(cleanup, queue);
    const t = await make();
    await proxy.stop();
    const log = memoryLog();
    await t.startWorkers({ log, outageDelayMs: fast });
    // A payload that can never run: it fails for good at once, without touching the database.
    await t.queue.enqueue('match-request', { requestId: 'not-a-uuid' } as never, { jobId: 'match-request-broken-1' });
    await waitFor(() => t.services.deadLetterSpool.pending === 1, 30_000, 'the dead letter kept');
    expect(log.count('job failed for good')).toBe(1);

    let storeWith: TestApp = t;
    if (queue === 'bullmq') {
      // The process that kept it stops before the database returns; the next consumer stores it.
      await t.runtime.close();
      storeWith = await make({ QUEUE_PREFIX: t.config.QUEUE_PREFIX });
      await storeWith.startWorkers({ log, outageDelayMs: fast });
    }
    await proxy.start();
    await waitFor(async () => (await rows(direct, 'select job_name, job_id, error from dead_letters')).length === 1, 30_000, 'the dead letter stored');
    const [dl] = await rows(direct, 'select job_name, job_id, error from dead_letters');
    expect(dl).toMatchObject({ job_name: 'match-request', job_id: 'match-request-broken-1' });
    expect(dl.error).toMatch(/bad match-request payload/);
    await waitFor(() => storeWith.services.deadLetterSpool.pending === 0, 10_000, 'nothing left kept');
    const listed = await storeWith.call({ method: 'GET', url: '/v1/admin/dead-letters', key: (await import('../helpers/test-app.js')).ADMIN_KEY });
    expect(listed.body.items).toHaveLength(1);
  }, 120_000);
});

describe.each(['in-process', 'bullmq'] as const)('the sweeper (%s queue)', (queue) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('puts back requests whose job was lost, and one left in matched, once they have waited STRANDED_AFTER_S', async () => {
    const t = await buildTestApp({ queue, env: { STRANDED_AFTER_S: '60' } });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: `Stranded FIU request ${i}` } })).body.id);
    // Their jobs are lost (a Redis without AOF, a dead letter): the events count as relayed, no job exists.
    await rows(t, `update outbox set published_at = now() where topic = 'request.submitted'`);
    // One was left in matched by an earlier version of the matcher.
    await rows(t, `update requests set status = 'matched' where id = '${ids[2]}'`);

    expect(await t.services.sweeper.sweep()).toBe(0); // not stranded yet: they have just been filed
    const later = new Date(Date.now() + 61_000);
    expect(await t.services.sweeper.sweep(later)).toBe(3);
    await t.startWorkers();
    await waitFor(async () => (await rows(t, `select count(*)::int as n from requests where matched_at is not null and status not in ('submitted', 'matched')`))[0].n === 3, 60_000, 'the stranded requests matched');
    const transitions = await rows(t, `select request_id, count(*)::int as n from request_transitions where to_status = 'matched' group by 1`);
    expect(transitions.map((r) => r.n).sort()).toEqual([1, 1]); // the one left in matched does not pass through it again
    // A second sweep in the same period adds nothing, and finds nothing left to sweep.
    expect(await t.services.sweeper.sweep(later)).toBe(0);
  }, 120_000);

  it('runs on its own schedule in the consumers', async () => {
    const t = await buildTestApp({ queue, env: { STRANDED_AFTER_S: '10', SWEEP_INTERVAL_S: '5' } });
    cleanup.push(() => t.close());
    const c = await castOf(t);
    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
    // Filed an hour ago and its job lost.
    await rows(t, `update outbox set published_at = now() where topic = 'request.submitted'`);
    await rows(t, `update requests set updated_at = now() - interval '1 hour', submitted_at = now() - interval '1 hour' where id = '${filed.body.id}'`);
    await t.startWorkers();
    await waitFor(async () => (await rows(t, `select matched_at from requests where id = '${filed.body.id}'`))[0].matched_at != null, 60_000, 'the sweep to run and the request to match');
  }, 90_000);
});
