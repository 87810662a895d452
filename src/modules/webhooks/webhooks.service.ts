import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, DbOrTx } from '../../../db/client.js';
import { matches, outbox, requests, webhookDeliveries, webhookSubscriptions } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { jobIdFor, RETRY } from '../../queue/jobs.js';
import type { QueueDriver } from '../../queue/queue.driver.js';
import type { EventRouter } from '../events/outbox.relay.js';
import { recordChange } from '../events/events.repository.js';
import type { ReferenceService } from '../reference/reference.service.js';
import { RefusedAddressError, resolveReceiver, type Resolve } from './webhook-address.js';
import { DELIVERY_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';
import { postPinned } from './webhook-transport.js';
import { WEBHOOK_TOPICS, type CreateWebhookBody } from './webhooks.schemas.js';

type Sub = typeof webhookSubscriptions.$inferSelect;
type Delivery = typeof webhookDeliveries.$inferSelect;
const TOPICS = new Set<string>(WEBHOOK_TOPICS);

/**
 * Outbox events that notify subscribers go through a fan-out job (which finds who should hear of them).
 * With no active subscription, none (asked once per relay pass holding such an event; every request
 * the engine routes makes one): the job would find nobody and end.
 */
export const webhookEventRouter: EventRouter = Object.assign((e: Parameters<EventRouter>[0]) => (TOPICS.has(e.topic) ? [{ name: 'fanout-webhooks' as const, data: { eventId: e.id }, key: e.id }] : []), {
  gate: {
    topics: TOPICS,
    open: async (db: DbOrTx) => (await db.select({ id: webhookSubscriptions.id }).from(webhookSubscriptions).where(eq(webhookSubscriptions.active, true)).limit(1)).length > 0,
  },
});

const view = (s: Sub) => ({
  id: s.id, url: s.url, events: s.events, entity: s.entityCode, providerId: s.providerId, active: s.active, createdAt: s.createdAt.toISOString(),
});
const deliveryView = (d: Delivery) => ({
  id: d.id, subscriptionId: d.subscriptionId, eventId: d.eventId, topic: d.topic, status: d.status as 'pending' | 'delivered' | 'dead',
  attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError, deliveredAt: d.deliveredAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(),
});

/**
 * How long a delivery attempt holds its claim: resolving the receiver and a POST of at most
 * WEBHOOK_TIMEOUT_MS, with room to spare (a POST is not started unless it ends within the lease).
 */
const deliveryLeaseMs = (timeoutMs: number) => 2 * timeoutMs + 30_000;

/** Signed webhooks: subscriptions per entity or provider, fan-out, delivery with retries, a log and redelivery. */
export function createWebhooksService(deps: {
  db: Db; queue: QueueDriver; reference: ReferenceService; config: Pick<Config, 'WEBHOOK_ALLOW_PRIVATE' | 'WEBHOOK_TIMEOUT_MS'>;
  /** How host names are resolved (the system's getaddrinfo unless a test brings its own DNS server). */
  resolve?: Resolve;
}) {
  const { db } = deps;
  /** The one address a receiver may be reached at now, or RefusedAddressError (checked at subscription and at every delivery). */
  const receiverAddress = (url: URL) => resolveReceiver(url.hostname, { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE, resolve: deps.resolve });
  const leaseMs = deliveryLeaseMs(deps.config.WEBHOOK_TIMEOUT_MS);

  /**
   * Why a claim was not taken: 'done' (delivered, or no such row), 'free' (released just now: claim
   * again) or 'busy': another attempt holds the lease, and a job is queued for when it runs out (one
   * per lease), which takes the delivery over if that attempt died holding it.
   */
  async function whyNotClaimed(deliveryId: string): Promise<'done' | 'free' | 'busy'> {
    const [held] = await db.select({
      leaseUntil: webhookDeliveries.leaseUntil,
      waitMs: sql<number>`greatest(0, ceil(extract(epoch from ${webhookDeliveries.leaseUntil} - now()) * 1000))::int`,
    }).from(webhookDeliveries).where(and(eq(webhookDeliveries.id, deliveryId), ne(webhookDeliveries.status, 'delivered')));
    if (!held) return 'done';
    if (!held.leaseUntil) return 'free';
    await deps.queue.enqueue('deliver-webhook', { deliveryId }, { jobId: jobIdFor('deliver-webhook', `${deliveryId}-l${held.leaseUntil.getTime()}`), delayMs: held.waitMs + 1000 });
    return 'busy';
  }

  function owner(p: Principal, body: { entity?: string; providerId?: string }) {
    if (p.role === 'entity') {
      if (body.entity && body.entity !== p.entity) throw forbidden('An entity key subscribes for its own entity.');
      if (body.providerId) throw forbidden();
      return { entityCode: p.entity, providerId: null };
    }
    if (p.role === 'provider') {
      if (body.providerId && body.providerId !== p.providerId) throw forbidden('A provider key subscribes for its own provider.');
      if (body.entity) throw forbidden();
      return { entityCode: null, providerId: p.providerId };
    }
    if (p.role !== 'admin' && p.role !== 'cted') throw forbidden();
    if (!!body.entity === !!body.providerId) throw badRequest('Say whom the subscription is for.', [{ path: 'entity', message: 'give exactly one of entity or providerId' }]);
    return { entityCode: body.entity ?? null, providerId: body.providerId ?? null };
  }

  async function ownedSub(p: Principal, id: string): Promise<Sub> {
    const [s] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
    const mine = s && (p.role === 'admin' || p.role === 'cted' || (p.role === 'entity' && s.entityCode === p.entity) || (p.role === 'provider' && s.providerId === p.providerId));
    if (!mine) throw notFound('Webhook');
    return s;
  }

  /** Who should hear of an event: the routed entity, and providers of the matches concerned (with consent). */
  async function audience(topic: string, payload: Record<string, unknown>) {
    const requestId = payload.requestId as string | undefined;
    const [req] = requestId ? await db.select().from(requests).where(eq(requests.id, requestId)) : [];
    if (!req) return { entity: null as string | null, providers: [] as string[] };
    const mayShare = req.consentToShare && req.confidentiality !== 'restricted';
    let providers: string[] = [];
    if (mayShare) {
      if (topic === 'match.forwarded' || topic === 'match.decided') {
        const [m] = await db.select().from(matches).where(eq(matches.id, payload.matchId as string));
        // Judged by the event, not by the match's status now (it may have moved on since).
        if (m && (topic === 'match.forwarded' || payload.decision === 'approve' || payload.decision === 'reassign')) providers = [m.providerId];
      } else if (topic === 'request.completed') {
        providers = (await db.select({ p: matches.providerId }).from(matches).where(and(eq(matches.requestId, req.id), eq(matches.status, 'accepted')))).map((r) => r.p);
      }
    }
    const entity = topic === 'match.decided' ? (payload.entity as string | null) ?? req.routedEntity : req.routedEntity;
    return { entity, providers };
  }

  return {
    async subscribe(p: Principal, body: z.infer<typeof CreateWebhookBody>) {
      const who = owner(p, body);
      const url = new URL(body.url);
      // With private addresses allowed there is nothing to refuse, and a name need not resolve yet.
      if (!deps.config.WEBHOOK_ALLOW_PRIVATE) {
        try { await receiverAddress(url); } catch (err) {
          if (!(err instanceof RefusedAddressError)) throw err;
          throw badRequest('Webhook URLs must reach a public address.', [{ path: 'url', message: err.message }]);
        }
      }
      if (who.entityCode && !(await deps.reference.get()).entityCodes.has(who.entityCode)) throw badRequest('Unknown entity.', [{ path: 'entity', message: 'not a Task Force entity code' }]);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      return db.transaction(async (tx) => {
        const [s] = await tx.insert(webhookSubscriptions).values({ ...who, url: body.url, secret, events: body.events ?? [...WEBHOOK_TOPICS] }).returning();
        await recordChange(tx, p, { action: 'webhook.subscribe', targetType: 'webhook', targetId: s.id, summary: { url: s.url, events: s.events } });
        return { ...view(s), secret };
      });
    },

    async list(p: Principal) {
      const cond = p.role === 'entity' ? eq(webhookSubscriptions.entityCode, p.entity!) : p.role === 'provider' ? eq(webhookSubscriptions.providerId, p.providerId!) : undefined;
      if (!cond && p.role !== 'admin' && p.role !== 'cted') throw forbidden();
      return (await db.select().from(webhookSubscriptions).where(cond)).map(view);
    },

    async remove(p: Principal, id: string) {
      await ownedSub(p, id);
      await db.update(webhookSubscriptions).set({ active: false }).where(eq(webhookSubscriptions.id, id));
    },

    async deliveries(p: Principal, id: string) {
      await ownedSub(p, id);
      return (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)).orderBy(desc(webhookDeliveries.createdAt)).limit(500)).map(deliveryView);
    },

    /** Sends a delivery again (after a receiver was fixed), with a fresh job id. */
    async redeliver(p: Principal, deliveryId: string) {
      const [d] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      if (!d) throw notFound('Delivery');
      await ownedSub(p, d.subscriptionId);
      await db.update(webhookDeliveries).set({ status: 'pending', updatedAt: new Date() }).where(eq(webhookDeliveries.id, d.id));
      await deps.queue.enqueue('deliver-webhook', { deliveryId: d.id }, { jobId: jobIdFor('deliver-webhook', `${d.id}-r${Date.now()}`) });
      return deliveryView({ ...d, status: 'pending' });
    },

    /** Job: one delivery row per interested subscriber (idempotent), then a delivery job each. */
    async fanout(eventId: string): Promise<number> {
      const [e] = await db.select().from(outbox).where(eq(outbox.id, eventId));
      if (!e) return 0;
      // Who listens to this topic at all, first: most events have no subscriber, and then the
      // audience (one to three more reads) is not worth working out.
      const listening = await db.select().from(webhookSubscriptions)
        .where(and(eq(webhookSubscriptions.active, true), sql`${e.topic} = any(${webhookSubscriptions.events})`));
      if (!listening.length) return 0;
      const { entity, providers } = await audience(e.topic, e.payload);
      const subs = listening.filter((s) => (s.entityCode && s.entityCode === entity) || (s.providerId && providers.includes(s.providerId)));
      for (const s of subs) {
        const body = { id: e.id, type: e.topic, createdAt: e.createdAt.toISOString(), data: e.payload };
        const [d] = await db.insert(webhookDeliveries).values({ subscriptionId: s.id, eventId: e.id, topic: e.topic, payload: body })
          .onConflictDoNothing().returning({ id: webhookDeliveries.id });
        const id = d?.id ?? (await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(and(eq(webhookDeliveries.subscriptionId, s.id), eq(webhookDeliveries.eventId, e.id))))[0].id;
        await deps.queue.enqueue('deliver-webhook', { deliveryId: id }, { jobId: jobIdFor('deliver-webhook', id) });
      }
      return subs.length;
    },

    /**
     * Job: POSTs one delivery, signed; throws on failure so the queue retries with backoff. The attempt
     * first claims the row (its own statement, before the POST) and sends only if the claim was taken:
     * a delivery another attempt holds is 'busy' (looked at again once that lease runs out, in case its
     * holder died), one already delivered is 'skipped'.
     */
    async deliver(deliveryId: string, attempt: number): Promise<'delivered' | 'skipped' | 'busy'> {
      const claimedBy = `${hostname()}:${process.pid}:${randomUUID()}`;
      // Measured before the claim on this process's monotonic clock, so it ends no later than the lease.
      const leaseEnds = performance.now() + leaseMs;
      const [d] = await db.update(webhookDeliveries)
        .set({ claimedBy, claimedAt: sql`now()`, leaseUntil: sql`now() + ${leaseMs}::int * interval '1 millisecond'` })
        .where(and(eq(webhookDeliveries.id, deliveryId), ne(webhookDeliveries.status, 'delivered'),
          or(isNull(webhookDeliveries.leaseUntil), lte(webhookDeliveries.leaseUntil, sql`now()`))))
        .returning();
      if (!d) {
        const why = await whyNotClaimed(deliveryId);
        return why === 'free' ? this.deliver(deliveryId, attempt) : why === 'done' ? 'skipped' : 'busy';
      }
      const [s] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, d.subscriptionId));
      const mine = and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.claimedBy, claimedBy));
      if (!s?.active) {
        await db.update(webhookDeliveries).set({ leaseUntil: null }).where(mine);
        return 'skipped';
      }
      const raw = JSON.stringify(d.payload);
      const ts = Math.floor(Date.now() / 1000);
      let status: number | null = null;
      let error: string | null = null;
      try {
        const url = new URL(s.url);
        // Checked again now: the name may point elsewhere since the subscription (or the setting changed).
        const pinned = await receiverAddress(url);
        // A POST that could outlast the lease might overlap the attempt taking it over: not started.
        if (performance.now() + deps.config.WEBHOOK_TIMEOUT_MS > leaseEnds) throw new Error('not sent: resolving the receiver took most of the lease');
        const res = await postPinned(url, pinned, raw, {
          'content-type': 'application/json', 'user-agent': 'OneDoor-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(s.secret, ts, d.id, raw), [TIMESTAMP_HEADER]: String(ts),
          'onedoor-event': d.topic, [DELIVERY_HEADER]: d.id,
        }, deps.config.WEBHOOK_TIMEOUT_MS);
        status = res.status;
        if (status >= 300 && status < 400) error = `receiver answered ${status}; redirects are not followed`;
        else if (status < 200 || status >= 300) error = `receiver answered ${status}`;
      } catch (err) {
        error = err instanceof RefusedAddressError ? `refused: ${err.message}` : err instanceof Error ? err.message : String(err);
      }
      const final = error !== null && attempt >= RETRY.attempts;
      // Only while the claim is still this attempt's (a lease run out may have been taken over meanwhile:
      // then the attempt holding it now records its own outcome).
      await db.update(webhookDeliveries).set({
        attempts: sql`${webhookDeliveries.attempts} + 1`, lastStatusCode: status, lastError: error, updatedAt: new Date(), leaseUntil: null,
        status: error === null ? 'delivered' : final ? 'dead' : 'pending', deliveredAt: error === null ? new Date() : null,
      }).where(mine);
      if (error !== null) throw new Error(`webhook delivery ${d.id} failed: ${error}`);
      return 'delivered';
    },
  };
}
export type WebhooksService = ReturnType<typeof createWebhooksService>;
