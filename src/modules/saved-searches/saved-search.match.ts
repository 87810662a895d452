import { analyze } from '../../matching/text.normalize.js';
import { LANGS, type Lang, type Modality } from '../../matching/types.js';
import { MODALITY_WORDS } from './modality-words.js';

/** A text as the matching engine analyses it: its tokens, its fine concepts (`c:…`) and the areas it infers. */
export interface TextAnalysis { tokens: readonly string[]; concepts: readonly string[]; areas: readonly { code: string; score: number }[] }
export type Analyse = (text: string, lang: Lang) => TextAnalysis;

/** An inferred area counts as something the words are about from this score up (the engine's scores run 0–1). */
export const AREA_MIN_SCORE = 0.5;

const modalityTokens = new Map<string, string[][]>();
/** The modalities a text names, by the engine's tokens of each modality's words in the text's language. */
export function modalitiesNamed(tokens: readonly string[], lang: Lang): Modality[] {
  const have = new Set(tokens);
  const out: Modality[] = [];
  for (const [m, words] of Object.entries(MODALITY_WORDS) as [Modality, Record<Lang, string[]>][]) {
    const key = `${m}|${lang}`;
    let phrases = modalityTokens.get(key);
    if (!phrases) { phrases = words[lang].map((w) => analyze(w, lang)).filter((t) => t.length > 0); modalityTokens.set(key, phrases); }
    if (phrases.some((p) => p.every((t) => have.has(t)))) out.push(m);
  }
  return out;
}

/** The engine's analysis of a saved search's words in every language, as stored with the search. */
export interface WordsAnalysis {
  /** `c:<fine concept>`, `area:<code>` (inferred strongly enough) and `modality:<m>`, found in any language. */
  concepts: string[];
  /** `lang:token`: the words as each language's analyser reads them. */
  terms: string[];
}

const conceptsOf = (a: TextAnalysis, lang: Lang): string[] => [
  ...a.concepts,
  ...a.areas.filter((x) => x.score >= AREA_MIN_SCORE).map((x) => `area:${x.code}`),
  ...modalitiesNamed(a.tokens, lang).map((m) => `modality:${m}`),
];

/**
 * Analyses a search's words in each of the six languages, since a provider may type them in any:
 * what they are about (concepts, areas, modalities: "formation" is training, "formation judiciaire"
 * judicial training) and the tokens of each language.
 */
export function analyseWords(words: string, analyse: Analyse): WordsAnalysis {
  const text = words.trim();
  if (!text) return { concepts: [], terms: [] };
  const concepts = new Set<string>();
  const terms = new Set<string>();
  for (const lang of LANGS) {
    const a = analyse(text, lang);
    for (const c of conceptsOf(a, lang)) concepts.add(c);
    for (const t of a.tokens) terms.add(`${lang}:${t}`);
  }
  return { concepts: [...concepts].sort(), terms: [...terms].sort() };
}

export interface SearchCriteria { areas: readonly string[]; regions: readonly string[]; modalities: readonly string[]; concepts: readonly string[]; terms: readonly string[] }
export interface RequestCriteria {
  areas: readonly string[];
  /** The state's ISO3 and its M49 region, sub-region and intermediate region codes. */
  places: readonly string[];
  modalities: readonly string[];
  /** The request text's analysis in its own language. */
  lang: Lang;
  text: TextAnalysis;
}

/**
 * Whether a request meets a saved search: each criterion given must hold (an empty one holds for any
 * request). Words hold when they are about a field the request is about (a fine concept or an area),
 * when the request has every modality they name (as a field or in its text), or when every word of the
 * search, as the request's language analyses it, is in the request's text.
 */
export function searchMatches(s: SearchCriteria, r: RequestCriteria): boolean {
  const some = (want: readonly string[], have: readonly string[]) => want.length === 0 || want.some((w) => have.includes(w));
  if (!some(s.areas, r.areas) || !some(s.regions, r.places) || !some(s.modalities, r.modalities)) return false;
  if (!s.concepts.length && !s.terms.length) return true;
  const about = new Set([...conceptsOf(r.text, r.lang), ...r.areas.map((a) => `area:${a}`), ...r.modalities.map((m) => `modality:${m}`)]);
  const fields = s.concepts.filter((c) => !c.startsWith('modality:'));
  if (fields.some((c) => about.has(c))) return true;
  const modalities = s.concepts.filter((c) => c.startsWith('modality:'));
  if (modalities.length && modalities.every((c) => about.has(c))) return true;
  const own = s.terms.filter((t) => t.startsWith(`${r.lang}:`)).map((t) => t.slice(r.lang.length + 1));
  const tokens = new Set(r.text.tokens);
  return own.length > 0 && own.every((t) => tokens.has(t));
}
