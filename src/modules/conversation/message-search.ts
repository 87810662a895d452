import { analyze } from '../../matching/text.normalize.js';

/**
 * The engine's own text normalisation (src/matching/text.normalize.ts) makes messages searchable in
 * any of the six languages without knowing which one a short message is in: Latin-script words go
 * through the English, French and Spanish stemmers (and accents are folded), Cyrillic through the
 * Russian one, Arabic through the Arabic normaliser and light stemmer, Chinese into words and
 * bigrams, whatever language the text is said to be in. Both the stored tokens and the query are
 * made this way, so "formations" finds "formation" and "الإرهابيين" finds "الإرهاب".
 */
const PIPELINES = ['en', 'fr', 'es'] as const;

/** The tokens stored for a message: every version of its text, through every pipeline. */
export function searchTokens(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const lang of PIPELINES) for (const t of analyze(text, lang)) out.add(t);
  return [...out];
}

/** The query as one token set per pipeline: a message matches when it holds every token of one set. */
export function queryVariants(q: string): string[][] {
  const seen = new Set<string>();
  const variants: string[][] = [];
  for (const lang of PIPELINES) {
    const tokens = [...new Set(analyze(q, lang))].sort();
    const key = tokens.join('\u0000');
    if (tokens.length && !seen.has(key)) { seen.add(key); variants.push(tokens); }
  }
  return variants;
}
