import { round4 } from './classify.js';
import { FINE_CONCEPTS } from './concepts.lexicon.js';
import type { IndexedOffering } from './offering.index.js';
import type { AreaScore, Lang, MatchableRequest, MatchExplanation, Modality, StateGeo } from './types.js';
import { SCORING_WEIGHTS, TOPICAL_GATE, type ScoreComponent } from './weights.js';

/** What scoring needs to know about the request, computed once per request. */
export interface RequestContext {
  lang: Lang;
  state: StateGeo;
  areas: AreaScore[];
  fine: ReadonlyMap<string, number>;
  modalities: readonly Modality[];
  urgency: MatchableRequest['urgency'];
  /** Linked needs of the same state: their areas and priority value (high 1, medium .6, low .3). */
  needs: { areas: ReadonlySet<string>; value: number }[];
  /** The matching instant, for offerings that start later. */
  nowMs: number;
  /** The best text value of an offering written in the request's language (0 when none is a text hit): see textValue. */
  sameLanguageText?: number;
}

export const PRIORITY_VALUE = { high: 1, medium: 0.6, low: 0.3 } as const;

// Not being delivered in the request's language is a real cost (interpreters,
// translated materials) but not a disqualification.
const OTHER_LANGUAGE_FIT = 0.3;
// Neutral value when one side gives no information.
const NEUTRAL = 0.5;

/** Thematic overlap: the best shared area, weighted on both sides by its score. */
export function thematicComponent(requestAreas: readonly AreaScore[], offeringAreas: ReadonlyMap<string, number>): { value: number; shared: string[] } {
  let best = 0;
  const shared: string[] = [];
  for (const a of requestAreas) {
    const w = offeringAreas.get(a.code);
    if (w === undefined) continue;
    shared.push(a.code);
    best = Math.max(best, a.score * w);
  }
  return { value: Math.min(1, best), shared };
}

/** Allocation-free thematic value (hot path over every candidate). */
export function thematicValue(requestAreas: readonly AreaScore[], offeringAreas: ReadonlyMap<string, number>): number {
  let best = 0;
  for (let i = 0; i < requestAreas.length; i++) {
    const a = requestAreas[i]!;
    const w = offeringAreas.get(a.code);
    if (w !== undefined && a.score * w > best) best = a.score * w;
  }
  return Math.min(1, best);
}

// Concepts that name an entity (concepts.tagger.ts `agency`), by code: the entity named.
const AGENCY: ReadonlyMap<string, string> = new Map(FINE_CONCEPTS.filter((c) => c.agency && c.entities?.length).map((c) => [c.code, c.entities![0]!]));

/**
 * How much of a request concept of weight `w` an offering covers. A concept that names an entity is
 * carried whole by an offering that entity delivers or whose text names it: how often a text repeats a
 * name says nothing about the need (a request that names OPCW once preferred the OPCW offerings that
 * name OPCW three times, whatever they were about).
 */
function covers(c: string, w: number, offering: ReadonlyMap<string, number>, entity: string | null): number {
  const named = AGENCY.get(c);
  if (named !== undefined) return offering.has(c) || named === entity ? w : 0;
  const o = offering.get(c);
  return o === undefined ? 0 : Math.min(w, o);
}

/** Allocation-free fine-concept value (hot path); same formula as conceptComponent. */
function conceptValue(request: ReadonlyMap<string, number>, offering: ReadonlyMap<string, number>, entity: string | null): number {
  if (request.size === 0) return NEUTRAL;
  let reqTotal = 0;
  let covered = 0;
  for (const [c, w] of request) {
    reqTotal += w;
    covered += covers(c, w, offering, entity);
  }
  let offTotal = 0;
  let offShared = 0;
  for (const [c, w] of offering) {
    offTotal += w;
    if (request.has(c)) offShared += w;
  }
  return 0.8 * (reqTotal > 0 ? covered / reqTotal : 0) + 0.2 * (offTotal > 0 ? offShared / offTotal : 0);
}

/** Fine-concept overlap: how much of the request's fine concepts the offering covers (mostly) and how focused it is. */
export function conceptComponent(request: ReadonlyMap<string, number>, offering: ReadonlyMap<string, number>, entity: string | null = null): { value: number; shared: string[] } {
  if (request.size === 0) return { value: NEUTRAL, shared: [] };
  let reqTotal = 0;
  let covered = 0;
  const shared: string[] = [];
  for (const [c, w] of request) {
    reqTotal += w;
    const v = covers(c, w, offering, entity);
    if (v > 0) {
      covered += v;
      shared.push(c);
    }
  }
  let offTotal = 0;
  let offShared = 0;
  for (const [c, w] of offering) {
    offTotal += w;
    if (request.has(c)) offShared += w;
  }
  const coverage = reqTotal > 0 ? covered / reqTotal : 0;
  const precision = offTotal > 0 ? offShared / offTotal : 0;
  return { value: 0.8 * coverage + 0.2 * precision, shared };
}

/** Language fit: 1 when the offering is delivered in the request's language, lower otherwise. */
export function languageComponent(requestLang: Lang, offeringLangs: readonly Lang[]): number {
  return offeringLangs.includes(requestLang) ? 1 : OTHER_LANGUAGE_FIT;
}

/** Modality overlap: share of requested modalities the offering provides; 0.5 when either side names none. */
export function modalityComponent(requested: readonly Modality[], offered: readonly Modality[]): number {
  if (requested.length === 0 || offered.length === 0) return NEUTRAL;
  const set = new Set(offered);
  return requested.filter((m) => set.has(m)).length / requested.length;
}

const DAY_MS = 86_400_000;
// Beyond these many days to its start, an offering earns nothing on timing for an urgent request,
// and the least (half of neutral) for a normal one; a low-urgency request does not mind the wait.
const URGENT_HORIZON_DAYS = 90;
const NORMAL_HORIZON_DAYS = 365;

/**
 * Urgency against timing: an offering that starts later (still proposed, marked with its start date)
 * is worth less the more urgent the request and the longer the wait. High urgency: 1 when available
 * now with room left, then from 0.5 down to 0 at 90 days. Normal: neutral now, down to 0.25 at a
 * year. Low: neutral.
 */
export function urgencyComponent(urgency: MatchableRequest['urgency'], startsInDays: number, capacity: number | null): number {
  const wait = Math.max(0, startsInDays);
  if (urgency === 'high') {
    if (wait > 0) return 0.5 * Math.max(0, 1 - wait / URGENT_HORIZON_DAYS);
    return capacity === null || capacity > 0 ? 1 : NEUTRAL;
  }
  if (urgency === 'normal' && wait > 0) return NEUTRAL * Math.max(0.5, 1 - wait / NORMAL_HORIZON_DAYS);
  return NEUTRAL;
}

/** Need support: the highest priority value among the request's linked needs that fall in one of the offering's areas. */
export function needComponent(needs: RequestContext['needs'], offeringAreas: ReadonlyMap<string, number>): number {
  let best = 0;
  for (const n of needs) {
    for (const a of n.areas) {
      if (offeringAreas.has(a)) {
        best = Math.max(best, n.value);
        break;
      }
    }
  }
  return best;
}

const COMPONENT_KEYS = Object.keys(SCORING_WEIGHTS) as ScoreComponent[];

/** Final score in [0, 1]: weighted mean of the components times the topical gate (see SCORING_WEIGHTS). */
export function combine(components: Record<ScoreComponent, number>, weights: Readonly<Record<ScoreComponent, number>> = SCORING_WEIGHTS): number {
  let sum = 0;
  let wsum = 0;
  // Fixed key order: the same components always add up to the same float.
  for (const key of COMPONENT_KEYS) {
    sum += weights[key] * components[key];
    wsum += weights[key];
  }
  const gate = Math.max(components.thematic, TOPICAL_GATE.textOnly * components.text);
  return wsum > 0 ? (gate * sum) / wsum : 0;
}

/** Regional specificity for a state: 1 country listed, .85 intermediate region, .75 sub-region, .65 region, .5 worldwide. */
export function regionalComponent(eligibility: { regions: readonly string[]; countries: readonly string[] }, state: StateGeo): number {
  if (eligibility.countries.includes(state.iso3)) return 1;
  if (state.intermediateRegion && eligibility.regions.includes(state.intermediateRegion)) return 0.85;
  if (eligibility.regions.includes(state.subRegion)) return 0.75;
  if (eligibility.regions.includes(state.region)) return 0.65;
  return 0.5;
}

/** Whether the offering's text, in any version its provider gave, is written in `lang`. */
export function writtenIn(o: IndexedOffering['offering'], lang: Lang): boolean {
  return o.language === lang || (o.versions ?? []).some((v) => v.language === lang);
}

/**
 * The text value of an offering: relative BM25, except that an offering written in none of the
 * request's languages has no words that could overlap with the request's, so its wording is no
 * evidence against it. When offerings written in the request's language compete with it (and so
 * gain from word overlap), its text value is raised to its concept value (the language-independent
 * evidence of the same thing), up to the best text value of those same-language offerings: the
 * raise only undoes their advantage; when no offering shares the request's language, every one is
 * compared on the same footing (concept tokens) and nothing changes. Without this, a French request
 * for investigators' training ranked French judicial-training modules above the English programme
 * that carries its concepts.
 */
export function textValue(ctx: Pick<RequestContext, 'lang' | 'fine' | 'sameLanguageText'>, o: IndexedOffering['offering'], text: number, concept: number): number {
  const t = Math.max(0, Math.min(1, text));
  const ceiling = ctx.sameLanguageText ?? 0;
  return ctx.fine.size === 0 || ceiling <= t || writtenIn(o, ctx.lang) ? t : Math.max(t, Math.min(concept, ceiling));
}

/** Score components of one (eligible, available) offering; `text` is the normalised BM25 value in [0, 1]. */
export function scoreComponents(ctx: RequestContext, doc: IndexedOffering, text: number): Record<ScoreComponent, number> {
  const o = doc.offering;
  const concept = conceptValue(ctx.fine, doc.profile.fine, o.providerEntity);
  return {
    thematic: thematicValue(ctx.areas, doc.areaWeight),
    concept,
    text: textValue(ctx, o, text, concept),
    need: needComponent(ctx.needs, doc.areaWeight),
    language: languageComponent(ctx.lang, o.languages),
    regional: regionalComponent(o.eligibility, ctx.state),
    modality: modalityComponent(ctx.modalities, o.modalities),
    urgency: urgencyComponent(ctx.urgency, (doc.gate.fromMs - ctx.nowMs) / DAY_MS, o.capacity),
  };
}

/** The explanation stored with a proposed match: components, weights, shared concepts, language fit, notes. */
export function explainMatch(ctx: RequestContext, doc: IndexedOffering, components: Record<ScoreComponent, number>, weights: Readonly<Record<ScoreComponent, number>> = SCORING_WEIGHTS): MatchExplanation {
  const o = doc.offering;
  const rounded = Object.fromEntries(Object.entries(components).map(([k, v]) => [k, round4(v)])) as Record<ScoreComponent, number>;
  const notes: string[] = [];
  if (components.language < 1) notes.push(`not delivered in ${ctx.lang}; offered in ${o.languages.join(', ') || 'unspecified languages'}`);
  if (doc.areasInferred && doc.areas.length > 0) notes.push('offering areas inferred from its text');
  if (o.language !== ctx.lang) notes.push(`offering text is in ${o.language}; matched through shared concepts`);
  return {
    components: rounded,
    weights: { ...weights },
    concepts: [
      ...thematicComponent(ctx.areas, doc.areaWeight).shared.map((a) => `area:${a}`),
      ...conceptComponent(ctx.fine, doc.profile.fine, o.providerEntity).shared,
    ].sort(),
    language: { request: ctx.lang, offering: [...o.languages], fit: components.language },
    notes,
  };
}
