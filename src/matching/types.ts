import type { RequestAnalysis } from './analysis.js';

// Plain data shapes for the matching engine. No behaviour lives here: the
// engine is pure functions over these values, so callers (services, workers,
// the eval command) map their rows into them and back.

/** The six official UN languages, as ISO 639-1 codes. */
export type Lang = 'en' | 'fr' | 'es' | 'ru' | 'ar' | 'zh';

export const LANGS: readonly Lang[] = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;

/** Delivery modalities, as fixed by the HTTP contract. */
export type Modality =
  | 'training'
  | 'workshop'
  | 'mentoring'
  | 'legislative_drafting'
  | 'advisory_mission'
  | 'assessment'
  | 'equipment'
  | 'funding';

export const MODALITIES: readonly Modality[] = [
  'training',
  'workshop',
  'mentoring',
  'legislative_drafting',
  'advisory_mission',
  'assessment',
  'equipment',
  'funding',
] as const;

export interface ThematicAreaRef {
  code: string;
  pillar: string;
  names: Record<Lang, string>;
  /** Task Force entity codes, in order of responsibility (first = primary). */
  entities: string[];
  terms: Record<Lang, string[]>;
  dacCodes: string[];
}

export interface StateGeo {
  iso3: string;
  region: string;
  subRegion: string;
  intermediateRegion: string | null;
}

export interface MatchableOffering {
  id: string;
  providerId: string;
  /** The Task Force entity code when the provider is one, else null. */
  providerEntity: string | null;
  title: string;
  description: string;
  /** Language the title and description are written in. */
  language: Lang;
  /**
   * The same title and description in other languages, as the provider gave them; the matcher uses
   * every version (concepts and words of all of them), so a request meets the offering in its own words.
   */
  versions?: { language: Lang; title: string; description: string }[];
  /** Languages the assistance can be delivered in. */
  languages: Lang[];
  modalities: Modality[];
  /** Explicit area codes; when empty they are inferred from the text. */
  thematicAreas: string[];
  /** M49 codes (any level) and ISO3 codes; both empty = worldwide. */
  eligibility: { regions: string[]; countries: string[] };
  availableFrom: Date | null;
  availableUntil: Date | null;
  lastConfirmedAt: Date;
  status: 'open' | 'closed';
  capacity: number | null;
}

export interface MatchableRequest {
  id: string;
  memberState: string;
  title: string;
  description: string;
  /** Null means "detect it". */
  language: Lang | null;
  thematicAreas: string[];
  modalities: Modality[];
  urgency: 'low' | 'normal' | 'high';
  submittedAt: Date;
  /**
   * Parts fixed by CTED (merge or split): each is the text of one part. When given, the engine does
   * not split the request itself; one entry means "one part" (merged).
   */
  parts?: string[];
}

export interface MatchableNeed {
  id: string;
  memberState: string;
  description: string;
  priority: 'high' | 'medium' | 'low';
  thematicAreas: string[];
}

/** Another open request of the same state, used for duplicate detection. */
export interface OpenRequestRef {
  id: string;
  memberState: string;
  title: string;
  description: string;
  language: Lang | null;
  thematicAreas: string[];
  /** Its analysis from its own match, when known (then its text is not analysed again). */
  stored?: Pick<RequestAnalysis, 'lang' | 'termAreas' | 'fine' | 'vector'>;
}

export interface AreaScore {
  code: string;
  score: number;
}

/**
 * Why the request goes to its entity, most specific evidence first:
 * - `concept_responsibility`: the lead entity of the fine concept the request is about (export
 *   licensing → 1540 experts, detection at borders → IAEA, victims' support → EOSG...);
 * - `top_match_entity`: the best offering on that concept or area comes from another entity that is
 *   responsible for it, so the request goes to the entity that will deliver it;
 * - `primary_responsibility`: the lead entity of the request's area (no concept with responsibility);
 * - `learned_correction`: CTED's past reassignments on this area/concept (an applied learning model);
 * - `triage`: the engine is not confident enough; entity null, CTED decides (see MatchResult.triage);
 * - `no_area`: kept for old records; the engine now says `triage` with reason `no_area_fits`.
 */
export type RoutingReason = 'concept_responsibility' | 'primary_responsibility' | 'top_match_entity' | 'learned_correction' | 'triage' | 'no_area';

export interface Routing {
  entity: string | null;
  reason: RoutingReason;
  area: string | null;
  /** The fine concept the routing rests on (`c:...`), null when it rests on the area. */
  concept?: string | null;
  /** The entities responsible for that concept or area, in order (first = lead). */
  responsible?: string[];
}

/** Why a request goes to CTED's triage queue instead of to an entity. */
export type TriageReason = 'no_area_fits' | 'areas_tie' | 'nothing_eligible' | 'low_confidence';

export interface Triage {
  reason: TriageReason;
  /** Calibrated confidence of the route that was not taken. */
  confidence: number;
  /** A sentence for CTED (English; the web interface translates the reason code). */
  detail: string;
  /** What the engine would have done: the candidate areas and their entities, best first. */
  candidates: { area: string; entity: string | null; score: number }[];
}

/** One part of a request that asks for several things (training for customs AND decontamination equipment). */
export interface RequestPart {
  index: number;
  text: string;
  thematicAreas: AreaScore[];
  routing: Routing;
  confidence: { area: number; route: number };
  matches: OfferingMatch[];
}

export interface MatchExplanation {
  /** Score components by name, each in [0, 1]. */
  components: Record<string, number>;
  weights: Record<string, number>;
  /** Concept codes (area and fine-grained) shared by request and offering. */
  concepts: string[];
  language: { request: Lang; offering: Lang[]; fit: number };
  notes: string[];
  /** The topical gate (stored when a learning model moved the score, so score = mean × gate + learned). */
  gate?: number;
  /** How far an applied learning model moved the score (score units), when it did. */
  learned?: number;
  /** Set when the match comes from the request's attachments (see attachments.ts): new with them, or ranked higher. */
  attachment?: AttachmentEvidence;
}

/** Why a match is said to come from the request's attachments. */
export interface AttachmentEvidence {
  /** The attachments whose text the matcher read. */
  attachmentIds: string[];
  /** Their file names, in the same order. */
  names: string[];
  /** The score without their text (null: not proposed at all without it). */
  scoreWithout: number | null;
}

export interface OfferingMatch {
  offeringId: string;
  providerId: string;
  rank: number;
  score: number;
  /** Calibrated probability that CTED and the provider accept this proposal (see confidence.ts). */
  confidence: number;
  explanation: MatchExplanation;
}

export interface MatchResult {
  /** What matching knew of the request, as storable data (re-matching scores changed offerings against it). */
  analysis: RequestAnalysis;
  language: Lang;
  thematicAreas: AreaScore[];
  matches: OfferingMatch[];
  routing: Routing;
  /** Calibrated confidence of the top area and of the route. */
  confidence: { area: number; route: number };
  /**
   * Set when the request should go to CTED's triage queue instead of to an entity. With `no_area_fits` or
   * `areas_tie` `routing.entity` is null (nobody to suggest); with `nothing_eligible` or `low_confidence`
   * it is the entity the engine suggests to CTED (the eval's nothing-eligible labels name it), not a route.
   */
  triage: Triage | null;
  /** Two or more parts when the request asks for several things; empty otherwise. */
  parts: RequestPart[];
  linkedNeeds: { needId: string; score: number }[];
  possibleDuplicates: { requestId: string; similarity: number }[];
}

export interface MatchOptions {
  now: Date;
  needs?: MatchableNeed[];
  openRequests?: OpenRequestRef[];
  topN?: number;
}
