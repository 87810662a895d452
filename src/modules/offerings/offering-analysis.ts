import { analyze, detectLanguage, type OfferingAnalysis } from '../../matching/index.js';

// Inferred areas under this score are noise, not topics (the same cut as the matching index's postings).
const MIN_INFERRED_AREA = 0.2;
// PostgreSQL's limits for a tsvector: positions 1..16383, at most 256 per lexeme.
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 255;

/** The directory's relative weights of the fields (ts_rank's {D, C, B, A}): provider, body, concepts, title. */
export const SEARCH_WEIGHTS = '{0.5,0.5,0.75,1}';

/** A tsvector / tsquery lexeme, quoted for PostgreSQL's input syntax (the text is taken as it is, never parsed again). */
export const lexeme = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** Analysed words of a provider's name (the directory finds offerings by who offers them). */
export function providerTokens(name: string): string[] {
  return analyze(name, detectLanguage(name));
}

/** The concept tokens of an offering: its areas (stored and inferred) and fine concepts, as the directory searches them. */
export function conceptTokensOf(a: OfferingAnalysis, areas: readonly string[]): string[] {
  return [...new Set([
    ...areas.map((c) => `area:${c}`),
    ...a.inferred.filter(([, s]) => s >= MIN_INFERRED_AREA).map(([c]) => `area:${c}`),
    ...a.fine.map(([c]) => c).sort(),
  ])];
}

/**
 * The directory's tsvector of an offering, built from the engine's analysis (stems, Chinese words and
 * bigrams, concept tokens): title A, concepts B, description C, provider D, one position per occurrence
 * so ts_rank counts repetitions. Written as tsvector input text, so PostgreSQL never re-analyses it.
 */
export function searchVectorText(a: OfferingAnalysis, areas: readonly string[], provider: readonly string[]): string {
  const positions = new Map<string, string[]>();
  let pos = 0;
  const put = (tokens: readonly string[], weight: 'A' | 'B' | 'C' | 'D') => {
    for (const t of tokens) {
      if (!t || pos >= MAX_POSITION) return;
      pos++;
      const list = positions.get(t) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${pos}${weight}`);
      positions.set(t, list);
    }
  };
  put(a.title, 'A');
  put(conceptTokensOf(a, areas), 'B');
  put(a.body, 'C');
  put(provider, 'D');
  return [...positions].map(([t, ps]) => `${lexeme(t)}:${ps.join(',')}`).join(' ');
}
