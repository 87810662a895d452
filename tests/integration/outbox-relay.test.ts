import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { coreEventRouter, createOutboxRelay } from '../../src/modules/events/outbox.relay.js';
import { notificationsEventRouter } from '../../src/modules/notifications/notifications.events.js';
import { BullMqQueueDriver } from '../../src/queue/bullmq.driver.js';
import { InProcessQueueDriver } from '../../src/queue/in-process.driver.js';
import type { QueueDriver } from '../../src/queue/queue.driver.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const rows = async (t: TestApp, q: string, params: unknown[] = []): Promise<any[]> => t.db.query(q, params);
const relay = (t: TestApp, queue: QueueDriver) =>
  createOutboxRelay({ db: t.db.db, queue, routers: [coreEventRouter, notificationsEventRouter], log: { warn() {} }, pollMs: 1000 });

/** Three events: two may start jobs of different names, one starts none. */
async function addEvents(t: TestApp) {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  await rows(t, `insert into outbox (topic, payload, created_at) values
    ('request.submitted', jsonb_build_object('requestId', $1::text), now() - interval '3 seconds'),
    ('request.matched', jsonb_build_object('requestId', $2::text), now() - interval '2 seconds'),
    ('request.created_for_the_record', jsonb_build_object('requestId', $3::text), now() - interval '1 second')`, [a, b, c]);
  return rows(t, `select id, topic from outbox where published_at is null order by created_at`);
}

describe.each(['in-process', 'bullmq'] as const)('outbox relay (%s queue)', (kind) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  it('relays a batch whose events start jobs of several names in one pass, and marks every event; a first match starts a notification job only while a saved search is active', async () => {
    const t = await buildTestApp({ queue: kind });
    cleanup.push(() => t.close());
    const events = await addEvents(t);
    expect(await relay(t, t.queue).tick()).toBe(3);
    expect(await rows(t, 'select count(*)::int as n from outbox where published_at is null')).toEqual([{ n: 0 }]);
    // No saved search is active: a first match's event starts no notification job.
    const depth = await t.queue.depth();
    expect([depth['match-request'], depth['notify-event'] ?? 0]).toEqual([1, 0]);
    // With one, it does; relayed again (as by a relay that died before its commit), the same events are the same jobs.
    await rows(t, `insert into saved_searches (provider_id, user_id, name) values ($1, $2, 'any')`, [randomUUID(), randomUUID()]);
    const again = async () => {
      await rows(t, 'update outbox set published_at = null where id = any($1::uuid[])', [events.map((e) => e.id)]);
      expect(await relay(t, t.queue).tick()).toBe(3);
      const d = await t.queue.depth();
      return [d['match-request'], d['notify-event']];
    };
    expect(await again()).toEqual([1, 1]);
    expect(await again()).toEqual([1, 1]);
  });

  it('leaves every event waiting when the queue refuses them, the first one with the error', async () => {
    const t = await buildTestApp({ queue: kind });
    cleanup.push(() => t.close());
    const events = await addEvents(t);
    // A queue that cannot take jobs: one that was closed (its Redis connection ended).
    const down: QueueDriver = kind === 'in-process' ? new InProcessQueueDriver() : new BullMqQueueDriver(TEST_REDIS_URL, `odtest-down-${randomUUID().slice(0, 8)}`);
    await down.close();
    expect(await relay(t, down).tick()).toBe(0);
    const after = await rows(t, 'select id, attempts, last_error, published_at from outbox order by created_at');
    expect(after.map((r) => r.published_at)).toEqual([null, null, null]);
    expect(after.map((r) => r.attempts)).toEqual([1, 0, 0]);
    expect(after[0].id).toBe(events[0].id);
    expect(after[0].last_error).toBeTruthy();
    // When the queue is back, the same events go out.
    expect(await relay(t, t.queue).tick()).toBe(3);
  });
});
