import type { AreaScore, Routing, ThematicAreaRef } from './types.js';

/**
 * Picks the Task Force entity responsible for a request.
 *
 * Reasons:
 * - `primary_responsibility`: the first (lead) entity of the request's best
 *   area, per the Task Force division of labour.
 * - `top_match_entity`: the best-ranked offering on that area comes from
 *   another entity also responsible for the area, so the request goes to the
 *   entity that will actually deliver it instead of bouncing through the lead.
 *   Offerings proposed for a secondary area do not count: they say nothing
 *   about who owns the main topic.
 * - `no_area`: nothing could be classified; entity is null and the request
 *   waits for a human (CTED) to triage it.
 */
export function routeRequest(
  areas: readonly AreaScore[],
  topMatches: readonly { providerEntity: string | null; areas?: readonly string[] }[],
  taxonomy: ReadonlyMap<string, ThematicAreaRef>,
): Routing {
  const best = areas.find((a) => taxonomy.has(a.code));
  if (!best) return { entity: null, reason: 'no_area', area: null };
  const entities = taxonomy.get(best.code)!.entities;
  const primary = entities[0] ?? null;
  // Matches without area information are taken to be on the best area.
  const top = topMatches.find((m) => m.areas === undefined || m.areas.includes(best.code));
  const topEntity = top?.providerEntity ?? null;
  if (topEntity !== null && topEntity !== primary && entities.includes(topEntity)) {
    return { entity: topEntity, reason: 'top_match_entity', area: best.code };
  }
  return { entity: primary, reason: 'primary_responsibility', area: best.code };
}
