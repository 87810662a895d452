import { MATCHING_LIMITS } from './weights.js';
import type { MatchableOffering, StateGeo } from './types.js';

const DAY_MS = 86_400_000;

/** M49 codes a state belongs to at any level (region, sub-region, intermediate region). */
export function stateRegionCodes(state: StateGeo): string[] {
  const codes = [state.region, state.subRegion];
  if (state.intermediateRegion) codes.push(state.intermediateRegion);
  return codes;
}

/** Whether a state may receive an offering: listed country, any of its M49 regions, or worldwide (both lists empty). */
export function isEligible(offering: Pick<MatchableOffering, 'eligibility'>, state: StateGeo): boolean {
  const { regions, countries } = offering.eligibility;
  if (regions.length === 0 && countries.length === 0) return true;
  if (countries.includes(state.iso3)) return true;
  return stateRegionCodes(state).some((code) => regions.includes(code));
}

export type UnavailableReason = 'closed' | 'expired' | 'not_yet_available' | 'stale';

/** Why an offering cannot be proposed at `now`, or null when it can (open, within its window, confirmed recently). */
export function unavailableReason(
  offering: Pick<MatchableOffering, 'status' | 'availableFrom' | 'availableUntil' | 'lastConfirmedAt'>,
  now: Date,
  staleAfterDays: number = MATCHING_LIMITS.staleAfterDays,
): UnavailableReason | null {
  if (offering.status !== 'open') return 'closed';
  const t = now.getTime();
  if (offering.availableUntil && offering.availableUntil.getTime() < t) return 'expired';
  if (offering.availableFrom && offering.availableFrom.getTime() > t) return 'not_yet_available';
  // A provider that has not confirmed an offering for half a year may no longer
  // deliver it; proposing it would waste a state's time.
  if (t - offering.lastConfirmedAt.getTime() > staleAfterDays * DAY_MS) return 'stale';
  return null;
}
