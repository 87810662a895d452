// Learning from decisions (pure). Every CTED approval, rejection and reassignment, every entity
// hand-back and every provider acceptance or decline is a labelled example; fitModel() turns them into
// a LearnedModel that the matcher takes as plain data. A model changes nothing until it is applied
// (src/modules/learning: an audited admin action).
//
// What each kind of decision says, and so what it may teach:
// - CTED approving one proposal and rejecting another on the same request says "for requests like this
//   one, A fits better than B". It says nothing about B on other kinds of request: B may be the right
//   answer there. So CTED's decisions become *pairwise preferences within a context* (the fine concept
//   the request routes on, else its area), fitted as Bradley–Terry strengths with a Gaussian prior: one
//   decision moves an offering a little, consistent decisions more, and the effect saturates, so a few
//   decisions never outweigh a clear difference in fit.
// - A provider accepting or declining says whether it delivers that offering at all (capacity, scope):
//   an *acceptance rate per offering*, shrunk toward its provider's rate, itself shrunk toward the rate
//   of all providers (Beta pseudo-counts), used as a small bonus or malus around that overall rate.
// - CTED reassigning requests of one concept or area to another entity, again and again, is a *routing
//   correction* for that concept or area (shrunk toward the shipped route: a handful of reassignments
//   do not overturn the responsibility table); entity hand-backs count as decisions there.
// - The components of approved and rejected proposals refit the score *weights* offline (pairwise
//   logistic regression held near the shipped weights); only `npm run learn -- --fit` does that.
//
// Why the first attempt (an approve/reject rate per offering and area, multiplying the score by up to
// ±30 % after two pseudo-counts) made the second half of a replay worse: CTED rejects every proposal but
// the one it approves, so offerings that are the right answer to *other* requests of the same area piled
// up rejections and sank where they were right; and two decisions moved a score by more than the usual gap
// between the first and second proposal. See docs/architecture.md, "Learning from decisions".
import type { ScoreComponent } from './weights.js';

export const DECISION_KINDS = ['cted_approve', 'cted_reject', 'cted_reassign', 'entity_hand_back', 'provider_accept', 'provider_decline'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** One decision as a labelled example, with what the engine had proposed at the time. */
export interface DecisionExample {
  kind: DecisionKind;
  requestId: string;
  offeringId: string | null;
  providerId: string | null;
  /** The area and concept the engine routed on (routing.area / routing.concept). */
  area: string | null;
  concept: string | null;
  /** The entity the engine chose, and the one the person decided for (reassignment) or handed back from. */
  engineEntity: string | null;
  decidedEntity: string | null;
  score: number | null;
  components: Record<string, number> | null;
  at: string;
}

export interface LearnedModel {
  /** Content hash of the model (see modelVersion). */
  version: string;
  /** Context (`c:<concept>` or `area:<code>`) → offering id → preference strength (0 = no evidence). */
  preference: Record<string, Record<string, number>>;
  /** Posterior acceptance rate of providers' answers per offering (shrunk toward its provider's). */
  acceptance: Record<string, number>;
  /** Posterior acceptance rate per provider (shrunk toward all providers'). */
  providerAcceptance: Record<string, number>;
  /** The rate of all providers: an offering at this rate is neither helped nor hurt. */
  baseAcceptance: number;
  /** Concept code, or `area:<code>` → the entity CTED keeps routing it to. */
  routingCorrections: Record<string, string>;
  /** Score weights refitted offline (absent: the shipped SCORING_WEIGHTS). */
  weights?: Partial<Record<ScoreComponent, number>>;
  /** The most a preference moves a score (reached as its strength grows), and score units per unit of acceptance above or below the base rate. */
  gain: { preference: number; acceptance: number };
  /** Counts behind the model, for the apply screen and the audit record. */
  basis: { examples: number; pairs: number; contexts: number; offerings: number; providers: number; corrections: number };
}

const POSITIVE_CTED: ReadonlySet<DecisionKind> = new Set(['cted_approve', 'cted_reassign']);
// Bradley–Terry prior precision: with one decision a strength reaches ≈ ±0.2, with five consistent ones
// ≈ ±0.6; its effect on a score saturates (tanh), so no number of decisions moves it by more than the gain.
const PREFERENCE_PRECISION = 2;
const PREFERENCE_ITERATIONS = 200;
// Beta pseudo-counts: an offering needs about four answers of its own to move halfway from its provider.
const OFFERING_PSEUDO = 4;
const PROVIDER_PSEUDO = 4;
// A correction needs CTED to have made the same reassignment at least three times, and in most of its
// decisions there counted with three more that kept the engine's route (shrinkage toward the shipped
// responsibility): three reassignments alone are not enough, five out of five are.
const CORRECTION_MIN = 3;
const CORRECTION_SHARE = 0.6;
const CORRECTION_PSEUDO = 3;
// The area context counts half as much as the concept one: it is the wider, weaker evidence.
export const AREA_CONTEXT_WEIGHT = 0.5;
export const DEFAULT_GAIN = { preference: 0.04, acceptance: 0.08 } as const;
const ACCEPTANCE_DEAD_ZONE = 0.1;
// Weights are refitted only from this many approved-over-rejected pairs, and stay near the shipped ones.
const WEIGHT_MIN_PAIRS = 30;
const WEIGHT_RIDGE = 20;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A stable content hash of a model's parameters (FNV-1a over sorted JSON). */
export function modelVersion(m: Omit<LearnedModel, 'version' | 'basis'>): string {
  const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v);
  const text = JSON.stringify(canon(m));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `lm-${h.toString(16).padStart(8, '0')}`;
}

/** The contexts an example (or a request) belongs to, most specific first, with their weights. */
export function contextsOf(concept: string | null | undefined, area: string | null | undefined): { key: string; weight: number }[] {
  const out: { key: string; weight: number }[] = [];
  if (concept) out.push({ key: concept, weight: 1 });
  if (area) out.push({ key: `area:${area}`, weight: concept ? AREA_CONTEXT_WEIGHT : 1 });
  return out;
}

/** Approved-over-rejected pairs on the same request (CTED's choice, or the provider's accept over a decline). */
function preferencePairs(examples: readonly DecisionExample[]): { request: string; winner: DecisionExample; loser: DecisionExample }[] {
  const byRequest = new Map<string, DecisionExample[]>();
  for (const e of examples) if (e.offeringId) byRequest.set(e.requestId, [...(byRequest.get(e.requestId) ?? []), e]);
  const pairs: { request: string; winner: DecisionExample; loser: DecisionExample }[] = [];
  for (const [request, list] of [...byRequest].sort((a, b) => cmp(a[0], b[0]))) {
    const win = list.filter((e) => POSITIVE_CTED.has(e.kind) || e.kind === 'provider_accept');
    const lose = list.filter((e) => e.kind === 'cted_reject' || e.kind === 'provider_decline');
    // One pair per offering pair, whatever the number of decisions on it.
    const seen = new Set<string>();
    for (const w of win) for (const l of lose) {
      if (w.offeringId === l.offeringId) continue;
      const k = `${w.offeringId}>${l.offeringId}`;
      if (seen.has(k)) continue;
      seen.add(k);
      pairs.push({ request, winner: w, loser: l });
    }
  }
  return pairs;
}

/** MAP Bradley–Terry strengths of one context's pairs (deterministic gradient ascent from zero). */
function fitStrengths(pairs: readonly { w: string; l: string; weight: number }[]): Record<string, number> {
  const ids = [...new Set(pairs.flatMap((p) => [p.w, p.l]))].sort(cmp);
  const theta = new Map(ids.map((id) => [id, 0]));
  for (let it = 0; it < PREFERENCE_ITERATIONS; it++) {
    const grad = new Map(ids.map((id) => [id, -PREFERENCE_PRECISION * theta.get(id)!]));
    for (const p of pairs) {
      const g = p.weight * (1 - sigmoid(theta.get(p.w)! - theta.get(p.l)!));
      grad.set(p.w, grad.get(p.w)! + g);
      grad.set(p.l, grad.get(p.l)! - g);
    }
    for (const id of ids) theta.set(id, theta.get(id)! + 0.2 * grad.get(id)!);
  }
  return Object.fromEntries(ids.map((id) => [id, round4(theta.get(id)!)]).filter(([, v]) => v !== 0));
}

/**
 * Refits the score weights from approved-over-rejected pairs: logistic regression on the difference of
 * their components, with a ridge toward the shipped weights, weights kept ≥ 0 and summing to the same
 * total. Undefined when there are too few pairs to say anything.
 */
export function refitWeights(
  pairs: readonly { winner: Record<string, number>; loser: Record<string, number> }[],
  base: Readonly<Record<ScoreComponent, number>>,
): Partial<Record<ScoreComponent, number>> | undefined {
  if (pairs.length < WEIGHT_MIN_PAIRS) return undefined;
  const keys = Object.keys(base).sort(cmp) as ScoreComponent[];
  const total = keys.reduce((s, k) => s + base[k], 0);
  const w = new Map(keys.map((k) => [k, base[k]]));
  // The score is a weighted mean in [0, 1]; the logistic link needs a scale to turn small differences into odds.
  const scale = 12;
  for (let it = 0; it < 400; it++) {
    const grad = new Map(keys.map((k) => [k, -2 * WEIGHT_RIDGE * (w.get(k)! - base[k]) / pairs.length]));
    for (const p of pairs) {
      const d = keys.reduce((s, k) => s + w.get(k)! * ((p.winner[k] ?? 0) - (p.loser[k] ?? 0)), 0) / total;
      const g = (1 - sigmoid(scale * d)) * scale / total / pairs.length;
      for (const k of keys) grad.set(k, grad.get(k)! + g * ((p.winner[k] ?? 0) - (p.loser[k] ?? 0)));
    }
    for (const k of keys) w.set(k, Math.max(0, w.get(k)! + 0.05 * grad.get(k)!));
    const sum = keys.reduce((s, k) => s + w.get(k)!, 0) || 1;
    for (const k of keys) w.set(k, (w.get(k)! * total) / sum);
  }
  return Object.fromEntries(keys.map((k) => [k, round4(w.get(k)!)])) as Partial<Record<ScoreComponent, number>>;
}

/** Fits preferences, acceptance priors, routing corrections and (optionally) weights; order does not matter. */
export function fitModel(
  examples: readonly DecisionExample[],
  opts: { weights?: LearnedModel['weights'] | 'refit'; baseWeights?: Readonly<Record<ScoreComponent, number>>; gain?: Partial<LearnedModel['gain']> } = {},
): LearnedModel {
  const sorted = [...examples].sort((a, b) => cmp(a.at, b.at) || cmp(a.requestId, b.requestId) || cmp(a.kind, b.kind) || cmp(a.offeringId ?? '', b.offeringId ?? ''));

  // Pairwise preferences per context.
  const pairs = preferencePairs(sorted);
  const byContext = new Map<string, { w: string; l: string; weight: number }[]>();
  for (const p of pairs) {
    // A choice made on a request that named a fine concept says which offering answers *that* concept:
    // it is kept in the concept's context only. The area's context learns from choices on requests that
    // named none, so a preference among laboratory programmes is not carried to a protection request of
    // the same area (the native-language set's replay made exactly that mistake).
    for (const c of contextsOf(p.winner.concept, p.winner.concept ? null : p.winner.area)) {
      byContext.set(c.key, [...(byContext.get(c.key) ?? []), { w: p.winner.offeringId!, l: p.loser.offeringId!, weight: 1 }]);
    }
  }
  const preference: LearnedModel['preference'] = {};
  for (const [key, list] of [...byContext].sort((a, b) => cmp(a[0], b[0]))) {
    const strengths = fitStrengths(list);
    if (Object.keys(strengths).length) preference[key] = strengths;
  }

  // Providers' answers: acceptance per offering, shrunk toward the provider, shrunk toward everyone.
  const answers = sorted.filter((e) => (e.kind === 'provider_accept' || e.kind === 'provider_decline') && e.offeringId);
  const accepted = answers.filter((e) => e.kind === 'provider_accept').length;
  const baseAcceptance = round4((accepted + 1) / (answers.length + 2));
  const tally = (key: (e: DecisionExample) => string | null) => {
    const m = new Map<string, { pos: number; n: number; provider: string | null }>();
    for (const e of answers) {
      const k = key(e);
      if (!k) continue;
      const t = m.get(k) ?? { pos: 0, n: 0, provider: e.providerId };
      t.pos += e.kind === 'provider_accept' ? 1 : 0;
      t.n++;
      m.set(k, t);
    }
    return [...m].sort((a, b) => cmp(a[0], b[0]));
  };
  const providerAcceptance: Record<string, number> = {};
  for (const [id, t] of tally((e) => e.providerId)) providerAcceptance[id] = round4((t.pos + PROVIDER_PSEUDO * baseAcceptance) / (t.n + PROVIDER_PSEUDO));
  const acceptance: Record<string, number> = {};
  for (const [id, t] of tally((e) => e.offeringId)) {
    const prior = (t.provider ? providerAcceptance[t.provider] : undefined) ?? baseAcceptance;
    acceptance[id] = round4((t.pos + OFFERING_PSEUDO * prior) / (t.n + OFFERING_PSEUDO));
  }

  // Routing corrections per concept (else area): the entity CTED keeps reassigning to.
  const routing = new Map<string, Map<string, number>>();
  const decisions = new Map<string, number>();
  const seenRequest = new Set<string>();
  for (const e of sorted) {
    const key = e.concept ?? (e.area ? `area:${e.area}` : null);
    if (!key) continue;
    const onRoute = e.kind === 'cted_reassign' || e.kind === 'cted_approve' || e.kind === 'entity_hand_back';
    // One routing decision per request and kind (approving three proposals is one route).
    const once = `${e.requestId}|${e.kind}`;
    if (!onRoute || seenRequest.has(once)) continue;
    seenRequest.add(once);
    decisions.set(key, (decisions.get(key) ?? 0) + 1);
    if (e.kind === 'cted_reassign' && e.decidedEntity && e.decidedEntity !== e.engineEntity) {
      const m = routing.get(key) ?? new Map<string, number>();
      m.set(e.decidedEntity, (m.get(e.decidedEntity) ?? 0) + 1);
      routing.set(key, m);
    }
  }
  const routingCorrections: Record<string, string> = {};
  for (const [key, counts] of [...routing].sort((a, b) => cmp(a[0], b[0]))) {
    const [entity, n] = [...counts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0]!;
    if (n >= CORRECTION_MIN && n >= CORRECTION_SHARE * ((decisions.get(key) ?? n) + CORRECTION_PSEUDO)) routingCorrections[key] = entity;
  }

  let weights: LearnedModel['weights'];
  if (opts.weights === 'refit') {
    if (!opts.baseWeights) throw new Error('fitModel: refitting weights needs baseWeights');
    const withComponents = pairs.filter((p) => p.winner.components && p.loser.components).map((p) => ({ winner: p.winner.components!, loser: p.loser.components! }));
    weights = refitWeights(withComponents, opts.baseWeights);
  } else weights = opts.weights;

  const gain = { ...DEFAULT_GAIN, ...(opts.gain ?? {}) };
  const params = { preference, acceptance, providerAcceptance, baseAcceptance, routingCorrections, ...(weights ? { weights } : {}), gain };
  return {
    ...params,
    version: modelVersion(params),
    basis: {
      examples: examples.length, pairs: pairs.length, contexts: Object.keys(preference).length,
      offerings: Object.keys(acceptance).length, providers: Object.keys(providerAcceptance).length, corrections: Object.keys(routingCorrections).length,
    },
  };
}

/**
 * How much an applied model moves one offering's score for a request in these contexts (score units):
 * its preference strength in each context, weighted, plus its acceptance above or below the base rate.
 * Zero without a model or without evidence on the offering.
 */
export function learnedAdjustment(model: LearnedModel | undefined, offeringId: string, providerId: string, contexts: readonly { key: string; weight: number }[]): number {
  if (!model) return 0;
  let strength = 0;
  for (const c of contexts) strength += c.weight * (model.preference[c.key]?.[offeringId] ?? 0);
  // An offering nobody answered yet takes its provider's rate.
  const acc = model.acceptance[offeringId] ?? model.providerAcceptance[providerId];
  const diff = acc === undefined ? 0 : acc - model.baseAcceptance;
  // A rate close to everyone's is no evidence either way (and must not reorder near-ties at random).
  const accept = Math.abs(diff) < ACCEPTANCE_DEAD_ZONE ? 0 : diff;
  return model.gain.preference * Math.tanh(strength) + model.gain.acceptance * accept;
}
