import { describe, expect, it } from 'vitest';
import { routeRequest } from '../../../src/matching/routing.js';
import { AREAS } from './areas.fixture.js';

const taxonomy = new Map(AREAS.map((a) => [a.code, a]));
const tf = [{ code: 'terrorist_financing', score: 1 }];

describe('routeRequest', () => {
  it('routes to the primary entity of the best area', () => {
    expect(routeRequest(tf, [], taxonomy)).toMatchObject({ entity: 'UNODC', reason: 'primary_responsibility', area: 'terrorist_financing' });
  });
  it('routes to the top match’s entity when it is one of the area’s entities', () => {
    expect(routeRequest(tf, [{ providerEntity: 'IMF' }], taxonomy)).toMatchObject({ entity: 'IMF', reason: 'top_match_entity', area: 'terrorist_financing' });
  });
  it('ignores a top match entity that is not responsible for the area', () => {
    expect(routeRequest(tf, [{ providerEntity: 'IMO' }], taxonomy).entity).toBe('UNODC');
    expect(routeRequest(tf, [{ providerEntity: null }], taxonomy).entity).toBe('UNODC');
  });
  it('only looks at the top match', () => {
    expect(routeRequest(tf, [{ providerEntity: null }, { providerEntity: 'IMF' }], taxonomy).entity).toBe('UNODC');
  });
  it('ignores top matches proposed for another area', () => {
    // The IMF offering here is on legal_framework, not on the routed area.
    const r = routeRequest(tf, [{ providerEntity: 'IMF', areas: ['legal_framework'] }, { providerEntity: '1267-MT', areas: ['terrorist_financing'] }], taxonomy);
    expect(r).toMatchObject({ entity: '1267-MT', reason: 'top_match_entity', area: 'terrorist_financing' });
  });
  it('returns no entity when nothing is classified', () => {
    expect(routeRequest([], [], taxonomy)).toMatchObject({ entity: null, reason: 'triage', area: null });
  });
});
