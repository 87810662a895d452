import type { NotificationsService } from '../../src/modules/notifications/notifications.service.js';
import type { JobContext, JobData } from '../../src/queue/jobs.js';
import { parseJob } from '../../src/queue/jobs.js';

/** Tells the people an event concerns; idempotent (one notification per person, kind and event). */
export const notifyEvent = (deps: { notifications: Pick<NotificationsService, 'fanout'> }) =>
  async (data: JobData<'notify-event'>, ctx: JobContext) => {
    const { eventId, matchedRequest } = parseJob('notify-event', data);
    const n = await deps.notifications.fanout(eventId, matchedRequest);
    if (n) ctx.log.info({ eventId, notified: n }, 'notifications made');
  };

/** The scheduled follow-ups (deadlines, stale offerings, feedback, questions, the yearly check). */
export const notifyFollowUps = (deps: { notifications: Pick<NotificationsService, 'runFollowUps'> }) =>
  async (data: JobData<'notify-follow-ups'>, ctx: JobContext) => {
    const { at } = parseJob('notify-follow-ups', data);
    const counts = await deps.notifications.runFollowUps(at ? new Date(at) : undefined);
    if (Object.values(counts).some((n) => n > 0)) ctx.log.info(counts, 'follow-up notifications made');
  };

/** The daily or weekly digests due now. */
export const sendDigests = (deps: { notifications: Pick<NotificationsService, 'sendDigests'> }) =>
  async (data: JobData<'send-digests'>, ctx: JobContext) => {
    const { frequency, at } = parseJob('send-digests', data);
    const n = await deps.notifications.sendDigests(frequency, at ? new Date(at) : undefined);
    if (n) ctx.log.info({ frequency, digests: n }, 'digests queued');
  };
