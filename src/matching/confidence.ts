// Calibrated confidence and the triage decision. The confidences are logistic models over a few
// features of the classification, the route and the ranking; their coefficients (CALIBRATION) were
// set on the development set only, so that "0.8" means that about 8 in 10 such routes or proposals were
// right there; `npm run eval` prints the route confidence's expected calibration error on every set.
import type { AreaScore, OfferingMatch, Routing, Triage } from './types.js';

export const CALIBRATION = {
  /** P(top area right) from its score and its margin over the second area. */
  area: { bias: -2.2, score: 4.8, margin: 2.4 },
  /** P(route right) from the area confidence, concept evidence and the top match score. */
  route: { bias: -2.6, area: 3.6, concept: 1.6, topScore: 2.2 },
  /** P(proposal accepted) from its score and its score relative to the top one. */
  match: { bias: -4.0, score: 5.5, relative: 2.0 },
} as const;

/** Below this route confidence a request goes to CTED triage (reason `low_confidence`). */
export const TRIAGE_BELOW = 0.35;
// Two areas tie when the second scores at least this share of the first (and their leads differ).
const TIE_RATIO = 0.95;
// Term evidence (not neighbour votes) below this: nothing in the text names a field.
const NO_AREA_TERMS = 0.45;
// ...and then the best hinted area must be at least this strong and this far ahead of the second.
const NO_AREA_SCORE = 0.3;
const NO_AREA_MARGIN = 0.25;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function areaConfidence(areas: readonly AreaScore[]): number {
  const a1 = areas[0]?.score ?? 0;
  if (a1 <= 0) return 0;
  const margin = (a1 - (areas[1]?.score ?? 0)) / a1;
  const c = CALIBRATION.area;
  return round4(sigmoid(c.bias + c.score * a1 + c.margin * margin));
}

export function routeConfidence(areaConf: number, conceptStrength: number, topScore: number): number {
  const c = CALIBRATION.route;
  return round4(sigmoid(c.bias + c.area * areaConf + c.concept * conceptStrength + c.topScore * topScore));
}

export function matchConfidence(score: number, topScore: number): number {
  const c = CALIBRATION.match;
  return round4(sigmoid(c.bias + c.score * score + c.relative * (topScore > 0 ? score / topScore : 0)));
}

/**
 * Whether the engine should hand the request to CTED instead of routing it, and why:
 * - `no_area_fits`: nothing in the text names a field (votes of similar offerings alone never count: a text
 *   with no term, concept or single-word hint of its own is answered by CTED however many offerings share
 *   its generic wording, "we are studying which sectors need assistance");
 * - `areas_tie`: two areas are equally likely, with different leads, and no concept decides;
 * - `nothing_eligible`: no offering the state may receive fits (the suggested entity is kept);
 * - `low_confidence`: the route's calibrated confidence is below TRIAGE_BELOW.
 */
export function triageDecision(input: {
  areas: readonly AreaScore[];
  termEvidence: number;
  fineCount: number;
  /** Whether the text itself gives any area evidence (terms or single-word hints), not only neighbours' votes. */
  ownHints?: boolean;
  /** The areas the text's own evidence gives (before neighbours' votes), best first. */
  ownAreas?: readonly AreaScore[];
  routing: Routing;
  leadOf: (area: string) => string | null;
  matches: readonly OfferingMatch[];
  confidence: number;
}): Triage | null {
  const { areas, routing } = input;
  const candidates = areas.slice(0, 3).map((a) => ({ area: a.code, entity: input.leadOf(a.code), score: a.score }));
  const make = (reason: Triage['reason'], detail: string): Triage => ({ reason, confidence: input.confidence, detail, candidates });
  const [a1, a2] = areas;
  // Without any term or concept named, only a clear winner among the text's own hints counts as an area.
  const votesOnly = input.ownHints === false;
  // With hints but no term, the neighbours' votes (offerings sharing the text's words) only confirm:
  // an area the text's own best hints do not point to is a guess from generic wording ("we will identify
  // with partners where support is most useful" voted into financing by the offerings that say "support").
  // Nor do they when the text's own hints do not single out one area (one word of three fields' terms,
  // "assessment": biological, maritime, implementation assessment).
  const ownBest = input.ownAreas?.[0]?.score ?? 0;
  const ownTie = (input.ownAreas?.[1]?.score ?? 0) >= ownBest;
  const unsupported = input.ownHints === true && input.ownAreas !== undefined && !!a1
    && (ownTie || !input.ownAreas.some((a) => a.code === a1.code && a.score >= ownBest));
  const unclear = !a1 || votesOnly || a1.score < NO_AREA_SCORE || (a1.score - (a2?.score ?? 0)) / a1.score < NO_AREA_MARGIN || unsupported;
  if (!routing.area || (input.termEvidence < NO_AREA_TERMS && input.fineCount === 0 && unclear)) {
    return make('no_area_fits', 'No thematic area fits: the request names no field of assistance clearly enough to route it.');
  }
  if (!routing.concept && a1 && a2 && a2.score >= TIE_RATIO * a1.score && input.leadOf(a1.code) !== input.leadOf(a2.code)) {
    return make('areas_tie', `Two areas tie (${a1.code} ${a1.score}, ${a2.code} ${a2.score}) and no finer concept decides between their entities.`);
  }
  if (input.matches.length === 0) {
    return make('nothing_eligible', `Nothing eligible: no available offering open to this State fits the request; suggested entity ${routing.entity ?? 'none'}.`);
  }
  if (input.confidence < TRIAGE_BELOW) {
    return make('low_confidence', `Route confidence ${input.confidence} is below ${TRIAGE_BELOW}.`);
  }
  return null;
}
