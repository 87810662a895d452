import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const rows = async (t: TestApp, q: string): Promise<any[]> => {
  const r = await t.db.db.execute(q);
  return Array.isArray(r) ? r : (r as { rows: any[] }).rows;
};
const metric = (text: string, name: string) => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('GET /health and GET /health/ready', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('BullMQ: not ready while no worker consumes, ready while one does, not ready again when it stops; /health stays the contract liveness', async () => {
    const t = await buildTestApp({ queue: 'bullmq', env: { WORKER_HEARTBEAT_MS: '200' } });
    cleanup.push(() => t.close());

    const before = await t.call({ method: 'GET', url: '/health/ready' });
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ status: 'not_ready', failing: ['workers'], checks: { db: { status: 'ok' }, queue: { status: 'ok' }, workers: { status: 'none', alive: 0 } } });
    const live = await t.call({ method: 'GET', url: '/health' });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok', db: 'ok', queue: 'ok', workers: { alive: 0 } });
    expect(metric((await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY })).body, 'onedoor_ready')).toBe(0);

    await t.startWorkers();
    await waitFor(async () => (await t.call({ method: 'GET', url: '/health/ready' })).status === 200, 20_000, 'ready with a worker');
    const ready = await t.call({ method: 'GET', url: '/health/ready' });
    expect(ready.body.checks.workers).toMatchObject({ status: 'ok', alive: 1, consumers: [{ pid: process.pid }] });
    const text = (await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY })).body as string;
    expect(metric(text, 'onedoor_ready')).toBe(1);
    expect(metric(text, 'onedoor_workers_alive')).toBe(1);
    expect(metric(text, 'onedoor_outbox_oldest_unrelayed_seconds')).toBe(0);

    // A worker that stops takes its heartbeat with it.
    await t.runtime.close();
    const after = await t.call({ method: 'GET', url: '/health/ready' });
    expect(after.status).toBe(503);
    expect(after.body.failing).toContain('workers');
  }, 60_000);

  it('not ready while the oldest unrelayed event is older than OUTBOX_MAX_LAG_S; requests waiting for a match are reported', async () => {
    const t = await buildTestApp({ env: { OUTBOX_MAX_LAG_S: '30' } });
    cleanup.push(() => t.close());
    await rows(t, `insert into outbox (topic, payload, created_at) values ('request.completed', '{}', now() - interval '5 minutes')`);
    const lagging = await t.call({ method: 'GET', url: '/health/ready' });
    expect(lagging.status).toBe(503);
    // Embedded mode: no consumer started in this process yet, and the event waits.
    expect(lagging.body.failing).toEqual(['workers', 'outbox']);
    expect(lagging.body.checks.outbox).toMatchObject({ status: 'lagging', unrelayed: 1, maxLagSeconds: 30 });
    expect(lagging.body.checks.outbox.oldestSeconds).toBeGreaterThanOrEqual(299);
    expect((await t.call({ method: 'GET', url: '/health' })).body.outbox).toMatchObject({ unrelayed: 1 });
    expect(metric((await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY })).body, 'onedoor_outbox_backlog')).toBe(1);

    await t.startWorkers();
    await waitFor(async () => (await t.call({ method: 'GET', url: '/health/ready' })).status === 200, 20_000, 'ready once the relay caught up');
    const ready = await t.call({ method: 'GET', url: '/health/ready' });
    expect(ready.body.checks).toMatchObject({ outbox: { status: 'ok', unrelayed: 0 }, matching: { waiting: 0, oldestSeconds: 0 }, deadLetters: { unstored: 0 } });
  }, 60_000);
});
