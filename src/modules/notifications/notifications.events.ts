import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { savedSearches } from '../../../db/schema/index.js';
import type { EventRouter } from '../events/outbox.relay.js';
import { NOTIFYING_TOPICS } from './recipients.js';

/** Events that may concern people start a fan-out job (one per event: its id is the job's key). */
export const notificationsEventRouter: EventRouter = Object.assign((e: Parameters<EventRouter>[0]) => {
  if (!NOTIFYING_TOPICS.has(e.topic)) return [];
  // Every first match makes one: its request goes with the job, which then need not read the event.
  const requestId = (e.payload as { requestId?: unknown }).requestId;
  const matchedRequest = e.topic === 'request.matched' && typeof requestId === 'string' ? { matchedRequest: requestId } : {};
  return [{ name: 'notify-event' as const, data: { eventId: e.id, ...matchedRequest }, key: e.id }];
}, {
  // A first match concerns only saved searches (saved-searches.service.ts): with none active, no job (the job checks again).
  gate: {
    topics: new Set(['request.matched']),
    open: async (db: DbOrTx) => (await db.select({ id: savedSearches.id }).from(savedSearches).where(eq(savedSearches.active, true)).limit(1)).length > 0,
  },
});

/** The periodic jobs of notifications: a job scheduler each (BullMQ upsertJobScheduler; an interval in-process). */
export const NOTIFY_SCHEDULES = [
  { id: 'notify-follow-ups', job: 'notify-follow-ups', everyMs: 3600_000, data: {} },
  { id: 'digest-daily', job: 'send-digests', everyMs: 3600_000, data: { frequency: 'daily' } },
  { id: 'digest-weekly', job: 'send-digests', everyMs: 3600_000, data: { frequency: 'weekly' } },
] as const;
