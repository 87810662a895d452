import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareForms, ListIndex, MATCH_THRESHOLD, nameForm, type SubjectKind } from '../../../src/modules/screening/name-matcher.js';
import { parseConsolidatedList } from '../../../src/modules/screening/un-list.parser.js';

const list = parseConsolidatedList(readFileSync(new URL('../../fixtures/screening/consolidated.xml', import.meta.url), 'utf8'));
const index = new ListIndex(list.entries);
const refOf = (dataId: string) => list.entries.find((e) => e.dataId === dataId)!.referenceNumber;
/** The reference numbers a name hits, best first. */
const hits = (name: string, kind: SubjectKind = 'individual') => index.match([name], kind).map((m) => refOf(m.dataId));
const score = (a: string, b: string, kind: SubjectKind = 'individual') => compareForms(nameForm(a, kind)!, nameForm(b, kind)!);

describe('name matching: variants of listed names are hits', () => {
  it.each([
    ['Abdul Latif Mansur', 'TAi.007'], // as listed
    ['Mansur, Abdul Latif', 'TAi.007'], // reordered, with a comma
    ['abdul-latif MANSOUR', 'TAi.007'], // case, hyphen, ou/u
    ['Abdullatif Mansoor', 'TAi.007'], // "Abd al-" written joined
    ['Maulavi Abdul Latif Mansur', 'TAi.007'], // honorific
    ['Wali Muhammad', 'TAi.007'], // an alias, in another spelling
    ['Tuah Febriwansyah', 'QDi.393'],
    ['Febriwansyah, Tuah', 'QDi.393'],
    ['Tuah Febri Wansyah', 'QDi.393'], // one word written as two
    ['Mohamed Fakhri', 'QDi.393'], // alias Muhammad Fachri: Mohammed/Muhammad, kh/ch
    ['Muhammad Fachry', 'QDi.393'],
    ['Mohammad Zolqadr', 'IRi.043'], // middle name left out
    ['Muhammad Baqir Zolghadr', 'IRi.043'], // q/gh, Baqer/Baqir
    ['Éric Badège', 'CDi.001'], // diacritics
    ['Erik Badeghe', 'CDi.001'],
    ['Frank Kakorere', 'CDi.002'],
  ])('%s → %s', (name, ref) => {
    expect(hits(name)[0]).toBe(ref);
  });

  it('names in Arabic script meet the Latin spelling (consonant skeletons), and Cyrillic is transliterated', () => {
    expect(score('عبد اللطيف منصور', 'ABDUL LATIF MANSUR')).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    expect(score('محمد فخري', 'Muhammad Fachri')).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    expect(score('Мохаммад Багер Зольгадр', 'MOHAMMAD BAQER ZOLQADR')).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    expect(score('Эрик Бадеге', 'ERIC BADEGE')).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    expect(score('Доку Хаматович Умаров', 'DOKU KHAMATOVICH UMAROV')).toBe(1);
    expect(hits('Мохаммад Багер Зольгадр')[0]).toBe('IRi.043');
    // The listed name in original script matches itself, of course, and its Latin forms match it.
    expect(hits('Abdul Latif Mansoor')).toEqual(['TAi.007']);
  });

  it('organisations: legal forms, articles and the parenthesised acronym do not count; aliases do', () => {
    expect(hits('Afghan Support Committee', 'entity')).toEqual(['QDe.069']);
    expect(hits('The Afghan Support Committee Ltd.', 'entity')).toEqual(['QDe.069']);
    expect(hits('Jamiat Ihya ul-Turath al-Islamia', 'entity')).toEqual(['QDe.069']);
    expect(hits('Yazd Metallurgy Industries LLC', 'entity')).toEqual(['IRe.078']);
    expect(hits('Allied Democratic Forces', 'entity')).toEqual(['CDe.001']);
    expect(hits('Propaganda & Agitation Department', 'entity')).toEqual(['KPe.053']);
  });
});

describe('name matching: clear non-matches are not hits', () => {
  it.each([
    'Mohammed Ali', // shares one common word with the alias "Wali Mohammad"; "Ali" is not "Wali"
    'Mohammad Reza', // one common given name
    'Frank Bwalya', // shares a first name only
    'Eric Mbeki',
    'Ahmed Hassan',
    'Amina Diallo',
    'Ivan Petrov',
    'Тимур Абдуллаев',
    'عمر عبد الرحمن',
  ])('%s', (name) => {
    expect(hits(name)).toEqual([]);
  });

  it.each([
    'Afghan Relief Committee', // two words of three
    'Save the Children International',
    'Norwegian Refugee Council',
    'Yazd Water Company',
    'ADF Consulting Group',
  ])('organisation %s', (name) => {
    expect(hits(name, 'entity')).toEqual([]);
  });

  it('an individual is not screened against entities, nor an organisation against individuals', () => {
    expect(hits('Eric Badege', 'entity')).toEqual([]);
    expect(hits('Afghan Support Committee', 'individual')).toEqual([]);
  });

  it('low-quality aliases are not screened on their own', () => {
    const lone = new ListIndex([{ dataId: '1', kind: 'individual', names: [{ name: 'RI WON HO', type: 'primary', quality: null }, { name: 'Ri', type: 'alias', quality: 'Low' }] }]);
    expect(lone.match(['Ri'], 'individual')).toEqual([]);
    expect(lone.match(['Ri Won Ho'], 'individual').map((m) => m.dataId)).toEqual(['1']);
  });
});

describe('scores', () => {
  it('are 1 for the same name, in [0, 1], symmetric, and word order does not change them', () => {
    expect(score('TUAH FEBRIWANSYAH', 'Tuah Febriwansyah')).toBe(1);
    for (const [a, b] of [['Mohammad Zolqadr', 'MOHAMMAD BAQER ZOLQADR'], ['Erik Badeghe', 'ERIC BADEGE'], ['Frank Bwalya', 'Frank Kakolele Bwambale']]) {
      const s = score(a, b);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(score(b, a)).toBeCloseTo(s, 10);
      expect(score(a.split(' ').reverse().join(' '), b)).toBeCloseTo(s, 10);
    }
  });
  it('a name with nothing comparable left is no name at all', () => {
    expect(nameForm('  --  ', 'individual')).toBeNull();
    expect(nameForm('Mr', 'individual')!.words).toEqual(['mr']); // a name made only of a title keeps it
  });
  it('reports the subject name and the entry name that matched', () => {
    const [m] = index.match(['John Smith', 'Wali Muhammad'], 'individual');
    expect(m).toMatchObject({ matchedName: 'Wali Muhammad', matchedEntryName: 'Wali Mohammad', score: 1 });
  });
});
