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
  confidence: z.number().nullable().describe('Calibrated probability that CTED and the provider accept this proposal (null for matches made before it was stored)'),
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

export const TRIAGE_REASONS_ENGINE = ['no_area_fits', 'areas_tie', 'nothing_eligible', 'low_confidence'] as const;
export const EngineRoutingView = z.object({
  entity: EntityCode.nullable(), reason: z.string(), area: z.string().nullable(),
  concept: z.string().nullable().describe('The fine concept the route rests on (`c:...`), null when it rests on the area'),
}).meta({ id: 'EngineRouting' });
export const ConfidenceView = z.object({
  area: z.number().describe('Calibrated probability that the top thematic area is right'),
  route: z.number().describe('Calibrated probability that the route is right'),
}).meta({ id: 'Confidence' });
export const TriageView = z.object({
  reason: z.enum(TRIAGE_REASONS_ENGINE).describe('Why the engine sent the request to CTED instead of to an entity'),
  confidence: z.number().describe('Calibrated confidence of the route that was not taken'),
  detail: z.string().describe('A sentence for CTED (English; the web interface translates the reason)'),
}).meta({ id: 'Triage' });
export const PartView = z.object({
  index: z.number().int(),
  text: z.string(),
  thematicAreas: z.array(z.object({ code: z.string(), score: z.number() })),
  routing: EngineRoutingView,
  confidence: ConfidenceView,
  matches: z.array(z.object({ offeringId: Uuid, providerId: Uuid, rank: z.number().int(), score: z.number(), confidence: z.number() })),
}).meta({ id: 'RequestPart' });
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
  triage: TriageView.nullable().describe('Set when the engine sent the request to CTED triage instead of to an entity (null otherwise, and before matching)'),
  confidence: ConfidenceView.nullable().describe('Calibrated confidence of the top area and of the route; null before matching'),
  engineRouting: EngineRoutingView.nullable().describe('What the engine decided at its last run, whatever people decided since (`routing`)'),
  parts: z.array(PartView).describe('The parts of a request that asks for several things, each with its areas, route and matches; empty for one part'),
  ctedParts: z.array(z.string()).nullable().describe('The parts CTED fixed (one text: merged; two or more: split); null when the engine splits'),
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
const PartText = z.string().trim().min(10, 'a part needs at least 10 characters').max(20_000);
export const PartsBody = z.strictObject({
  parts: z.array(PartText).min(1).max(10).describe('One text merges the request into one part; two or more split it into those parts'),
  note: z.string().trim().max(2000).optional(),
}).meta({ id: 'SetParts' });
export const PartsResult = z.object({ id: Uuid, ctedParts: z.array(z.string()).nullable(), status: RequestStatus, rematching: z.boolean() });
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
