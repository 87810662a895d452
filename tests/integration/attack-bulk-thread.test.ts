import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { createNeedsService } from '../../src/modules/needs/needs.service.js';
import { createOfferingsService } from '../../src/modules/offerings/offerings.service.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const ROWS = 300;

/**
 * A bulk upload of offerings (or CTED's needs) is analysed row by row on the API's thread (a few milliseconds a row):
 * 5,000 rows in one go held every other request for about 13 s, so any provider key could freeze
 * OneDoor again and again. The analysis now breaks for the event loop every few rows: others are
 * answered while it runs. Seen here without a clock: the same service over the same parts, with its
 * area inference counted, and a request to the API answered while rows are still being analysed.
 */
describe('attack: a large bulk upload and everyone else', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  /** Runs the import; once its analysis has begun another caller asks the API something, and is answered before the last row is analysed. */
  async function expectAnsweredMeanwhile(run: () => Promise<{ created: number }>, analysed: () => number) {
    let done = false;
    const importing = run().finally(() => { done = true; });
    while (analysed() === 0 && !done) await new Promise<void>((r) => setImmediate(r));
    const other = await t.call({ method: 'GET', url: '/v1/reference/entities' });
    const analysedWhenAnswered = analysed();
    const result = await importing;
    expect(other.status).toBe(200);
    expect(result.created).toBe(ROWS);
    expect(analysed()).toBe(ROWS);
    expect(analysedWhenAnswered).toBeLessThan(ROWS);
  }

  it('lets the API answer others while its rows are analysed', async () => {
    let analysed = 0;
    const m = t.services.matching;
    const offerings = createOfferingsService({
      db: t.db.db, reference: t.services.reference, analyser: { analyseOffering: m.analyseOffering },
      areas: { inferAreas: async (text, lang) => { analysed++; return m.inferAreas(text, lang); }, scoreAreas: m.scoreAreas },
    });
    const p: Principal = { keyId: null, role: 'provider', memberState: null, providerId: c.providerAId, entity: null, label: 'bulk', userId: null, organisationId: null, memberRole: null };
    const csv = `title,description,languages\n${Array.from({ length: ROWS }, (_, i) => `FIU analyst training ${i},Two-week training for financial intelligence unit analysts on suspicious transaction reports (course ${i}),en\n`).join('')}`;
    await expectAnsweredMeanwhile(() => offerings.importCsv(p, c.providerAId, csv), () => analysed);
  }, 120_000);

  it('lets the API answer others while CTED\'s needs matrix is analysed', async () => {
    let analysed = 0;
    const m = t.services.matching;
    const needs = createNeedsService({
      db: t.db.db, reference: t.services.reference,
      areas: { inferAreas: async (text, lang) => { analysed++; return m.inferAreas(text, lang); }, scoreAreas: m.scoreAreas },
    });
    const p: Principal = { keyId: null, role: 'cted', memberState: null, providerId: null, entity: null, label: 'matrix', userId: null, organisationId: null, memberRole: null };
    const csv = `memberState,description,priority\n${Array.from({ length: ROWS }, (_, i) => `KEN,Financial intelligence unit analysts need training on terrorist financing (finding ${i}),high\n`).join('')}`;
    await expectAnsweredMeanwhile(() => needs.importCsv(p, csv), () => analysed);
  }, 120_000);
});
