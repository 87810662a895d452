import { z } from 'zod';
import { AreaCode, DECLINE_REASONS, EntityCode, Iso3, M49, Uuid } from '../common.schemas.js';
import { NextStep } from '../requests/requests.schemas.js';

export const ReviewQueueQuery = z.strictObject({
  region: M49.optional(),
  thematicArea: AreaCode.optional(),
  entity: EntityCode.optional(),
  urgency: z.enum(['low', 'normal', 'high']).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const ReviewItem = z.object({
  id: Uuid, requestId: Uuid, offeringId: Uuid, providerId: Uuid, entity: EntityCode.nullable(), score: z.number(), rank: z.number(),
  createdAt: z.string(), ageHours: z.number(), memberState: Iso3, title: z.string(), urgency: z.string(),
  thematicAreas: z.array(z.string()), offeringTitle: z.string(), explanation: z.record(z.string(), z.unknown()),
  /** in_review, or routed when another proposal of the request was already approved. */
  requestStatus: z.string(),
  /** The request may duplicate another one (CTED confirms or dismisses it on the request). */
  possibleDuplicate: z.boolean(),
});
export const DecisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject', 'reassign']),
  entity: EntityCode.optional(),
  note: z.string().trim().max(2000).optional(),
}).superRefine((b, ctx) => {
  if (b.decision === 'reassign' && !b.entity) ctx.addIssue({ code: 'custom', path: ['entity'], message: 'required to reassign' });
  if (b.decision === 'reassign' && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'a note is required to reassign' });
  if (b.decision === 'reject' && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'a reason is required to reject' });
});
export type DecisionBody = z.infer<typeof DecisionBody>;
export const BulkDecisionBody = z.strictObject({
  matchIds: z.array(Uuid).min(1).max(500),
  decision: z.enum(['approve', 'reject', 'reassign']),
  entity: EntityCode.optional(),
  note: z.string().trim().max(2000).optional(),
});
export const DecisionResult = z.object({ id: Uuid, status: z.string(), requestId: Uuid, requestStatus: z.string(), entity: EntityCode.nullable() });
export const EntityQueueItem = z.object({
  requestId: Uuid, memberState: Iso3, title: z.string(), status: z.string(), routedAt: z.string().nullable(), dueAt: z.string().nullable(),
  overdue: z.boolean(), confidentiality: z.string(), urgency: z.string(), thematicAreas: z.array(z.string()),
  matches: z.array(z.object({
    id: Uuid, offeringId: Uuid, providerId: Uuid, score: z.number(), status: z.string(), explanation: z.record(z.string(), z.unknown()),
    declineReason: z.string().nullable(), declineNote: z.string().nullable(),
  })),
  possibleDuplicate: z.boolean(),
  nextStep: NextStep,
});
export const EntityActionBody = z.strictObject({
  action: z.enum(['acknowledge', 'forward', 'hand_back']),
  matchId: Uuid.optional(),
  note: z.string().trim().max(2000).optional(),
}).superRefine((b, ctx) => {
  if (b.action === 'forward' && !b.matchId) ctx.addIssue({ code: 'custom', path: ['matchId'], message: 'which match to forward to its provider' });
  if (b.action === 'hand_back' && !b.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'say why the request goes back to CTED' });
});
export const ResponseBody = z.strictObject({
  decision: z.enum(['accept', 'decline']),
  reason: z.enum(DECLINE_REASONS).optional(),
  note: z.string().trim().max(2000).optional(),
}).superRefine((b, ctx) => {
  if (b.decision === 'decline' && !b.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a decline needs a reason code' });
});
export const InboxItem = z.object({
  matchId: Uuid, requestId: Uuid, offeringId: Uuid, status: z.string(), score: z.number(), memberState: Iso3, title: z.string(),
  description: z.string(), requestStatus: z.string(), explanation: z.record(z.string(), z.unknown()), forwardedAt: z.string().nullable(),
  /** This provider's match was accepted and delivery has not started: its next step (POST /v1/requests/:id/start-delivery). */
  canStartDelivery: z.boolean(),
});
export const CodeParams = z.object({ code: EntityCode });

export const AssignmentBody = z.strictObject({
  apply: z.boolean().default(false),
  limit: z.number().int().min(1).max(20_000).default(5000),
});
export const AssignmentPlan = z.object({
  assignments: z.array(z.object({ requestId: Uuid, offeringId: Uuid, matchId: Uuid, score: z.number() })),
  unassigned: z.array(Uuid), served: z.number().int(), totalScore: z.number(), minScore: z.number(), applied: z.number().int(),
  greedy: z.object({ served: z.number().int(), totalScore: z.number(), minScore: z.number() }),
});

const Note = z.string().trim().min(1).max(2000);

export const DecideRequestBody = z.strictObject({
  approve: z.array(Uuid).max(50).default([]),
  reject: z.array(z.strictObject({ matchId: Uuid, note: Note.describe('why this offering does not fit (the state reads it)') })).max(50).default([]),
  /** Route to this entity instead of the approved match's. */
  entity: EntityCode.optional(),
  note: z.string().trim().max(2000).optional(),
}).refine((b) => b.approve.length + b.reject.length > 0, { message: 'approve or reject at least one proposal', path: ['approve'] });
export const DecideRequestResult = z.object({
  requestId: Uuid, requestStatus: z.string(), entity: EntityCode.nullable(),
  results: z.array(z.object({ id: Uuid, status: z.string(), entity: EntityCode.nullable() })),
});

/**
 * Why a request is in CTED's triage. no_area_fits, areas_tie, nothing_eligible and low_confidence are
 * the matching engine's own reasons for not routing it (src/matching/confidence.ts: triageDecision).
 */
export const TRIAGE_REASONS = [
  'possible_duplicate', 'handed_back', 'not_acted', 'all_declined', 'no_proposal',
  'no_area_fits', 'areas_tie', 'nothing_eligible', 'low_confidence', 'new_proposal', 'waiting_too_long',
] as const;
export const TriageQuery = z.strictObject({
  /** open: what needs CTED now; parked: the requests marked unanswerable for now. */
  view: z.enum(['open', 'parked']).default('open'),
  reason: z.enum(TRIAGE_REASONS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const TriageItem = z.object({
  requestId: Uuid, memberState: Iso3, title: z.string(), status: z.string(), urgency: z.string(), routedEntity: EntityCode.nullable(),
  thematicAreas: z.array(z.string()), submittedAt: z.string(),
  /** Why the request is here, most pressing first; `note` carries the hand-back reason or CTED's own. */
  reasons: z.array(z.object({ code: z.enum(TRIAGE_REASONS), note: z.string().nullable() })),
  /** Since when it has been in its present state, and how many days that is. */
  since: z.string(), ageDays: z.number().int(),
  proposals: z.number().int(), topScore: z.number().nullable(),
  parked: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
});
export const TriagePage = z.object({ items: z.array(TriageItem), total: z.number().int() });

export const AttachBody = z.strictObject({
  offeringId: Uuid,
  /** The entity that carries the request on (default: the one it is routed to, else the area's responsible entity). */
  entity: EntityCode.optional(),
  note: z.string().trim().max(2000).optional(),
});
export const RouteBody = z.strictObject({ entity: EntityCode, note: z.string().trim().max(2000).optional() });
export const ReasonBody = z.strictObject({ reason: Note });
export const DuplicateDecisionBody = z.strictObject({ decision: z.enum(['confirm', 'dismiss']), note: z.string().trim().max(2000).optional() });
export const DuplicateParams = z.object({ id: Uuid, otherId: Uuid });
export const RequestActionResult = z.object({ requestId: Uuid, status: z.string(), entity: EntityCode.nullable() });
