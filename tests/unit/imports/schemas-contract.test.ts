// The parsers produce plain objects that the bulk routes validate with the service's zod schemas
// (strict objects). This checks that what the parsers emit for the fixtures passes those very
// schemas (imported, not re-declared: a copy here once drifted from the route's).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseNeedsCsv, parseOfferingsCsv } from '../../../src/modules/imports/csv.parser.js';
import { parseIatiActivities } from '../../../src/modules/imports/iati.parser.js';
import { NeedImportRow } from '../../../src/modules/needs/needs.schemas.js';
import { BulkOfferingRow } from '../../../src/modules/offerings/offerings.schemas.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const issues = (r: { success: boolean; error?: z.ZodError }) => (r.success ? [] : r.error!.issues);

describe('parser output satisfies the service schemas', () => {
  it('offerings CSV', () => {
    const { items } = parseOfferingsCsv(read('fixtures/csv/offerings.csv'));
    expect(items).toHaveLength(5);
    for (const i of items) expect(issues(BulkOfferingRow.safeParse(i.value))).toEqual([]);
  });

  it('IATI activities', () => {
    const opts = {
      dacToArea: new Map([['15130', 'legal_framework'], ['24010', 'terrorist_financing'], ['33120', 'customs'], ['15220', 'violent_extremism']]),
      iso2ToIso3: new Map([['ML', 'MLI'], ['NE', 'NER'], ['BF', 'BFA'], ['GT', 'GTM'], ['HN', 'HND']]),
      m49Regions: new Set(['202', '145']),
    };
    const { items } = parseIatiActivities(read('fixtures/iati/activities.xml'), opts);
    expect(items).toHaveLength(4);
    for (const i of items) expect(issues(BulkOfferingRow.safeParse(i.value))).toEqual([]);
  });

  it('needs CSV', () => {
    const { items } = parseNeedsCsv(read('fixtures/csv/needs.csv'));
    expect(items).toHaveLength(6);
    for (const i of items) expect(issues(NeedImportRow.safeParse(i.value))).toEqual([]);
  });

  it('the bulk row schema is the one the routes apply: a blank reference and a status are judged as the route judges them', () => {
    const base = { title: 'FIU analyst training', description: 'Two-week training for financial intelligence unit analysts.', languages: ['en'] };
    expect(BulkOfferingRow.safeParse({ ...base, externalRef: '   ' }).success).toBe(false);
    expect(BulkOfferingRow.safeParse({ ...base, externalRef: ' REF-1 ' }).data?.externalRef).toBe('REF-1');
    expect(BulkOfferingRow.safeParse({ ...base, status: 'closed' }).success).toBe(true);
    expect(BulkOfferingRow.safeParse({ ...base, providerId: '00000000-0000-4000-8000-000000000000' }).success).toBe(false);
  });
});
