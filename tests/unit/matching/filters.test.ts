import { describe, expect, it } from 'vitest';
import { availabilityOf, isEligible, unavailableReason, unconfirmedDays } from '../../../src/matching/filters.js';
import { STATES } from './areas.fixture.js';
import { daysAgo, NOW, offering } from './helpers.js';

const NGA = STATES.find((s) => s.iso3 === 'NGA')!;
const MAR = STATES.find((s) => s.iso3 === 'MAR')!;
const elig = (regions: string[], countries: string[]) => offering({ id: 'o', title: 't', eligibility: { regions, countries } });

describe('eligibility', () => {
  it('is worldwide when both lists are empty', () => {
    expect(isEligible(elig([], []), NGA)).toBe(true);
  });
  it('matches a listed country', () => {
    expect(isEligible(elig([], ['NGA']), NGA)).toBe(true);
    expect(isEligible(elig([], ['KEN']), NGA)).toBe(false);
  });
  it('matches the M49 region, sub-region and intermediate region', () => {
    expect(isEligible(elig(['002'], []), NGA)).toBe(true); // Africa
    expect(isEligible(elig(['202'], []), NGA)).toBe(true); // Sub-Saharan Africa
    expect(isEligible(elig(['011'], []), NGA)).toBe(true); // Western Africa
    expect(isEligible(elig(['014'], []), NGA)).toBe(false); // Eastern Africa
    expect(isEligible(elig(['419'], []), NGA)).toBe(false); // Latin America
  });
  it('handles states without an intermediate region', () => {
    expect(isEligible(elig(['015'], []), MAR)).toBe(true); // Northern Africa
    expect(isEligible(elig(['202'], []), MAR)).toBe(false);
  });
});

describe('availability', () => {
  const base = offering({ id: 'o', title: 't' });
  it('accepts an open, current, recently confirmed offering', () => {
    expect(unavailableReason(base, NOW)).toBeNull();
  });
  it('rejects closed offerings', () => {
    expect(unavailableReason({ ...base, status: 'closed' }, NOW)).toBe('closed');
  });
  it('rejects offerings past availableUntil', () => {
    expect(unavailableReason({ ...base, availableUntil: daysAgo(1) }, NOW)).toBe('expired');
  });
  it('proposes offerings that start later, marked as not yet open (issue 12 item 7)', () => {
    expect(unavailableReason({ ...base, availableFrom: daysAgo(-60) }, NOW)).toBeNull();
    expect(availabilityOf({ ...base, availableFrom: daysAgo(-60) }, NOW)).toBe('not_yet_open');
    expect(availabilityOf({ ...base, availableFrom: daysAgo(5) }, NOW)).toBe('available');
  });
  it('rejects offerings with no places left', () => {
    expect(unavailableReason({ ...base, capacity: 0 }, NOW)).toBe('full');
    expect(unavailableReason({ ...base, capacity: 3 }, NOW)).toBeNull();
  });
  it('says which reason, closed before expired before stale, and for how many days unconfirmed', () => {
    expect(availabilityOf({ ...base, status: 'closed', availableUntil: daysAgo(1) }, NOW)).toBe('closed');
    expect(availabilityOf({ ...base, availableUntil: daysAgo(1), lastConfirmedAt: daysAgo(300) }, NOW)).toBe('expired');
    expect(availabilityOf({ ...base, lastConfirmedAt: daysAgo(200) }, NOW)).toBe('stale');
    expect(unconfirmedDays({ lastConfirmedAt: daysAgo(200) }, NOW)).toBe(200);
  });
  it('rejects offerings not confirmed for more than 180 days', () => {
    expect(unavailableReason({ ...base, lastConfirmedAt: daysAgo(181) }, NOW)).toBe('stale');
    expect(unavailableReason({ ...base, lastConfirmedAt: daysAgo(179) }, NOW)).toBeNull();
  });
});
