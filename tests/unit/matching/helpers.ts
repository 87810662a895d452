// Builders for plain matching inputs with sensible defaults.
import { toOffering, type EvalData } from '../../../bench/eval.js';
import { createMatcher, type Matcher } from '../../../src/matching/matcher.js';
import type { MatchableNeed, MatchableOffering, MatchableRequest } from '../../../src/matching/types.js';

/** A matcher holding an eval set's whole catalogue, for routing and ranking checks against its distractors. */
export function catalogueMatcher(data: EvalData): Matcher {
  const m = createMatcher({ areas: data.areas, states: data.states });
  const providers = new Map(data.providers.map((p) => [p.key, p]));
  for (const o of data.offerings) m.addOffering(toOffering(o, providers));
  return m;
}

export const NOW = new Date('2026-11-29T00:00:00Z');
export const daysAgo = (n: number): Date => new Date(NOW.getTime() - n * 86_400_000);

export function offering(over: Partial<MatchableOffering> & Pick<MatchableOffering, 'id' | 'title'>): MatchableOffering {
  return {
    providerId: `p-${over.id}`,
    providerEntity: null,
    description: '',
    language: 'en',
    languages: ['en'],
    modalities: ['training'],
    thematicAreas: [],
    eligibility: { regions: [], countries: [] },
    availableFrom: null,
    availableUntil: null,
    lastConfirmedAt: daysAgo(10),
    status: 'open',
    capacity: null,
    ...over,
  };
}

export function request(over: Partial<MatchableRequest> & Pick<MatchableRequest, 'title'>): MatchableRequest {
  return {
    id: 'r1',
    memberState: 'NGA',
    description: '',
    language: null,
    thematicAreas: [],
    modalities: [],
    urgency: 'normal',
    submittedAt: NOW,
    ...over,
  };
}

export function need(over: Partial<MatchableNeed> & Pick<MatchableNeed, 'id' | 'description'>): MatchableNeed {
  return { memberState: 'NGA', priority: 'high', thematicAreas: [], ...over };
}
