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
  offeringTitle: z.string(),
  /** engine (proposed by matching) or cted (attached by CTED from the directory; not scored). */
  origin: z.enum(['engine', 'cted']),
  /** The offering starts later (still proposed): its start date. */
  startsAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** CTED's note on its decision: for a rejected match, the reason. */
  decisionNote: z.string().nullable(),
  /** The provider's reason code and note when it declined. */
  declineReason: z.string().nullable(),
  declineNote: z.string().nullable(),
});

export const NextActor = z.enum(['system', 'cted', 'entity', 'provider', 'member_state']);
export const NextStep = z.object({
  /** Who acts next (null when the request's life is over). */
  actor: NextActor.nullable(),
  step: z.enum(['matching', 'cted_duplicate', 'cted_review', 'cted_triage', 'waiting_offering', 'entity_forward', 'entity_find', 'provider_answer', 'start_delivery', 'state_feedback', 'done', 'merged', 'closed', 'withdrawn']),
  entity: EntityCode.nullable(),
}).meta({ id: 'NextStep' });

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
  /** Possible duplicates either way (`earlier`: filed before this one); dismissed ones are left out. */
  possibleDuplicates: z.array(z.object({
    requestId: Uuid, similarity: z.number(), direction: z.enum(['earlier', 'later']), decision: z.enum(['open', 'confirmed']),
    /** The other request's title and status, when the reader may see it (else null). */
    title: z.string().nullable(), status: RequestStatus.nullable(),
  })),
  feedback: z.object({ outcome: z.string(), comment: z.string().optional(), at: z.string() }).nullable(),
  nextStep: NextStep,
  /** Every status change with who acted (role and organisation) and their reason: CTED's, the entity's hand-back, the provider's. */
  history: z.array(z.object({
    from: RequestStatus.nullable(), to: RequestStatus, at: z.string(), actorRole: z.string().nullable(), actorOrg: z.string().nullable(), note: z.string().nullable(),
  })),
  /** Set when CTED merged this request into an earlier one. */
  duplicateOf: Uuid.nullable(),
  /** CTED marked it unanswerable for now: still open, and any new offering that fits is proposed. */
  parked: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
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
