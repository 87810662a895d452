// Public surface of the matching engine (pure: no I/O, no database).
export * from './types.js';
export { detectLanguage } from './language.detect.js';
export { analyze, foldAccents, normalizeArabic, normalizeBase, stripArabicPrefix, stripArabicSuffix } from './text.normalize.js';
export { ConceptTagger, areaConcepts, type ConceptDef } from './concepts.tagger.js';
export { FINE_CONCEPTS } from './concepts.lexicon.js';
export { profileText, combineAreas } from './classify.js';
export { isEligible, unavailableReason, stateRegionCodes } from './filters.js';
export { OfferingIndex } from './offering.index.js';
export { scoreComponents, explainMatch } from './scoring.js';
export { routeRequest } from './routing.js';
export { linkNeeds, findDuplicates } from './relations.js';
export { assignBatch, assignGreedy, type PendingRequest, type BatchResult } from './batch.assign.js';
export { createMatcher, type Matcher, type MatcherConfig } from './matcher.js';
export { SCORING_WEIGHTS, MATCHING_LIMITS } from './weights.js';
export * from './analysis.js';
export { scoreOffering, placeInList, contextOf, type ReverseScore, type ListedMatch, type ListChange } from './reverse.js';
export type { PreAnalysed } from './offering.index.js';
