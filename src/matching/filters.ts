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

/** Why an offering cannot be proposed: closed, past its end date, no places left, or not confirmed by its provider for too long. */
export type UnavailableReason = 'closed' | 'expired' | 'full' | 'stale';
/** How an offering stands for proposals: available now, proposable but starting later (`not_yet_open`), or not proposable and why. */
export type Availability = 'available' | 'not_yet_open' | UnavailableReason;

/** The facts the proposability rule reads, as epoch milliseconds (the index keeps them in this form). */
export interface AvailabilityFacts {
  open: boolean;
  /** Capacity left is zero (a null capacity is unlimited). */
  full: boolean;
  untilMs: number;
  confirmedMs: number;
}

/**
 * THE rule of which offerings can be proposed (matching, the directory, analytics and the offering
 * views all come here): open, with places left, not past its end date, and confirmed by its provider
 * within `staleAfterDays`. A future start date does not block a proposal: an offering that starts in
 * two months is a valid answer, proposed with its start date, and urgency weighs it (scoring.ts).
 */
export function unavailableAt(f: AvailabilityFacts, t: number, staleAfterDays: number = MATCHING_LIMITS.staleAfterDays): UnavailableReason | null {
  if (!f.open) return 'closed';
  if (f.untilMs < t) return 'expired';
  if (f.full) return 'full';
  // A provider that has not confirmed an offering for half a year may no longer
  // deliver it; proposing it would waste a state's time.
  if (t - f.confirmedMs > staleAfterDays * DAY_MS) return 'stale';
  return null;
}

type OfferingDates = Pick<MatchableOffering, 'availableFrom' | 'availableUntil' | 'lastConfirmedAt'> & { status: string; capacity?: number | null };

/** The facts of an offering row or engine offering, for unavailableAt. */
export const availabilityFacts = (o: OfferingDates): AvailabilityFacts => ({
  open: o.status === 'open',
  full: o.capacity !== undefined && o.capacity !== null && o.capacity <= 0,
  untilMs: o.availableUntil?.getTime() ?? Infinity,
  confirmedMs: o.lastConfirmedAt.getTime(),
});

/** Why an offering cannot be proposed at `now`, or null when it can (see unavailableAt). */
export function unavailableReason(offering: OfferingDates, now: Date, staleAfterDays: number = MATCHING_LIMITS.staleAfterDays): UnavailableReason | null {
  return unavailableAt(availabilityFacts(offering), now.getTime(), staleAfterDays);
}

/** Whether an offering can be proposed at `now`. */
export const isProposable = (offering: OfferingDates, now: Date = new Date()): boolean => unavailableReason(offering, now) === null;

/** Where an offering stands at `now`, for badges: available, not yet open (still proposed), or the reason it is not proposed. */
export function availabilityOf(offering: OfferingDates, now: Date): Availability {
  const reason = unavailableReason(offering, now);
  if (reason) return reason;
  return offering.availableFrom && offering.availableFrom.getTime() > now.getTime() ? 'not_yet_open' : 'available';
}

/** Whole days since the provider last confirmed the offering. */
export const unconfirmedDays = (offering: Pick<MatchableOffering, 'lastConfirmedAt'>, now: Date): number =>
  Math.max(0, Math.floor((now.getTime() - offering.lastConfirmedAt.getTime()) / DAY_MS));
