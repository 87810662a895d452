import { auditEvents, outbox } from '../../../db/schema/index.js';
import type { DbOrTx } from '../../../db/client.js';
import type { Principal } from '../../plugins/auth.plugin.js';

export type Topic =
  | 'request.submitted' | 'request.withdrawn' | 'request.matched' | 'request.routed' | 'request.status_changed'
  | 'offering.changed' | 'need.changed' | 'match.decided' | 'match.forwarded' | 'match.accepted' | 'match.declined'
  | 'request.completed' | 'screening.list_loaded'
  | 'message.posted' | 'message.edited' | 'question.asked' | 'question.answered' | 'attachment.added' | 'attachment.matching_changed'
  | 'request.parts_changed' | 'learning.model_applied' | 'mail.queued' | 'request.escalated';

/** The system itself, when a worker acts. */
export const SYSTEM: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'system', userId: null, organisationId: null, memberRole: null };

/**
 * Who acted, as records and history show it: the person's name, or a machine key's label (issue 13:
 * names, not key ids; the audit row keeps the key's, person's and organisation's ids beside it).
 */
export const actorLabel = (p: Principal) => p.label;

/** Writes the audit record and, when given, the outbox event, inside the caller's transaction. */
export async function recordChange(tx: DbOrTx, p: Principal, change: {
  action: string; targetType: string; targetId: string | null; summary?: Record<string, unknown>;
  event?: { topic: Topic; payload: Record<string, unknown> };
}): Promise<void> {
  await tx.insert(auditEvents).values({
    actorKeyId: p.keyId, actorRole: p.role, actorUserId: p.userId ?? null, actorOrganisationId: p.organisationId ?? null, actorLabel: p.label,
    action: change.action, targetType: change.targetType,
    targetId: change.targetId, summary: change.summary ?? {},
  });
  if (change.event) await tx.insert(outbox).values({ topic: change.event.topic, payload: change.event.payload, requestId: p.requestId ?? null });
}
