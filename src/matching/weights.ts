/**
 * Weights of the score components; the final score is their weighted sum
 * divided by the sum of weights, so it stays in [0, 1]. Every component is
 * itself in [0, 1] and is stored in the match explanation.
 *
 * - thematic: overlap of the request's areas with the offering's areas, each
 *   side weighted by its classification score. The backbone: it is language
 *   independent, so it is what lets a Chinese request meet an English offering.
 * - concept: overlap of the finer concepts (FIU, ISPS code, prison
 *   radicalisation...) found in both texts; ranks offerings within one area
 *   across languages, where words cannot be compared.
 * - text: BM25 relevance from the offering index (stems and concept tokens),
 *   normalised; ranks offerings within one language by wording.
 * - need: a CTED-identified need of the same state in the offering's area,
 *   scaled by its priority (high 1, medium 0.6, low 0.3).
 * - language: 1 when the offering is delivered in the request's language,
 *   lower otherwise (the explanation then notes the languages offered).
 * - modality: overlap of requested and offered modalities; 0.5 when the
 *   request names none, so silence neither helps nor hurts.
 * - regional: how specifically the offering targets the state (its country
 *   listed 1, intermediate region .85, sub-region .75, region .65, worldwide
 *   .5): a programme built for the region usually fits its context better.
 * - modality: overlap of requested and offered modalities; 0.5 when the
 *   request names none, so silence neither helps nor hurts.
 * - urgency: small boost for high-urgency requests when the offering is
 *   available now; 0.5 (neutral) for normal urgency.
 *
 * The weighted mean is then multiplied by the topical gate,
 * max(thematic, TOPICAL_GATE.textOnly × text): topical fit comes first, so an
 * offering outside the request's areas cannot outrank one inside it on
 * language or wording alone, and an offering with no thematic overlap needs
 * strong wording to be proposed at all.
 *
 * Eligibility and availability are hard filters, not weights.
 */
export const SCORING_WEIGHTS = {
  thematic: 0.3,
  concept: 0.18,
  text: 0.17,
  language: 0.15,
  need: 0.08,
  regional: 0.05,
  modality: 0.04,
  urgency: 0.03,
} as const;

/** See SCORING_WEIGHTS: the cap on what text alone contributes to the topical gate. */
export const TOPICAL_GATE = { textOnly: 0.3 } as const;

export type ScoreComponent = keyof typeof SCORING_WEIGHTS;

/** Thresholds and constants of the engine, kept next to the weights they interact with. */
export const MATCHING_LIMITS = {
  /** Days after which an offering not re-confirmed by its provider is stale. */
  staleAfterDays: 180,
  /** Proposed offerings need this much thematic overlap, or strong text relevance. */
  minThematic: 0.15,
  minTextWithoutThematic: 0.5,
  /** Matches scoring below this are dropped altogether. */
  minScore: 0.12,
  defaultTopN: 10,
  /** Sparse candidates taken from the text index before full scoring. */
  textCandidates: 200,
  /** Need linking and duplicate detection thresholds (similarity in [0, 1]). */
  needLinkThreshold: 0.3,
  duplicateThreshold: 0.55,
} as const;
