// The parsers produce plain objects that the bulk routes validate with the service's zod schemas
// (strict objects). This checks that what the parsers emit for the fixtures passes them as-is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseNeedsCsv, parseOfferingsCsv } from '../../../src/modules/imports/csv.parser.js';
import { parseIatiActivities } from '../../../src/modules/imports/iati.parser.js';
import { CreateNeedBody } from '../../../src/modules/needs/needs.schemas.js';
import { CreateOfferingBody } from '../../../src/modules/offerings/offerings.schemas.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const issues = (r: { success: boolean; error?: z.ZodError }) => (r.success ? [] : r.error!.issues);

const CsvOffering = CreateOfferingBody.omit({ providerId: true }).extend({ externalRef: z.string().max(200).optional() });
const IatiOffering = CsvOffering.extend({ status: z.enum(['open', 'closed']).optional() });
const CsvNeed = CreateNeedBody.extend({ externalKey: z.string().max(200).optional() });

describe('parser output satisfies the service schemas', () => {
  it('offerings CSV', () => {
    const { items } = parseOfferingsCsv(read('fixtures/csv/offerings.csv'));
    expect(items).toHaveLength(5);
    for (const i of items) expect(issues(CsvOffering.safeParse(i.value))).toEqual([]);
  });

  it('IATI activities', () => {
    const opts = {
      dacToArea: new Map([['15130', 'legal_framework'], ['24010', 'terrorist_financing'], ['33120', 'customs'], ['15220', 'violent_extremism']]),
      iso2ToIso3: new Map([['ML', 'MLI'], ['NE', 'NER'], ['BF', 'BFA'], ['GT', 'GTM'], ['HN', 'HND']]),
      m49Regions: new Set(['202', '145']),
    };
    const { items } = parseIatiActivities(read('fixtures/iati/activities.xml'), opts);
    expect(items).toHaveLength(4);
    for (const i of items) expect(issues(IatiOffering.safeParse(i.value))).toEqual([]);
  });

  it('needs CSV', () => {
    const { items } = parseNeedsCsv(read('fixtures/csv/needs.csv'));
    expect(items).toHaveLength(6);
    for (const i of items) expect(issues(CsvNeed.safeParse(i.value))).toEqual([]);
  });
});
