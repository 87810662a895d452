import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ListFormatError, parseConsolidatedList } from '../../../src/modules/screening/un-list.parser.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/screening/${name}`, import.meta.url), 'utf8');

function refused(xml: string): ListFormatError {
  try { parseConsolidatedList(xml); } catch (err) { if (err instanceof ListFormatError) return err; throw err; }
  throw new Error('expected the file to be refused');
}

describe('Consolidated List parser on the real-format fixture', () => {
  const list = parseConsolidatedList(fixture('consolidated.xml'));
  const byRef = (ref: string) => list.entries.find((e) => e.referenceNumber === ref)!;

  it('reads dateGenerated and every individual and entity', () => {
    expect(list.dateGenerated).toBe('2026-09-02T23:00:02.141Z');
    expect(list.entries.filter((e) => e.kind === 'individual').map((e) => e.referenceNumber)).toEqual(['TAi.007', 'QDi.393', 'IRi.043', 'CDi.001', 'CDi.002']);
    expect(list.entries.filter((e) => e.kind === 'entity').map((e) => e.referenceNumber)).toEqual(['QDe.069', 'KPe.053', 'IRe.078', 'CDe.001']);
  });

  it('joins FIRST_NAME…FOURTH_NAME, keeps the name in original script and the aliases with their quality, drops empty alias placeholders', () => {
    const e = byRef('TAi.007');
    expect(e).toMatchObject({ dataId: '110554', unListType: 'Taliban', listedOn: '2001-01-31', name: 'ABDUL LATIF MANSUR' });
    expect(e.names).toEqual([
      { name: 'ABDUL LATIF MANSUR', type: 'primary', quality: null },
      { name: 'عبد اللطيف منصور', type: 'original_script', quality: null },
      { name: 'Abdul Latif Mansoor', type: 'alias', quality: 'Good' },
      { name: 'Wali Mohammad', type: 'alias', quality: 'Good' },
    ]);
    expect(e.details).toMatchObject({
      nationalities: ['Afghanistan'], datesOfBirth: ['c. 1968'], placesOfBirth: ['Zurmat District, Paktia Province, Afghanistan'],
      titles: ['Maulavi'], designations: ['Minister of Agriculture under the Taliban regime'], addresses: [],
    });
    // COMMENTS1 spans several lines in the file.
    expect(e.details.comments).toMatch(/^Taliban Shadow Governor for Logar Province as of late 2012\. Believed to be in Afghanistan\/Pakistan border area\./);
    expect(byRef('CDi.001').names).toEqual([{ name: 'ERIC BADEGE', type: 'primary', quality: null }]);
  });

  it('reads exact dates of birth, documents-free entries, designations with several values and addresses', () => {
    expect(byRef('QDi.393').details.datesOfBirth).toEqual(['1968-02-18']);
    expect(byRef('QDi.393').names.filter((n) => n.type === 'alias').map((n) => n.name)).toContain('Tuah Febriwansyah bin Arif Hasrudin');
    expect(byRef('IRi.043').details.designations).toEqual(['General', 'IRGC officer']);
    expect(byRef('QDe.069').details.addresses).toEqual([
      'Headquarters – G.T. Road (probably Grand Trunk Road), near Pushtoon Garhi Pabbi, Peshawar, Pakistan',
      'Cheprahar Hadda, Mia Omar Sabaqah School, Jalabad, Afghanistan',
    ]);
  });

  it('trims the stray spaces the list has around names and reference numbers', () => {
    const pad = byRef('KPe.053');
    expect(pad.name).toBe('PROPAGANDA AND AGITATION DEPARTMENT (PAD)');
    expect(pad.details.addresses).toEqual(["Pyongyang, Democratic People's Republic of Korea"]);
  });

  it('the update fixture is the same list with IRi.042 added and a later dateGenerated', () => {
    const update = parseConsolidatedList(fixture('consolidated-update.xml'));
    expect(update.dateGenerated).toBe('2026-09-05T23:00:04.811Z');
    expect(update.entries.map((e) => e.referenceNumber).filter((r) => !list.entries.some((e) => e.referenceNumber === r))).toEqual(['IRi.042']);
  });

  it('decodes predefined entities and character references, and splits aliases given as "a; b"', () => {
    const xml = `<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES><ENTITY><DATAID>9</DATAID><FIRST_NAME>AL-HARAMAIN &amp; AL MASJED AL-AQSA CHARITY FOUNDATION</FIRST_NAME>
      <REFERENCE_NUMBER>QDe.109</REFERENCE_NUMBER><ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Al-Haramain Al-Masjid Al-Aqsa; Al-Haramayn Al-Masjid Al-Aqsa</ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>Caf&#233; &#x263A;</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES></CONSOLIDATED_LIST>`;
    const [e] = parseConsolidatedList(xml).entries;
    expect(e.name).toBe('AL-HARAMAIN & AL MASJED AL-AQSA CHARITY FOUNDATION');
    expect(e.names.map((n) => n.name)).toEqual(['AL-HARAMAIN & AL MASJED AL-AQSA CHARITY FOUNDATION', 'Al-Haramain Al-Masjid Al-Aqsa', 'Al-Haramayn Al-Masjid Al-Aqsa', 'Café ☺']);
  });
});

describe('Consolidated List parser refuses what is not the list, whole', () => {
  it('a DOCTYPE with entity declarations (billion laughs), before parsing', () => {
    const err = refused(fixture('entity-expansion.xml'));
    expect(err.message).toMatch(/DOCTYPE or ENTITY/);
  });
  it('malformed XML, with line and column', () => {
    expect(refused('<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>').details[0].message).toMatch(/not well-formed XML.*line 1/);
  });
  it('XML the validator passes but the parser cannot read (found by the fuzz test: a processing instruction left open)', () => {
    const err = refused(`<?'; drop table requests; --xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`);
    expect(err.details[0].message).toMatch(/^not readable XML: /);
  });
  it('another root element, an empty file, a list without entries', () => {
    expect(refused('<sdnList><sdnEntry/></sdnList>').message).toMatch(/root element is <sdnList>/);
    expect(refused('  ').message).toMatch(/empty/);
    expect(refused('<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>').message).toMatch(/no INDIVIDUAL or ENTITY/);
  });
  it('entries without DATAID, reference number or name, and a DATAID given twice: nothing is loaded', () => {
    const err = refused(`<CONSOLIDATED_LIST><INDIVIDUALS>
      <INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER></INDIVIDUAL>
      <INDIVIDUAL><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>QDi.2</REFERENCE_NUMBER></INDIVIDUAL>
      <INDIVIDUAL><DATAID>3</DATAID><REFERENCE_NUMBER>QDi.3</REFERENCE_NUMBER></INDIVIDUAL>
      <INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>D</FIRST_NAME><REFERENCE_NUMBER>QDi.4</REFERENCE_NUMBER></INDIVIDUAL>
    </INDIVIDUALS></CONSOLIDATED_LIST>`);
    expect(err.details).toEqual([
      { path: 'INDIVIDUALS/INDIVIDUAL[2]/DATAID', message: 'missing' },
      { path: 'INDIVIDUALS/INDIVIDUAL[3]/FIRST_NAME', message: 'the entry has no name' },
      { path: 'INDIVIDUALS/INDIVIDUAL[4]/DATAID', message: 'DATAID 1 appears twice' },
    ]);
  });
});
