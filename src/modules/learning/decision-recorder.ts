import type { DbOrTx } from '../../../db/client.js';
import { decisionExamples, type matches, type requests } from '../../../db/schema/index.js';
import type { DecisionKind } from '../../matching/learning.js';

type RequestRow = typeof requests.$inferSelect;
type MatchRow = typeof matches.$inferSelect;

/**
 * Keeps one decision as a labelled example, inside the caller's transaction (so a decision and its
 * example are written together or not at all). The one recorder every decision point calls: CTED's
 * approvals, rejections and reassignments, entity hand-backs, providers' acceptances and declines
 * (src/modules/review/review.service.ts). It records what the engine had decided at the time.
 */
export async function recordDecision(tx: DbOrTx, d: {
  kind: DecisionKind;
  request: RequestRow;
  match?: MatchRow | null;
  /** The entity decided for (approval, reassignment) or handing back. */
  decidedEntity?: string | null;
  actor: string;
  note?: string | null;
}): Promise<void> {
  const r = d.request;
  const m = d.match ?? null;
  const components = (m?.explanation as { components?: Record<string, number> } | undefined)?.components ?? null;
  await tx.insert(decisionExamples).values({
    kind: d.kind, requestId: r.id, matchId: m?.id ?? null, offeringId: m?.offeringId ?? null, providerId: m?.providerId ?? null,
    area: r.engineRouting?.area ?? r.classifiedAreas?.[0]?.code ?? null,
    concept: r.engineRouting?.concept ?? null,
    engineEntity: r.engineRouting ? r.engineRouting.entity : r.routedEntity,
    decidedEntity: d.decidedEntity ?? null,
    score: m?.score ?? null, rank: m?.rank ?? null, components,
    actor: d.actor, note: d.note ?? null,
  });
}
