import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type DatabaseHandle, type Db } from '../../db/client.js';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema/index.js';
import { createWebhooksService, type WebhooksService } from '../../src/modules/webhooks/webhooks.service.js';
import { InProcessQueueDriver } from '../../src/queue/in-process.driver.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { startReceiver, waitFor } from '../helpers/webhook-receiver.js';

const TIMEOUT_MS = 2000;

/** A stored subscription to `url` and one pending delivery for it, as fan-out leaves them. */
async function pendingDelivery(db: Db, url: string): Promise<string> {
  const [s] = await db.insert(webhookSubscriptions).values({ entityCode: 'UNODC', url, secret: 'whsec_test', events: ['request.routed'] }).returning();
  const [d] = await db.insert(webhookDeliveries).values({ subscriptionId: s.id, eventId: randomUUID(), topic: 'request.routed', payload: { id: randomUUID(), type: 'request.routed', data: {} } }).returning();
  return d.id;
}
const deliveryRow = async (db: Db, id: string) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0];

/** A worker's webhooks service: its own database connections and its own (unconsumed) queue, to see what it enqueues. */
function worker(db: Db, t: TestApp): { svc: WebhooksService; queue: InProcessQueueDriver } {
  const queue = new InProcessQueueDriver();
  return { queue, svc: createWebhooksService({ db, queue, reference: t.services.reference, config: { WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_TIMEOUT_MS: TIMEOUT_MS } }) };
}

describe('webhook delivery claims (two workers on one PostgreSQL database)', () => {
  let t: TestApp;
  let other: DatabaseHandle;
  let a: ReturnType<typeof worker>;
  let b: ReturnType<typeof worker>;
  beforeAll(async () => {
    t = await buildTestApp({ env: { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } });
    // The second worker reaches the database over a pool of its own, as another process would.
    other = await openDatabase({ url: t.config.DATABASE_URL!, poolMax: 5 });
    a = worker(t.db.db, t);
    b = worker(other.db, t);
  });
  afterAll(async () => {
    await a?.queue.close(); await b?.queue.close();
    await other?.close();
    await t?.close();
  });

  it('sends a delivery two workers race for once: the one holding the claim sends, the other is busy', async () => {
    let release!: () => void;
    const receiver = await startReceiver({ hold: new Promise<void>((r) => { release = r; }) });
    const spies = [vi.spyOn(a.queue, 'enqueue'), vi.spyOn(b.queue, 'enqueue')];
    try {
      const id = await pendingDelivery(t.db.db, receiver.url);
      const both = [a.svc.deliver(id, 1), b.svc.deliver(id, 1)];
      // The receiver holds the winner's POST open, so the loser ends while the claim is held.
      expect(await Promise.race(both)).toBe('busy');
      await waitFor(() => receiver.attempts === 1, 10_000, 'the winner\'s POST');
      release();
      expect((await Promise.all(both)).sort()).toEqual(['busy', 'delivered']);
      expect(receiver.attempts).toBe(1);
      expect(receiver.received.map((r) => r.headers['onedoor-delivery'])).toEqual([id]);
      expect(await deliveryRow(t.db.db, id)).toMatchObject({ status: 'delivered', attempts: 1, leaseUntil: null, claimedBy: expect.stringContaining(`:${process.pid}:`) });
      // The busy one left a job for when the lease runs out (in case the holder died), one per lease.
      expect([...spies[0].mock.calls, ...spies[1].mock.calls].map(([name, data]) => ({ name, data }))).toEqual([{ name: 'deliver-webhook', data: { deliveryId: id } }]);
      // Delivered: any later attempt finds nothing to send.
      expect(await b.svc.deliver(id, 2)).toBe('skipped');
      expect(receiver.attempts).toBe(1);
    } finally { release(); for (const sp of spies) sp.mockRestore(); await receiver.close(); }
  });

  it('many attempts at once over both workers: the receiver gets the delivery exactly once', async () => {
    const receiver = await startReceiver();
    try {
      const ids = [await pendingDelivery(t.db.db, receiver.url), await pendingDelivery(t.db.db, receiver.url)];
      const outcomes = await Promise.all(ids.flatMap((id) => Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).svc.deliver(id, 1))));
      expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(ids.length);
      expect(outcomes.every((o) => ['delivered', 'busy', 'skipped'].includes(o))).toBe(true);
      expect(receiver.attempts).toBe(ids.length);
      expect(receiver.received.map((r) => r.headers['onedoor-delivery']).sort()).toEqual([...ids].sort());
      for (const id of ids) expect(await deliveryRow(t.db.db, id)).toMatchObject({ status: 'delivered', attempts: 1 });
    } finally { await receiver.close(); }
  });

  it('does not send a delivery another worker holds a live lease on, and queues a look for when it runs out', async () => {
    const receiver = await startReceiver();
    const enqueue = vi.spyOn(b.queue, 'enqueue');
    try {
      const id = await pendingDelivery(t.db.db, receiver.url);
      await t.db.db.update(webhookDeliveries).set({ claimedBy: 'elsewhere:1:x', claimedAt: sql`now()`, leaseUntil: sql`now() + interval '1 hour'` }).where(eq(webhookDeliveries.id, id));
      expect(await b.svc.deliver(id, 1)).toBe('busy');
      expect(await b.svc.deliver(id, 1)).toBe('busy');
      expect(receiver.attempts).toBe(0);
      expect(await deliveryRow(t.db.db, id)).toMatchObject({ claimedBy: 'elsewhere:1:x', attempts: 0, status: 'pending' });
      // One job per lease, after it: both calls asked for the same job id, delayed past the hour.
      expect(enqueue).toHaveBeenCalledTimes(2);
      const [[name, data, opts], [, , again]] = enqueue.mock.calls;
      expect({ name, data }).toEqual({ name: 'deliver-webhook', data: { deliveryId: id } });
      expect(again.jobId).toBe(opts.jobId);
      expect(opts.delayMs).toBeGreaterThan(3_500_000);
    } finally { enqueue.mockRestore(); await receiver.close(); }
  });

  it('takes over a delivery whose claim\'s lease ran out (its worker died after or while sending), and sends it once', async () => {
    const receiver = await startReceiver();
    try {
      const id = await pendingDelivery(t.db.db, receiver.url);
      await t.db.db.update(webhookDeliveries).set({ claimedBy: 'crashed:1:x', claimedAt: sql`now() - interval '10 minutes'`, leaseUntil: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id));
      expect(await a.svc.deliver(id, 1)).toBe('delivered');
      expect(receiver.attempts).toBe(1);
      const row = await deliveryRow(t.db.db, id);
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, leaseUntil: null });
      expect(row.claimedBy).not.toBe('crashed:1:x');
      expect(await b.svc.deliver(id, 1)).toBe('skipped');
      expect(receiver.attempts).toBe(1);
    } finally { await receiver.close(); }
  });

  it('an attempt whose lease was taken over records nothing over the new holder\'s outcome', async () => {
    let release!: () => void;
    const slow = await startReceiver({ hold: new Promise<void>((r) => { release = r; }), status: 500 });
    try {
      const id = await pendingDelivery(t.db.db, slow.url);
      const first = a.svc.deliver(id, 1);
      await waitFor(() => slow.attempts === 1, 10_000, 'the first POST');
      // The first attempt stalls past its lease; another takes the delivery over and sends it.
      await t.db.db.update(webhookDeliveries).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id));
      const fine = await startReceiver();
      await t.db.db.update(webhookSubscriptions).set({ url: fine.url }).where(eq(webhookSubscriptions.id, (await deliveryRow(t.db.db, id)).subscriptionId));
      expect(await b.svc.deliver(id, 1)).toBe('delivered');
      release();
      // The stalled attempt's 500 is thrown for its job, but the row keeps the new holder's success.
      await expect(first).rejects.toThrow(/webhook delivery .* failed/);
      expect(await deliveryRow(t.db.db, id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204, lastError: null });
      await fine.close();
    } finally { release(); await slow.close(); }
  });

  it('the embedded start releases the claims the previous process held, and the delivery is sent', async () => {
    const receiver = await startReceiver();
    try {
      const id = await pendingDelivery(t.db.db, receiver.url);
      await t.db.db.update(webhookDeliveries).set({ claimedBy: 'previous:1:x', claimedAt: sql`now() - interval '1 second'`, leaseUntil: sql`now() + interval '1 hour'` }).where(eq(webhookDeliveries.id, id));
      expect(await a.svc.deliver(id, 1)).toBe('busy');
      const n = await t.services.sweeper.recoverAtStart(new Date(), { doneBefore: new Date(), routers: [] });
      expect(n.deliveries).toBeGreaterThanOrEqual(1);
      expect(await deliveryRow(t.db.db, id)).toMatchObject({ leaseUntil: null, status: 'pending' });
      expect(await a.svc.deliver(id, 1)).toBe('delivered');
      expect(receiver.attempts).toBe(1);
    } finally { await receiver.close(); }
  });
});

describe('webhook delivery claims on PGlite (the embedded database applies the migration)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp({ db: 'pglite', env: { WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) } }); });
  afterAll(async () => { await t?.close(); });

  it('claims, skips a live lease, takes over a stale one, and sends each delivery once', async () => {
    const receiver = await startReceiver();
    const w = worker(t.db.db, t);
    try {
      const id = await pendingDelivery(t.db.db, receiver.url);
      await t.db.db.update(webhookDeliveries).set({ claimedBy: 'elsewhere:1:x', claimedAt: sql`now()`, leaseUntil: sql`now() + interval '1 hour'` }).where(eq(webhookDeliveries.id, id));
      expect(await w.svc.deliver(id, 1)).toBe('busy');
      expect(receiver.attempts).toBe(0);
      await t.db.db.update(webhookDeliveries).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id));
      // One connection: the second claim waits for the first, then finds it held (busy) or already delivered (skipped).
      const [loser, winner] = (await Promise.all([w.svc.deliver(id, 1), w.svc.deliver(id, 1)])).sort();
      expect(winner).toBe('delivered');
      expect(['busy', 'skipped']).toContain(loser);
      expect(receiver.attempts).toBe(1);
      expect(await deliveryRow(t.db.db, id)).toMatchObject({ status: 'delivered', attempts: 1, leaseUntil: null });
    } finally { await w.queue.close(); await receiver.close(); }
  });
});
