import {
  createMatcher, matchWithAttachments, type AttachmentText, type Lang, type LearnedModel, type MatchableOffering, type MatchableRequest, type MatchOptions, type MatchResult, type StateGeo, type ThematicAreaRef,
} from '../../matching/index.js';

/** The few engine operations the database side needs. */
export interface Engine {
  upsertOffering(o: MatchableOffering): void;
  /** Matches a request; `attachments` is text the state asked to be read beside it (at most `attachmentChars` of each). */
  matchRequest(r: MatchableRequest, opts: MatchOptions, attachments?: { texts: readonly AttachmentText[]; maxChars: number }): MatchResult;
  linkNeeds(r: Parameters<ReturnType<typeof createMatcher>['linkNeeds']>[0], needs: Parameters<ReturnType<typeof createMatcher>['linkNeeds']>[1]): { needId: string; score: number }[];
  /** Area codes of a text, best first (offerings and needs that came without any). */
  inferAreas(text: string, lang: Lang): string[];
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

/** Builds the engine over the taxonomy and the member states' geography. */
export function createEngine(areas: ThematicAreaRef[], states: StateGeo[]): Engine {
  const m = createMatcher({ areas, states });
  return {
    upsertOffering(o) {
      if (m.index.has(o.id)) m.replaceOffering(o);
      else m.addOffering(o);
    },
    matchRequest: (r, opts, attachments) => (attachments?.texts.length ? matchWithAttachments(m, r, opts, attachments.texts, attachments.maxChars) : m.matchRequest(r, opts)),
    setLearned: (model) => m.setLearned(model),
    get learnedVersion() { return m.learnedVersion; },
    linkNeeds: (r, needs) => m.linkNeeds(r, needs),
    scoreAreas: (text, lang) => m.classifyText(text, lang).map((a) => ({ code: a.code, score: a.score })),
    inferAreas(text, lang) {
      const scored = m.classifyText(text, lang);
      const best = scored[0]?.score ?? 0;
      // Keep the clear winners only: the best, and others close to it.
      return scored.filter((a) => a.score >= INFER_MIN_SCORE * best && a.score > 0).slice(0, INFER_MAX_AREAS).map((a) => a.code);
    },
  };
}
