import { combineAreas, inferAreas, ownEvidence, profileText, round4, type TextProfile } from './classify.js';
import { FINE_CONCEPTS } from './concepts.lexicon.js';
import { areaConcepts, ConceptTagger, type ConceptDef } from './concepts.tagger.js';
import { detectLanguage } from './language.detect.js';
import { analyseOfferingText, listAdmits, toPairs, type ListRule, type OfferingAnalysis, type RequestAnalysis, type Support } from './analysis.js';
import { areaConfidence, matchConfidence, routeConfidence, triageDecision } from './confidence.js';
import { contextsOf, learnedAdjustment, type LearnedModel } from './learning.js';
import { OfferingIndex, queryConceptTokens, tieOrder, type IndexedOffering, type PreAnalysed, type TextHit } from './offering.index.js';
import { splitParts } from './parts.js';
import { findDuplicates, linkNeeds, type TopicProfile } from './relations.js';
import { routeRequest, routingEvidence, type LeadMatch } from './routing.js';
import { combine, explainMatch, PRIORITY_VALUE, scoreComponents, thematicValue, writtenIn, type RequestContext } from './scoring.js';
import { tfidfVector } from './similarity.js';
import type {
  AreaScore,
  Lang,
  OfferingMatch,
  RequestPart,
  Routing,
  Triage,
  MatchableNeed,
  MatchableOffering,
  MatchableRequest,
  MatchExplanation,
  MatchOptions,
  MatchResult,
  OpenRequestRef,
  StateGeo,
  ThematicAreaRef,
} from './types.js';
import { MATCHING_LIMITS, SCORING_WEIGHTS, TOPICAL_GATE, type ScoreComponent } from './weights.js';

// Nearest-neighbour votes: how many top text hits vote, and the weight of a
// vote relative to one exact area term (≈1).
const NEIGHBOURS = 5;
const NEIGHBOUR_WEIGHT = 0.6;
const NEIGHBOUR_BUDGET = 1_000;

interface Ranked {
  doc: IndexedOffering;
  score: number;
  components: Record<ScoreComponent, number>;
  /** How far an applied learning model moved the score (0 without one). */
  learned: number;
}

/** The best-ranked offering as routing reads it: its main area (strongest weight, code on ties) and its concepts. */
function leadOfMatch(t: Ranked | undefined): LeadMatch | undefined {
  if (!t) return undefined;
  let mainArea: string | null = null;
  let w = -Infinity;
  for (const [code, v] of t.doc.areaWeight) if (v > w || (v === w && mainArea !== null && code < mainArea)) { mainArea = code; w = v; }
  return { mainArea, concepts: [...t.doc.profile.fine.keys()] };
}

// A route's concept named this strongly (≈ two clear mentions) confines proposals to its concept or area
// (and to areas scoring at least SECOND_AREA of the best one, through a concept of theirs the request
// names at least SECOND_CONCEPT).
const STRONG_CONCEPT = 0.7;
const SECOND_AREA = 0.6;
const SECOND_CONCEPT = 0.45;

// How many proposals each part keeps.
const PART_TOP_N = 5;

// Concepts that say who is to be assisted or the form the assistance takes (police, young people, women, a
// national strategy or action plan), not what it is about: a request for anti-corruption work with the
// police shares "police" with every policing programme. They are no evidence an offering answers the need.
const CONTEXT_CONCEPTS: ReadonlySet<string> = new Set(['c:law_enforcement', 'c:youth', 'c:women_gender', 'c:national_strategy']);

/** Keeps `list` as the best `n` entries, best first (score, then content, so ties never depend on ids or order). */
function insertTopN<T extends { doc: IndexedOffering; score: number }>(list: T[], item: T, n: number): void {
  const better = (a: T, b: T): boolean => a.score > b.score || (a.score === b.score && tieOrder(a.doc, b.doc) < 0);
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
  /** An applied learning model (priors, routing corrections, weights); none = the shipped behaviour. */
  learned?: LearnedModel;
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
  /** Indexes an offering; `pre` is a stored analysis of its text (analyseOffering), so it is not analysed again. */
  addOffering(offering: MatchableOffering, pre?: PreAnalysed): void;
  replaceOffering(offering: MatchableOffering, pre?: PreAnalysed): void;
  /** The analysis of an offering's text that addOffering would make, as storable data. */
  analyseOffering(offering: Pick<MatchableOffering, 'title' | 'description' | 'language' | 'versions'>): OfferingAnalysis;
  removeOffering(id: string): boolean;
  /** Scores, ranks and routes one request against the indexed offerings. */
  matchRequest(request: MatchableRequest, options: MatchOptions): MatchResult;
  /**
   * One indexed offering scored as matchRequest scores a candidate (components, weights, learned prior,
   * relevance and minimum): null when it would not be listed. For re-matching (src/matching/reverse.ts).
   */
  scoreCandidate(ctx: RequestContext, doc: IndexedOffering, text: number): { score: number; components: Record<ScoreComponent, number>; explain: () => MatchExplanation } | null;
  /**
   * The most scoreCandidate can give this pair whatever its text value (null: it is never listed), without
   * the text's BM25: re-matching dismisses the pairs that cannot reach a list's floor on this alone.
   */
  scoreBound(ctx: RequestContext, doc: IndexedOffering): number | null;
  /** The needs of its state a request links to, as matchRequest links them, without scoring offerings (a need that arrives after the request). */
  linkNeeds(request: Pick<MatchableRequest, 'id' | 'memberState' | 'title' | 'description' | 'language' | 'thematicAreas'>, needs: readonly MatchableNeed[]): { needId: string; score: number }[];
  /** Replaces the applied learning model (undefined: back to the shipped behaviour). */
  setLearned(model: LearnedModel | undefined): void;
  /** The applied learning model's version, or null. */
  readonly learnedVersion: string | null;
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
  // The TF-IDF vector is kept with it (computed once per text; the catalogue's weights drift little).
  type Analysed = ReturnType<typeof requestProfile> & { topic?: TopicProfile };
  const analysed = new Map<string, { text: string; result: Analysed }>();
  let heldChars = 0;
  const memo = (id: string, text: string, compute: () => Analysed): Analysed => {
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

  // Stored analyses passed again (a caller's cache) are turned into maps once.
  const fromStored = new WeakMap<object, TopicProfile>();

  const needTopic = (n: MatchableNeed): TopicProfile => {
    const p = memo(`need:${n.id}`, `${n.thematicAreas.join(',')}\u0000${n.description}`, () => {
      const lang = detectLanguage(n.description);
      const profile = profileText(tagger, '', n.description, lang);
      return { lang, profile, areas: combineAreas(n.thematicAreas, profile.inferred, known) };
    });
    return (p.topic ??= topic(n.id, n.memberState, p.lang, p.profile, p.areas));
  };

  const openTopic = (o: OpenRequestRef): TopicProfile => {
    // A request matched before brings its stored analysis: nothing to analyse or weigh again.
    if (o.stored) {
      let t = fromStored.get(o.stored);
      if (!t) {
        // Its vector is made (and read from `stored`) only when compared: duplicate detection compares vectors
        // only of requests with the same main area and language (relations.ts requestSimilarity).
        const s = o.stored;
        let vector: ReadonlyMap<string, number> | undefined;
        t = { id: o.id, memberState: o.memberState, lang: s.lang, areas: s.termAreas.map(([code, score]) => ({ code, score })), fine: new Map(s.fine), get vector() { return (vector ??= new Map(s.vector)); } };
        fromStored.set(s, t);
      }
      return t;
    }
    const p = memo(`request:${o.id}`, `${o.language ?? ''}\u0000${o.thematicAreas.join(',')}\u0000${o.title}\u0000${o.description}`, () => requestProfile(o));
    return (p.topic ??= topic(o.id, o.memberState, p.lang, p.profile, p.areas));
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
    const query = { tokens: profile.focus ?? profile.tokens, conceptTokens: queryConceptTokens(profile.fine, profile.framedOnly), fine: profile.fine };
    return withNeighbourVotes(profile, index.searchText(query, NEIGHBOURS, undefined, NEIGHBOUR_BUDGET));
  };

  /** The areas a text names in their own terms (not only through a fine concept of theirs). */
  const namedAreas = (profile: TextProfile): Set<string> => {
    const named = new Set<string>();
    for (const code of profile.tags.keys()) if (code.startsWith('area:')) named.add(code.slice(5));
    return named;
  };

  // A request whose route rests on a narrower concept of another area than its best-scoring one (customs
  // asking about explosive precursors, whose wording is mostly chemical) is about that area: it is put
  // first, at the best area's score, so that ranking and the reported area follow the route, not the
  // broader field's vocabulary. Areas the requester chose are kept as chosen.
  const routedAreaFirst = (explicit: readonly string[], areas: AreaScore[], fine: ReadonlyMap<string, number>, named: ReadonlySet<string>): AreaScore[] => {
    if (explicit.some((c) => known.has(c))) return areas;
    const best = areas.find((a) => taxonomy.has(a.code));
    const ev = routingEvidence(areas, fine, tagger.concepts, taxonomy, undefined, named);
    if (!best || !ev?.concept || ev.area === best.code) return areas;
    return [{ code: ev.area, score: best.score }, ...areas.filter((a) => a.code !== ev.area)];
  };

  /**
   * The request's own evidence (analysis.ts Support) that every offering of its list must share: the
   * concepts it names clearly (not context concepts, not ones named only in a framing clause) and the one
   * its route rests on; the areas it names in its own terms nearly as strongly as its best one, those it
   * chose, and its route's area when its own terms or concepts back it. Without it, a broad offering that
   * shares only an area the request got from a single word or its neighbours' votes, or only a context
   * concept ("police"), was proposed for a need nothing in the catalogue answers (firearms marking got
   * border and policing programmes), and CTED never saw that nothing is eligible. Undefined when the text
   * has no such evidence (only hints and votes): then any offering that scores may be listed, as before.
   */
  const supportOf = (explicit: readonly string[], profile: TextProfile, routing: Routing): Support | undefined => {
    const concepts = new Set<string>();
    for (const [c, v] of profile.fine) if (v >= SECOND_CONCEPT && !CONTEXT_CONCEPTS.has(c) && !profile.framedOnly?.has(c)) concepts.add(c);
    if (routing.concept) concepts.add(routing.concept);
    const named = new Map<string, number>();
    let best = 0;
    for (const [code, v] of profile.tags) {
      if (!code.startsWith('area:')) continue;
      const net = v - (profile.generic?.get(code) ?? 0);
      if (net <= 1e-9) continue;
      named.set(code.slice(5), net);
      best = Math.max(best, net);
    }
    const areas = new Set<string>();
    for (const [a, v] of named) if (v >= SECOND_AREA * best) areas.add(a);
    for (const c of explicit) if (known.has(c)) areas.add(c);
    const ownAreas = new Set(named.keys());
    for (const c of profile.fine.keys()) { const a = tagger.concepts.get(c)?.area; if (a) ownAreas.add(a); }
    if (routing.area && ownAreas.has(routing.area)) areas.add(routing.area);
    if (concepts.size === 0 && areas.size === 0) return undefined;
    const conceptAreas = new Set<string>();
    const entities = new Set<string>();
    for (const c of concepts) {
      const def = tagger.concepts.get(c);
      if (def?.area) conceptAreas.add(def.area);
      if (def?.agency && def.entities?.[0]) entities.add(def.entities[0]);
    }
    const sorted = (x: Set<string>) => [...x].sort();
    return { concepts: sorted(concepts), entities: sorted(entities), conceptAreas: sorted(conceptAreas), areas: sorted(areas) };
  };

  let learned = config.learned;
  let weights: Readonly<Record<ScoreComponent, number>> = { ...SCORING_WEIGHTS, ...(learned?.weights ?? {}) };
  let corrections = new Map(Object.entries(learned?.routingCorrections ?? {}));
  const leadOf = (area: string): string | null => taxonomy.get(area)?.entities[0] ?? null;

  interface Analysis {
    areas: AreaScore[];
    profile: TextProfile;
    top: Ranked[];
    ctx: RequestContext;
    routing: Routing;
    confidence: { area: number; route: number };
    triage: Triage | null;
    matches: OfferingMatch[];
    /** The text query as searched: terms, distinct query terms, best and last kept raw BM25 (re-matching scores against it). */
    query: RequestAnalysis['query'];
    /** What was done to the list as a whole (re-matching does the same). */
    list: ListRule;
  }

  /**
   * The contexts an applied learning model's decisions were made in: the concept the request routes
   * on, and its area (learning.ts). Empty without a model.
   */
  const learnedContexts = (ctx: RequestContext): { key: string; weight: number }[] => {
    if (!learned) return [];
    const evidence = routingEvidence(ctx.areas, ctx.fine, tagger.concepts, taxonomy);
    return evidence ? contextsOf(evidence.concept, evidence.area) : [];
  };

  /** A candidate's score as a request's list takes it (with the learned adjustment), or null when it would not be listed. */
  const scoreOf = (ctx: RequestContext, doc: IndexedOffering, text: number, contexts = learnedContexts(ctx)): { score: number; components: Record<ScoreComponent, number>; learned: number } | null => {
    const components = scoreComponents(ctx, doc, text);
    // Relevance on the text as matched (not as raised across languages by the concept value).
    const relevant = components.thematic >= MATCHING_LIMITS.minThematic || text >= MATCHING_LIMITS.minTextWithoutThematic;
    if (!relevant) return null;
    let score = combine(components, weights);
    const adjust = learned ? learnedAdjustment(learned, doc.offering.id, doc.offering.providerId, contexts) : 0;
    if (adjust !== 0) score = Math.max(0, Math.min(1, score + adjust));
    score = round4(score);
    return score < MATCHING_LIMITS.minScore ? null : { score, components, learned: round4(adjust) };
  };

  /** A listed candidate's explanation; with a learning model's adjustment the gate is stored so its arithmetic still adds up. */
  const explain = (ctx: RequestContext, t: { doc: IndexedOffering; components: Record<ScoreComponent, number>; learned: number }) => (t.learned === 0
    ? explainMatch(ctx, t.doc, t.components, weights)
    : { ...explainMatch(ctx, t.doc, t.components, weights), gate: round4(Math.max(t.components.thematic, TOPICAL_GATE.textOnly * t.components.text)), learned: t.learned });

  /** Classification, candidates, scoring, routing, confidence and triage of one text (the request or one part). */
  const analyseText = (
    request: MatchableRequest,
    lang: Lang,
    profile: TextProfile,
    termAreas: AreaScore[],
    now: Date,
    topN: number,
    needs: RequestContext['needs'],
  ): Analysis => {
    const state = stateOf(request.memberState);
    const gate = index.gateFor(state, now);
    // Area tokens are left out of the text query: area postings already supply
    // those candidates and the thematic component scores them.
    const query = { tokens: profile.focus ?? profile.tokens, conceptTokens: queryConceptTokens(profile.fine, profile.framedOnly), fine: profile.fine };
    const used = { terms: [] as string[], absent: [] as string[] };
    const hits = index.searchText(query, MATCHING_LIMITS.textCandidates, gate, undefined, used);
    // Neighbours vote on the topic whatever their eligibility, so they come
    // from a second, unfiltered search on the query's most selective terms.
    const named = namedAreas(profile);
    const areas = routedAreaFirst(request.thematicAreas, classifyProfile(request.thematicAreas, profile, termAreas), profile.fine, named);

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
    // The best text value among on-topic offerings written in the request's language (scoring.ts
    // textValue): those are the ones whose word overlap competes with offerings in other languages.
    let sameLanguageText = 0;
    for (const id of hits.keys()) {
      const doc = index.get(id)!;
      if (writtenIn(doc.offering, lang) && thematicValue(areas, doc.areaWeight) >= MATCHING_LIMITS.minThematic) sameLanguageText = Math.max(sameLanguageText, textOf(id));
    }
    const ctx: RequestContext = { lang, state, areas, fine: profile.fine, modalities: request.modalities, urgency: request.urgency, needs, nowMs: now.getTime(), sameLanguageText };

    // Full scoring is cheap arithmetic; explanations are built for the top N only.
    const top: Ranked[] = [];
    const contexts = learnedContexts(ctx);
    const consider = (doc: IndexedOffering): void => {
      const scored = scoreOf(ctx, doc, textOf(doc.offering.id), contexts);
      if (scored) insertTopN(top, { doc, ...scored }, topN);
    };
    const seen = new Set<string>();
    index.forEachThematicCandidate(candidateAreas, gate, (doc) => {
      if (hits.has(doc.offering.id)) seen.add(doc.offering.id);
      consider(doc);
    });
    for (const id of hits.keys()) if (!seen.has(id)) consider(index.get(id)!);

    const lead = leadOfMatch(top[0]);
    const routing = routeRequest(
      areas,
      top.map((t) => ({ providerEntity: t.doc.offering.providerEntity, areas: [...t.doc.areaWeight.keys()], concepts: [...t.doc.profile.fine.keys()] })),
      taxonomy,
      { fine: profile.fine, concepts: tagger.concepts, corrections, lead, named },
    );
    const evidence = routingEvidence(areas, profile.fine, tagger.concepts, taxonomy, lead, named);
    // A request that names the concept its route rests on clearly (witness protection, API/PNR) is
    // answered by offerings on that concept or its area, or on the request's best area when the route
    // rests on another one (the legislative half of a request merged into one part): an offering of a
    // neighbouring area that shares only words with it (prosecutor mentoring for a witness-protection
    // unit) is no answer, and proposing it hides that nothing eligible fits (CTED then triages).
    // A second area the request names nearly as clearly (the legislative half of a request CTED merged
    // into one part) keeps its offerings too.
    const support = supportOf(request.thematicAreas, profile, routing);
    let list: ListRule = support ? { kind: 'open', support } : { kind: 'open' };
    if (routing.concept && routing.area && (evidence?.strength ?? 0) >= STRONG_CONCEPT) {
      const known = areas.filter((a) => taxonomy.has(a.code));
      const bestArea = known[0]?.code ?? routing.area;
      const second = new Set(known.filter((a) => a.score >= SECOND_AREA * known[0]!.score).map((a) => a.code));
      // An offering of such an area stays when it carries a concept of that area the request names too.
      const secondConcepts: [string, string][] = [];
      for (const [c, v] of profile.fine) {
        const area = tagger.concepts.get(c)?.area;
        if (area && second.has(area) && v >= SECOND_CONCEPT) secondConcepts.push([c, area]);
      }
      list = { kind: 'route', areas: [...new Set([routing.area, bestArea])], concept: routing.concept, second: secondConcepts, ...(support ? { support } : {}) };
    }
    for (let i = top.length - 1; i >= 0; i--) if (!listAdmits(list, top[i]!.doc)) top.splice(i, 1);
    const aConf = areaConfidence(areas);
    const topScore = top[0]?.score ?? 0;
    const rConf = routing.entity ? routeConfidence(aConf, routing.concept ? evidence?.strength ?? 0 : 0, topScore) : 0;
    const matches = top.map((t, i) => ({
      offeringId: t.doc.offering.id,
      providerId: t.doc.offering.providerId,
      rank: i + 1,
      score: t.score,
      confidence: matchConfidence(t.score, topScore),
      explanation: explain(ctx, t),
    }));
    // Evidence from terms and concepts actually named (not single-word hints, not neighbour votes, not
    // terms made only of words every request uses: "technical assistance needs" names no field).
    const own = ownEvidence(profile);
    // Explicit areas chosen by the state are evidence enough.
    const explicit = request.thematicAreas.some((c) => known.has(c));
    const termEvidence = explicit ? Math.max(own.terms, 1) : own.terms;
    const triage = triageDecision({ areas, termEvidence, fineCount: own.fine, ownHints: own.hints, ownAreas: explicit ? termAreas : own.areas, routing, leadOf, matches, confidence: rConf });
    // No area, or a tie between areas of different entities: nobody to suggest.
    const finalRouting: Routing = triage && (triage.reason === 'no_area_fits' || triage.reason === 'areas_tie')
      ? { entity: null, reason: 'triage', area: null, concept: null, responsible: [] }
      : routing;
    let cutRaw = 0;
    if (hits.size >= MATCHING_LIMITS.textCandidates) for (const hit of hits.values()) cutRaw = hit.score;
    // A request CTED must triage because nothing fits gets no proposals, now or when offerings change.
    if (triage?.reason === 'no_area_fits') list = { kind: 'none' };
    return {
      query: { terms: used.terms, absent: used.absent, n: queryTerms, top: topRaw, ...(topRaw > 0 ? { best: hits.keys().next().value! } : {}), cut: cutRaw, same: sameLanguageText },
      areas, profile, top, ctx, routing: finalRouting, triage, list,
      confidence: { area: aConf, route: rConf },
      matches: list.kind === 'none' ? [] : matches,
    };
  };

  /** The parts of a request: CTED's when fixed, else the splitter's (parts.ts) over clauses read by this engine. */
  const partTexts = (request: MatchableRequest, lang: Lang): string[] => {
    if (request.parts) return request.parts.length >= 2 ? [...request.parts] : [];
    return splitParts(request.title, request.description, (text) => {
      const p = profileText(tagger, '', text, lang);
      const ev = routingEvidence(p.inferred, p.fine, tagger.concepts, taxonomy);
      let raw = 0;
      for (const [code, v] of p.tags) if (!code.startsWith('~')) raw = Math.max(raw, v);
      return { area: ev ? ev.area : null, strength: raw, areas: p.inferred };
    });
  };

  const matchRequest = (request: MatchableRequest, options: MatchOptions): MatchResult => {
    const now = options.now;
    const topN = options.topN ?? MATCHING_LIMITS.defaultTopN;
    const { lang, profile, areas: termAreas } = requestProfile(request);

    const needTopics = (options.needs ?? []).filter((n) => n.memberState === request.memberState).map(needTopic);
    // Need links are about the whole request: classify it once first (cheap), then score.
    const whole0 = classifyProfile(request.thematicAreas, profile, termAreas);
    const self = topic(request.id, request.memberState, lang, profile, whole0);
    const linkedNeeds = linkNeeds(self, needTopics, MATCHING_LIMITS.needLinkThreshold);
    const needById = new Map((options.needs ?? []).map((n) => [n.id, n]));
    const needTopicById = new Map(needTopics.map((t) => [t.id, t]));
    const needs = linkedNeeds.map((l) => ({
      areas: new Set(needTopicById.get(l.needId)!.areas.map((a) => a.code)),
      value: PRIORITY_VALUE[needById.get(l.needId)!.priority],
    }));
    const whole = analyseText(request, lang, profile, termAreas, now, topN, needs);

    const analysed = partTexts(request, lang).map((text) => {
      const p = profileText(tagger, '', text, lang);
      return { text, part: analyseText({ ...request, thematicAreas: [] }, lang, p, combineAreas([], p.inferred, known), now, PART_TOP_N, needs) };
    });
    const parts: RequestPart[] = analysed.map(({ text, part }, i) => ({
      index: i, text, thematicAreas: part.areas.map((a) => ({ code: a.code, score: round4(a.score) })),
      routing: part.routing, confidence: part.confidence, matches: part.matches,
    }));

    // A request in parts is routed as its first part (what the State asks for first, or CTED put first);
    // its proposals take each part's best in turn, so every part's answer is near the top. Areas the State
    // chose itself keep the whole request's reading.
    const lead = analysed.length >= 2 && !request.thematicAreas.some((c) => known.has(c)) ? analysed[0]!.part : null;
    const areasOut = lead ? [...lead.areas, ...whole.areas.filter((a) => !lead.areas.some((l) => l.code === a.code))] : whole.areas;
    let matchesOut = whole.matches;
    if (lead) {
      const lists = [...analysed.map((x) => x.part.matches), whole.matches];
      const seen = new Set<string>();
      const merged: OfferingMatch[] = [];
      for (let i = 0; merged.length < topN && lists.some((l) => i < l.length); i++) {
        for (const l of lists) {
          const m = l[i];
          if (!m || seen.has(m.offeringId) || merged.length >= topN) continue;
          seen.add(m.offeringId);
          merged.push({ ...m, rank: merged.length + 1 });
        }
      }
      matchesOut = merged;
    }

    const openTopics = (options.openRequests ?? []).filter((o) => o.memberState === request.memberState && o.id !== request.id).map(openTopic);
    // What a changed offering needs to be scored against this request later (src/matching/reverse.ts).
    const analysis: RequestAnalysis = {
      lang, areas: toPairs(whole.areas), termAreas: toPairs(termAreas), fine: [...profile.fine],
      query: whole.query,
      needs: needs.map((n) => ({ areas: [...n.areas], value: n.value })),
      vector: [...self.vector],
      list: lead ? { kind: 'parts' } : whole.list,
    };
    return {
      analysis,
      language: lang,
      thematicAreas: areasOut.map((a) => ({ code: a.code, score: round4(a.score) })),
      matches: matchesOut,
      routing: lead ? lead.routing : whole.routing,
      confidence: lead ? lead.confidence : whole.confidence,
      triage: lead ? lead.triage : whole.triage,
      parts,
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
    addOffering: (o, pre) => {
      index.add(o, pre);
    },
    replaceOffering: (o, pre) => {
      index.replace(o, pre);
    },
    analyseOffering: (o) => analyseOfferingText(tagger, o),
    removeOffering: (id) => index.remove(id),
    matchRequest,
    scoreCandidate: (ctx, doc, text) => {
      const scored = scoreOf(ctx, doc, text);
      // The explanation only for the few that enter a list (re-matching scores many more than it lists).
      return scored ? { score: scored.score, components: scored.components, explain: () => explain(ctx, { doc, ...scored }) } : null;
    },
    // The score never falls as the text value rises (textValue, the topical gate and the weighted sum all
    // grow with it, relevance too) while the text weight is not negative: the score at text 1 is the bound.
    scoreBound: (ctx, doc) => (weights.text < 0 ? 1 : scoreOf(ctx, doc, 1)?.score ?? null),
    linkNeeds: (request, needs) => {
      const { lang, profile, areas: termAreas } = requestProfile(request);
      const self = topic(request.id, request.memberState, lang, profile, classifyProfile(request.thematicAreas, profile, termAreas));
      return linkNeeds(self, needs.filter((n) => n.memberState === request.memberState).map(needTopic), MATCHING_LIMITS.needLinkThreshold);
    },
    setLearned(model) {
      learned = model;
      weights = { ...SCORING_WEIGHTS, ...(model?.weights ?? {}) };
      corrections = new Map(Object.entries(model?.routingCorrections ?? {}));
    },
    get learnedVersion() {
      return learned?.version ?? null;
    },
  };
}
