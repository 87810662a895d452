import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../../src/matching/matcher.js';
import type { MatchableOffering } from '../../../src/matching/types.js';
import { AREAS, STATES } from './areas.fixture.js';
import { daysAgo, need, NOW, offering, request } from './helpers.js';

const CATALOGUE: MatchableOffering[] = [
  offering({
    id: 'o-fiu',
    providerEntity: 'UNODC',
    title: 'Training for financial intelligence unit analysts on terrorist financing',
    description: 'Operational and strategic analysis of suspicious transaction reports for FIU staff.',
    languages: ['en', 'fr'],
  }),
  offering({
    id: 'o-npo',
    providerEntity: 'IMF',
    title: 'Protecting the non-profit sector from terrorist financing abuse',
    description: 'Risk-based supervision of NPOs in line with FATF Recommendation 8.',
    languages: ['en', 'ar'],
  }),
  offering({
    id: 'o-port',
    providerEntity: 'IMO',
    title: 'ISPS Code implementation workshop',
    description: 'Port facility security officers, drills and exercises.',
    modalities: ['workshop'],
  }),
  offering({
    id: 'o-pve',
    title: 'Prévention de la radicalisation en milieu carcéral',
    description: "Formation du personnel pénitentiaire à la prévention de l'extrémisme violent.",
    language: 'fr',
    languages: ['fr'],
  }),
  offering({
    id: 'o-fiu-latam',
    title: 'FIU analysis mentoring for Latin America',
    description: 'Mentoring financial intelligence unit analysts on terrorist financing cases.',
    eligibility: { regions: ['419'], countries: [] },
    languages: ['es', 'en'],
  }),
  offering({
    id: 'o-fiu-expired',
    title: 'Financial intelligence unit course on terrorist financing',
    description: 'FIU analysts.',
    availableUntil: daysAgo(3),
  }),
];

function build() {
  const m = createMatcher({ areas: AREAS, states: STATES });
  for (const o of CATALOGUE) m.addOffering(o);
  return m;
}

describe('matchRequest', () => {
  it('meets an English offering from a Chinese request through concepts', () => {
    const m = build();
    const r = m.matchRequest(request({ title: '加强金融情报中心分析能力', description: '培训分析人员识别资助恐怖主义的可疑交易。' }), { now: NOW });
    expect(r.language).toBe('zh');
    expect(r.thematicAreas[0]!.code).toBe('terrorist_financing');
    expect(r.matches[0]!.offeringId).toBe('o-fiu');
    expect(r.matches[0]!.explanation.concepts).toContain('c:fiu');
    expect(r.matches[0]!.explanation.notes.some((n) => n.includes('not delivered in zh'))).toBe(true);
  });

  it('meets an offering delivered in Arabic from an Arabic request and routes to its entity', () => {
    const m = build();
    const r = m.matchRequest(
      request({ title: 'حماية المنظمات غير الربحية من تمويل الإرهاب', description: 'تقييم مخاطر القطاع غير الربحي.' }),
      { now: NOW },
    );
    expect(r.matches[0]!.offeringId).toBe('o-npo');
    expect(r.matches[0]!.explanation.language.fit).toBe(1);
    expect(r.routing).toMatchObject({ entity: 'IMF', reason: 'top_match_entity', area: 'terrorist_financing' });
  });

  it('never proposes ineligible or expired offerings', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'Financial intelligence unit training on terrorist financing' }), { now: NOW });
    const ids = r.matches.map((x) => x.offeringId);
    expect(ids).toContain('o-fiu');
    expect(ids).not.toContain('o-fiu-latam'); // NGA is not in Latin America
    expect(ids).not.toContain('o-fiu-expired');
    const peru = m.matchRequest(request({ memberState: 'PER', title: 'Financial intelligence unit training on terrorist financing' }), { now: NOW });
    expect(peru.matches.map((x) => x.offeringId)).toContain('o-fiu-latam');
  });

  it('proposes an offering that starts later; an urgent request ranks it below the same offering available now (issue 12 item 7)', () => {
    const twin = (id: string, from: Date | null) => offering({
      id, title: 'ISPS Code implementation workshop', description: 'Port facility security officers, drills and exercises.', modalities: ['workshop'], availableFrom: from,
    });
    const m = createMatcher({ areas: AREAS, states: STATES });
    m.addOffering(twin('o-later', daysAgo(-60)));
    m.addOffering(twin('o-now', null));
    const ask = (urgency: 'high' | 'low') => m.matchRequest(request({ title: 'ISPS Code training for port facility security officers', urgency }), { now: NOW });
    const urgent = ask('high');
    expect(urgent.matches.map((x) => x.offeringId)).toEqual(['o-now', 'o-later']);
    expect(urgent.matches[1]!.explanation.components.urgency).toBeLessThan(urgent.matches[0]!.explanation.components.urgency);
    // A low-urgency request does not mind the wait: same timing value for both.
    const calm = ask('low');
    expect(calm.matches.map((x) => x.explanation.components.urgency)).toEqual([0.5, 0.5]);
  });

  it('does not propose offerings of unrelated topics', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'ISPS Code training for port facility security officers' }), { now: NOW });
    expect(r.matches.map((x) => x.offeringId)).toEqual(['o-port']);
    expect(r.routing.entity).toBe('IMO');
  });

  it('keeps every component in [0, 1] and ranks from 1', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'Terrorist financing', modalities: ['training'], urgency: 'high' }), { now: NOW });
    // The loop below checks nothing when nothing matched: first say what must match.
    expect(r.matches.map((x) => x.offeringId).sort()).toEqual(['o-fiu', 'o-npo']);
    r.matches.forEach((x, i) => {
      expect(x.rank).toBe(i + 1);
      expect(x.score).toBeGreaterThan(0);
      expect(x.score).toBeLessThanOrEqual(1);
      expect(Object.keys(x.explanation.components).sort()).toEqual(['concept', 'language', 'modality', 'need', 'regional', 'text', 'thematic', 'urgency']);
      for (const v of Object.values(x.explanation.components)) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    });
  });

  it('honours explicit request areas over the wording', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'Training for officers', thematicAreas: ['maritime_security'] }), { now: NOW });
    expect(r.thematicAreas[0]).toEqual({ code: 'maritime_security', score: 1 });
    expect(r.routing.entity).toBe('IMO');
  });

  it('classify returns the areas matchRequest works with', () => {
    const m = build();
    const req = request({ title: 'Port facility officers', description: 'Drills for the officers in charge of security at our port facilities.' });
    expect(m.classify(req)).toEqual(m.matchRequest(req, { now: NOW }).thematicAreas);
  });

  it('is deterministic: same input, same output, regardless of insertion order', () => {
    const a = build();
    const b = createMatcher({ areas: AREAS, states: STATES });
    for (const o of [...CATALOGUE].reverse()) b.addOffering(o);
    const req = request({ title: 'Terrorist financing and FIU', description: 'Analysts and NPO sector.' });
    const ra = a.matchRequest(req, { now: NOW });
    expect(a.matchRequest(req, { now: NOW })).toEqual(ra);
    expect(b.matchRequest(req, { now: NOW })).toEqual(ra);
  });
});

describe('index operations', () => {
  it('adds, replaces and removes offerings at run time', () => {
    const m = build();
    const q = request({ title: 'ISPS Code port facility security' });
    expect(m.matchRequest(q, { now: NOW }).matches[0]!.offeringId).toBe('o-port');
    m.replaceOffering({ ...CATALOGUE[2]!, status: 'closed' });
    expect(m.matchRequest(q, { now: NOW }).matches).toEqual([]);
    m.replaceOffering(CATALOGUE[2]!);
    expect(m.matchRequest(q, { now: NOW }).matches[0]!.offeringId).toBe('o-port');
    expect(m.removeOffering('o-port')).toBe(true);
    expect(m.removeOffering('o-port')).toBe(false);
    expect(m.matchRequest(q, { now: NOW }).matches).toEqual([]);
    m.addOffering(CATALOGUE[2]!);
    expect(m.index.size).toBe(CATALOGUE.length);
    expect(() => m.addOffering(CATALOGUE[2]!)).toThrow();
  });

  it('gives the same scores after remove + re-add as a fresh index', () => {
    const m = build();
    m.removeOffering('o-npo');
    m.addOffering(CATALOGUE[1]!);
    const req = request({ title: 'NPO sector and terrorist financing', description: 'FATF risk assessment' });
    expect(m.matchRequest(req, { now: NOW })).toEqual(build().matchRequest(req, { now: NOW }));
  });

  it('infers areas of offerings that give none', () => {
    const m = build();
    expect(m.index.get('o-pve')!.areas[0]!.code).toBe('violent_extremism');
    expect(m.index.get('o-pve')!.areasInferred).toBe(true);
  });
});

describe('needs and duplicates', () => {
  const needs = [
    need({ id: 'n-fiu', description: 'The FIU lacks trained analysts to process suspicious transaction reports on terrorist financing.', priority: 'high' }),
    need({ id: 'n-port', description: 'Port facilities are not compliant with the ISPS Code.', priority: 'medium' }),
    need({ id: 'n-other-state', memberState: 'KEN', description: 'FIU analysts need training on terrorist financing.' }),
  ];

  it('links needs of the same state on the same topic only', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'FIU analyst training on terrorist financing' }), { now: NOW, needs });
    expect(r.linkedNeeds.map((n) => n.needId)).toEqual(['n-fiu']);
  });

  it('links across languages', () => {
    const m = build();
    const r = m.matchRequest(request({ title: '金融情报中心分析人员培训', description: '资助恐怖主义' }), { now: NOW, needs });
    expect(r.linkedNeeds.map((n) => n.needId)).toEqual(['n-fiu']);
  });

  it('raises the need component for offerings in the need’s area', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'FIU analyst training on terrorist financing' }), { now: NOW, needs });
    expect(r.matches.find((x) => x.offeringId === 'o-fiu')!.explanation.components.need).toBe(1);
  });

  const open = [
    { id: 'r-old', memberState: 'NGA', title: 'Training of FIU analysts on terrorist financing', description: 'Our financial intelligence unit needs analysts trained on suspicious transaction reports.', language: 'en' as const, thematicAreas: [] },
    { id: 'r-port', memberState: 'NGA', title: 'ISPS Code training', description: 'Port facility security officers.', language: 'en' as const, thematicAreas: [] },
    { id: 'r-npo', memberState: 'NGA', title: 'NPO risk assessment for terrorist financing', description: 'Assess the non-profit sector risk of terrorist financing abuse.', language: 'en' as const, thematicAreas: [] },
    { id: 'r-ken', memberState: 'KEN', title: 'Training of FIU analysts on terrorist financing', description: 'Financial intelligence unit analysts.', language: 'en' as const, thematicAreas: [] },
  ];

  it('flags a reworded duplicate of the same state', () => {
    const m = build();
    const r = m.matchRequest(
      request({ title: 'FIU analysts: terrorist financing training', description: 'We need training for financial intelligence unit analysts handling suspicious transaction reports.' }),
      { now: NOW, openRequests: open },
    );
    expect(r.possibleDuplicates.map((d) => d.requestId)).toEqual(['r-old']);
  });

  it('flags a duplicate written in another language', () => {
    const m = build();
    const r = m.matchRequest(
      request({ title: 'Formation des analystes de la cellule de renseignement financier', description: 'Financement du terrorisme et déclarations de soupçon.' }),
      { now: NOW, openRequests: open },
    );
    expect(r.possibleDuplicates.map((d) => d.requestId)).toEqual(['r-old']);
  });

  it('does not flag a different topic, even in the same area, nor another state’s request', () => {
    const m = build();
    const r = m.matchRequest(request({ title: 'ISPS Code workshop for ports', description: 'Drills for port facility security officers.' }), { now: NOW, openRequests: open });
    expect(r.possibleDuplicates.map((d) => d.requestId)).toEqual(['r-port']);
    const fiu = m.matchRequest(request({ title: 'Training of FIU analysts on terrorist financing' }), { now: NOW, openRequests: open });
    expect(fiu.possibleDuplicates.map((d) => d.requestId)).not.toContain('r-npo');
    expect(fiu.possibleDuplicates.map((d) => d.requestId)).not.toContain('r-ken');
  });

  it('analyses an open request again when its text changes (the analysis is kept per id and text)', () => {
    const m = build();
    const fiu = request({ title: 'FIU analysts: terrorist financing training', description: 'We need training for financial intelligence unit analysts handling suspicious transaction reports.' });
    expect(m.matchRequest(fiu, { now: NOW, openRequests: open }).possibleDuplicates.map((d) => d.requestId)).toEqual(['r-old']);
    // The same id, now about ports: no longer a duplicate of an FIU request...
    const edited = open.map((o) => (o.id === 'r-old' ? { ...o, title: 'ISPS Code drills', description: 'Port facility security officers need drills.' } : o));
    expect(m.matchRequest(fiu, { now: NOW, openRequests: edited }).possibleDuplicates.map((d) => d.requestId)).toEqual([]);
    // ...and back again.
    expect(m.matchRequest(fiu, { now: NOW, openRequests: open }).possibleDuplicates.map((d) => d.requestId)).toEqual(['r-old']);
  });
});
