import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS, parseOfferingsCsv } from '../../../src/modules/imports/csv.parser.js';

/** The parts of a row error these tests pin (code, params and line are checked in row-lines.test.ts). */
const plain = ({ row, path, message }: { row: number; path: string; message: string }) => ({ row, path, message });

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/csv/${name}`, import.meta.url), 'utf8');

const HEADER = 'title,description,languages,modalities,regions,countries,availableFrom,availableUntil,capacity,budgetAmount,budgetCurrency,thematicAreas,externalRef';
/** One data row from the given cells (by column name); the others are empty. */
const line = (cells: Record<string, string>) => HEADER.split(',').map((c) => cells[c] ?? '').join(',');
const base = { title: 'Border training', description: 'A five-day course for border officers.', languages: 'en' };
const single = (cells: Record<string, string>) => parseOfferingsCsv(`${HEADER}\n${line({ ...base, ...cells })}\n`);

describe('parseOfferingsCsv: the valid fixture (BOM, CRLF, quotes, several scripts)', () => {
  const result = parseOfferingsCsv(fixture('offerings.csv'));

  it('reads five rows without errors', () => {
    expect(result.errors.map(plain)).toEqual([]);
    expect(result.items.map((i) => i.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads quoted commas, doubled quotes and line breaks; lists; minor units', () => {
    expect(result.items[0]!.value).toEqual({
      title: 'Legislative drafting on terrorist financing, 2025 cycle',
      description: 'Expert review of draft laws against the "financing of terrorism", with a follow-up workshop.\nSecond paragraph: mutual legal assistance.',
      languages: ['en', 'fr'],
      modalities: ['legislative_drafting', 'advisory_mission'],
      eligibility: { regions: ['002'] },
      availableFrom: '2025-01-01',
      availableUntil: '2025-12-31',
      capacity: 12,
      budget: { amount: 1_250_050, currency: 'USD' },
      thematicAreas: ['legal_framework', 'terrorist_financing'],
      externalRef: 'OFF-001',
    });
  });

  it('reads French with accents and country lists', () => {
    expect(result.items[1]!.value).toEqual({
      title: "Formation à l'enquête financière",
      description: 'Cours de cinq jours pour enquêteurs et magistrats : traçage des fonds, saisies, coopération régionale.',
      languages: ['fr'],
      modalities: ['training'],
      eligibility: { regions: ['011'], countries: ['SEN', 'MLI'] },
      availableFrom: '2025-02-01',
      availableUntil: '2025-11-30',
      capacity: 25,
      budget: { amount: 4_500_000, currency: 'EUR' },
      thematicAreas: ['terrorist_financing'],
      externalRef: 'OFF-002',
    });
  });

  it('reads "|" as a list separator, normalises a timestamp to UTC and omits empty optional cells', () => {
    expect(result.items[2]!.value).toEqual({
      title: 'Mentoría para fiscales: cooperación judicial',
      description: 'Acompañamiento de fiscales especializados en terrorismo, extradición y asistencia judicial recíproca.',
      languages: ['es', 'en'],
      modalities: ['mentoring'],
      eligibility: { regions: ['419'] },
      availableFrom: '2025-03-01T08:00:00.000Z',
      capacity: 30,
      thematicAreas: ['justice_reform'],
      externalRef: 'OFF-003',
    });
    expect(Object.keys(result.items[2]!.value)).not.toContain('budget');
    expect(Object.keys(result.items[2]!.value)).not.toContain('availableUntil');
  });

  it('reads Arabic, a capitalised modality, and JOD with three decimals', () => {
    expect(result.items[3]!.value).toEqual({
      title: 'تدريب على أمن الطيران',
      description: 'دورة تدريبية لموظفي المطارات حول فحص الركاب، والأمتعة، ومعلومات الركاب المسبقة.',
      languages: ['ar', 'en'],
      modalities: ['workshop'],
      eligibility: { countries: ['JOR', 'LBN', 'IRQ'] },
      availableUntil: '2026-01-31',
      budget: { amount: 125_000_750, currency: 'JOD' },
      thematicAreas: ['aviation_security'],
      externalRef: 'OFF-004',
    });
  });

  it('reads Russian and Chinese, and JPY without minor units', () => {
    expect(result.items[4]!.value).toEqual({
      title: 'Оценка потребностей в кибербезопасности / 网络安全需求评估',
      description: 'Оценка национального потенциала по противодействию использованию интернета в террористических целях; 评估国家应对恐怖分子利用互联网的能力。',
      languages: ['ru', 'zh'],
      modalities: ['assessment'],
      eligibility: { regions: ['143'] },
      availableUntil: '2026-06-30',
      budget: { amount: 1_000_000, currency: 'JPY' },
      thematicAreas: ['internet_misuse'],
      externalRef: 'OFF-005',
    });
  });
});

describe('parseOfferingsCsv: the mixed fixture', () => {
  const result = parseOfferingsCsv(fixture('offerings-bad.csv'));

  it('keeps the valid rows', () => {
    expect(result.items.map((i) => [i.row, i.value.externalRef])).toEqual([[1, 'BAD-001'], [4, 'BAD-004']]);
    expect(result.items[1]!.value.budget).toEqual({ amount: 800_000, currency: 'USD' }); // "usd" upper-cased
  });

  it('reports every bad cell with its data row and column', () => {
    expect(result.errors.map(plain)).toEqual([
      { row: 2, path: 'title', message: 'title is required' },
      { row: 2, path: 'languages', message: '"de" is not one of en, fr, es, ru, ar, zh' },
      { row: 3, path: 'modalities', message: '"coaching" is not one of training, workshop, mentoring, legislative_drafting, advisory_mission, assessment, equipment, funding' },
      { row: 3, path: 'countries', message: '"KE" is not an ISO 3166-1 alpha-3 code such as KEN' },
      { row: 3, path: 'capacity', message: '"ten" is not a positive whole number' },
      { row: 5, path: 'availableFrom', message: '"31/12/2025" is not an ISO 8601 date (YYYY-MM-DD) or timestamp with a time zone' },
      { row: 5, path: 'budgetAmount', message: '"1,250.00" is not an amount in USD with at most 2 decimals (e.g. 12500.50; no thousands separators)' },
      { row: 6, path: 'regions', message: '"Africa" is not a three-digit UN M49 code such as 002 or 419' },
      { row: 6, path: 'availableUntil', message: 'availableUntil is before availableFrom' },
      { row: 7, path: 'budgetAmount', message: '"12.345" is not an amount in USD with at most 2 decimals (e.g. 12500.50; no thousands separators)' },
      { row: 8, path: 'row', message: 'row has 14 fields but the header has 13' },
    ]);
  });
});

describe('parseOfferingsCsv: header', () => {
  it('matches column names case-insensitively and ignoring "_", "-" and spaces', () => {
    const r = parseOfferingsCsv('TITLE,Description,LANGUAGES,budget_amount,Budget Currency,external-ref\nCourse title,Long enough description.,EN,10,usd,X-1\n');
    expect(r.errors.map(plain)).toEqual([]);
    expect(r.items[0]!.value).toEqual({ title: 'Course title', description: 'Long enough description.', languages: ['en'], budget: { amount: 1000, currency: 'USD' }, externalRef: 'X-1' });
  });

  it('reports unknown columns once, as row 0, and still reads the rows', () => {
    const r = parseOfferingsCsv('title,description,languages,colour,notes\nCourse title,Long enough description.,en,blue,n/a\nOther title,Another description.,fr,red,\n');
    expect(r.errors.map(plain)).toEqual([{ row: 0, path: 'header', message: expect.stringContaining('unknown column(s): "colour", "notes"') as string }]);
    expect(r.items).toHaveLength(2);
  });

  it('reports a duplicated column', () => {
    expect(parseOfferingsCsv('title,description,languages,Title\na,b,en,c\n').errors.map(plain)).toEqual([
      { row: 0, path: 'header', message: 'column "Title" appears more than once' },
    ]);
  });

  it('refuses a file without the required columns, without reading rows', () => {
    expect(parseOfferingsCsv('title,modalities\nCourse,training\n')).toMatchObject({
      items: [], errors: [{ row: 0, path: 'header', message: 'missing required column(s): description, languages' }],
    });
  });

  it('refuses an empty file', () => {
    expect(parseOfferingsCsv('\uFEFF \r\n')).toMatchObject({ items: [], errors: [{ row: 0, path: 'file', message: 'the file is empty; expected a header row and data rows' }] });
  });

  it('accepts a header-only file as no rows', () => {
    expect(parseOfferingsCsv(`${HEADER}\r\n`)).toEqual({ items: [], errors: [] });
  });
});

describe('parseOfferingsCsv: rows and cells', () => {
  it('handles CRLF, LF, a BOM, blank lines and rows of empty cells', () => {
    const text = `\uFEFF${HEADER}\r\n${line(base)}\r\n\r\n,,,,,,,,,,,,\r\n${line({ ...base, title: 'Second title' })}\r\n`;
    const r = parseOfferingsCsv(text);
    expect(r.errors.map(plain)).toEqual([]);
    expect(r.items.map((i) => i.value.title)).toEqual(['Border training', 'Second title']);
  });

  it('numbers rows by data record, so a multi-line cell does not shift them', () => {
    const r = parseOfferingsCsv(`${HEADER}\n${line({ ...base, description: '"line one\nline two\nline three"' })}\n${line({ ...base, languages: 'xx' })}\n`);
    expect(r.items[0]!.value.description).toBe('line one\nline two\nline three');
    expect(r.errors.map(plain)).toEqual([{ row: 2, path: 'languages', message: '"xx" is not one of en, fr, es, ru, ar, zh' }]);
  });

  it('tolerates a short row (missing trailing cells are empty)', () => {
    const r = parseOfferingsCsv(`${HEADER}\nCourse title,Long enough description.,en\n`);
    expect(r.errors.map(plain)).toEqual([]);
    expect(r.items[0]!.value).toEqual({ title: 'Course title', description: 'Long enough description.', languages: ['en'] });
  });

  it('reports a CSV syntax error with its row and reads nothing', () => {
    const r = parseOfferingsCsv(`${HEADER}\n${line(base)}\n"unclosed,quote,en\n`);
    expect(r.items).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ row: 2, path: 'file' });
    expect(r.errors[0]!.message).toMatch(/^CSV syntax error: Quote Not Closed/);
  });

  it('requires title, description and at least one language', () => {
    expect(single({ title: '', description: ' ', languages: '', externalRef: 'X-1' }).errors.map(plain)).toEqual([
      { row: 1, path: 'title', message: 'title is required' },
      { row: 1, path: 'description', message: 'description is required' },
      { row: 1, path: 'languages', message: 'at least one language is required (en, fr, es, ru, ar, zh)' },
    ]);
  });

  it('normalises list values: case, spaces, duplicates', () => {
    const r = single({ languages: ' FR ; en;fr ', modalities: 'Advisory mission;advisory-mission;TRAINING', countries: 'ken; uga', thematicAreas: 'Legal_Framework' });
    expect(r.errors.map(plain)).toEqual([]);
    expect(r.items[0]!.value).toMatchObject({
      languages: ['fr', 'en'], modalities: ['advisory_mission', 'training'], eligibility: { countries: ['KEN', 'UGA'] }, thematicAreas: ['legal_framework'],
    });
  });

  it('pads M49 codes whose leading zeros a spreadsheet dropped', () => {
    expect(single({ regions: '2;11;419' }).items[0]!.value.eligibility).toEqual({ regions: ['002', '011', '419'] });
    expect(single({ regions: '0021' }).errors[0]).toMatchObject({ path: 'regions' });
  });

  it('checks dates: real calendar days, timestamps only with a zone', () => {
    expect(single({ availableFrom: '2025-02-30' }).errors[0]).toMatchObject({ row: 1, path: 'availableFrom' });
    expect(single({ availableFrom: '2025-03-01T09:00:00' }).errors[0]).toMatchObject({ row: 1, path: 'availableFrom' });
    expect(single({ availableFrom: '2024-02-29', availableUntil: '2025-01-01T00:00Z' }).items[0]!.value).toMatchObject({
      availableFrom: '2024-02-29', availableUntil: '2025-01-01T00:00:00.000Z',
    });
    expect(single({ availableFrom: '2025-05-01', availableUntil: '2025-05-01' }).errors.map(plain)).toEqual([]);
  });

  it('checks capacity', () => {
    expect(single({ capacity: '0' }).errors[0]).toMatchObject({ path: 'capacity' });
    expect(single({ capacity: '2.5' }).errors[0]).toMatchObject({ path: 'capacity' });
    expect(single({ capacity: '40' }).items[0]!.value.capacity).toBe(40);
  });

  it('converts budgets to minor units per currency and needs amount and currency together', () => {
    const budgetOf = (amount: string, currency: string) => single({ budgetAmount: amount, budgetCurrency: currency });
    expect(budgetOf('12500.50', 'USD').items[0]!.value.budget).toEqual({ amount: 1_250_050, currency: 'USD' });
    expect(budgetOf('12500.5', 'EUR').items[0]!.value.budget).toEqual({ amount: 1_250_050, currency: 'EUR' });
    expect(budgetOf('0.10', 'GBP').items[0]!.value.budget).toEqual({ amount: 10, currency: 'GBP' });
    expect(budgetOf('5000000', 'XOF').items[0]!.value.budget).toEqual({ amount: 5_000_000, currency: 'XOF' });
    expect(budgetOf('2500.000', 'KRW').items[0]!.value.budget).toEqual({ amount: 2500, currency: 'KRW' }); // zeros are not extra precision
    expect(budgetOf('2500.5', 'JPY').errors.map(plain)).toEqual([
      { row: 1, path: 'budgetAmount', message: '"2500.5" is not an amount in JPY with at most 0 decimals (e.g. 12500; no thousands separators)' },
    ]);
    expect(budgetOf('-5', 'USD').errors[0]).toMatchObject({ path: 'budgetAmount' });
    expect(budgetOf('100', '').errors.map(plain)).toEqual([{ row: 1, path: 'budgetCurrency', message: 'budgetCurrency is required with budgetAmount' }]);
    expect(budgetOf('', 'USD').errors.map(plain)).toEqual([{ row: 1, path: 'budgetAmount', message: 'budgetAmount is required with budgetCurrency' }]);
    expect(budgetOf('100', 'US$').errors.map(plain)).toEqual([
      { row: 1, path: 'budgetCurrency', message: '"US$" is not an ISO 4217 code such as USD' },
    ]);
  });

  it('checks thematic area codes only for their form', () => {
    expect(single({ thematicAreas: 'legal framework' }).errors[0]).toMatchObject({ path: 'thematicAreas' });
  });

  it(`reads at most ${MAX_CSV_ROWS} data rows`, () => {
    const rows = (n: number) => `${HEADER}\n${Array.from({ length: n }, (_, i) => line({ ...base, externalRef: `R-${i + 1}` })).join('\n')}\n`;
    const atLimit = parseOfferingsCsv(rows(MAX_CSV_ROWS));
    expect(atLimit.errors.map(plain)).toEqual([]);
    expect(atLimit.items).toHaveLength(MAX_CSV_ROWS);
    const over = parseOfferingsCsv(rows(MAX_CSV_ROWS + 50));
    expect(over.errors.map(plain)).toEqual([{ row: 0, path: 'file', message: `at most ${MAX_CSV_ROWS} data rows per upload; split the file` }]);
    expect(over.items).toHaveLength(MAX_CSV_ROWS);
  });
});
