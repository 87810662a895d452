import { GENERIC_WORDS, STOPWORDS } from './stopwords.js';
import { analyze, analyzeMarked, arabicCliticReading, normalizeForSubstring } from './text.normalize.js';
import type { MarkedTokens } from './text.normalize.js';
import type { Lang, ThematicAreaRef } from './types.js';
import { LANGS } from './types.js';

/**
 * A term, or a term with the code of the source it was taken from (see vocabulary.sources.ts); a plain
 * string takes its concept's `source`.
 */
export type SourcedTerm = string | readonly [term: string, source: string];

/** A language-independent concept with its surface terms per language. */
export interface ConceptDef {
  /** `area:<code>` for thematic areas, `c:<name>` for finer concepts. */
  code: string;
  /** The thematic area the concept belongs to (null when cross-cutting). */
  area: string | null;
  /** How much the concept counts as evidence for its area (default 0.8); low for context concepts. */
  areaWeight?: number;
  /**
   * Task Force entities responsible for this concept, lead first, from the report and the mandates
   * (`paragraphs`, `basis`). Routing uses them before the area's entities: they are the more specific
   * evidence. Absent: the area's entities apply.
   */
  entities?: readonly string[];
  /**
   * The broader concept this one is a part of (customs enforcement of strategic trade controls within
   * strategic trade control): named as clearly as the broader one, the narrower concept is the more
   * specific evidence for routing (routing.ts), even when it sits in another area that the request
   * names nearly as clearly. Several when the concept is a part of each (explosive precursors: of IEDs
   * and of precursor chemicals).
   */
  broader?: string | readonly string[];
  /**
   * The concept is the name of an entity (ICAO, OPCW...): the one in `entities`. An offering that
   * entity delivers carries it whether or not its text repeats the name (scoring.ts conceptValue).
   */
  agency?: boolean;
  /** Report paragraphs (A/62/898) establishing that responsibility. */
  paragraphs?: readonly number[];
  /** One sentence saying why these entities, when the paragraphs do not say it alone. */
  basis?: string;
  /** Default source code of the concept's plain-string terms. */
  source?: string;
  /**
   * The concept's terms are names of legal instruments (conventions, protocols), and this is the code of
   * the concept of legal work on them (ratification, incorporation into domestic law). The words of other
   * concepts said inside such a name (the "nuclear material" of the Convention on the Physical Protection
   * of Nuclear Material) name the instrument, not the field: when the text also speaks of legal work, they
   * count for that concept's area instead of their own (classify.ts). A name term neither splits the
   * weight of the same term in another concept nor is split by it.
   */
  legalWork?: string;
  /**
   * The concept is a stage of the criminal-justice chain (investigating, prosecuting, adjudicating) that
   * applies to whatever crime a text names: when the text names a `crimeField` concept, its evidence counts
   * for that crime's area instead of its own (classify.ts), since the investigation and prosecution *of
   * cybercrime* is a request about cybercrime.
   */
  justiceStage?: boolean;
  /** The concept names a field of crime with its own area and programmes (cybercrime): see `justiceStage`. */
  crimeField?: boolean;
  terms: Partial<Record<Lang, readonly SourcedTerm[]>>;
}

/** The text of a term, without its source. */
export const termText = (t: SourcedTerm): string => (typeof t === 'string' ? t : t[0]);
/** The source code of a term (its own, else the concept's, else the project's working vocabulary). */
export const termSource = (t: SourcedTerm, def: Pick<ConceptDef, 'source'>): string => (typeof t === 'string' ? def.source ?? 'ONEDOOR' : t[1]);

interface TokenTerm {
  tokens: string[];
  /** Where the term itself has a coordination ("arms and ammunition"): see MarkedTokens.joins. */
  joins: readonly number[];
  concept: string;
  weight: number;
  /** Made only of words every request uses (GENERIC_WORDS): "technical assistance needs". */
  generic: boolean;
}

interface SubstringTerm {
  needle: string;
  concept: string;
  weight: number;
  /** Segmenter words of the needle, for the out-of-order match (≥ 2 words, else empty). */
  words: string[];
  /** Made only of words every request uses (技术 援助 需求). */
  generic: boolean;
  /** The term is itself a coordination (化学、生物、放射性和核): see chineseMarkedWords. */
  coordinated: boolean;
}

/** Concept strengths found in one text. */
export type ConceptTags = Map<string, number>;

/** A phrase hit at token (or, in Chinese, character) positions [start, end). */
interface Hit {
  concept: string;
  start: number;
  end: number;
  w: number;
}

// Repeating a term many times is not proportionally more evidence.
const MAX_COUNT_PER_TERM = 3;
// Multi-word terms found out of order or loosely: weight and window slack.
const UNORDERED_FACTOR = 0.6;
const UNORDERED_SLACK = 2;
// Single-token evidence is a fraction of a phrase match, and only for words
// that belong to few areas.
const SOFT_WEIGHT = 0.3;
const SOFT_MAX_AREAS = 3;
// Acronyms and codes (FATF, API/PNR, ISO/IEC 17025): capitals, digits and their separators, spaces included
// ("ISO/IEC 17025" is written so in every language's text, so it is matched in every language).
const ACRONYM = /^(?=(?:.*\p{Lu}){2})[\p{Lu}\p{N}][\p{Lu}\p{N}/&. -]*[\p{Lu}\p{N}]$/u;

const termWeight = (tokenCount: number, acronym: boolean): number =>
  (1 + 0.5 * Math.min(tokenCount - 1, 3)) * (acronym ? 1.5 : 1);

const zhWordSegmenter = new Intl.Segmenter('zh', { granularity: 'word' });
// Punctuation that ends a clause or a list item in Chinese (and Latin) text: kept as a boundary mark
// (one that no normalised text contains) in both the terms and the text, so that a term matches across
// it only where the term itself has it (化学、生物、放射性和核).
const CLAUSE_BREAK = /[、，。；：！？,.;:!?()（）「」『』“”《》\n]+/u;
const clauseNormal = (text: string): string => text.split(CLAUSE_BREAK).map(normalizeForSubstring).filter((p) => p.length > 0).join('|');

/** Word segments of a normalised Chinese string (no bigrams, no stop-word removal). */
function chineseWords(text: string): string[] {
  const out: string[] = [];
  for (const seg of zhWordSegmenter.segment(text)) if (seg.isWordLike) out.push(seg.segment);
  return out;
}

// Chinese coordinators: 和, 与, 及, 或 ("and", "or") and their longer forms.
const ZH_COORDINATORS: ReadonlySet<string> = new Set(['和', '与', '及', '或', '以及', '或者', '或是']);

/**
 * The words of a clauseNormal text without its coordinators, and where a coordinator or a clause mark
 * (the list mark 、, a comma, any of CLAUSE_BREAK: its |) stands between two of them (MarkedTokens).
 */
function chineseMarkedWords(text: string): MarkedTokens {
  const tokens: string[] = [];
  const joins: number[] = [];
  // As in analyzeMarked: recorded before the next word, unless 其 ("its") refers back (情报及其司法化).
  let pending = false;
  for (const seg of zhWordSegmenter.segment(text)) {
    if (seg.segment === '|' || (seg.isWordLike === true && ZH_COORDINATORS.has(seg.segment))) pending = true;
    else if (pending && seg.segment === '其') pending = false;
    else if (seg.isWordLike) {
      if (pending && tokens.length > 0 && joins.at(-1) !== tokens.length) joins.push(tokens.length);
      pending = false;
      tokens.push(seg.segment);
    }
  }
  return { tokens, joins };
}

// The Snowball stemmers of English, French and Spanish conflate inflection, not derivation: the verb
// and its noun of action keep stems that differ by a letter or two ("identificar" → identific,
// "identificación" → identif; "identifier" → identifi, "identification" → identif). Where one stem
// extends the other by at most this much and the shorter one is long enough to be a word family of
// its own, a term's word matches the text's. Not Russian: there two more letters make another word
// (пограничн, "border" as adjective, and пограничник, "border guard").
const FAMILY_SLACK = 2;
const FAMILY_MIN = 6;
const FAMILY_LANGS: ReadonlySet<Lang> = new Set(['en', 'fr', 'es']);
// Distinct words whose family terms are kept per language (bounded, cleared when full).
const RELATED_MEMO_LIMIT = 50_000;
const NO_TERMS: readonly TokenTerm[] = [];

/** A text word against a term word: the same stem, or (in languages where stems are words) one stem extending the other slightly. */
function sameWord(text: string, term: string, family: boolean): boolean {
  if (text === term) return true;
  if (!family) return false;
  const [short, long] = text.length < term.length ? [text, term] : [term, text];
  return short.length >= FAMILY_MIN && long.length - short.length <= FAMILY_SLACK && long.startsWith(short);
}

/** What the word at position j can be read as: itself, and for Arabic the word without a one-letter proclitic. */
interface Readings {
  tokens: readonly string[];
  /** Second reading per position (Arabic proclitic), or null. */
  alt: readonly (string | null)[] | null;
  family: boolean;
  /** Per position, the coordination whose conjuncts the word begins or ends (conjuncts), or null when the text has none. */
  conjunct: Int32Array | null;
}

/**
 * Per token position, which coordination the word stands next to (the last word before an "and", "or" or
 * list comma, or the first after it), -1 for none; a list ("police, customs and judicial officers") is one
 * coordination. Two such words of one coordination are in two of its conjuncts: "police and judicial
 * officers" are police officers and judicial officers, not judicial police. A word a coordination shares
 * ("protection" in "protection of victims and witnesses", "witness and victim protection") stands next to
 * none, and reads with a word of either conjunct.
 */
function conjunctsOf(count: number, joins: readonly number[]): Int32Array | null {
  if (joins.length === 0) return null;
  const out = new Int32Array(count).fill(-1);
  let id = 0;
  for (const g of joins) {
    if (g <= 0 || g >= count) continue;
    // The word before this join is the word after the previous one: the list goes on.
    if (out[g - 1] === -1) out[g - 1] = ++id;
    out[g] = out[g - 1]!;
  }
  return out;
}

/** Whether words at positions a and b stand in two conjuncts of one coordination (conjunctsOf). */
const acrossConjuncts = (r: Readings, a: number, b: number): boolean =>
  r.conjunct !== null && a !== b && r.conjunct[a]! >= 0 && r.conjunct[a] === r.conjunct[b];

const wordAt = (r: Readings, j: number, term: string): boolean =>
  sameWord(r.tokens[j]!, term, r.family) || (r.alt !== null && r.alt[j] === term);

function matchesAt(r: Readings, i: number, term: TokenTerm): boolean {
  const words = term.tokens;
  if (i + words.length > r.tokens.length) return false;
  for (let k = 1; k < words.length; k++) {
    if (!wordAt(r, i + k, words[k]!)) return false;
    // "judicial and police officers" does not say "judicial police": a coordination the term does not have.
    if (acrossConjuncts(r, i + k - 1, i + k) && !term.joins.includes(k)) return false;
  }
  return true;
}

/**
 * All of the term's tokens within a small window around position i (any order), no two of them in two
 * conjuncts of one coordination (conjunctsOf) unless the term is itself one (`coordinated`: "chemical,
 * biological, radiological and nuclear" said in another order).
 */
function matchesNear(reads: Readings, i: number, term: readonly string[], coordinated: boolean): boolean {
  const span = term.length + UNORDERED_SLACK;
  const from = Math.max(0, i - span);
  const to = Math.min(reads.tokens.length, i + span + 1);
  const at = [i];
  for (let k = 1; k < term.length; k++) {
    let found = false;
    for (let j = from; j < to; j++) {
      if (j !== i && wordAt(reads, j, term[k]!) && (coordinated || !at.some((a) => acrossConjuncts(reads, a, j)))) {
        at.push(j);
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

const zhGeneric: ReadonlySet<string> = new Set([...STOPWORDS.zh, ...GENERIC_WORDS.zh]);
const genericStems = new Map<Lang, ReadonlySet<string>>();
/**
 * A Chinese term read for single-word evidence: whether it is generic (genericWords), and its character
 * bigrams that join two generic words (助需 of 援助|需要 in 援助需要汇总表): pieces of no word, which as
 * single-word evidence would hint at the term's area in any text that says "assistance needs".
 */
function zhGenericReading(term: string): { generic: boolean; joins: Set<string> } {
  const joins = new Set<string>();
  let words = 0;
  let generic = true;
  let prev: { text: string; generic: boolean } | null = null;
  for (const seg of zhWordSegmenter.segment(clauseNormal(term))) {
    const cur = { text: seg.segment, generic: seg.isWordLike === true && zhGeneric.has(seg.segment) };
    if (seg.isWordLike) {
      words++;
      generic &&= cur.generic;
    }
    if (prev?.generic && cur.generic) joins.add(prev.text.slice(-1) + cur.text[0]!);
    prev = cur;
  }
  return { generic: words > 0 && generic, joins };
}

/**
 * Whether a (non-acronym) term is made only of words every request uses (GENERIC_WORDS, and for Chinese
 * the stop words too), given its segmenter words (Chinese) or analysed tokens: "technical assistance
 * needs", 技术援助需求. Such a term names no field by itself.
 */
function genericWords(words: readonly string[], lang: Lang): boolean {
  let generic = lang === 'zh' ? zhGeneric : genericStems.get(lang);
  if (!generic) genericStems.set(lang, (generic = new Set(GENERIC_WORDS[lang].flatMap((w) => analyze(w, lang)))));
  return words.length > 0 && words.every((w) => generic.has(w));
}

/** Builds the concept definitions for the thematic areas (one `area:<code>` concept each, all six languages). */
export function areaConcepts(areas: readonly ThematicAreaRef[]): ConceptDef[] {
  return areas.map((a) => ({
    code: `area:${a.code}`,
    area: a.code,
    // The area's own name is a term too; it is the most precise phrase there is.
    entities: a.entities,
    source: 'TAXONOMY',
    terms: Object.fromEntries(LANGS.map((l) => [l, [a.names[l], ...(a.terms[l] ?? [])].filter(Boolean)])),
  }));
}

/**
 * Multilingual concept tagger. Terms are normalised with the same pipeline as
 * texts (so stems meet stems), matched as token sequences for alphabetic
 * languages and as substrings for Chinese. A term shared by several concepts
 * is split between them, so generic words ("security") do not decide alone.
 */
export class ConceptTagger {
  readonly concepts: ReadonlyMap<string, ConceptDef>;
  private readonly tokenTerms = new Map<Lang, Map<string, TokenTerm[]>>();
  private readonly zhTerms: SubstringTerm[] = [];
  /** Single-token evidence: token → area → weight, per language (see softTag). */
  private readonly soft = new Map<Lang, Map<string, Map<string, number>>>();
  /** Chinese terms by first character, so tagging is one pass over the text. */
  private readonly zhByFirst = new Map<string, SubstringTerm[]>();
  /** Multi-word Chinese terms by their first segmenter word (out-of-order matching). */
  private readonly zhByFirstWord = new Map<string, SubstringTerm[]>();
  /** Token terms by the first FAMILY_MIN letters of their first word, per language (word-family matching, see sameWord). */
  private readonly byFamily = new Map<Lang, Map<string, TokenTerm[]>>();
  private readonly relatedMemo = new Map<Lang, Map<string, readonly TokenTerm[]>>();

  /** Concepts whose terms are names of legal instruments (`legalWork`). */
  private readonly instrumentNames: ReadonlySet<string>;

  constructor(defs: readonly ConceptDef[]) {
    this.concepts = new Map(defs.map((d) => [d.code, d]));
    this.instrumentNames = new Set(defs.filter((d) => d.legalWork !== undefined).map((d) => d.code));
    const tokenKeys = new Map<string, Set<string>>();
    const pending: { lang: Lang; key: string; tokens: string[]; joins: number[]; concept: string; acronym: boolean }[] = [];
    const zhPending: { needle: string; concept: string; acronym: boolean }[] = [];
    const zhKeys = new Map<string, Set<string>>();
    const addToken = (lang: Lang, term: string, concept: string, acronym: boolean): void => {
      const { tokens, joins } = analyzeMarked(term, lang);
      if (tokens.length === 0) return;
      // A phrase that stop-word removal leaves with one word ("assistance and protection" → "protect")
      // would tag every text that uses that word: it is not the phrase any more.
      if (!acronym && tokens.length === 1 && /\s/u.test(term.trim())) return;
      const key = `${lang}|${tokens.join(' ')}`;
      if (!tokenKeys.has(key)) tokenKeys.set(key, new Set());
      const seen = tokenKeys.get(key)!;
      if (seen.has(concept)) return;
      seen.add(concept);
      pending.push({ lang, key, tokens, joins, concept, acronym });
    };
    const addZh = (term: string, concept: string, acronym: boolean): void => {
      const needle = clauseNormal(term);
      // One Han character is too ambiguous; short Latin acronyms inside
      // Chinese are matched as needles too, but need three characters.
      const min = /\p{Script=Han}/u.test(needle) ? 2 : 3;
      if ([...needle].length < min) return;
      if (!zhKeys.has(needle)) zhKeys.set(needle, new Set());
      const seen = zhKeys.get(needle)!;
      if (seen.has(concept)) return;
      seen.add(concept);
      zhPending.push({ needle, concept, acronym });
    };
    // Sorted for determinism regardless of input order.
    const sorted = [...defs].sort((a, b) => a.code.localeCompare(b.code));
    for (const def of sorted) {
      for (const lang of LANGS) {
        for (const sourced of def.terms[lang] ?? []) {
          const term = termText(sourced);
          const acronym = ACRONYM.test(term.trim());
          if (acronym) {
            // Acronyms (FATF, ISPS, ФАТФ) appear verbatim in texts of any language.
            for (const l of LANGS) {
              if (l === 'zh') addZh(term, def.code, true);
              else addToken(l, term, def.code, true);
            }
          } else if (lang === 'zh') {
            addZh(term, def.code, false);
            // An enumeration written with a final 和/及 ("A、B、C和D") is also written with the list mark
            // throughout ("A、B、C、D"): both are the term.
            const listed = term.replace(/、([^、]+?)[和及]([^、和及]+)$/u, '、$1、$2');
            if (listed !== term) addZh(listed, def.code, false);
          } else {
            addToken(lang, term, def.code, false);
          }
        }
      }
    }
    this.buildSoftIndex(sorted);
    for (const p of pending) {
      const sharedBy = this.sharedBy(tokenKeys.get(p.key)!, p.concept);
      const weight = termWeight(p.tokens.length, p.acronym) / sharedBy;
      if (!this.tokenTerms.has(p.lang)) this.tokenTerms.set(p.lang, new Map());
      const byFirst = this.tokenTerms.get(p.lang)!;
      const first = p.tokens[0]!;
      if (!byFirst.has(first)) byFirst.set(first, []);
      const term = { tokens: p.tokens, joins: p.joins, concept: p.concept, weight, generic: !p.acronym && genericWords(p.tokens, p.lang) };
      byFirst.get(first)!.push(term);
      if (FAMILY_LANGS.has(p.lang) && first.length >= FAMILY_MIN) {
        if (!this.byFamily.has(p.lang)) this.byFamily.set(p.lang, new Map());
        const fam = this.byFamily.get(p.lang)!;
        const key = first.slice(0, FAMILY_MIN);
        if (!fam.has(key)) fam.set(key, []);
        fam.get(key)!.push(term);
      }
    }
    for (const p of zhPending) {
      const sharedBy = this.sharedBy(zhKeys.get(p.needle)!, p.concept);
      const len = [...p.needle].length;
      const base = len >= 4 ? 1.5 : len === 3 ? 1.25 : 1;
      const words = chineseWords(p.needle);
      // A term made only of words every request uses (技术 援助 需求, "technical assistance needs") says
      // nothing when its words are scattered over a text: it is matched only as written.
      const generic = !p.acronym && genericWords(words, 'zh');
      const scatterable = words.length > 1 && !generic;
      // Scattered, its words are read as the text's are: without coordinators (chineseMarkedWords).
      const marked = chineseMarkedWords(p.needle);
      const coordinated = marked.joins.length > 0;
      const term = { needle: p.needle, concept: p.concept, weight: (base * (p.acronym ? 1.5 : 1)) / sharedBy, words: scatterable && marked.tokens.length > 1 ? marked.tokens : [], generic, coordinated };
      this.zhTerms.push(term);
      if (term.words.length > 1) {
        const first = term.words[0]!;
        if (!this.zhByFirstWord.has(first)) this.zhByFirstWord.set(first, []);
        this.zhByFirstWord.get(first)!.push(term);
      }
      const first = p.needle[0]!;
      if (!this.zhByFirst.has(first)) this.zhByFirst.set(first, []);
      this.zhByFirst.get(first)!.push(term);
    }
  }

  /** How many concepts a term's weight is split between: instrument names and other concepts do not split each other's. */
  private sharedBy(concepts: ReadonlySet<string>, concept: string): number {
    const name = this.instrumentNames.has(concept);
    let n = 0;
    for (const c of concepts) if (this.instrumentNames.has(c) === name) n++;
    return Math.max(1, n);
  }

  /**
   * Adds to `inside` the strength of the hits of other concepts that lie within the span of an instrument
   * name's hit (see ConceptDef.legalWork).
   */
  private insideNames(hits: readonly Hit[], inside: ConceptTags, factor: number): void {
    const names = hits.filter((h) => this.instrumentNames.has(h.concept));
    if (names.length === 0) return;
    for (const h of hits) {
      if (this.instrumentNames.has(h.concept) || !names.some((n) => n.start <= h.start && h.end <= n.end)) continue;
      inside.set(h.concept, (inside.get(h.concept) ?? 0) + h.w * factor);
    }
  }

  // Descriptive texts often name no term of their area verbatim ("the unit
  // that receives these reports") yet use its words. Each word of an area's
  // terms is weak evidence for that area, split between the areas sharing it;
  // words shared by many areas are ignored.
  private buildSoftIndex(defs: readonly ConceptDef[]): void {
    for (const lang of LANGS) {
      const areasByToken = new Map<string, Set<string>>();
      for (const def of defs) {
        if (!def.area) continue;
        for (const term of def.terms[lang] ?? []) {
          // A term made only of generic words gives no single-word evidence either: its pieces (the
          // Chinese bigrams 术援, 助需 of 技术援助需求) would be hints of its area that no text means.
          const tokens = analyze(termText(term), lang);
          const zh = lang === 'zh' ? zhGenericReading(termText(term)) : null;
          if (zh ? zh.generic : genericWords(tokens, lang)) continue;
          const across = zh?.joins;
          for (const t of tokens) {
            if ([...t].length < (lang === 'zh' ? 2 : 3) || /^\p{N}+$/u.test(t) || across?.has(t)) continue;
            if (!areasByToken.has(t)) areasByToken.set(t, new Set());
            areasByToken.get(t)!.add(def.area);
          }
        }
      }
      // Chinese stop words come back as character bigrams (援助, 请求 of 援助请求): no evidence either.
      const generic = new Set([...GENERIC_WORDS[lang].flatMap((w) => analyze(w, lang)), ...(lang === 'zh' ? STOPWORDS.zh : [])]);
      const index = new Map<string, Map<string, number>>();
      for (const [t, areas] of areasByToken) {
        if (areas.size > SOFT_MAX_AREAS || generic.has(t)) continue;
        index.set(t, new Map([...areas].sort().map((a) => [a, SOFT_WEIGHT / areas.size])));
      }
      this.soft.set(lang, index);
    }
  }

  /** Adds single-token area evidence (keys `~<area>`) for analysed tokens of language `lang`. */
  softTag(tokens: readonly string[], lang: Lang, into: ConceptTags = new Map(), factor = 1): ConceptTags {
    const index = this.soft.get(lang);
    if (!index) return into;
    for (const t of new Set(tokens)) {
      const areas = index.get(t);
      if (!areas) continue;
      for (const [area, w] of areas) into.set(`~${area}`, (into.get(`~${area}`) ?? 0) + w * factor);
    }
    return into;
  }

  /** Terms whose first word is of the same family as `t` but not `t` itself (memoised: words repeat across texts). */
  private relatedTerms(lang: Lang, family: ReadonlyMap<string, TokenTerm[]>, t: string): readonly TokenTerm[] {
    let memo = this.relatedMemo.get(lang);
    if (!memo) this.relatedMemo.set(lang, (memo = new Map()));
    const hit = memo.get(t);
    if (hit) return hit;
    const found = (family.get(t.slice(0, FAMILY_MIN)) ?? []).filter((x) => x.tokens[0] !== t && sameWord(t, x.tokens[0]!, true));
    const out = found.length > 0 ? found : NO_TERMS;
    if (memo.size >= RELATED_MEMO_LIMIT) memo.clear();
    memo.set(t, out);
    return out;
  }

  /**
   * Tags already-analysed tokens of language `lang` (not Chinese) with concept strengths; `inside` receives
   * the part said inside names of legal instruments; what terms made only of generic words contribute is
   * added to `generic` too, when given.
   */
  tagTokens(analysed: readonly string[] | MarkedTokens, lang: Lang, into: ConceptTags = new Map(), factor = 1, inside?: ConceptTags, generic?: ConceptTags): ConceptTags {
    const byFirst = this.tokenTerms.get(lang);
    if (!byFirst) return into;
    const family = this.byFamily.get(lang);
    const tokens = 'joins' in analysed ? analysed.tokens : analysed;
    const reads: Readings = {
      tokens,
      alt: lang === 'ar' ? tokens.map((t) => arabicCliticReading(t)) : null,
      family: family !== undefined,
      conjunct: 'joins' in analysed ? conjunctsOf(tokens.length, analysed.joins) : null,
    };
    const counts = new Map<TokenTerm, number>();
    const hits: Hit[] | null = inside && this.instrumentNames.size > 0 ? [] : null;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const alt = reads.alt?.[i] ?? null;
      // Terms starting with this word as written, else read without its proclitic, plus terms whose
      // first word is of the same family; each term once.
      const exact = byFirst.get(t) ?? (alt !== null ? byFirst.get(alt) : undefined) ?? NO_TERMS;
      const related = family && t.length >= FAMILY_MIN ? this.relatedTerms(lang, family, t) : NO_TERMS;
      const cands = related.length > 0 ? [...exact, ...related] : exact;
      for (const term of cands) {
        const n = term.tokens.length;
        let w = 0;
        const exactly = matchesAt(reads, i, term);
        if (exactly) w = term.weight;
        // The same words in another order or with a word or two between
        // ("relocate witnesses" for "witness relocation") still count, less.
        else if (n > 1 && matchesNear(reads, i, term.tokens, term.joins.length > 0)) w = term.weight * UNORDERED_FACTOR;
        if (w === 0) continue;
        const c = counts.get(term) ?? 0;
        if (c >= MAX_COUNT_PER_TERM) continue;
        counts.set(term, c + 1);
        into.set(term.concept, (into.get(term.concept) ?? 0) + w * factor);
        if (generic && term.generic) generic.set(term.concept, (generic.get(term.concept) ?? 0) + w * factor);
        // Only a phrase found as written has a span.
        if (hits && exactly) hits.push({ concept: term.concept, start: i, end: i + n, w });
      }
    }
    if (hits) this.insideNames(hits, inside!, factor);
    return into;
  }

  /** Tags a Chinese text by substring search of the normalised Chinese terms (overlapping occurrences of different terms all count). */
  tagChinese(text: string, into: ConceptTags = new Map(), factor = 1, inside?: ConceptTags, generic?: ConceptTags): ConceptTags {
    // Clause punctuation stays a boundary: with it removed, 化学、生物 ("chemical, biological") read as
    // 学生 ("students").
    const hay = clauseNormal(text);
    const counts = new Map<SubstringTerm, number>();
    const hits: Hit[] | null = inside && this.instrumentNames.size > 0 ? [] : null;
    for (let i = 0; i < hay.length; i++) {
      const cands = this.zhByFirst.get(hay[i]!);
      if (!cands) continue;
      for (const term of cands) {
        if (!hay.startsWith(term.needle, i)) continue;
        const c = counts.get(term) ?? 0;
        if (c >= MAX_COUNT_PER_TERM) continue;
        counts.set(term, c + 1);
        into.set(term.concept, (into.get(term.concept) ?? 0) + term.weight * factor);
        if (generic && term.generic) generic.set(term.concept, (generic.get(term.concept) ?? 0) + term.weight * factor);
        if (hits) hits.push({ concept: term.concept, start: i, end: i + term.needle.length, w: term.weight });
      }
    }
    if (hits) this.insideNames(hits, inside!, factor);
    // As for other languages, a multi-word term whose words appear close
    // together in another order ("社区重返" for "重返社区") counts, less.
    const marked = chineseMarkedWords(hay);
    const words = marked.tokens;
    const reads: Readings = { tokens: words, alt: null, family: false, conjunct: conjunctsOf(words.length, marked.joins) };
    for (let i = 0; i < words.length; i++) {
      const cands = this.zhByFirstWord.get(words[i]!);
      if (!cands) continue;
      for (const term of cands) {
        if (counts.has(term) || !matchesNear(reads, i, term.words, term.coordinated)) continue;
        counts.set(term, 1);
        into.set(term.concept, (into.get(term.concept) ?? 0) + term.weight * UNORDERED_FACTOR * factor);
      }
    }
    return into;
  }

  /**
   * Tags a text written in `lang`; `tokens` may be passed when already analysed. `inside` receives the
   * strengths said inside names of legal instruments (see ConceptDef.legalWork); `generic` as in tagTokens.
   */
  tag(text: string, lang: Lang, into: ConceptTags = new Map(), factor = 1, tokens?: readonly string[] | MarkedTokens, inside?: ConceptTags, generic?: ConceptTags): ConceptTags {
    if (lang === 'zh') return this.tagChinese(text, into, factor, inside, generic);
    return this.tagTokens(tokens ?? analyzeMarked(text, lang), lang, into, factor, inside, generic);
  }

  /** Whether `code` is a concept of names of legal instruments. */
  isInstrumentName(code: string): boolean {
    return this.instrumentNames.has(code);
  }
}
