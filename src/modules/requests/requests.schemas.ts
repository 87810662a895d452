import { z } from 'zod';
import {
  AreaCode, Description, EntityCode, Iso3, Lang, Modality, RequestStatus, Title, Uuid, DECLINE_REASONS,
} from '../common.schemas.js';
import { CursorParam } from '../keyset-cursor.js';

export const Urgency = z.enum(['low', 'normal', 'high']);
export const Confidentiality = z.enum(['public', 'task_force', 'restricted']);

export const CreateRequestBody = z.strictObject({
  title: Title,
  description: Description,
  language: Lang.optional(),
  thematicAreas: z.array(AreaCode).max(10).optional(),
  modalities: z.array(Modality).max(8).optional(),
  urgency: Urgency.optional(),
  confidentiality: Confidentiality.optional(),
  /** Whether the request may be shown to providers that are matched with it (default true). */
  consentToShare: z.boolean().optional(),
}).meta({ id: 'CreateRequest' });
export type CreateRequestBody = z.infer<typeof CreateRequestBody>;

export const Accepted = z.object({ id: Uuid, status: RequestStatus });

export const MatchView = z.object({
  id: Uuid, offeringId: Uuid, providerId: Uuid, rank: z.number().int(), score: z.number(),
  explanation: z.record(z.string(), z.unknown()), status: z.string(), entity: EntityCode.nullable(),
});

export const RequestView = z.object({
  id: Uuid,
  memberState: Iso3,
  title: z.string(),
  description: z.string(),
  language: Lang,
  status: RequestStatus,
  thematicAreas: z.array(z.string()),
  modalities: z.array(Modality),
  urgency: Urgency,
  confidentiality: Confidentiality,
  consentToShare: z.boolean(),
  submittedAt: z.string(),
  matchedAt: z.string().nullable(),
  routing: z.object({ entity: EntityCode, reason: z.string() }).nullable(),
  matches: z.array(MatchView),
  linkedNeeds: z.array(z.object({ needId: Uuid, score: z.number() })),
  possibleDuplicates: z.array(z.object({ requestId: Uuid, similarity: z.number() })),
  feedback: z.object({ outcome: z.string(), comment: z.string().optional(), at: z.string() }).nullable(),
}).meta({ id: 'RequestView' });
export type RequestView = z.infer<typeof RequestView>;

export const RequestSummary = z.object({
  id: Uuid, memberState: Iso3, title: z.string(), language: Lang, status: RequestStatus,
  thematicAreas: z.array(z.string()), urgency: Urgency, confidentiality: Confidentiality,
  submittedAt: z.string(), matchedAt: z.string().nullable(), routedEntity: EntityCode.nullable(),
});

export const ListRequestsQuery = z.strictObject({
  status: RequestStatus.optional(),
  memberState: Iso3.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Prefer `cursor`: offsets rescan the skipped rows.'),
  cursor: CursorParam,
});

export const ConsentBody = z.strictObject({ consentToShare: z.boolean() });
export const WithdrawBody = z.strictObject({ reason: z.string().trim().max(2000).optional() }).optional();
export const FeedbackBody = z.strictObject({
  outcome: z.enum(['met', 'partly_met', 'not_met']),
  comment: z.string().trim().max(5000).optional(),
});
export const MatchResponseBody = z.strictObject({
  decision: z.enum(['accept', 'decline']),
  reason: z.enum(DECLINE_REASONS).optional(),
  note: z.string().trim().max(2000).optional(),
}).refine((b) => b.decision === 'accept' || b.reason, { message: 'a decline needs a reason', path: ['reason'] });
