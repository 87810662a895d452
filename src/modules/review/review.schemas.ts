import { z } from 'zod';
import { AreaCode, DECLINE_REASONS, EntityCode, Iso3, M49, Uuid } from '../common.schemas.js';
import { CursorParam } from '../keyset-cursor.js';

const NextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

export const ReviewQueueQuery = z.strictObject({
  region: M49.optional(),
  thematicArea: AreaCode.optional(),
  entity: EntityCode.optional(),
  urgency: z.enum(['low', 'normal', 'high']).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Prefer `cursor`: offsets rescan the skipped rows.'),
  cursor: CursorParam,
});
export const ReviewItem = z.object({
  id: Uuid, requestId: Uuid, offeringId: Uuid, providerId: Uuid, entity: EntityCode.nullable(), score: z.number(), rank: z.number(),
  createdAt: z.string(), ageHours: z.number(), memberState: Iso3, title: z.string(), urgency: z.string(),
  thematicAreas: z.array(z.string()), offeringTitle: z.string(), explanation: z.record(z.string(), z.unknown()),
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
  matches: z.array(z.object({ id: Uuid, offeringId: Uuid, providerId: Uuid, score: z.number(), status: z.string(), explanation: z.record(z.string(), z.unknown()) })),
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
});
export const CodeParams = z.object({ code: EntityCode });
export const EntityQueueQuery = z.strictObject({
  status: z.enum(['routed', 'accepted', 'in_delivery']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorParam,
});
export const InboxQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: CursorParam,
});
export const ReviewPage = z.object({ items: z.array(ReviewItem), nextCursor: NextCursor });
export const EntityQueuePage = z.object({ items: z.array(EntityQueueItem), nextCursor: NextCursor });
export const InboxPage = z.object({ items: z.array(InboxItem), nextCursor: NextCursor });

export const AssignmentBody = z.strictObject({
  apply: z.boolean().default(false),
  limit: z.number().int().min(1).max(20_000).default(5000),
});
export const AssignmentPlan = z.object({
  assignments: z.array(z.object({ requestId: Uuid, offeringId: Uuid, matchId: Uuid, score: z.number() })),
  unassigned: z.array(Uuid), served: z.number().int(), totalScore: z.number(), minScore: z.number(), applied: z.number().int(),
  greedy: z.object({ served: z.number().int(), totalScore: z.number(), minScore: z.number() }),
});
