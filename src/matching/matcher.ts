import { combineAreas, inferAreas, profileText, round4, type TextProfile } from './classify.js';
import { FINE_CONCEPTS } from './concepts.lexicon.js';
import { areaConcepts, ConceptTagger, type ConceptDef } from './concepts.tagger.js';
import { detectLanguage } from './language.detect.js';
import { conceptTokens, OfferingIndex, type IndexedOffering, type TextHit } from './offering.index.js';
import { findDuplicates, linkNeeds, type TopicProfile } from './relations.js';
import { routeRequest } from './routing.js';
import { combine, explainMatch, PRIORITY_VALUE, scoreComponents, type RequestContext } from './scoring.js';
import { tfidfVector } from './similarity.js';
import type {
  AreaScore,
  Lang,
  MatchableNeed,
  MatchableOffering,
  MatchableRequest,
  MatchOptions,
  MatchResult,
  OpenRequestRef,
  StateGeo,
  ThematicAreaRef,
} from './types.js';
import { MATCHING_LIMITS, type ScoreComponent } from './weights.js';

// Nearest-neighbour votes: how many top text hits vote, and the weight of a
// vote relative to one exact area term (≈1).
const NEIGHBOURS = 5;
const NEIGHBOUR_WEIGHT = 0.6;
const NEIGHBOUR_BUDGET = 1_000;

interface Ranked {
  doc: IndexedOffering;
  score: number;
  components: Record<ScoreComponent, number>;
}

/** Keeps `list` as the best `n` entries, best first (score, then id, so ties are stable). */
function insertTopN<T extends { doc: IndexedOffering; score: number }>(list: T[], item: T, n: number): void {
  const better = (a: T, b: T): boolean => a.score > b.score || (a.score === b.score && a.doc.offering.id < b.doc.offering.id);
  if (list.length >= n && !better(item, list[list.length - 1]!)) return;
  let i = list.length;
  list.push(item);
  while (i > 0 && better(item, list[i - 1]!)) {
    list[i] = list[i - 1]!;
    i--;
  }
  list[i] = item;
  if (list.length > n) list.pop();
}

export interface MatcherConfig {
  areas: readonly ThematicAreaRef[];
  states: readonly StateGeo[];
  /** Extra or replacement fine concepts; defaults to the built-in lexicon. */
  fineConcepts?: readonly ConceptDef[];
}

export interface Matcher {
  readonly index: OfferingIndex;
  readonly tagger: ConceptTagger;
  /** Detected or given language of a request. */
  languageOf(request: Pick<MatchableRequest, 'title' | 'description' | 'language'>): Lang;
  /** Thematic areas of a request, best first (explicit ones dominate); the same areas matchRequest uses. */
  classify(request: Pick<MatchableRequest, 'title' | 'description' | 'language' | 'thematicAreas'>): AreaScore[];
  /** Areas of a free text (e.g. a CTED need without an explicit area). */
  classifyText(text: string, language?: Lang | null): AreaScore[];
  addOffering(offering: MatchableOffering): void;
  replaceOffering(offering: MatchableOffering): void;
  removeOffering(id: string): boolean;
  /** Scores, ranks and routes one request against the indexed offerings. */
  matchRequest(request: MatchableRequest, options: MatchOptions): MatchResult;
  /** The needs of its state a request links to, as matchRequest links them, without scoring offerings (a need that arrives after the request). */
  linkNeeds(request: Pick<MatchableRequest, 'id' | 'memberState' | 'title' | 'description' | 'language' | 'thematicAreas'>, needs: readonly MatchableNeed[]): { needId: string; score: number }[];
}

/** Builds a matcher over the thematic-area taxonomy and the member states' M49 geography. */
export function createMatcher(config: MatcherConfig): Matcher {
  const taxonomy = new Map(config.areas.map((a) => [a.code, a]));
  const known = new Set(taxonomy.keys());
  const fine = (config.fineConcepts ?? FINE_CONCEPTS).map((c) => ({ ...c, area: c.area && known.has(c.area) ? c.area : null }));
  const tagger = new ConceptTagger([...areaConcepts(config.areas), ...fine]);
  const states = new Map(config.states.map((s) => [s.iso3, s]));
  const index = new OfferingIndex(tagger, known);

  const stateOf = (iso3: string): StateGeo =>
    // An unknown state can only receive worldwide offerings or ones naming it.
    states.get(iso3) ?? { iso3, region: '', subRegion: '', intermediateRegion: null };

  const languageOf = (r: { title: string; description: string; language: Lang | null }): Lang =>
    r.language ?? detectLanguage(`${r.title}\n${r.description}`);

  const requestProfile = (r: { title: string; description: string; language: Lang | null; thematicAreas: readonly string[] }) => {
    const lang = languageOf(r);
    const profile = profileText(tagger, r.title, r.description, lang);
    return { lang, profile, areas: combineAreas(r.thematicAreas, profile.inferred, known) };
  };

  // The text analysis of a state's other open requests and of its needs depends only on their text
  // (not on the index), and the same ones come back job after job for duplicate detection and need
  // linking: keep it, keyed by id and checked against the text, so a changed text is analysed again.
  // Bounded by the text it holds (about 8 M characters), oldest out first.
  const analysed = new Map<string, { text: string; result: ReturnType<typeof requestProfile> }>();
  let heldChars = 0;
  const memo = (id: string, text: string, compute: () => ReturnType<typeof requestProfile>) => {
    const hit = analysed.get(id);
    if (hit && hit.text === text) return hit.result;
    const result = compute();
    if (hit) { analysed.delete(id); heldChars -= hit.text.length; }
    analysed.set(id, { text, result });
    heldChars += text.length;
    for (const [oldest, entry] of analysed) {
      if (heldChars <= 8_000_000 || oldest === id) break;
      analysed.delete(oldest);
      heldChars -= entry.text.length;
    }
    return result;
  };

  const topic = (id: string, memberState: string, lang: Lang, profile: TextProfile, areas: AreaScore[]): TopicProfile => ({
    id,
    memberState,
    lang,
    areas,
    fine: profile.fine,
    vector: tfidfVector(profile.tokens, (t) => index.idf(t)),
  });

  const needTopic = (n: MatchableNeed): TopicProfile => {
    const p = memo(`need:${n.id}`, `${n.thematicAreas.join(',')}\u0000${n.description}`, () => {
      const lang = detectLanguage(n.description);
      const profile = profileText(tagger, '', n.description, lang);
      return { lang, profile, areas: combineAreas(n.thematicAreas, profile.inferred, known) };
    });
    return topic(n.id, n.memberState, p.lang, p.profile, p.areas);
  };

  const openTopic = (o: OpenRequestRef): TopicProfile => {
    const p = memo(`request:${o.id}`, `${o.language ?? ''}\u0000${o.thematicAreas.join(',')}\u0000${o.title}\u0000${o.description}`, () => requestProfile(o));
    return topic(o.id, o.memberState, p.lang, p.profile, p.areas);
  };

  // A request that names none of its area's terms often shares wording with
  // the offerings of that area: the best text hits vote for their areas, as
  // extra evidence next to the terms (nearest-neighbour classification).
  const withNeighbourVotes = (profile: TextProfile, hits: ReadonlyMap<string, TextHit>): AreaScore[] => {
    const raw = new Map(profile.areaRaw);
    let first = 0;
    let k = 0;
    for (const [id, hit] of hits) {
      if (k++ >= NEIGHBOURS) break;
      if (first === 0) first = hit.score;
      const doc = index.get(id)!;
      const rel = hit.score / first;
      for (const [code, w] of doc.areaWeight) raw.set(code, (raw.get(code) ?? 0) + NEIGHBOUR_WEIGHT * rel * w);
    }
    return inferAreas(raw);
  };

  // Explicit areas stand as given; otherwise terms plus neighbour votes.
  const classifyProfile = (explicit: readonly string[], profile: TextProfile, termAreas: AreaScore[]): AreaScore[] => {
    if (explicit.some((c) => known.has(c))) return termAreas;
    const query = { tokens: profile.tokens, conceptTokens: conceptTokens([], profile.fine) };
    return withNeighbourVotes(profile, index.searchText(query, NEIGHBOURS, undefined, NEIGHBOUR_BUDGET));
  };

  const matchRequest = (request: MatchableRequest, options: MatchOptions): MatchResult => {
    const now = options.now;
    const topN = options.topN ?? MATCHING_LIMITS.defaultTopN;
    const { lang, profile, areas: termAreas } = requestProfile(request);
    const state = stateOf(request.memberState);
    const gate = index.gateFor(state, now);
    // Area tokens are left out of the text query: area postings already supply
    // those candidates and the thematic component scores them.
    const query = { tokens: profile.tokens, conceptTokens: conceptTokens([], profile.fine) };
    const hits = index.searchText(query, MATCHING_LIMITS.textCandidates, gate);
    // Neighbours vote on the topic whatever their eligibility, so they come
    // from a second, unfiltered search on the query's most selective terms.
    const areas = classifyProfile(request.thematicAreas, profile, termAreas);
    const self = topic(request.id, request.memberState, lang, profile, areas);

    const needTopics = (options.needs ?? []).filter((n) => n.memberState === request.memberState).map(needTopic);
    const linkedNeeds = linkNeeds(self, needTopics, MATCHING_LIMITS.needLinkThreshold);
    const needById = new Map((options.needs ?? []).map((n) => [n.id, n]));
    const needTopicById = new Map(needTopics.map((t) => [t.id, t]));
    const ctx: RequestContext = {
      lang,
      state,
      areas,
      fine: profile.fine,
      modalities: request.modalities,
      urgency: request.urgency,
      needs: linkedNeeds.map((l) => ({
        areas: new Set(needTopicById.get(l.needId)!.areas.map((a) => a.code)),
        value: PRIORITY_VALUE[needById.get(l.needId)!.priority],
      })),
    };

    // Candidates: offerings of the request's areas that its state may receive
    // (area × eligibility postings), plus the sparse top of the text index;
    // both through the availability filters.
    const candidateAreas = areas.filter((a) => a.score >= MATCHING_LIMITS.minThematic).map((a) => a.code);
    const queryTerms = new Set([...query.tokens, ...query.conceptTokens]).size;
    let topRaw = 0;
    for (const hit of hits.values()) topRaw = Math.max(topRaw, hit.score);
    const textOf = (id: string): number => {
      const hit = hits.get(id);
      if (!hit || topRaw <= 0) return 0;
      // Relative BM25, damped when the offering matched few of the query's terms.
      const coverage = Math.min(1, hit.matched / Math.max(1, Math.min(6, queryTerms)));
      return (hit.score / topRaw) * (0.5 + 0.5 * coverage);
    };

    // Full scoring is cheap arithmetic; explanations are built for the top N only.
    const top: Ranked[] = [];
    const consider = (doc: IndexedOffering): void => {
      const components = scoreComponents(ctx, doc, textOf(doc.offering.id));
      const relevant = components.thematic >= MATCHING_LIMITS.minThematic || components.text >= MATCHING_LIMITS.minTextWithoutThematic;
      if (!relevant) return;
      const score = round4(combine(components));
      if (score < MATCHING_LIMITS.minScore) return;
      insertTopN(top, { doc, score, components }, topN);
    };
    const seen = new Set<string>();
    index.forEachThematicCandidate(candidateAreas, gate, (doc) => {
      if (hits.has(doc.offering.id)) seen.add(doc.offering.id);
      consider(doc);
    });
    for (const id of hits.keys()) if (!seen.has(id)) consider(index.get(id)!);

    const routing = routeRequest(
      areas,
      top.map((t) => ({ providerEntity: t.doc.offering.providerEntity, areas: [...t.doc.areaWeight.keys()] })),
      taxonomy,
    );
    const openTopics = (options.openRequests ?? []).filter((o) => o.memberState === request.memberState && o.id !== request.id).map(openTopic);
    return {
      language: lang,
      thematicAreas: areas.map((a) => ({ code: a.code, score: round4(a.score) })),
      matches: top.map((s, i) => ({
        offeringId: s.doc.offering.id,
        providerId: s.doc.offering.providerId,
        rank: i + 1,
        score: s.score,
        explanation: explainMatch(ctx, s.doc, s.components),
      })),
      routing,
      linkedNeeds,
      possibleDuplicates: findDuplicates(self, openTopics, MATCHING_LIMITS.duplicateThreshold),
    };
  };

  return {
    index,
    tagger,
    languageOf: (r) => languageOf(r),
    classify: (r) => {
      const p = requestProfile(r);
      return classifyProfile(r.thematicAreas, p.profile, p.areas);
    },
    classifyText: (text, language) => {
      const lang = language ?? detectLanguage(text);
      return profileText(tagger, '', text, lang).inferred;
    },
    addOffering: (o) => {
      index.add(o);
    },
    replaceOffering: (o) => {
      index.replace(o);
    },
    removeOffering: (id) => index.remove(id),
    matchRequest,
    linkNeeds: (request, needs) => {
      const { lang, profile, areas: termAreas } = requestProfile(request);
      const self = topic(request.id, request.memberState, lang, profile, classifyProfile(request.thematicAreas, profile, termAreas));
      return linkNeeds(self, needs.filter((n) => n.memberState === request.memberState).map(needTopic), MATCHING_LIMITS.needLinkThreshold);
    },
  };
}
