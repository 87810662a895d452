import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import { afterEach, describe, expect, it } from 'vitest';
import { schema, type Db } from '../../db/client.js';
import { coreEventRouter, createOutboxRelay } from '../../src/modules/events/outbox.relay.js';
import { notificationsEventRouter } from '../../src/modules/notifications/notifications.events.js';
import { webhookEventRouter } from '../../src/modules/webhooks/webhooks.service.js';
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

  it('starts a webhook fan-out job for an event only while a webhook subscription is active', async () => {
    const t = await buildTestApp({ queue: kind });
    cleanup.push(() => t.close());
    const webhooks = () => createOutboxRelay({ db: t.db.db, queue: t.queue, routers: [coreEventRouter, webhookEventRouter], log: { warn() {} }, pollMs: 1000 });
    const routed = async () => {
      await rows(t, `insert into outbox (topic, payload) values ('request.routed', jsonb_build_object('requestId', $1::text, 'entity', 'UNODC'))`, [randomUUID()]);
      expect(await webhooks().tick()).toBe(1);
      return (await t.queue.depth())['fanout-webhooks'] ?? 0;
    };
    // Nobody subscribes: the event is relayed (marked) and starts no job.
    expect(await routed()).toBe(0);
    expect(await rows(t, 'select count(*)::int as n from outbox where published_at is null')).toEqual([{ n: 0 }]);
    // An inactive subscription is nobody either; an active one (whatever its topics: the job reads who listens) opens the gate.
    await rows(t, `insert into webhook_subscriptions (entity_code, url, secret, events, active) values ('UNODC', 'https://hooks.example.org/a', 's', array['match.decided'], false)`);
    expect(await routed()).toBe(0);
    await rows(t, `insert into webhook_subscriptions (entity_code, url, secret, events) values ('UNODC', 'https://hooks.example.org/b', 's', array['request.routed'])`);
    expect(await routed()).toBe(1);
  });

  it('marks events that start no job without taking their rows\' locks (no transaction), and events with jobs in one', async () => {
    const t = await buildTestApp({ queue: kind });
    cleanup.push(() => t.close());
    const statements: string[] = [];
    const logged = drizzle(t.db.sql!, { schema, logger: { logQuery: (q) => { statements.push(q); } } }) as unknown as Db;
    const pass = async () => {
      statements.length = 0;
      const n = await createOutboxRelay({ db: logged, queue: t.queue, routers: [coreEventRouter, notificationsEventRouter], log: { warn() {} }, pollMs: 1000 }).tick();
      return { n, locked: statements.some((q) => /for update/.test(q)) };
    };
    // A first match's event, with no saved search active: no job, so no lock either.
    await rows(t, `insert into outbox (topic, payload) values ('request.matched', jsonb_build_object('requestId', $1::text))`, [randomUUID()]);
    expect(await pass()).toEqual({ n: 1, locked: false });
    expect(await rows(t, 'select count(*)::int as n from outbox where published_at is null')).toEqual([{ n: 0 }]);
    expect((await t.queue.depth())['notify-event'] ?? 0).toBe(0);
    // An event that starts a job is relayed in the transaction, its row locked.
    await rows(t, `insert into outbox (topic, payload) values ('request.submitted', jsonb_build_object('requestId', $1::text))`, [randomUUID()]);
    expect(await pass()).toEqual({ n: 1, locked: true });
    expect((await t.queue.depth())['match-request']).toBe(1);
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
