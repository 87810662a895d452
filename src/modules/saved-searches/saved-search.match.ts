import type { Lang } from '../../matching/types.js';
import { LANGS } from '../../matching/types.js';

/** A text as the matching engine analyses it: its tokens and its fine concepts (src/matching/analysis.ts). */
export interface TextAnalysis { tokens: readonly string[]; concepts: readonly string[] }
export type Analyse = (text: string, lang: Lang) => TextAnalysis;

/** The engine's analysis of a saved search's words in every language: concepts (shared across languages) and, per language, tokens. */
export interface WordsAnalysis { concepts: string[]; terms: string[] }

/**
 * Analyses a search's words in each of the six languages, since a provider may type them in any:
 * the concepts found in any language (so "formation judiciaire" finds "judicial training") and
 * the tokens of each language, stored as `lang:token`.
 */
export function analyseWords(words: string, analyse: Analyse): WordsAnalysis {
  const text = words.trim();
  if (!text) return { concepts: [], terms: [] };
  const concepts = new Set<string>();
  const terms = new Set<string>();
  for (const lang of LANGS) {
    const a = analyse(text, lang);
    for (const c of a.concepts) concepts.add(c);
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
 * Whether a request meets a saved search: each criterion given must hold (an empty one holds for
 * any request); words hold when they share a concept with the request, or when every word of the
 * search (as the request's language analyses it) is among the request's tokens.
 */
export function searchMatches(s: SearchCriteria, r: RequestCriteria): boolean {
  const some = (want: readonly string[], have: readonly string[]) => want.length === 0 || want.some((w) => have.includes(w));
  if (!some(s.areas, r.areas) || !some(s.regions, r.places) || !some(s.modalities, r.modalities)) return false;
  if (!s.concepts.length && !s.terms.length) return true;
  if (s.concepts.some((c) => r.text.concepts.includes(c))) return true;
  const own = s.terms.filter((t) => t.startsWith(`${r.lang}:`)).map((t) => t.slice(r.lang.length + 1));
  const tokens = new Set(r.text.tokens);
  return own.length > 0 && own.every((t) => tokens.has(t));
}
