// Analyses as plain, storable data: what the engine derives from an offering's or a request's text,
// written once when the text is written (or matched) and read back instead of analysing again.
// Every stored analysis carries the analyser's version: when the vocabulary, the concepts, the stop
// words or the normaliser change, the version changes and stored analyses are made again.
import { createHash } from 'node:crypto';
import { profileText, profileVersions } from './classify.js';
import { offeringVersions, type PreAnalysed } from './offering.index.js';
import type { ConceptTagger } from './concepts.tagger.js';
import { STOPWORDS } from './stopwords.js';
import { ANALYSER_VERSION } from './version.js';
import { analyze } from './text.normalize.js';
import type { AreaScore, Lang, MatchableOffering, Modality, StateGeo, ThematicAreaRef } from './types.js';

/**
 * Bump when code of the analyser changes behaviour in a way the probes below might miss. Data changes
 * (lexicon, area terms, stop words) change the version by themselves, and so does ANALYSER_VERSION
 * (version.ts: the normaliser's own revision, stop words, lexicon), which is part of the hash.
 */
// 3: an offering's stored analysis covers its translations (every version the matcher reads).
// 4: Chinese terms stop at clause punctuation, and an enumeration term with a final 和/及 also matches the
// list written with 、 throughout (concepts.tagger.ts); the probes contain neither.
const ANALYSER_REVISION = 4;

// One sentence per language, run through the analyser when the version is computed: a normaliser or
// tagger whose output changes changes the version, even when nobody bumped ANALYSER_REVISION.
const PROBES: Record<Lang, string> = {
  en: 'Training of financial intelligence unit analysts on suspicious transaction reports, border control and ISPS port security.',
  fr: 'Formation des analystes de la cellule de renseignement financier sur les déclarations de soupçon et la sécurité aéroportuaire.',
  es: 'Capacitación de analistas de la unidad de inteligencia financiera sobre reportes de operaciones sospechosas y seguridad marítima.',
  ru: 'Обучение аналитиков подразделения финансовой разведки по сообщениям о подозрительных операциях и безопасности границ.',
  ar: 'تدريب محللي وحدة الاستخبارات المالية على تقارير المعاملات المشبوهة وأمن الحدود والموانئ.',
  zh: '为金融情报机构分析人员提供可疑交易报告和边境管理培训，以及港口设施安全评估。',
};

/** The analyser's version: a hash of its revision, its data and its output on fixed probe texts. */
export function analyserVersion(areas: readonly ThematicAreaRef[], tagger: ConceptTagger): string {
  const h = createHash('sha256');
  h.update(`rev:${ANALYSER_REVISION}:${ANALYSER_VERSION}\n`);
  for (const a of [...areas].sort((x, y) => x.code.localeCompare(y.code))) h.update(JSON.stringify([a.code, a.names, a.terms])).update('\n');
  for (const c of [...tagger.concepts.values()].sort((x, y) => x.code.localeCompare(y.code))) h.update(JSON.stringify([c.code, c.area, c.areaWeight ?? null, c.terms])).update('\n');
  for (const l of Object.keys(STOPWORDS).sort()) h.update(`${l}:${[...STOPWORDS[l as Lang]].sort().join(' ')}\n`);
  for (const [l, text] of Object.entries(PROBES)) {
    const p = profileText(tagger, '', text, l as Lang);
    h.update(JSON.stringify([l, analyze(text, l as Lang), [...p.tags].sort(([a], [b]) => a.localeCompare(b))])).update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

/** An offering's text analysis, as stored with the offering (JSON). */
export interface OfferingAnalysis {
  /** Analysed tokens of the titles, then of the descriptions (every language version given). */
  title: string[];
  body: string[];
  /** Fine concept strengths. */
  fine: [string, number][];
  /** Areas inferred from the text (explicit ones are the offering's own). */
  inferred: [string, number][];
}

/** Analyses an offering's titles and descriptions once: the tokens, fine concepts and inferred areas the index needs. */
export function analyseOfferingText(tagger: ConceptTagger, o: Pick<MatchableOffering, 'title' | 'description' | 'language' | 'versions'>): OfferingAnalysis {
  const versions = offeringVersions(o as MatchableOffering);
  const profile = profileVersions(tagger, versions);
  return {
    title: versions.flatMap((v) => analyze(v.title, v.language)),
    body: versions.flatMap((v) => analyze(v.description, v.language)),
    fine: [...profile.fine],
    inferred: profile.inferred.map((a) => [a.code, a.score]),
  };
}

/** The index's view of a stored analysis (the fields the index drops after indexing are left empty). */
export function profileOf(a: OfferingAnalysis, lang: Lang): PreAnalysed {
  return {
    profile: {
      lang, tokens: [...a.title, ...a.body], tags: new Map(), areaRaw: new Map(),
      fine: new Map(a.fine), inferred: a.inferred.map(([code, score]) => ({ code, score })),
    },
    title: a.title,
    body: a.body,
  };
}

/** Whether a JSON value read back from the database is an offering analysis. */
export function isOfferingAnalysis(v: unknown): v is OfferingAnalysis {
  const a = v as OfferingAnalysis | null;
  return !!a && Array.isArray(a.title) && Array.isArray(a.body) && Array.isArray(a.fine) && Array.isArray(a.inferred);
}

/** What a request's last full match knew: enough to score one more offering against it, and to compare it with later requests. */
export interface RequestAnalysis {
  lang: Lang;
  /** Areas as matching used them (explicit, else terms and neighbour votes). */
  areas: [string, number][];
  /** Areas from the request's own terms (what duplicate detection compares). */
  termAreas: [string, number][];
  fine: [string, number][];
  /**
   * The text query: the terms searched, how many distinct terms the request had, the best and the last kept raw BM25,
   * and the best text value of an offering written in the request's language (absent in analyses stored before it: 0);
   * the offering that had the best raw BM25 (`best`), and the query's terms no offering held (`absent`), both absent in
   * analyses stored before them (re-matching then cannot tell that a change moves the request's best text hit).
   */
  query: { terms: string[]; n: number; top: number; cut: number; same?: number; best?: string; absent?: string[] };
  /** Linked needs: their areas and priority value. */
  needs: { areas: string[]; value: number }[];
  /** TF-IDF vector of the request's tokens (duplicate detection). */
  vector: [string, number][];
  /** What the full match did to the list as a whole (absent in analyses stored before it: an open list). */
  list?: ListRule;
}

/**
 * What a full match did to a request's list as a whole, kept so that re-matching (reverse.ts) does the
 * same to each changed offering instead of giving a list a full match would not: `open` takes any
 * offering that scores; `none` stays empty (CTED triages: no area fits); `route` takes only offerings on
 * the route of a clearly named concept (matcher.ts): of one of `areas`, carrying `concept`, or carrying
 * a `second` concept the request names with that concept's area; `parts` merges the lists of the
 * request's parts, which only a full match can redo.
 */
export type ListRule =
  | { kind: 'open'; support?: Support }
  | { kind: 'none' }
  | { kind: 'parts' }
  | { kind: 'route'; areas: string[]; concept: string; second: [concept: string, area: string][]; support?: Support };

/**
 * The request's own evidence that every offering of its list must share (matcher.ts `supportOf`): one of
 * its specific `concepts` (carried, or an agency concept naming the offering's entity: `entities`), an offering
 * whose main area is one of `conceptAreas` (the areas of those concepts: the field the narrower need sits
 * in), or one of `areas` (the areas the request names in its own terms, chose itself, or routes on with
 * evidence of its own). Absent (and in analyses stored before it): any offering that scores.
 */
export interface Support {
  concepts: string[];
  /** The entities the request's agency concepts name (ICAO, OPCW...): an offering they deliver carries the concept. */
  entities: string[];
  conceptAreas: string[];
  areas: string[];
}

/** What listAdmits reads of an offering: its areas and concepts as indexed, and its provider's entity. */
export interface AdmitDoc {
  areaWeight: ReadonlyMap<string, number>;
  profile: { fine: ReadonlyMap<string, number> };
  offering?: { providerEntity: string | null };
}

/** The offering's main areas: those weighted as its strongest one. */
function isMainArea(doc: AdmitDoc, area: string): boolean {
  const w = doc.areaWeight.get(area);
  if (w === undefined) return false;
  for (const v of doc.areaWeight.values()) if (v > w) return false;
  return true;
}

/** Whether the offering shares the request's own evidence (Support). */
export function supports(s: Support, doc: AdmitDoc): boolean {
  const entity = doc.offering?.providerEntity;
  if (s.concepts.some((c) => doc.profile.fine.has(c)) || (!!entity && s.entities.includes(entity))) return true;
  return s.conceptAreas.some((a) => isMainArea(doc, a)) || s.areas.some((a) => doc.areaWeight.has(a));
}

/** Whether a list under `rule` may hold the offering (its areas and concepts as indexed). The one home of the rule for full and re-matching. */
export function listAdmits(rule: ListRule | undefined, doc: AdmitDoc): boolean {
  if (!rule) return true;
  if (rule.kind === 'none') return false;
  if (rule.kind === 'parts') return true;
  if (rule.support && !supports(rule.support, doc)) return false;
  if (rule.kind !== 'route') return true;
  return rule.areas.some((a) => doc.areaWeight.has(a)) || doc.profile.fine.has(rule.concept)
    || rule.second.some(([c, a]) => doc.profile.fine.has(c) && doc.areaWeight.has(a));
}

/** The parts of a request analysis that scoring an offering against it reads (not the duplicate-detection fields). */
export type ScoringAnalysis = Pick<RequestAnalysis, 'lang' | 'areas' | 'fine' | 'query' | 'needs' | 'list'>;

/** A request as a changed offering is scored against it. */
export interface StoredRequest {
  id: string;
  state: StateGeo;
  modalities: readonly Modality[];
  urgency: 'low' | 'normal' | 'high';
  analysis: ScoringAnalysis;
}

/** Whether a JSON value read back from the database has the scoring part of a request analysis (re-matching reads only that part). */
export function isScoringAnalysis(v: unknown): v is ScoringAnalysis {
  const a = v as ScoringAnalysis | null;
  return !!a && typeof a.lang === 'string' && Array.isArray(a.areas) && Array.isArray(a.fine) && !!a.query && Array.isArray(a.query.terms) && Array.isArray(a.needs);
}

/** Whether a JSON value read back from the database is a request analysis. */
export function isRequestAnalysis(v: unknown): v is RequestAnalysis {
  const a = v as RequestAnalysis | null;
  return isScoringAnalysis(a) && Array.isArray(a.termAreas) && Array.isArray(a.vector);
}

/** Area scores as stored pairs and back. */
export const toPairs = (areas: readonly AreaScore[]): [string, number][] => areas.map((a) => [a.code, a.score]);
export const fromPairs = (pairs: readonly [string, number][]): AreaScore[] => pairs.map(([code, score]) => ({ code, score }));
