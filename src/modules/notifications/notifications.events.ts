import type { EventRouter } from '../events/outbox.relay.js';
import { NOTIFYING_TOPICS } from './recipients.js';

/** Events that may concern people start a fan-out job (one per event: its id is the job's key). */
export const notificationsEventRouter: EventRouter = (e) => {
  if (!NOTIFYING_TOPICS.has(e.topic)) return [];
  // Every first match makes one: its request goes with the job, which then need not read the event.
  const requestId = (e.payload as { requestId?: unknown }).requestId;
  const matchedRequest = e.topic === 'request.matched' && typeof requestId === 'string' ? { matchedRequest: requestId } : {};
  return [{ name: 'notify-event', data: { eventId: e.id, ...matchedRequest }, key: e.id }];
};

/** The periodic jobs of notifications: a job scheduler each (BullMQ upsertJobScheduler; an interval in-process). */
export const NOTIFY_SCHEDULES = [
  { id: 'notify-follow-ups', job: 'notify-follow-ups', everyMs: 3600_000, data: {} },
  { id: 'digest-daily', job: 'send-digests', everyMs: 3600_000, data: { frequency: 'daily' } },
  { id: 'digest-weekly', job: 'send-digests', everyMs: 3600_000, data: { frequency: 'weekly' } },
] as const;
