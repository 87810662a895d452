import { describe, expect, it } from 'vitest';
import type { ConceptDef } from '../../../src/matching/concepts.tagger.js';
import { routeRequest, routingEvidence } from '../../../src/matching/routing.js';
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

describe('routingEvidence on a near tie between areas', () => {
  const concepts = new Map<string, ConceptDef>([
    ['c:radiation_detection', { code: 'c:radiation_detection', area: 'nuclear_security', entities: ['IAEA', 'INTERPOL'], terms: {} }],
    ['c:cargo', { code: 'c:cargo', area: 'customs', entities: ['WCO', 'UNODC'], terms: {} }],
  ]);
  const two = new Map(['customs', 'nuclear_security'].map((code) => [code, { ...AREAS[0]!, code, entities: code === 'customs' ? ['WCO'] : ['IAEA'] }]));
  const areas = [{ code: 'customs', score: 1 }, { code: 'nuclear_security', score: 0.85 }];
  const fine = new Map([['c:radiation_detection', 0.8], ['c:cargo', 0.5]]);

  it('keeps the best area’s concept when the best-ranked offering does not side with the runner-up', () => {
    expect(routingEvidence(areas, fine, concepts, two)).toMatchObject({ area: 'customs', concept: 'c:cargo' });
    expect(routingEvidence(areas, fine, concepts, two, { mainArea: 'customs', concepts: ['c:cargo', 'c:radiation_detection'] })).toMatchObject({ concept: 'c:cargo' });
  });
  it('takes the runner-up area’s concept when the best-ranked offering is on that area and carries it', () => {
    const ev = routingEvidence(areas, fine, concepts, two, { mainArea: 'nuclear_security', concepts: ['c:radiation_detection'] });
    expect(ev).toMatchObject({ area: 'nuclear_security', concept: 'c:radiation_detection', responsible: ['IAEA', 'INTERPOL'] });
  });
  it('does not when the runner-up is not close', () => {
    const far = [{ code: 'customs', score: 1 }, { code: 'nuclear_security', score: 0.5 }];
    expect(routingEvidence(far, fine, concepts, two, { mainArea: 'nuclear_security', concepts: ['c:radiation_detection'] })).toMatchObject({ area: 'customs' });
  });
});

describe('routeRequest on a concept whose table omits the top match’s entity', () => {
  const nuc = new Map([['nuclear_security', { ...AREAS[0]!, code: 'nuclear_security', entities: ['IAEA', 'UNICRI', 'INTERPOL'] }]]);
  const concepts = new Map<string, ConceptDef>([['c:radiation_detection', { code: 'c:radiation_detection', area: 'nuclear_security', entities: ['IAEA', 'INTERPOL'], terms: {} }]]);
  const opts = { fine: new Map([['c:radiation_detection', 0.9]]), concepts };
  const areas = [{ code: 'nuclear_security', score: 1 }];

  it('goes to an entity of the concept’s area whose first-ranked offering carries the concept', () => {
    const r = routeRequest(areas, [{ providerEntity: 'UNICRI', areas: ['nuclear_security'], concepts: ['c:radiation_detection'] }], nuc, opts);
    expect(r).toMatchObject({ entity: 'UNICRI', reason: 'top_match_entity', concept: 'c:radiation_detection' });
  });
  it('stays with the concept’s lead when that offering only shares the area', () => {
    const r = routeRequest(areas, [{ providerEntity: 'UNICRI', areas: ['nuclear_security'], concepts: [] }], nuc, opts);
    expect(r).toMatchObject({ entity: 'IAEA', reason: 'concept_responsibility' });
  });
});

describe('narrower concepts', () => {
  const concepts = new Map<string, ConceptDef>([
    ['c:strategic_trade', { code: 'c:strategic_trade', area: 'wmd_nonproliferation', entities: ['1540-EXPERTS', 'UNODA', 'WCO'], terms: {} }],
    ['c:stce', { code: 'c:stce', area: 'customs', broader: 'c:strategic_trade', entities: ['WCO', '1540-EXPERTS'], terms: {} }],
  ]);
  const areas = [{ code: 'wmd_nonproliferation', score: 1 }, { code: 'customs', score: 0.8 }];
  const taxonomy = new Map([
    ['wmd_nonproliferation', { ...AREAS[0]!, code: 'wmd_nonproliferation', entities: ['1540-EXPERTS', 'UNODA'] }],
    ['customs', { ...AREAS[0]!, code: 'customs', entities: ['WCO'] }],
  ]);
  it('routes on the narrower concept when the request names it at least as clearly as the broader one, and names its area', () => {
    expect(routingEvidence(areas, new Map([['c:strategic_trade', 0.9], ['c:stce', 0.95]]), concepts, taxonomy, undefined, new Set(['wmd_nonproliferation', 'customs']))).toMatchObject({ concept: 'c:stce', area: 'customs', responsible: ['WCO', '1540-EXPERTS'] });
  });
  it('keeps the broader concept when the narrower one sits in an area the request names only through that concept', () => {
    expect(routingEvidence(areas, new Map([['c:strategic_trade', 0.9], ['c:stce', 0.95]]), concepts, taxonomy, undefined, new Set(['wmd_nonproliferation']))).toMatchObject({ concept: 'c:strategic_trade', area: 'wmd_nonproliferation' });
  });
  it('takes a concept declared a part of several broader ones as narrower than each', () => {
    const multi = new Map<string, ConceptDef>([...concepts, ['c:stce', { ...concepts.get('c:stce')!, broader: ['c:other', 'c:strategic_trade'] }]]);
    expect(routingEvidence(areas, new Map([['c:strategic_trade', 0.9], ['c:stce', 0.95]]), multi, taxonomy, undefined, new Set(['customs']))).toMatchObject({ concept: 'c:stce' });
  });
  it('keeps the broader concept when the narrower one is only mentioned', () => {
    expect(routingEvidence(areas, new Map([['c:strategic_trade', 0.9], ['c:stce', 0.5]]), concepts, taxonomy)).toMatchObject({ concept: 'c:strategic_trade', area: 'wmd_nonproliferation' });
  });
});
