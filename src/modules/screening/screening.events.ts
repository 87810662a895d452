import type { EventRouter } from '../events/outbox.relay.js';
import { jobIdFor } from '../../queue/jobs.js';

/** A newly loaded list re-screens every registered subject (one run per list). */
export const screeningEventRouter: EventRouter = (e) => {
  if (e.topic !== 'screening.list_loaded') return [];
  const listId = String((e.payload as { listId?: unknown }).listId ?? '');
  return listId ? [{ name: 'screening-rescreen', data: { runKey: `list:${listId}` }, key: e.id }] : [];
};

/** The nightly re-screen: one job id, and one run, per UTC day. */
export function nightlyRescreenJob(at: Date) {
  const day = at.toISOString().slice(0, 10);
  return { data: { runKey: `day:${day}` }, jobId: jobIdFor('screening-rescreen', `day-${day}`) };
}
