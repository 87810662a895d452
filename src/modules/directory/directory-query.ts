import {
  analyze, areaConcepts, ConceptTagger, detectLanguage, FINE_CONCEPTS, foldAccents, type Lang, type ThematicAreaRef,
} from '../../matching/index.js';
import { STOPWORDS } from '../../matching/stopwords.js';
import { lexeme } from '../offerings/offering-analysis.js';

/** A query turned into index terms: analysed words, concept codes, and the areas of its fine concepts. */
export interface AnalysedQuery {
  tokens: string[];
  concepts: string[];
  parentAreas: string[];
}

// Fine concepts (c:...) say more than a whole area; an area reached only through a fine concept of the
// query is weaker evidence than the area named outright.
const TERM_BOOST = { word: 1, fine: 2, area: 1, parentArea: 0.5 };
const LATIN: readonly Lang[] = ['en', 'fr', 'es'];
const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

/** One group of query terms with its boost, as a tsquery (OR of exact lexemes, never re-analysed by PostgreSQL). */
export interface TermGroup { boost: number; tsquery: string }

/**
 * The directory's query side: the same analysis the offerings' stored search vectors were made with
 * (per-language stems, Chinese words and bigrams, Arabic light stems, concept tokens from the
 * multilingual tagger), so "金融情报" meets "financial intelligence unit" through `c:fiu`.
 */
export class DirectoryQueryAnalyser {
  readonly tagger: ConceptTagger;

  constructor(areas: readonly ThematicAreaRef[]) {
    const known = new Set(areas.map((a) => a.code));
    const fine = FINE_CONCEPTS.map((c) => ({ ...c, area: c.area && known.has(c.area) ? c.area : null }));
    this.tagger = new ConceptTagger([...areaConcepts(areas), ...fine]);
  }

  /**
   * Terms of a query. Its script decides the pipeline (Han, Arabic, Cyrillic); a Latin-script query
   * is analysed as English, French and Spanish at once, because short queries are too short to tell apart.
   */
  analyseQuery(q: string): AnalysedQuery {
    const detected = detectLanguage(q);
    const latin = LATIN.includes(detected);
    const langs = latin ? LATIN : [detected];
    // Analysed three ways, a Spanish "de" would survive as an English word and match every French
    // text: words that are stop words in any of the three are dropped (concept tagging sees them all).
    const words = latin ? q.split(/\s+/).filter((w) => !LATIN.some((l) => STOPWORDS[l].has(foldAccents(w.toLowerCase())))).join(' ') : q;
    const tokens = uniq(langs.flatMap((l) => analyze(words, l)));
    const tags = new Map<string, number>();
    for (const l of langs) this.tagger.tag(q, l, tags);
    const concepts = [...tags.keys()].sort();
    const parentAreas = uniq(concepts
      .map((c) => this.tagger.concepts.get(c)?.area)
      .filter((a): a is string => !!a)
      .map((a) => `area:${a}`)
      .filter((a) => !concepts.includes(a)));
    return { tokens, concepts, parentAreas };
  }

  /** The query's term groups with their boosts (empty groups left out); all of them OR'd together is the match condition. */
  termGroups(q: string): TermGroup[] {
    const { tokens, concepts, parentAreas } = this.analyseQuery(q);
    const words = tokens.filter((t) => !concepts.includes(t) && !parentAreas.includes(t));
    const groups: [number, string[]][] = [
      [TERM_BOOST.word, words],
      [TERM_BOOST.fine, concepts.filter((c) => c.startsWith('c:'))],
      [TERM_BOOST.area, concepts.filter((c) => c.startsWith('area:'))],
      [TERM_BOOST.parentArea, parentAreas],
    ];
    return groups.filter(([, terms]) => terms.length > 0).map(([boost, terms]) => ({ boost, tsquery: terms.map(lexeme).join(' | ') }));
  }
}
