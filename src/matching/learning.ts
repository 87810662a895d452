// Learning from decisions (pure): every CTED approval, rejection and reassignment, every entity
// hand-back and every provider acceptance or decline is a labelled example; fitModel() turns them into
// a LearnedModel (acceptance priors per offering and provider, routing corrections per concept or area,
// optionally refitted weights). A model changes nothing until it is applied (matching service: an
// audited admin action); the matcher then takes it as plain data.
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
  /** The entity the engine chose, and the one the person decided for (reassignment). */
  engineEntity: string | null;
  decidedEntity: string | null;
  score: number | null;
  components: Record<string, number> | null;
  at: string;
}

export interface LearnedModel {
  /** Content hash of the model (see modelVersion). */
  version: string;
  /** Posterior acceptance rate per offering id, smoothed toward its provider's rate. */
  offeringPrior: Record<string, number>;
  /**
   * Posterior acceptance rate per `offering id@area`: CTED rejecting an offering for a request of
   * another area says nothing about it on this one, so the area-specific rate comes first.
   */
  offeringAreaPrior: Record<string, number>;
  /** Posterior acceptance rate per provider id, smoothed toward 0.5. */
  providerPrior: Record<string, number>;
  /** Concept code, or `area:<code>` → the entity CTED keeps routing it to. */
  routingCorrections: Record<string, string>;
  /** Score weights refitted offline (absent: the shipped SCORING_WEIGHTS). */
  weights?: Partial<Record<ScoreComponent, number>>;
  /** How far a prior moves a score: score × (1 + priorWeight × (prior − 0.5)). */
  priorWeight: number;
  /** Counts behind the model, for the apply screen and the audit record. */
  basis: { examples: number; offerings: number; providers: number; corrections: number };
}

const POSITIVE: ReadonlySet<DecisionKind> = new Set(['cted_approve', 'provider_accept']);
const NEGATIVE: ReadonlySet<DecisionKind> = new Set(['cted_reject', 'provider_decline']);
// Pseudo-counts: an offering with one decision moves only a little from its provider's rate.
const OFFERING_SMOOTHING = 2;
const PROVIDER_SMOOTHING = 2;
// A correction needs CTED to have made the same reassignment at least twice, and in most of its
// decisions on that concept or area.
const CORRECTION_MIN = 2;
const CORRECTION_SHARE = 0.6;
export const DEFAULT_PRIOR_WEIGHT = 0.6;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** A stable content hash of a model's parameters (FNV-1a over sorted JSON). */
export function modelVersion(m: Omit<LearnedModel, 'version' | 'basis'>): string {
  const canon = (v: unknown): unknown => (Array.isArray(v) ? v.map(canon) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v);
  const text = JSON.stringify(canon(m));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `lm-${h.toString(16).padStart(8, '0')}`;
}

/** Fits acceptance priors and routing corrections from labelled examples (order does not matter). */
export function fitModel(examples: readonly DecisionExample[], opts: { weights?: LearnedModel['weights']; priorWeight?: number } = {}): LearnedModel {
  const sorted = [...examples].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0));
  const byProvider = new Map<string, { pos: number; n: number }>();
  const byOffering = new Map<string, { pos: number; n: number; provider: string | null }>();
  const byOfferingArea = new Map<string, { pos: number; n: number; offering: string }>();
  const routing = new Map<string, Map<string, number>>();
  const decisions = new Map<string, number>();
  for (const e of sorted) {
    const label = POSITIVE.has(e.kind) ? 1 : NEGATIVE.has(e.kind) ? 0 : null;
    if (label !== null && e.offeringId) {
      const o = byOffering.get(e.offeringId) ?? { pos: 0, n: 0, provider: e.providerId };
      o.pos += label; o.n++;
      byOffering.set(e.offeringId, o);
      if (e.area) {
        const k = `${e.offeringId}@${e.area}`;
        const oa = byOfferingArea.get(k) ?? { pos: 0, n: 0, offering: e.offeringId };
        oa.pos += label; oa.n++;
        byOfferingArea.set(k, oa);
      }
      if (e.providerId) {
        const p = byProvider.get(e.providerId) ?? { pos: 0, n: 0 };
        p.pos += label; p.n++;
        byProvider.set(e.providerId, p);
      }
    }
    const key = e.concept ?? (e.area ? `area:${e.area}` : null);
    if (!key) continue;
    if (e.kind === 'cted_reassign' || e.kind === 'cted_approve') decisions.set(key, (decisions.get(key) ?? 0) + 1);
    if (e.kind === 'cted_reassign' && e.decidedEntity && e.decidedEntity !== e.engineEntity) {
      const m = routing.get(key) ?? new Map<string, number>();
      m.set(e.decidedEntity, (m.get(e.decidedEntity) ?? 0) + 1);
      routing.set(key, m);
    }
  }
  const providerPrior: Record<string, number> = {};
  for (const [id, p] of [...byProvider].sort()) providerPrior[id] = round4((p.pos + 0.5 * PROVIDER_SMOOTHING) / (p.n + PROVIDER_SMOOTHING));
  const offeringPrior: Record<string, number> = {};
  for (const [id, o] of [...byOffering].sort()) {
    const base = o.provider ? providerPrior[o.provider] ?? 0.5 : 0.5;
    offeringPrior[id] = round4((o.pos + base * OFFERING_SMOOTHING) / (o.n + OFFERING_SMOOTHING));
  }
  const offeringAreaPrior: Record<string, number> = {};
  for (const [k, oa] of [...byOfferingArea].sort()) offeringAreaPrior[k] = round4((oa.pos + 0.5 * OFFERING_SMOOTHING) / (oa.n + OFFERING_SMOOTHING));
  const routingCorrections: Record<string, string> = {};
  for (const [key, counts] of [...routing].sort()) {
    const [entity, n] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    if (n >= CORRECTION_MIN && n >= CORRECTION_SHARE * (decisions.get(key) ?? n)) routingCorrections[key] = entity;
  }
  const params = { offeringPrior, offeringAreaPrior, providerPrior, routingCorrections, ...(opts.weights ? { weights: opts.weights } : {}), priorWeight: opts.priorWeight ?? DEFAULT_PRIOR_WEIGHT };
  return {
    ...params,
    version: modelVersion(params),
    basis: { examples: examples.length, offerings: Object.keys(offeringPrior).length, providers: Object.keys(providerPrior).length, corrections: Object.keys(routingCorrections).length },
  };
}

/**
 * The acceptance prior of an offering for a request on `area`: its rate on that area, else neutral.
 * Its overall and its provider's rates only apply to provider answers (accept/decline), which say
 * whether the provider delivers at all; they are kept for the apply screen and the audit record.
 */
export function acceptancePrior(model: LearnedModel | undefined, offeringId: string, _providerId: string, area?: string | null): number {
  if (!model) return 0.5;
  return (area ? model.offeringAreaPrior[`${offeringId}@${area}`] : undefined) ?? 0.5;
}

/** A score adjusted by the acceptance prior (unchanged at the neutral 0.5), kept in [0, 1]. */
export function withPrior(score: number, prior: number, weight: number): number {
  return Math.max(0, Math.min(1, score * (1 + weight * (prior - 0.5))));
}
