import MiniSearch from 'minisearch';
import {
  analyze, areaConcepts, ConceptTagger, detectLanguage, FINE_CONCEPTS, foldAccents, profileText, type Lang, type ThematicAreaRef,
} from '../../matching/index.js';
import { STOPWORDS } from '../../matching/stopwords.js';

/** What the directory index needs to know about an offering's text. */
export interface SearchableOffering {
  id: string;
  title: string;
  description: string;
  language: Lang;
  providerName: string;
  thematicAreas: readonly string[];
}

/** A query turned into index terms: analysed words, concept codes, and the areas of its fine concepts. */
export interface AnalysedQuery {
  tokens: string[];
  concepts: string[];
  parentAreas: string[];
}

interface SearchDoc {
  id: string;
  title: string;
  body: string;
  provider: string;
  concepts: string;
}

// A title is a summary; concept tokens are the bridge between languages.
const FIELD_BOOST = { title: 2, body: 1, provider: 1, concepts: 1.5 };
// Fine concepts (c:...) say more than a whole area; an area reached only through a
// fine concept of the query is weaker evidence than the area named outright.
const TERM_BOOST = { fine: 2, area: 1, parentArea: 0.5 };
// Inferred areas under this score are noise, not topics (same cut as the matching index).
const MIN_INFERRED_AREA = 0.2;
const LATIN: readonly Lang[] = ['en', 'fr', 'es'];

const splitSpace = (s: string): string[] => (s.length === 0 ? [] : s.split(' '));
const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];

/**
 * In-memory full-text index of the offering directory: MiniSearch (BM25) over text analysed by the
 * matching engine (per-language stems, Chinese words and bigrams, Arabic light stems) plus concept
 * tokens (`area:<code>`, `c:<concept>`) from the multilingual tagger, so "金融情报" meets
 * "financial intelligence unit" through `c:fiu`.
 */
export class OfferingSearchIndex {
  readonly tagger: ConceptTagger;
  private readonly known: ReadonlySet<string>;
  private readonly docs = new Map<string, SearchDoc>();
  private readonly mini: MiniSearch<SearchDoc>;

  constructor(areas: readonly ThematicAreaRef[]) {
    this.known = new Set(areas.map((a) => a.code));
    const fine = FINE_CONCEPTS.map((c) => ({ ...c, area: c.area && this.known.has(c.area) ? c.area : null }));
    this.tagger = new ConceptTagger([...areaConcepts(areas), ...fine]);
    this.mini = new MiniSearch<SearchDoc>({
      fields: ['title', 'body', 'provider', 'concepts'],
      idField: 'id',
      // The custom tokenizer is the analysis below: documents and queries reach MiniSearch as
      // space-separated analysed tokens; its own word splitter would find nothing in Chinese.
      tokenize: splitSpace,
      processTerm: (t) => t,
      autoVacuum: false,
      searchOptions: { tokenize: splitSpace, processTerm: (t) => t, prefix: false, fuzzy: false, combineWith: 'OR', boost: FIELD_BOOST },
    });
  }

  get size(): number {
    return this.docs.size;
  }

  /** Analysed tokens plus concept tokens of one offering, per field. */
  tokensOf(o: SearchableOffering): SearchDoc {
    const profile = profileText(this.tagger, o.title, o.description, o.language);
    const concepts = uniq([
      ...o.thematicAreas.filter((a) => this.known.has(a)).map((a) => `area:${a}`),
      ...profile.inferred.filter((a) => a.score >= MIN_INFERRED_AREA).map((a) => `area:${a.code}`),
      ...[...profile.fine.keys()].sort(),
    ]);
    return {
      id: o.id,
      title: analyze(o.title, o.language).join(' '),
      body: analyze(o.description, o.language).join(' '),
      provider: analyze(o.providerName, detectLanguage(o.providerName)).join(' '),
      concepts: concepts.join(' '),
    };
  }

  /** Adds or replaces one offering. */
  upsert(o: SearchableOffering): void {
    const old = this.docs.get(o.id);
    // remove() with the exact indexed fields keeps BM25 statistics exact (discard() would leave stale postings).
    if (old) this.mini.remove(old);
    const doc = this.tokensOf(o);
    this.mini.add(doc);
    this.docs.set(o.id, doc);
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

  /** BM25 relevance of every offering matching at least one query term (OR), by id. */
  search(q: string): Map<string, number> {
    const { tokens, concepts, parentAreas } = this.analyseQuery(q);
    const parents = new Set(parentAreas);
    const terms = uniq([...tokens, ...concepts, ...parentAreas]);
    const out = new Map<string, number>();
    if (terms.length === 0 || this.docs.size === 0) return out;
    const results = this.mini.search(terms.join(' '), {
      boostTerm: (term) => (term.startsWith('c:') ? TERM_BOOST.fine : parents.has(term) ? TERM_BOOST.parentArea : term.startsWith('area:') ? TERM_BOOST.area : 1),
    });
    for (const r of results) out.set(String(r.id), r.score);
    return out;
  }
}
