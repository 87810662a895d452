import type { ConceptDef } from './concepts.tagger.js';
import type { AreaScore, Routing, ThematicAreaRef } from './types.js';

/** A top match as routing sees it: who offers it, on which areas and fine concepts. */
export interface RoutableMatch {
  providerEntity: string | null;
  areas?: readonly string[];
  concepts?: readonly string[];
}

/** The evidence a route rests on: a fine concept with responsible entities, or the area. */
export interface RoutingEvidence {
  area: string;
  concept: string | null;
  responsible: readonly string[];
  /** Strength of the concept in the request (saturating, 0..1), or the area score. */
  strength: number;
}

/** Per-area (or per-concept) correction learned from CTED's reassignments (learning.ts). */
export type RoutingCorrections = ReadonlyMap<string, string>;

// A concept routes only when the request names it clearly (≈ one clear mention in the title, or two
// in the description); a cross-cutting one (no area) must be named more strongly.
const CONCEPT_MIN = 0.45;
const CONCEPT_ALONE = 0.7;
// An area this close to the best one is a near tie: the classifier alone cannot tell them apart.
const NEAR_TIE = 0.75;

/** What the best-ranked offering says: its main area and the fine concepts it carries. */
export interface LeadMatch {
  mainArea: string | null;
  concepts: readonly string[];
}

/** Whether `def` is declared a part of the concept `code`. */
const narrowerOf = (def: ConceptDef, code: string): boolean =>
  def.broader === code || (Array.isArray(def.broader) && def.broader.includes(code));

/**
 * The most specific evidence for routing: among the request's fine concepts that name responsible
 * entities, the strongest one on the request's best area (else a strongly named cross-cutting one);
 * otherwise the best area itself. When two areas nearly tie (customs officers trained to detect
 * radioactive material; dual-use awareness for bioterrorism police), a concept of the runner-up area
 * wins when the best-ranked offering is itself on that area and carries the concept: text, concept and
 * catalogue then agree on what the request is about, which the area scores alone could not decide.
 */
export function routingEvidence(
  areas: readonly AreaScore[],
  fine: ReadonlyMap<string, number>,
  concepts: ReadonlyMap<string, ConceptDef>,
  taxonomy: ReadonlyMap<string, ThematicAreaRef>,
  lead?: LeadMatch,
  named?: ReadonlySet<string>,
): RoutingEvidence | null {
  const best = areas.find((a) => taxonomy.has(a.code));
  const near = new Set(best ? areas.filter((a) => taxonomy.has(a.code) && a.score >= NEAR_TIE * best.score).map((a) => a.code) : []);
  const agrees = (def: ConceptDef): boolean =>
    lead !== undefined && def.area !== null && def.area !== best?.code && def.area === lead.mainArea && near.has(def.area) && lead.concepts.includes(def.code);
  let chosen: { def: ConceptDef; strength: number; rank: number } | null = null;
  // Sorted by code so equal strengths resolve the same way whatever the text's order.
  for (const code of [...fine.keys()].sort()) {
    const def = concepts.get(code);
    const strength = fine.get(code)!;
    if (!def?.entities?.length || strength < CONCEPT_MIN) continue;
    // A concept routes when it is on the request's main area, or when it belongs to no area (API/PNR,
    // IEDs) and is named strongly; a concept of another area says nothing about who owns the main topic.
    const rank = agrees(def) ? 3 : def.area !== null && def.area === best?.code ? 2 : def.area === null && strength >= CONCEPT_ALONE ? 1 : 0;
    if (rank === 0) continue;
    if (!chosen || rank > chosen.rank || (rank === chosen.rank && strength > chosen.strength)) chosen = { def, strength, rank };
  }
  // A narrower concept named at least as clearly as the chosen one is the more specific evidence, when
  // it is on the chosen concept's area, or on one the request scores nearly as high or names in that
  // area's own terms (`named`): customs asking about the explosive precursors they must intercept is a
  // customs request, while police asking about the same precursors (no customs wording) stays on the
  // chemical or criminal-justice field.
  if (chosen) {
    const from = chosen.def;
    for (const code of [...fine.keys()].sort()) {
      const def = concepts.get(code);
      const strength = fine.get(code)!;
      if (!def?.entities?.length || strength < chosen.strength || !narrowerOf(def, from.code)) continue;
      if (def.area === null || def.area === from.area || named?.has(def.area)) chosen = { def, strength, rank: chosen.rank };
    }
  }
  if (chosen) {
    const area = chosen.def.area ?? best?.code ?? null;
    if (area) return { area, concept: chosen.def.code, responsible: chosen.def.entities!, strength: chosen.strength };
  }
  if (!best) return null;
  return { area: best.code, concept: null, responsible: taxonomy.get(best.code)!.entities, strength: best.score };
}

/**
 * Picks the Task Force entity responsible for a request, on the most specific evidence
 * (see RoutingReason in types.ts):
 * - the top match on that evidence (its concept, else its area) comes from an entity responsible for
 *   it → that entity (`top_match_entity`), so the request goes to who will deliver it;
 * - else the lead of the concept (`concept_responsibility`) or of the area (`primary_responsibility`);
 * - a learned correction for the concept or area (CTED keeps reassigning it) overrides the lead;
 * - no area at all → no entity (`triage`; the matcher says why).
 */
export function routeRequest(
  areas: readonly AreaScore[],
  topMatches: readonly RoutableMatch[],
  taxonomy: ReadonlyMap<string, ThematicAreaRef>,
  opts: { fine?: ReadonlyMap<string, number>; concepts?: ReadonlyMap<string, ConceptDef>; corrections?: RoutingCorrections; lead?: LeadMatch; named?: ReadonlySet<string> } = {},
): Routing {
  const ev = routingEvidence(areas, opts.fine ?? new Map(), opts.concepts ?? new Map(), taxonomy, opts.lead, opts.named);
  if (!ev) return { entity: null, reason: 'triage', area: null, concept: null, responsible: [] };
  const responsible = [...ev.responsible];
  const base = { area: ev.area, concept: ev.concept, responsible };
  // Matches without area information are taken to be on the routed area.
  const onEvidence = (m: RoutableMatch): boolean =>
    m.areas === undefined || m.areas.includes(ev.area) || (ev.concept !== null && (m.concepts ?? []).includes(ev.concept));
  const top = topMatches.find(onEvidence);
  const topEntity = top?.providerEntity ?? null;
  if (topEntity !== null && topEntity !== responsible[0] && responsible.includes(topEntity)) {
    return { entity: topEntity, reason: 'top_match_entity', ...base };
  }
  // The concept's table names who leads on it; an entity responsible for the concept's area whose own
  // offering carries that very concept and ranks first delivers it too (UNICRI's course on trafficking
  // investigations for a request about radioactive sources found at a border): the request goes to it.
  // An offering that only shares the area (an ICAO document course for CBRN goods at borders) does not.
  if (topEntity !== null && ev.concept !== null && !responsible.includes(topEntity)
    && (taxonomy.get(ev.area)?.entities ?? []).includes(topEntity) && (top?.concepts ?? []).includes(ev.concept)) {
    return { entity: topEntity, reason: 'top_match_entity', ...base };
  }
  const corrected = opts.corrections?.get(ev.concept ?? `area:${ev.area}`) ?? (ev.concept ? opts.corrections?.get(`area:${ev.area}`) : undefined);
  if (corrected && corrected !== topEntity) return { entity: corrected, reason: 'learned_correction', ...base };
  return { entity: responsible[0] ?? null, reason: ev.concept ? 'concept_responsibility' : 'primary_responsibility', ...base };
}
