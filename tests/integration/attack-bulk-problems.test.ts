import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const N = 100_000;
const codes = Array.from({ length: N }, (_, i) => `X${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}`);

/**
 * One bulk upload reports every problem of every row, once each. The problems were made unique by
 * comparing each with all before it (quadratic): an upload within the size limit with a hundred
 * thousand unknown country codes in one cell kept the API's only thread busy for many minutes, so
 * one provider key froze OneDoor for everyone. The test ends (it hung before) and says the same.
 */
describe('attack: a bulk upload with very many problems', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('is answered with the problems, CSV and JSON alike', async () => {
    // A cell lists each code once (the parser drops repeats): 676 distinct unknown codes a row, 150 rows.
    const line = `FIU training,Training for financial intelligence unit analysts,en,${[...new Set(codes)].join(';')}\n`;
    const csv = `title,description,languages,countries\n${line.repeat(150)}`;
    const res = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toHaveLength(500);
    expect(res.body.error.details[1]).toMatchObject({ path: 'rows.1.eligibility.countries.0', message: '"XAA" is not a UN member state' });
    expect(Number(/^(\d+) problem/.exec(res.body.error.message)?.[1])).toBe(150 * (676 + 1));

    const json = [{ title: 'FIU training', description: 'Training for financial intelligence unit analysts', languages: ['en'], eligibility: { countries: codes } }];
    const res2 = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, payload: json });
    expect(res2.status).toBe(400);
    expect(res2.body.error.details).toHaveLength(500);
    expect(Number(/^(\d+) problem/.exec(res2.body.error.message)?.[1])).toBeGreaterThan(N);
  }, 60_000);

  it('still names a problem the parser and the reference checks both see only once', async () => {
    const csv = 'title,description,languages,availableFrom,availableUntil\nFIU training,Training for financial intelligence unit analysts,en,2027-05-01,2027-01-01\n';
    const res = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string; code?: string }) => `${d.path}|${d.code}`);
    expect(paths).toEqual([...new Set(paths)]);
    expect(paths.filter((p: string) => p.startsWith('rows.1.availableUntil'))).toHaveLength(1);
  });
});
