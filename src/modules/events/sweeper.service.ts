import { and, asc, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { attachments, mailMessages, outbox, requests, webhookDeliveries } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { jobIdFor, type JobName } from '../../queue/jobs.js';
import type { QueueDriver } from '../../queue/queue.driver.js';
import type { EventRouter } from './outbox.relay.js';

/** Mail rows a send-mail job still has to take (mail.service.ts send takes exactly these). */
const MAIL_PENDING = ['queued', 'retrying', 'sending'];
/**
 * Jobs of an event whose completion no row tells: each is idempotent (one delivery row per
 * subscriber and event, one notification per person and event key, one run per screening run key),
 * so running one again for an event that was already handled changes nothing.
 */
const EVENT_JOBS: ReadonlySet<JobName> = new Set(['fanout-webhooks', 'notify-event', 'screening-rescreen']);
/** Without a checkpoint (the first start after an upgrade), events of this long before are taken again. */
const NO_PREVIOUS_START_LOOKBACK_MS = 24 * 3_600_000;

/** At most this many requests are put back per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/**
 * The backstop behind the outbox: a request that has sat in `submitted` or `matched` longer than
 * STRANDED_AFTER_S (its job lost with a Redis that kept no AOF, dead-lettered, or never relayed) is
 * put back on the queue. Matching is idempotent, so a request that was merely waiting its turn only
 * costs a job that finds it already matched. The job id carries the period, so one stranded request
 * gets at most one extra job per STRANDED_AFTER_S however many workers sweep.
 */
export function createSweeperService(deps: { db: Db; queue: QueueDriver; config: Pick<Config, 'STRANDED_AFTER_S'> }) {
  /** Re-enqueues matching for up to `limit` requests waiting since before `before`, under job ids tagged `tag`. */
  async function putBack(before: Date, tag: string, limit: number): Promise<number> {
    const stranded = await deps.db.select({ id: requests.id }).from(requests)
      .where(and(inArray(requests.status, ['submitted', 'matched']), lt(requests.updatedAt, before)))
      .orderBy(asc(requests.updatedAt)).limit(limit);
    for (const r of stranded) {
      await deps.queue.enqueue('match-request', { requestId: r.id, reason: 'sweep' }, { jobId: jobIdFor('match-request', `sweep-${r.id}-${tag}`) });
    }
    return stranded.length;
  }
  return {
    /** Re-enqueues matching for stranded requests; returns how many. */
    async sweep(now = new Date()): Promise<number> {
      const afterMs = deps.config.STRANDED_AFTER_S * 1000;
      return putBack(new Date(now.getTime() - afterMs), String(Math.floor(now.getTime() / afterMs)), SWEEP_BATCH);
    },
    /**
     * Embedded default, at start: the in-process queue died with the previous process (a crash, a
     * kill), so every request that was waiting for its match then is stranded now, however recently
     * it was filed. Puts back all of those not touched since `startedAt`.
     */
    async sweepAtStart(startedAt: Date): Promise<number> {
      return putBack(startedAt, `start-${startedAt.getTime()}`, Number.MAX_SAFE_INTEGER);
    },
    /**
     * Embedded default, at start: every job kind the in-process queue may have lost with the previous
     * process, put back from what the database says is still pending from before `startedAt`:
     * requests waiting for a match (sweepAtStart), mail still to send, webhook deliveries still
     * pending (their claims released: webhooks.service.ts deliver), attachments awaiting text extraction, and the event jobs whose completion no row
     * records (fan-out to webhooks and notifications, screening runs) for the events relayed since
     * `doneBefore` (the last moment the previous process's queue was idle: src/runtime.ts). Mail, deliveries and extraction take their row
     * by its state, so a row done meanwhile is skipped; the job ids are the ones the normal path
     * uses where it has one (a delivery's, a mail's first round), so a fan-out run again adds no second job.
     */
    async recoverAtStart(startedAt: Date, opts: { doneBefore: Date | null; routers: EventRouter[] }): Promise<Record<'requests' | 'mail' | 'deliveries' | 'attachments' | 'events', number>> {
      const tag = `start-${startedAt.getTime()}`;
      const db = deps.db;
      const matched = await putBack(startedAt, tag, Number.MAX_SAFE_INTEGER);
      const mail = await db.select({ id: mailMessages.id }).from(mailMessages)
        .where(and(inArray(mailMessages.status, MAIL_PENDING), lt(mailMessages.createdAt, startedAt))).orderBy(asc(mailMessages.createdAt));
      for (const m of mail) await deps.queue.enqueue('send-mail', { mailId: m.id }, { jobId: jobIdFor('send-mail', m.id) });
      // The claims the previous process held died with it: their leases need not run out first.
      await db.update(webhookDeliveries).set({ leaseUntil: null })
        .where(and(eq(webhookDeliveries.status, 'pending'), isNotNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.claimedAt, startedAt)));
      const deliveries = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), lt(webhookDeliveries.createdAt, startedAt))).orderBy(asc(webhookDeliveries.createdAt));
      for (const d of deliveries) await deps.queue.enqueue('deliver-webhook', { deliveryId: d.id }, { jobId: jobIdFor('deliver-webhook', d.id) });
      const pending = await db.select({ id: attachments.id }).from(attachments)
        .where(and(eq(attachments.extractionStatus, 'pending'), lt(attachments.createdAt, startedAt))).orderBy(asc(attachments.createdAt));
      for (const a of pending) await deps.queue.enqueue('extract-attachment', { attachmentId: a.id }, { jobId: jobIdFor('extract-attachment', `${a.id}-${tag}`) });
      const since = opts.doneBefore ?? new Date(startedAt.getTime() - NO_PREVIOUS_START_LOOKBACK_MS);
      const events = await db.select().from(outbox)
        .where(and(isNotNull(outbox.publishedAt), gte(outbox.publishedAt, since), lt(outbox.publishedAt, startedAt))).orderBy(asc(outbox.createdAt));
      let eventJobs = 0;
      for (const e of events) {
        for (const r of opts.routers) {
          for (const job of r(e)) {
            if (!EVENT_JOBS.has(job.name)) continue;
            await deps.queue.enqueue(job.name, job.data, { jobId: jobIdFor(job.name, `${job.key}-${tag}`) });
            eventJobs++;
          }
        }
      }
      return { requests: matched, mail: mail.length, deliveries: deliveries.length, attachments: pending.length, events: eventJobs };
    },
  };
}
export type SweeperService = ReturnType<typeof createSweeperService>;
