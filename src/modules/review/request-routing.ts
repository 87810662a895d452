import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { matches, requests, routingDecisions } from '../../../db/schema/index.js';
import { conflict, notFound } from '../../errors.js';
import type { Principal } from '../../plugins/auth.plugin.js';
import { actorLabel, recordChange } from '../events/events.repository.js';
import { transition, UNANSWERED_STATUSES, type RequestStatus } from '../requests/request-lifecycle.js';

export type RequestRow = typeof requests.$inferSelect;
export type MatchRow = typeof matches.$inferSelect;

/** Locks and returns a request (404 when unknown). */
export async function lockRequest(tx: Tx, id: string): Promise<RequestRow> {
  const [r] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
  if (!r) throw notFound('Request');
  return r;
}

/** Sends a request to an entity (again): the due clock restarts; a mark "unanswerable for now" is lifted. */
export async function routeTo(tx: Tx, p: Principal, r: RequestRow, entity: string, reason: string, note?: string | null): Promise<void> {
  const now = new Date();
  await transition(tx, r, 'routed', p, note, { routedEntity: entity, routingReason: reason, routedAt: now, entityActedAt: null, parkedAt: null, parkedReason: null });
  await tx.insert(routingDecisions).values({ requestId: r.id, entityCode: entity, reason, actor: actorLabel(p) });
  await recordChange(tx, p, {
    action: 'request.route', targetType: 'request', targetId: r.id, summary: { entity, reason, note: note ?? null },
    event: { topic: 'request.routed', payload: { requestId: r.id, entity } },
  });
}

/**
 * After CTED approved offerings of a request: a request waiting in review goes to the entity of the
 * approved match (a routed one only if that entity is another). After rejections that leave nothing
 * to approve, the responsible entity still owns the request, without an offering (CTED's triage
 * queue shows it as having no proposal).
 */
export async function routeAfterDecisions(tx: Tx, p: Principal, r: RequestRow, approvedEntity: string | null, reassigned: boolean, note?: string | null): Promise<void> {
  if (approvedEntity && (r.status === 'in_review' || (r.status === 'routed' && r.routedEntity !== approvedEntity))) {
    await routeTo(tx, p, r, approvedEntity, reassigned ? 'reassigned_by_cted' : 'approved_by_cted', note);
    return;
  }
  if (!approvedEntity && r.status === 'in_review') {
    const [left] = await tx.select({ n: sql<number>`count(*)::int` }).from(matches).where(and(eq(matches.requestId, r.id), inArray(matches.status, ['proposed', 'approved'])));
    if (left.n === 0 && r.routedEntity) await routeTo(tx, p, r, r.routedEntity, 'no_accepted_offering', note);
  }
}

/** Refuses a CTED action on a request that is closed or already has an accepted offering. */
export function assertUnanswered(r: RequestRow): void {
  if (!UNANSWERED_STATUSES.includes(r.status as RequestStatus)) {
    throw conflict('invalid_transition', `The request is ${r.status}: it is closed or already has an accepted offering.`);
  }
}
