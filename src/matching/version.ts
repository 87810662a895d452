import { createHash } from 'node:crypto';
import { FINE_CONCEPTS } from './concepts.lexicon.js';
import { GENERIC_WORDS, STOPWORDS } from './stopwords.js';

/**
 * Version of the text normaliser and tagger code (stemming, Arabic and Chinese handling, term rules).
 * Bump it whenever analysis code changes in a way that changes an offering's tokens, concepts or areas.
 */
export const NORMALISER_VERSION = 11;

/**
 * The analyser version: a hash over the normaliser version, the stop-word lists and the built-in
 * lexicon. Stored offering analyses are keyed by it: a different value means "analyse again". The
 * taxonomy terms come from the database and are hashed by the reference data's own hash, which
 * callers combine with this one when they store analyses.
 */
export const ANALYSER_VERSION: string = createHash('sha256')
  .update(`normaliser:${NORMALISER_VERSION}\n`)
  .update(JSON.stringify(Object.fromEntries(Object.entries(STOPWORDS).map(([l, set]) => [l, [...set].sort()]))))
  .update(JSON.stringify(GENERIC_WORDS))
  .update(JSON.stringify(FINE_CONCEPTS))
  .digest('hex')
  .slice(0, 16);
