import { sql } from 'drizzle-orm';
import {
  bigint, boolean, customType, date, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid, type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { entities, memberStates } from './reference.js';

export interface OfferingTranslation { language: string; title: string; description: string }
export interface StoredRouting { entity: string | null; reason: string; area: string | null; concept: string | null }
export interface StoredTriage { reason: string; confidence: number; detail: string; candidates: { area: string; entity: string | null; score: number }[] }
export interface StoredPart {
  index: number; text: string; thematicAreas: { code: string; score: number }[]; routing: StoredRouting;
  confidence: { area: number; route: number };
  matches: { offeringId: string; providerId: string; rank: number; score: number; confidence: number }[];
}

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const textArray = (name: string) => text(name).array().notNull().default(sql`'{}'::text[]`);
/** PostgreSQL's tsvector, written from the engine's own analysed tokens (never PostgreSQL's parsers). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Donor states, international organisations, Task Force entities and others that offer assistance. */
export const providers = pgTable('providers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  entityCode: text('entity_code').references(() => entities.code),
  /** The provider's IATI organisation identifier (reporting-org/@ref), set by an admin; IATI files of other organisations are refused under the provider's key. */
  iatiOrgRef: text('iati_org_ref'),
  /** The provider agrees that the assistance OneDoor brokered for it is published (IATI 2.03, src/modules/publishing). */
  consentToPublish: boolean('consent_to_publish').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** API keys: only a SHA-256 hash of the key is stored. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  keyHash: text('key_hash').notNull(),
  prefix: text('prefix').notNull(),
  role: text('role').notNull(),
  label: text('label').notNull(),
  memberState: text('member_state').references(() => memberStates.iso3),
  providerId: uuid('provider_id').references(() => providers.id),
  entityCode: text('entity_code').references(() => entities.code),
  createdAt: ts('created_at').notNull().defaultNow(),
  revokedAt: ts('revoked_at'),
  lastUsedAt: ts('last_used_at'),
  /** The organisation that owns the key (its users manage it); null for keys made before organisations. */
  organisationId: uuid('organisation_id'),
  expiresAt: ts('expires_at'),
  createdByUser: uuid('created_by_user'),
}, (t) => [uniqueIndex('api_keys_key_hash_uq').on(t.keyHash), index('api_keys_org_idx').on(t.organisationId)]);

/** What providers offer. Money is integer minor units with an ISO 4217 currency. */
export const offerings = pgTable('offerings', {
  id: uuid('id').primaryKey().defaultRandom(),
  providerId: uuid('provider_id').notNull().references(() => providers.id),
  title: text('title').notNull(),
  description: text('description').notNull(),
  language: text('language').notNull(),
  languages: textArray('languages'),
  modalities: textArray('modalities'),
  eligibilityRegions: textArray('eligibility_regions'),
  eligibilityCountries: textArray('eligibility_countries'),
  thematicAreas: textArray('thematic_areas'),
  thematicAreasInferred: boolean('thematic_areas_inferred').notNull().default(false),
  /** The same title and description in other languages, as the provider gave them (the matcher uses every version). */
  translations: jsonb('translations').$type<OfferingTranslation[]>().notNull().default([]),
  availableFrom: ts('available_from'),
  availableUntil: ts('available_until'),
  capacity: integer('capacity'),
  budgetAmount: bigint('budget_amount', { mode: 'number' }),
  budgetCurrency: text('budget_currency'),
  status: text('status').notNull().default('open'),
  source: text('source').notNull().default('api'),
  externalRef: text('external_ref'),
  lastConfirmedAt: ts('last_confirmed_at').notNull().defaultNow(),
  /**
   * The engine's analysis of title and description (tokens, fine concepts, inferred areas), made once
   * when the offering is written, so a worker's index only has to be fed (src/matching/analysis.ts).
   */
  analysis: jsonb('analysis').$type<Record<string, unknown>>(),
  /** The analyser that made `analysis` and `search_vector`; another version is analysed again. */
  analysisVersion: text('analysis_version'),
  /** Directory search: analysed words (title A, body B, provider C) and concept tokens (A), for the GIN index. */
  searchVector: tsvector('search_vector'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('offerings_provider_idx').on(t.providerId, t.createdAt, t.id),
  // Every matching worker catches up by updated_at.
  index('offerings_updated_at_idx').on(t.updatedAt),
  uniqueIndex('offerings_provider_external_uq').on(t.providerId, t.externalRef),
  index('offerings_created_idx').on(t.createdAt, t.id),
  index('offerings_search_idx').using('gin', t.searchVector),
  index('offerings_areas_idx').using('gin', t.thematicAreas),
  // The directory without a query: most recently confirmed open offerings first.
  index('offerings_confirmed_idx').on(t.lastConfirmedAt.desc().nullsFirst(), t.id).where(sql`status = 'open'`),
  // Offerings whose analysis is missing or made by another analyser version.
  index('offerings_analysis_version_idx').on(t.analysisVersion, t.id),
]);

/** Requests filed by member states. Never deleted: withdrawal is a status. */
export const requests = pgTable('requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  memberState: text('member_state').notNull().references(() => memberStates.iso3),
  title: text('title').notNull(),
  description: text('description').notNull(),
  language: text('language').notNull(),
  languageDetected: boolean('language_detected').notNull().default(false),
  thematicAreas: textArray('thematic_areas'),
  classifiedAreas: jsonb('classified_areas').$type<{ code: string; score: number }[]>(),
  modalities: textArray('modalities'),
  urgency: text('urgency').notNull().default('normal'),
  confidentiality: text('confidentiality').notNull().default('task_force'),
  consentToShare: boolean('consent_to_share').notNull().default(true),
  /** The state agrees that the assistance it receives on this request is published (IATI 2.03); off until it says so. */
  consentToPublish: boolean('consent_to_publish').notNull().default(false),
  status: text('status').notNull().default('submitted'),
  submittedAt: ts('submitted_at').notNull().defaultNow(),
  matchedAt: ts('matched_at'),
  routedEntity: text('routed_entity').references(() => entities.code),
  routingReason: text('routing_reason'),
  /** What the engine decided at the last match (entity, reason, area, concept), whatever people did since. */
  engineRouting: jsonb('engine_routing').$type<StoredRouting>(),
  /** Calibrated confidence of the top area and of the route (src/matching/confidence.ts). */
  confidence: jsonb('confidence').$type<{ area: number; route: number }>(),
  /** Set when the engine sent the request to CTED's triage instead of to an entity. */
  triage: jsonb('triage').$type<StoredTriage>(),
  /** The request's parts, each with its areas, route and matches; empty when it asks for one thing. */
  parts: jsonb('parts').$type<StoredPart[]>().notNull().default([]),
  /** CTED's parts (merge: one text; split: two or more); null lets the engine split. */
  ctedParts: text('cted_parts').array(),
  routedAt: ts('routed_at'),
  /** When the routed entity last acted (acknowledged, forwarded); overdue escalation looks at it. */
  entityActedAt: ts('entity_acted_at'),
  feedback: jsonb('feedback').$type<{ outcome: string; comment?: string; at: string }>(),
  /** First time the request reached routed / accepted / completed (set by a trigger on request_transitions). */
  firstRoutedAt: ts('first_routed_at'),
  firstAcceptedAt: ts('first_accepted_at'),
  firstCompletedAt: ts('first_completed_at'),
  /**
   * What the last full match knew of the request (areas, fine concepts, query terms, the duplicate vector),
   * so a changed offering is scored against it without analysing it again (src/matching/analysis.ts).
   */
  analysis: jsonb('analysis').$type<Record<string, unknown>>(),
  analysisVersion: text('analysis_version'),
  /** md5 of the text `analysis` was made from: another text means it is stale. */
  analysisHash: text('analysis_hash'),
  /** The areas a changed offering must share for it to be a candidate (those above the thematic minimum). */
  matchAreas: text('match_areas').array(),
  /** The lowest score in a full list of proposals (null while the list has room): a new offering must beat it. */
  proposalFloor: real('proposal_floor'),
  /** Set when CTED confirms this request duplicates an earlier one: the later request points to the earlier (and is closed). */
  duplicateOf: uuid('duplicate_of').references((): AnyPgColumn => requests.id),
  /** CTED marked the request unanswerable for now: it stays open and re-matchable; a new proposal brings it back to triage. */
  parkedAt: ts('parked_at'),
  parkedReason: text('parked_reason'),
  createdByKey: uuid('created_by_key'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('requests_state_idx').on(t.memberState, t.status),
  index('requests_routed_idx').on(t.routedEntity, t.status, t.routedAt, t.id),
  // Request lists, newest first: everyone's (CTED), one state's, one entity's.
  index('requests_submitted_idx').on(t.submittedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  index('requests_state_submitted_idx').on(t.memberState, t.submittedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  index('requests_entity_submitted_idx').on(t.routedEntity, t.submittedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  // Re-matching: the open requests without an accepted offering that share an area with a changed offering.
  index('requests_rematch_idx').using('gin', t.matchAreas).where(sql`status in ('in_review', 'routed')`),
  // The overdue sweep.
  index('requests_overdue_idx').on(t.routedAt).where(sql`status = 'routed' and entity_acted_at is null`),
  // The sweeper and /health/ready look for requests still waiting for their first match.
  index('requests_unmatched_idx').on(t.updatedAt).where(sql`status in ('submitted', 'matched')`),
]);

/** Every status change of a request, with who and when. */
export const requestTransitions = pgTable('request_transitions', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  actor: text('actor').notNull(),
  /** The actor's role (member_state, cted, entity, provider, admin, system) and organisation (ISO3, entity code or provider id), shown to the state. */
  actorRole: text('actor_role'),
  actorOrg: text('actor_org'),
  note: text('note'),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('request_transitions_request_idx').on(t.requestId)]);

/** Needs identified by CTED (e.g. from assessment visits), per member state. */
export const needs = pgTable('needs', {
  id: uuid('id').primaryKey().defaultRandom(),
  memberState: text('member_state').notNull().references(() => memberStates.iso3),
  description: text('description').notNull(),
  priority: text('priority').notNull(),
  thematicAreas: textArray('thematic_areas'),
  identifiedAt: date('identified_at', { mode: 'string' }),
  source: text('source'),
  externalKey: text('external_key'),
  status: text('status').notNull().default('open'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('needs_state_idx').on(t.memberState, t.createdAt, t.id),
  uniqueIndex('needs_external_key_uq').on(t.externalKey),
  index('needs_created_idx').on(t.createdAt, t.id),
  index('needs_areas_idx').using('gin', t.thematicAreas),
]);

/** Proposed and decided matches between a request and an offering. */
export const matches = pgTable('matches', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  offeringId: uuid('offering_id').notNull().references(() => offerings.id),
  providerId: uuid('provider_id').notNull().references(() => providers.id),
  entityCode: text('entity_code').references(() => entities.code),
  rank: integer('rank').notNull(),
  score: real('score').notNull(),
  /** Calibrated probability that CTED and the provider accept the proposal. */
  confidence: real('confidence'),
  explanation: jsonb('explanation').$type<Record<string, unknown>>().notNull(),
  status: text('status').notNull().default('proposed'),
  decidedAt: ts('decided_at'),
  decidedBy: text('decided_by'),
  /** CTED's note on its decision (the reason of a rejection). */
  decisionNote: text('decision_note'),
  /** The provider's decline reason code and note. */
  responseReason: text('response_reason'),
  responseNote: text('response_note'),
  /** Who proposed it: the matching engine, or CTED attaching an offering by hand. */
  origin: text('origin').notNull().default('engine'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('matches_request_offering_uq').on(t.requestId, t.offeringId),
  index('matches_status_idx').on(t.status, t.createdAt),
  // CTED's queue, in its keyset order.
  index('matches_queue_idx').on(t.createdAt, t.rank, t.id).where(sql`status = 'proposed'`),
  // Capacity checks and re-matching look matches up by offering.
  index('matches_offering_idx').on(t.offeringId, t.status),
  // Whether a request has an accepted offering (rematchable.ts): re-matching asks it of every candidate request.
  index('matches_accepted_idx').on(t.requestId).where(sql`status = 'accepted'`),
  // A provider's inbox, newest first.
  index('matches_provider_idx').on(t.providerId, t.status, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
]);

export const requestNeedLinks = pgTable('request_need_links', {
  requestId: uuid('request_id').notNull().references(() => requests.id),
  needId: uuid('need_id').notNull().references(() => needs.id),
  score: real('score').notNull(),
}, (t) => [primaryKey({ columns: [t.requestId, t.needId] }), index('request_need_links_need_idx').on(t.needId)]);

export const requestDuplicates = pgTable('request_duplicates', {
  requestId: uuid('request_id').notNull().references(() => requests.id),
  otherRequestId: uuid('other_request_id').notNull().references(() => requests.id),
  similarity: real('similarity').notNull(),
  /** open (flagged by matching), confirmed (merged: request_id points to other_request_id) or dismissed, by CTED. */
  status: text('status').notNull().default('open'),
  decidedBy: text('decided_by'),
  decidedAt: ts('decided_at'),
  note: text('note'),
}, (t) => [primaryKey({ columns: [t.requestId, t.otherRequestId] }), index('request_duplicates_other_idx').on(t.otherRequestId)]);

/** Each routing of a request to an entity, by the engine or by a person. */
export const routingDecisions = pgTable('routing_decisions', {
  id: uuid('id').primaryKey().defaultRandom(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  entityCode: text('entity_code').notNull().references(() => entities.code),
  areaCode: text('area_code'),
  reason: text('reason').notNull(),
  actor: text('actor').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('routing_decisions_request_idx').on(t.requestId)]);

/** CTED's decisions on proposed matches. */
export const reviewDecisions = pgTable('review_decisions', {
  id: uuid('id').primaryKey().defaultRandom(),
  matchId: uuid('match_id').notNull().references(() => matches.id),
  decision: text('decision').notNull(),
  entityCode: text('entity_code'),
  note: text('note'),
  actor: text('actor').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('review_decisions_match_idx').on(t.matchId)]);

/** Idempotency keys of request submissions, scoped to the submitting member state. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  bodyHash: text('body_hash').notNull(),
  requestId: uuid('request_id').notNull().references(() => requests.id),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.scope, t.key] })]);

/** Transactional outbox: written with the change it announces, relayed to the queue afterwards. */
export const outbox = pgTable('outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  topic: text('topic').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  requestId: text('request_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  publishedAt: ts('published_at'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
}, (t) => [index('outbox_unpublished_idx').on(t.createdAt).where(sql`published_at is null`)]);

/** Who did what to which record, with a before/after summary. */
export const auditEvents = pgTable('audit_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorKeyId: uuid('actor_key_id'),
  actorRole: text('actor_role').notNull(),
  /** The person and organisation acting (null for a machine key made before organisations, and for the system). */
  actorUserId: uuid('actor_user_id'),
  actorOrganisationId: uuid('actor_organisation_id'),
  /** Who acted, by name, as the audit log shows it. */
  actorLabel: text('actor_label'),
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetId: text('target_id'),
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('audit_events_target_idx').on(t.targetType, t.targetId)]);

/** Jobs that exhausted their retries, for admins to inspect and replay. */
export const deadLetters = pgTable('dead_letters', {
  id: uuid('id').primaryKey().defaultRandom(),
  queue: text('queue').notNull(),
  jobName: text('job_name').notNull(),
  jobId: text('job_id'),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  error: text('error').notNull(),
  attempts: integer('attempts').notNull(),
  failedAt: ts('failed_at').notNull().defaultNow(),
  replayedAt: ts('replayed_at'),
});

/** Signed-webhook subscribers, registered per entity or per provider. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  entityCode: text('entity_code').references(() => entities.code),
  providerId: uuid('provider_id').references(() => providers.id),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  events: textArray('events'),
  active: boolean('active').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** One event for one subscriber: its attempts, last answer and final state. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  subscriptionId: uuid('subscription_id').notNull().references(() => webhookSubscriptions.id),
  eventId: uuid('event_id').notNull(),
  topic: text('topic').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: text('status').notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastStatusCode: integer('last_status_code'),
  lastError: text('last_error'),
  deliveredAt: ts('delivered_at'),
  /**
   * The attempt sending it now, or that sent it last: taken before the POST, and only while no lease
   * is running (`lease_until` null or past), so one attempt at a time sends it; a crashed attempt's
   * lease runs out and another takes the delivery over.
   */
  claimedBy: text('claimed_by'),
  claimedAt: ts('claimed_at'),
  leaseUntil: ts('lease_until'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('webhook_deliveries_sub_event_uq').on(t.subscriptionId, t.eventId)]);
