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

export type RoutingReason = 'primary_responsibility' | 'top_match_entity' | 'no_area';

export interface Routing {
  entity: string | null;
  reason: RoutingReason;
  area: string | null;
}

export interface MatchExplanation {
  /** Score components by name, each in [0, 1]. */
  components: Record<string, number>;
  weights: Record<string, number>;
  /** Concept codes (area and fine-grained) shared by request and offering. */
  concepts: string[];
  language: { request: Lang; offering: Lang[]; fit: number };
  notes: string[];
}

export interface OfferingMatch {
  offeringId: string;
  providerId: string;
  rank: number;
  score: number;
  explanation: MatchExplanation;
}

export interface MatchResult {
  /** What matching knew of the request, as storable data (re-matching scores changed offerings against it). */
  analysis: RequestAnalysis;
  language: Lang;
  thematicAreas: AreaScore[];
  matches: OfferingMatch[];
  routing: Routing;
  linkedNeeds: { needId: string; score: number }[];
  possibleDuplicates: { requestId: string; similarity: number }[];
}

export interface MatchOptions {
  now: Date;
  needs?: MatchableNeed[];
  openRequests?: OpenRequestRef[];
  topN?: number;
}
