import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../db/reference/index.js';

const CONTRACT_CODES = 'CTED DPKO DPA DPI DSS 1540-EXPERTS IAEA ICAO IMO IMF INTERPOL 1267-MT UNODA OHCHR OLA OPCW SR-HRCT UNDP UNESCO UNICRI UNODC WCO WORLD-BANK WHO EOSG'.split(' ');
const LANGS = ['en', 'fr', 'es', 'ru', 'ar', 'zh'] as const;
const REQUIRED_AREAS = [
  'legal_framework', 'terrorist_financing', 'aviation_security', 'travel_documents_border', 'maritime_security', 'customs',
  'nuclear_security', 'chemical_weapons', 'biological_threats', 'wmd_nonproliferation', 'sanctions_1267', 'internet_misuse',
  'vulnerable_targets', 'violent_extremism', 'dialogue_tolerance', 'victims', 'conflict_prevention', 'rule_of_law',
  'justice_reform', 'human_rights', 'witness_protection', 'implementation_assessment', 'public_information',
];

describe('reference data (db/reference)', () => {
  const ref = loadReferenceData();

  it('has every entity of the annex with the contract codes, plus EOSG, and the entities created since', () => {
    const codes = ref.entities.map((e) => e.code);
    for (const code of CONTRACT_CODES) expect(codes, code).toContain(code);
    for (const code of ['UNOCT', 'DPPA', 'DPO', 'DGC']) expect(codes, code).toContain(code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of ref.entities) {
      expect(e.name.length).toBeGreaterThan(3);
      expect(e.names.en).toBe(e.name);
      for (const l of LANGS) expect(e.names[l].length, `${e.code} ${l}`).toBeGreaterThan(1);
      if (e.nameZh) expect(e.names.zh).toBe(e.nameZh);
    }
  });

  it('keeps the renamed departments\' codes as aliases of their successors, which are current', () => {
    const byCode = new Map(ref.entities.map((e) => [e.code, e]));
    expect([['DPKO', 'DPO'], ['DPA', 'DPPA'], ['DPI', 'DGC']].map(([old]) => [old, byCode.get(old!)!.successor])).toEqual([['DPKO', 'DPO'], ['DPA', 'DPPA'], ['DPI', 'DGC']]);
    for (const e of ref.entities) if (e.successor) expect(byCode.get(e.successor)?.successor, e.code).toBeUndefined();
  });

  it('names every member state and M49 region in the six languages (UNSD tables), English as in M49', () => {
    for (const s of ref.memberStates) {
      expect(s.names.en).toBe(s.name);
      for (const l of LANGS) expect(s.names[l].length, `${s.iso3} ${l}`).toBeGreaterThan(1);
    }
    for (const r of ref.m49Regions) for (const l of LANGS) expect(r.names[l].length, `${r.code} ${l}`).toBeGreaterThan(1);
    const byIso = new Map(ref.memberStates.map((s) => [s.iso3, s.names]));
    // Not CLDR's short forms ("Congo - Kinshasa", "North Korea", "Myanmar (Burma)").
    expect(byIso.get('COD')!.en).toBe('Democratic Republic of the Congo');
    expect(byIso.get('PRK')!.fr).toBe('République populaire démocratique de Corée');
    expect(byIso.get('MMR')!.zh).toBe('缅甸');
    expect(byIso.get('MLI')!.ar).toBe('مالي');
  });

  it('has the nine working groups, each with a lead, all members known', () => {
    const codes = new Set(ref.entities.map((e) => e.code));
    expect(ref.workingGroups).toHaveLength(9);
    for (const wg of ref.workingGroups) {
      expect(wg.leads.length, wg.code).toBeGreaterThan(0);
      for (const m of [...wg.leads, ...wg.members]) expect(codes.has(m), `${wg.code}: ${m}`).toBe(true);
      for (const l of wg.leads) expect(wg.members, `${wg.code} lead ${l} is a member`).toContain(l);
    }
  });

  it('covers every area of assistance the report names, with names in six languages, entities, provenance and DAC codes', () => {
    const codes = new Set(ref.entities.map((e) => e.code));
    const areas = new Map(ref.thematicAreas.map((a) => [a.code, a]));
    for (const code of REQUIRED_AREAS) expect(areas.has(code), code).toBe(true);
    for (const a of ref.thematicAreas) {
      for (const l of LANGS) {
        expect(a.names[l].length, `${a.code} name ${l}`).toBeGreaterThan(1);
        expect(a.terms[l].length, `${a.code} terms ${l}`).toBeGreaterThanOrEqual(5);
      }
      expect(a.entities.length).toBeGreaterThan(0);
      for (const e of a.entities) expect(codes.has(e), `${a.code}: ${e}`).toBe(true);
      expect(a.paragraphs.length).toBeGreaterThan(0);
      expect(a.provenance.length).toBeGreaterThan(10);
      expect(a.dacCodes.length).toBeGreaterThan(0);
      expect(['I', 'II', 'III', 'IV']).toContain(a.pillar);
    }
  });

  it('spans the strategy\'s four pillars', () => {
    expect(new Set(ref.thematicAreas.map((a) => a.pillar))).toEqual(new Set(['I', 'II', 'III', 'IV']));
  });

  it('has the 193 member states with M49 placement that resolves', () => {
    expect(ref.memberStates).toHaveLength(193);
    expect(new Set(ref.memberStates.map((s) => s.iso3)).size).toBe(193);
    const regions = new Map(ref.m49Regions.map((r) => [r.code, r]));
    for (const s of ref.memberStates) {
      expect(regions.get(s.region)?.level, `${s.iso3} region`).toBe('region');
      expect(regions.get(s.subRegion)?.parent, `${s.iso3} sub-region`).toBe(s.region);
      if (s.intermediateRegion) expect(regions.get(s.intermediateRegion)?.parent, `${s.iso3} intermediate`).toBe(s.subRegion);
    }
    const ken = ref.memberStates.find((s) => s.iso3 === 'KEN')!;
    expect([ken.region, ken.subRegion, ken.intermediateRegion]).toEqual(['002', '202', '014']);
    const kaz = ref.memberStates.find((s) => s.iso3 === 'KAZ')!;
    expect([kaz.region, kaz.subRegion, kaz.intermediateRegion]).toEqual(['142', '143', null]);
  });
});
