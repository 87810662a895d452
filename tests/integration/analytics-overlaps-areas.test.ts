import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerings } from '../../db/schema/index.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The overlap report orders a pair's cells by the areas as the database orders them, read from the
 * reference list of areas; an offering stored with a code the list lacks (an import from before a change
 * of the list) still counts, in its place by the database's order.
 */
describe.each(['postgres', 'pglite'] as const)('overlap pairs on %s: an area code the reference list lacks', (mode) => {
  let t: TestApp;
  let c: Cast;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp({ db: mode });
    c = await castOf(t);
    const rows = await t.db.db.insert(offerings).values([
      { providerId: c.providerAId, title: 'A', areas: ['terrorist_financing', 'zz_unlisted_area'] },
      { providerId: c.providerBId, title: 'B', areas: ['zz_unlisted_area', 'terrorist_financing'] },
    ].map((o) => ({
      providerId: o.providerId, title: o.title, description: 'An offering of the overlap report tests.', language: 'en', languages: ['en'],
      thematicAreas: o.areas, eligibilityCountries: ['KEN'], eligibilityRegions: [],
    }))).returning({ id: offerings.id, title: offerings.title });
    for (const r of rows) ids[r.title] = r.id;
  });
  afterAll(async () => { await t?.close(); });

  it('counts the unlisted area\'s cell and lists it after the listed one', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/analytics/overlaps', key: c.cted });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [a, b] = [c.providerAId, c.providerBId].sort();
    expect(res.body.providerPairs).toEqual([expect.objectContaining({
      providers: [expect.objectContaining({ id: a }), expect.objectContaining({ id: b })],
      cells: 2,
      cellList: [{ memberState: 'KEN', thematicArea: 'terrorist_financing' }, { memberState: 'KEN', thematicArea: 'zz_unlisted_area' }],
      cellListComplete: true,
      offerings: a === c.providerAId ? [[ids.A], [ids.B]] : [[ids.B], [ids.A]],
    })]);
  });
});
