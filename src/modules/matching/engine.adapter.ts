import { tfidfVector } from '../../matching/similarity.js';
import {
  analyserVersion, changeSet, combineAreas, createMatcher, detectLanguage, matchWithAttachments, profileOf, profileText, scoreOffering, toPairs, type AttachmentText, type ChangeSet, type Lang, type LearnedModel, type MatchableOffering, type MatchableRequest, type MatchOptions,
  type MatchResult, type OfferingAnalysis, type ReverseScore, type StateGeo, type StoredRequest, type ThematicAreaRef,
} from '../../matching/index.js';

/** The few engine operations the database side needs. */
export interface Engine {
  /** The analyser's version: stored analyses made by another version are made again. */
  readonly version: string;
  /** Indexes (or re-indexes) an offering, from its stored analysis when given. */
  upsertOffering(o: MatchableOffering, analysis?: OfferingAnalysis): void;
  /** The analysis of an offering's text, to store with it. */
  analyseOffering(o: Pick<MatchableOffering, 'title' | 'description' | 'language' | 'versions'>): OfferingAnalysis;
  /** Matches a request; `attachments` is text the state asked to be read beside it (at most `attachmentChars` of each). */
  matchRequest(r: MatchableRequest, opts: MatchOptions, attachments?: { texts: readonly AttachmentText[]; maxChars: number }): MatchResult;
  /** One indexed offering scored against requests known by their stored analysis (re-matching). */
  scoreOffering(offeringId: string, requests: readonly StoredRequest[], now: Date): (ReverseScore | null)[];
  /** Indexed offerings, indexed again by their posted areas, to score pages of requests against (re-matching). */
  changeSet(offeringIds: readonly string[]): ChangeSet;
  /** The indexed version of an offering. */
  offering(offeringId: string): MatchableOffering | undefined;
  /** Whether an offering is indexed, and its posted areas (those a candidate request must share). */
  postedAreas(offeringId: string): string[] | null;
  /** What duplicate detection keeps of a request (the analysis a match stores, less what only scoring uses). */
  duplicateTopic(r: Pick<MatchableRequest, 'title' | 'description' | 'language' | 'thematicAreas'>): Pick<import('../../matching/index.js').RequestAnalysis, 'lang' | 'termAreas' | 'fine' | 'vector'>;
  /** Area codes of a text, best first (offerings and needs that came without any). */
  inferAreas(text: string, lang: Lang): string[];
  /** The same choice from the areas of an offering's stored analysis (no second analysis of its text). */
  inferredAreasOf(analysis: OfferingAnalysis): string[];
  linkNeeds(r: Parameters<ReturnType<typeof createMatcher>['linkNeeds']>[0], needs: Parameters<ReturnType<typeof createMatcher>['linkNeeds']>[1]): { needId: string; score: number }[];
  /** Applies a learning model (undefined: the shipped behaviour). */
  setLearned(model: LearnedModel | undefined): void;
  /** The applied model's id, or null. */
  readonly learnedVersion: string | null;
  /** Every area's classification score for a text, best first. */
  scoreAreas(text: string, lang: Lang): { code: string; score: number }[];
}

/** Minimum classification score for an inferred area to be stored on an offering or need. */
const INFER_MIN_SCORE = 0.25;
const INFER_MAX_AREAS = 3;
// The index posts an offering under areas at or above this weight (offering.index.ts).
const MIN_POSTING_AREA_SCORE = 0.2;

const choose = (scored: { code: string; score: number }[]) => {
  const best = scored[0]?.score ?? 0;
  // Keep the clear winners only: the best, and others close to it.
  return scored.filter((a) => a.score >= INFER_MIN_SCORE * best && a.score > 0).slice(0, INFER_MAX_AREAS).map((a) => a.code);
};

/** Builds the engine over the taxonomy and the member states' geography. */
export function createEngine(areas: ThematicAreaRef[], states: StateGeo[]): Engine {
  const m = createMatcher({ areas, states });
  const known = new Set(areas.map((a) => a.code));
  const version = analyserVersion(areas, m.tagger);
  const postedAreas = (id: string): string[] | null => {
    const doc = m.index.get(id);
    if (!doc) return null;
    return [...doc.areaWeight].filter(([, w]) => w >= MIN_POSTING_AREA_SCORE).map(([code]) => code);
  };
  return {
    version,
    upsertOffering(o, analysis) {
      const pre = analysis ? profileOf(analysis, o.language) : undefined;
      if (m.index.has(o.id)) m.replaceOffering(o, pre);
      else m.addOffering(o, pre);
    },
    analyseOffering: (o) => m.analyseOffering(o),
    matchRequest: (r, opts, attachments) => (attachments?.texts.length ? matchWithAttachments(m, r, opts, attachments.texts, attachments.maxChars) : m.matchRequest(r, opts)),
    setLearned: (model) => m.setLearned(model),
    get learnedVersion() { return m.learnedVersion; },
    linkNeeds: (r, needs) => m.linkNeeds(r, needs),
    scoreAreas: (text, lang) => m.classifyText(text, lang).map((a) => ({ code: a.code, score: a.score })),
    scoreOffering: (id, requests, now) => scoreOffering(m, id, requests, now),
    changeSet: (ids) => changeSet(m, ids.map((id) => ({ id, posted: postedAreas(id) ?? [] }))),
    offering: (id) => m.index.get(id)?.offering,
    postedAreas,
    duplicateTopic(r) {
      // The same steps as the matcher's analysis of an open request (language, terms, areas, TF-IDF vector).
      const lang = r.language ?? detectLanguage(`${r.title}\n${r.description}`);
      const profile = profileText(m.tagger, r.title, r.description, lang);
      const termAreas = combineAreas(r.thematicAreas, profile.inferred, known);
      return { lang, termAreas: toPairs(termAreas), fine: [...profile.fine], vector: [...tfidfVector(profile.tokens, (t) => m.index.idf(t))] };
    },
    inferAreas: (text, lang) => choose(m.classifyText(text, lang)),
    inferredAreasOf: (analysis) => choose(analysis.inferred.map(([code, score]) => ({ code, score }))),
  };
}
