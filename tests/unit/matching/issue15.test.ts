import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVAL_SETS, load, runEngine, shuffled, type EvalData, type EvalSetName } from '../../../bench/eval.js';
import { FINE_CONCEPTS } from '../../../src/matching/concepts.lexicon.js';
import { termSource, termText } from '../../../src/matching/concepts.tagger.js';
import { fitModel, type DecisionExample } from '../../../src/matching/learning.js';
import { createMatcher } from '../../../src/matching/matcher.js';
import { suggestEntity } from '../../../src/matching/entity.suggest.js';
import { ANALYSER_VERSION } from '../../../src/matching/version.js';
import { SOURCE_CODES, sourceIn, VOCABULARY_SOURCES } from '../../../src/matching/vocabulary.sources.js';
import { LANGS, type MatchableOffering, type ThematicAreaRef } from '../../../src/matching/types.js';

const ref = <T>(f: string): T => JSON.parse(readFileSync(new URL(`../../../db/reference/${f}`, import.meta.url), 'utf8')) as T;
const areas = ref<(ThematicAreaRef & { workingGroup: string | null; paragraphs: number[] })[]>('thematic-areas.json');
const groups = ref<{ code: string; leads: string[] }[]>('working-groups.json');
const entities = ref<{ code: string; name: string; nameZh?: string; shortNameZh?: string; paragraphs: number[] }[]>('entities.json');

describe('taxonomy and working groups agree (annex of A/62/898)', () => {
  it("every area with a working group is led by one of that group's leads", () => {
    const leads = new Map(groups.map((g) => [g.code, g.leads]));
    const bad = areas.filter((a) => a.workingGroup !== null).filter((a) => !leads.get(a.workingGroup!)?.includes(a.entities[0]!));
    expect(bad.map((a) => `${a.code}: ${a.entities[0]} not a lead of ${a.workingGroup}`)).toEqual([]);
    expect(areas.find((a) => a.code === 'victims')!.entities[0]).toBe('EOSG');
  });
  it('every area without a working group is led by an entity named in its paragraphs', () => {
    const paras = new Map(entities.map((e) => [e.code, new Set(e.paragraphs)]));
    const bad = areas.filter((a) => a.workingGroup === null).filter((a) => !a.paragraphs.some((p) => paras.get(a.entities[0]!)?.has(p)));
    expect(bad.map((a) => a.code)).toEqual([]);
  });
  it('concept responsibilities name known entities and real paragraphs; the issue cases route as the mandates say', () => {
    const codes = new Set(entities.map((e) => e.code));
    for (const c of FINE_CONCEPTS) for (const e of c.entities ?? []) expect(codes.has(e), `${c.code} → ${e}`).toBe(true);
    const lead = (code: string) => FINE_CONCEPTS.find((c) => c.code === code)!.entities![0];
    expect(lead('c:bio_investigation')).toBe('UNODA');
    expect(lead('c:major_events')).toBe('UNICRI');
    expect(lead('c:victim_support')).toBe('EOSG');
    expect(lead('c:strategic_trade')).toBe('1540-EXPERTS');
    expect(lead('c:chemical_lab')).toBe('OPCW');
    expect(lead('c:radiation_detection')).toBe('IAEA');
  });
});

describe('vocabulary', () => {
  it('attributes no term to a source version that does not exist in its language', () => {
    const byCode = new Map(VOCABULARY_SOURCES.map((x) => [x.code, x]));
    for (const c of FINE_CONCEPTS) for (const l of LANGS) for (const t of c.terms[l] ?? []) {
      expect(byCode.get(sourceIn(termSource(t, c), l))!.languages, `${c.code}/${l}: ${termText(t)}`).toContain(l);
    }
    expect(sourceIn('FATF', 'zh')).toBe('ONEDOOR-TR');
    expect(sourceIn('FATF', 'fr')).toBe('FATF');
  });
  it('records a known source for every term', () => {
    const unknown: string[] = [];
    for (const c of FINE_CONCEPTS) for (const l of LANGS) for (const t of c.terms[l] ?? []) if (!SOURCE_CODES.has(termSource(t, c))) unknown.push(`${c.code}/${l}: ${termText(t)}`);
    expect(unknown).toEqual([]);
  });
  it('has the acronyms of the field with their expansions, in all six languages for each concept that carries one', () => {
    const all = (code: string) => FINE_CONCEPTS.find((c) => c.code === code)!;
    const has = (code: string, term: string) => LANGS.some((l) => (all(code).terms[l] ?? []).map(termText).includes(term));
    for (const [code, acr, expansion] of [
      ['c:cbrn_detection', 'CBRN', 'chemical, biological, radiological and nuclear'], ['c:stce', 'STCE', 'strategic trade control enforcement'],
      ['c:physical_protection', 'INSSP', 'Integrated Nuclear Security Support Plan'], ['c:port_security', 'ISPS', 'International Ship and Port Facility Security Code'],
      ['c:api_pnr', 'API/PNR', 'advance passenger information'], ['c:fiu', 'FIU', 'financial intelligence unit'], ['c:fiu', 'STR', 'suspicious transaction report'],
      ['c:physical_protection', 'CPPNM', 'Convention on the Physical Protection of Nuclear Material'], ['c:bio_investigation', 'BWC', 'Biological Weapons Convention'],
      ['c:cwc_national', 'CWC', 'Chemical Weapons Convention'], ['c:national_1540', 'resolution 1540', '1540 Committee'],
    ] as const) {
      expect(has(code, acr), `${code} ${acr}`).toBe(true);
      expect(has(code, expansion), `${code} ${expansion}`).toBe(true);
    }
    for (const code of ['c:stce', 'c:cbrn_detection', 'c:chemical_lab', 'c:bio_investigation', 'c:physical_protection', 'c:national_1540']) {
      for (const l of LANGS) expect((all(code).terms[l] ?? []).length, `${code}/${l}`).toBeGreaterThan(0);
    }
  });
  it('exposes one analyser version', () => {
    expect(ANALYSER_VERSION).toMatch(/^[0-9a-f]{16}$/);
  });
});

const rankings = (data: EvalData, opts: Parameters<typeof runEngine>[1] = {}) =>
  runEngine(data, opts).outcomes.map((o) => `${o.key}:${o.entity}:${o.triage}:${o.ranked.join(',')}`);

describe('identical results on identical runs', () => {
  it('gives the same rankings and scores whatever the order the catalogue was indexed in and whatever the ids', () => {
    const data = load('real');
    const areasRef = data.areas;
    const req = data.requests[5]!;
    const build = (order: 'file' | 'reversed', prefix: string) => {
      const m = createMatcher({ areas: areasRef, states: data.states });
      const list = order === 'file' ? data.offerings : [...data.offerings].reverse();
      for (const o of list) {
        m.addOffering({
          id: `${prefix}${o.key}`, providerId: `${prefix}${o.provider}`, providerEntity: data.providers.find((p) => p.key === o.provider)?.entity ?? null,
          title: o.body.title, description: o.body.description, language: o.body.languages[0]!, languages: o.body.languages, modalities: o.body.modalities ?? [],
          thematicAreas: o.body.thematicAreas ?? [], eligibility: { regions: o.body.eligibility?.regions ?? [], countries: o.body.eligibility?.countries ?? [] },
          availableFrom: null, availableUntil: null, lastConfirmedAt: new Date('2026-11-01T00:00:00Z'), status: 'open', capacity: null,
        } satisfies MatchableOffering);
      }
      return data.requests.map((r) => m.matchRequest({
        id: `${prefix}${r.key}`, memberState: r.memberState, title: r.body.title, description: r.body.description, language: r.body.language ?? null,
        thematicAreas: r.body.thematicAreas ?? [], modalities: r.body.modalities ?? [], urgency: r.body.urgency ?? 'normal', submittedAt: new Date('2026-11-20T00:00:00Z'),
      }, { now: new Date('2026-11-29T00:00:00Z') }).matches.map((x) => `${x.offeringId.slice(prefix.length)}=${x.score}`).join(' '));
    };
    const a = build('file', 'aaaa-');
    const b = build('reversed', 'zz-');
    expect(b).toEqual(a);
    expect(req).toBeDefined();
  });
  it('gives identical outcomes and scores on every eval set whatever the order the catalogue and the taxonomy were read in', () => {
    const full = (data: EvalData, order: Parameters<typeof runEngine>[1]) =>
      runEngine(data, order).outcomes.map((o) => JSON.stringify([o.key, o.area, o.entity, o.triage, o.route, o.duplicates, o.parts, o.proposals?.map((p) => [p.offeringId, p.score])]));
    for (const set of Object.keys(EVAL_SETS) as EvalSetName[]) {
      const data = load(set);
      const base = full(data, { order: 'file' });
      // Three seeded permutations: a ranking that leaned on insertion order would differ in at least one.
      for (const seed of [7, 1_234, 99_991]) {
        expect(shuffled(data.offerings, seed + 1).map((o) => o.key), `${set} seed ${seed} permutes`).not.toEqual(data.offerings.map((o) => o.key));
        expect(full(data, { order: { seed } }), `${set} seed ${seed}`).toEqual(base);
      }
    }
    // Four engine runs over every set: 9-23 s alone, past the default 30 s on a loaded machine.
  }, 240_000);
  it('gives identical eval outcomes on two runs and with the catalogue reversed', () => {
    const data = load('dev');
    expect(rankings(data, { order: 'reversed' })).toEqual(rankings(data));
  });
});

describe('triage and parts', () => {
  const data = load('real');
  const run = runEngine(data).outcomes;
  const get = (key: string) => run.find((o) => o.key === key)!;
  it('sends a vague request to CTED triage without an entity or proposals', () => {
    const o = get('rr-en-vague-1');
    expect(o.triage).not.toBeNull();
    expect(o.entity).toBeNull();
    expect(o.ranked).toEqual([]);
  });
  it('routes export licensing to the 1540 experts and a border radiation request to IAEA, not ICAO', () => {
    expect(get('rr-en-stc-3').entity).toBe('1540-EXPERTS');
    expect(get('rr-en-rad-1').entity).toBe('IAEA');
    expect(get('rr-en-bio-3').entity).toBe('UNODA');
    expect(get('rr-en-mev-1').entity).toBe('UNICRI');
    expect(get('rr-en-vic-1').entity).toBe('EOSG');
    expect(get('rr-fr-cj-1').entity).toBe('UNODC');
  });
  it('splits a request with two parts, each with its own area, entity and matches', () => {
    const o = get('rr-fr-multi-1');
    expect(o.parts.map((p) => p.area)).toEqual(['justice_reform', 'legal_framework']);
    expect(o.parts.every((p) => p.ranked.length > 0)).toBe(true);
    expect(get('rr-en-stc-1').parts).toEqual([]);
  });
  it('takes CTED’s parts when given (merge = one part, split = the given texts)', () => {
    const m = createMatcher({ areas: data.areas, states: data.states });
    const base = { id: 'r', memberState: 'SEN', title: 'Deux demandes', description: 'Formation des magistrats aux affaires de terrorisme. Révision de la loi antiterroriste.', language: 'fr' as const, thematicAreas: [], modalities: [], urgency: 'normal' as const, submittedAt: new Date() };
    expect(m.matchRequest({ ...base, parts: [base.description] }, { now: new Date() }).parts).toEqual([]);
    const split = m.matchRequest({ ...base, parts: ['Formation des magistrats du parquet et des juges.', 'Rédaction législative de la loi antiterroriste.'] }, { now: new Date() });
    expect(split.parts).toHaveLength(2);
  });
});

describe('learning from decisions', () => {
  it('learns a routing correction only from repeated reassignments, and nothing changes without a model', () => {
    const ex = (n: number): DecisionExample[] => Array.from({ length: n }, (_, i) => ({
      kind: 'cted_reassign', requestId: `r${i}`, offeringId: null, providerId: null, area: 'customs', concept: null, engineEntity: 'WCO', decidedEntity: 'UNODC', score: null, components: null, at: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`,
    }));
    expect(fitModel(ex(1)).routingCorrections).toEqual({});
    // A few decisions do not overturn the responsibility table (shrinkage toward the shipped route).
    expect(fitModel(ex(3)).routingCorrections).toEqual({});
    expect(fitModel(ex(5)).routingCorrections).toEqual({ 'area:customs': 'UNODC' });
    expect(fitModel(ex(5)).version).toBe(fitModel([...ex(5)].reverse()).version);
  });
});

describe('provider ↔ entity suggestion', () => {
  it('suggests the entity from a provider name in several languages', () => {
    expect(suggestEntity('UNODC Terrorism Prevention Branch', entities)).toBe('UNODC');
    expect(suggestEntity('Office des Nations Unies contre la drogue et le crime (ONUDC) – Sahel', entities)).toBe('UNODC');
    expect(suggestEntity('МАГАТЭ, отдел физической ядерной безопасности', entities)).toBe('IAEA');
    expect(suggestEntity('国际原子能机构核安保司', entities)).toBe('IAEA');
    expect(suggestEntity('Ministry of Foreign Affairs of Norway', entities)).toBeNull();
  });
});

describe('a request that names its route’s concept clearly is answered on that concept or area only', () => {
  const data = load('dev');
  const mk = (id: string, title: string, description: string, providerEntity: string): MatchableOffering => ({
    id, providerId: `p-${id}`, providerEntity, title, description, language: 'en', languages: ['en'], modalities: ['training'],
    thematicAreas: [], eligibility: { regions: [], countries: [] }, availableFrom: null, availableUntil: null,
    lastConfirmedAt: new Date('2026-11-01T00:00:00Z'), status: 'open', capacity: null,
  });
  const req = {
    id: 'r-wit', memberState: 'PAK', language: null, thematicAreas: [], modalities: [], urgency: 'normal' as const, submittedAt: new Date('2026-11-28T00:00:00Z'),
    title: 'Witness protection unit for anti-terrorism courts',
    description: 'Witnesses retract their statements after threats. We need a witness protection programme: relocation of witnesses and testimony without revealing identity.',
  };
  it('does not propose a neighbouring area’s offering that shares only words; CTED triages (nothing eligible)', () => {
    const m = createMatcher({ areas: data.areas, states: data.states });
    m.addOffering(mk('o-pros', 'Mentoring of counter-terrorism prosecutors', 'Prosecutors and judges build terrorism cases for anti-terrorism courts with admissible evidence and fair trial guarantees.', 'UNODC'));
    const res = m.matchRequest(req, { now: new Date('2026-11-29T00:00:00Z') });
    expect(res.routing.concept).toBe('c:witnesses');
    expect(res.matches).toEqual([]);
    expect(res.triage?.reason).toBe('nothing_eligible');
  });
  it('keeps an offering on the concept', () => {
    const m = createMatcher({ areas: data.areas, states: data.states });
    m.addOffering(mk('o-pros', 'Mentoring of counter-terrorism prosecutors', 'Prosecutors and judges build terrorism cases for anti-terrorism courts with admissible evidence and fair trial guarantees.', 'UNODC'));
    m.addOffering(mk('o-wit', 'Witness protection programmes', 'Advice to set up witness protection units: relocation, identity protection and testimony by video link.', 'UNODC'));
    const res = m.matchRequest(req, { now: new Date('2026-11-29T00:00:00Z') });
    expect(res.matches.map((x) => x.offeringId)).toEqual(['o-wit']);
  });
});
