import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needExternalKey, parseNeedsCsv } from '../../../src/modules/imports/csv.parser.js';

/** The parts of a row error these tests pin (code, params and line are checked in row-lines.test.ts). */
const plain = ({ row, path, message }: { row: number; path: string; message: string }) => ({ row, path, message });

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/csv/${name}`, import.meta.url), 'utf8');
/** The documented key, computed independently of the parser. */
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 32);

describe('parseNeedsCsv: the fixture', () => {
  const result = parseNeedsCsv(fixture('needs.csv'));

  it('reads six needs, with header aliases (member_state, identifiedDate, needId)', () => {
    expect(result.errors.map(plain)).toEqual([]);
    expect(result.items.map((i) => i.value)).toEqual([
      {
        memberState: 'KEN', description: 'Strengthen the capacity of prosecutors to handle terrorism financing cases, including asset freezing.',
        priority: 'high', thematicArea: 'terrorist_financing', identifiedAt: '2024-05-14', source: 'CTED assessment visit 2024', externalKey: 'CTED-KEN-001',
      },
      {
        memberState: 'KEN', description: 'Improve advance passenger information systems at the main international airports.',
        priority: 'medium', thematicArea: 'travel_documents_border', identifiedAt: '2024-05-14', source: 'CTED assessment visit 2024',
        externalKey: sha('KEN|improve advance passenger information systems at the main international airports.'),
      },
      {
        memberState: 'MLI', description: 'Établir un cadre juridique pour la protection des témoins dans les affaires de terrorisme.',
        priority: 'high', thematicArea: 'witness_protection', identifiedAt: '2023-11-02', source: 'Rapport du CTED', externalKey: 'CTED-MLI-004',
      },
      {
        memberState: 'JOR', description: 'Develop community-based programmes to prevent radicalisation to violence in prisons.',
        priority: 'low', externalKey: sha('JOR|develop community-based programmes to prevent radicalisation to violence in prisons.'),
      },
      {
        memberState: 'IDN', description: 'Enhance inter-agency coordination on countering the use of the internet for terrorist purposes; train  cybercrime units.',
        priority: 'medium', thematicArea: 'internet_misuse', identifiedAt: '2024-01-20', source: 'Desk review',
        // spaces collapsed in the key only; the description is kept as written
        externalKey: sha('IDN|enhance inter-agency coordination on countering the use of the internet for terrorist purposes; train cybercrime units.'),
      },
      {
        memberState: 'PER', description: 'Fortalecer los controles fronterizos contra el tráfico ilícito de armas pequeñas.',
        priority: 'low', identifiedAt: '2024-09-30', externalKey: 'CTED-PER-002',
      },
    ]);
    expect(result.items.map((i) => i.row)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives the same keys when the same file is imported again', () => {
    const again = parseNeedsCsv(fixture('needs.csv'));
    expect(again.items.map((i) => i.value.externalKey)).toEqual(result.items.map((i) => i.value.externalKey));
  });
});

describe('needExternalKey', () => {
  it('is sha256 of "ISO3|normalised description", hex, 32 characters', () => {
    const k = needExternalKey('KEN', 'Train border officers.');
    expect(k).toBe(sha('KEN|train border officers.'));
    expect(k).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignores case, surrounding space, repeated spaces and Unicode composition of the description', () => {
    const k = needExternalKey('KEN', 'Train border officers.');
    expect(needExternalKey('ken', '  TRAIN   border\tofficers.\n')).toBe(k);
    expect(needExternalKey('MLI', 'Créer une unité')).toBe(needExternalKey('MLI', 'Cre\u0301er une unite\u0301'));
  });

  it('changes when the description is reworded (a row without needId becomes a new need)', () => {
    expect(needExternalKey('KEN', 'Train border officers.')).not.toBe(needExternalKey('KEN', 'Train border guards.'));
    expect(needExternalKey('KEN', 'Train border officers.')).not.toBe(needExternalKey('UGA', 'Train border officers.'));
  });

  it('keeps a row\'s key stable across re-import when only spacing or case change, and not when reworded', () => {
    const v1 = parseNeedsCsv('memberState,description,priority\nKEN,Train border officers on API/PNR.,high\n');
    const v2 = parseNeedsCsv('memberState,description,priority\nken, train  BORDER officers on api/pnr. ,low\n');
    const v3 = parseNeedsCsv('memberState,description,priority\nKEN,Train border officers on API and PNR.,high\n');
    expect(v2.items[0]!.value.externalKey).toBe(v1.items[0]!.value.externalKey);
    expect(v3.items[0]!.value.externalKey).not.toBe(v1.items[0]!.value.externalKey);
  });
});

describe('parseNeedsCsv: columns and checks', () => {
  it('accepts the other aliases (iso3, identifiedAt, externalKey)', () => {
    const r = parseNeedsCsv('ISO3,description,priority,identifiedAt,externalKey,thematic_area\nuga,Need a national CT strategy.,HIGH,2024-12-01,K-9,Legal_Framework\n');
    expect(r.errors.map(plain)).toEqual([]);
    expect(r.items[0]!.value).toEqual({ memberState: 'UGA', description: 'Need a national CT strategy.', priority: 'high', identifiedAt: '2024-12-01', externalKey: 'K-9', thematicArea: 'legal_framework' });
  });

  it('reports bad cells with data row and column', () => {
    const r = parseNeedsCsv('memberState,description,priority,identifiedAt,thematicArea\nKE,,urgent,14/05/2024,legal framework\nKEN,Fine row here.,low,2024-02-30,\n');
    expect(r.items).toEqual([]);
    expect(r.errors.map(plain)).toEqual([
      { row: 1, path: 'memberState', message: '"KE" is not an ISO 3166-1 alpha-3 code such as KEN' },
      { row: 1, path: 'description', message: 'description is required' },
      { row: 1, path: 'priority', message: '"urgent" is not one of high, medium, low' },
      { row: 1, path: 'thematicArea', message: '"legal framework" is not a thematic area code' },
      { row: 1, path: 'identifiedAt', message: '"14/05/2024" is not a date as YYYY-MM-DD' },
      { row: 2, path: 'identifiedAt', message: '"2024-02-30" is not a date as YYYY-MM-DD' },
    ]);
  });

  it('refuses two rows with one key instead of letting them overwrite each other', () => {
    const r = parseNeedsCsv('memberState,description,priority,needId\nKEN,First need text.,high,N-1\nKEN,Other need text.,low,N-1\nUGA,Same text twice.,low,\nUGA,same  text twice.,high,\n');
    expect(r.items.map((i) => i.row)).toEqual([1, 3]);
    expect(r.errors.map(plain)).toEqual([
      { row: 2, path: 'needId', message: 'needId "N-1" is also used by row 1' },
      { row: 4, path: 'description', message: 'same member state and description as row 3' },
    ]);
  });

  it('refuses a file without the required columns and reports unknown ones', () => {
    expect(parseNeedsCsv('country,text\nKEN,Something\n').errors.map(plain)).toEqual([
      { row: 0, path: 'header', message: 'unknown column(s): "country", "text"; expected memberState, description, priority, thematicArea, identifiedAt, source, needId' },
      { row: 0, path: 'header', message: 'missing required column(s): memberState, description, priority' },
    ]);
  });
});
