import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, offerings, requests, requestTransitions } from '../../db/schema/index.js';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const TF = 'terrorist_financing';
const AV = 'aviation_security';

describe('analytics answered by SQL, a page at a time', () => {
  let t: TestApp;
  let c: Cast;
  const providerIds: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    // Four providers covering Africa (002: 54 states) in two areas: 6 pairs of 108 cells each.
    providerIds.push(c.providerAId, c.providerBId, c.unodcProviderId);
    const d = await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name: 'Fourth donor', kind: 'member_state' } });
    providerIds.push(d.body.id);
    await t.db.db.insert(offerings).values(providerIds.map((providerId) => ({
      providerId, title: 'Offering across Africa', description: 'An offering used by the analytics paging tests.', language: 'en', languages: ['en'],
      thematicAreas: [TF, AV], eligibilityRegions: ['002'],
    })));
  });
  afterAll(async () => { await t?.close(); });

  const get = async (url: string) => {
    const res = await t.call({ method: 'GET', url, key: c.cted });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res;
  };

  it('pages provider pairs with a cursor: every pair once, most overlapping first, each listing its first 100 cells', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: any = (await get(`/v1/analytics/overlaps?limit=4${cursor ? `&cursor=${cursor}` : ''}`)).body;
      for (const p of body.providerPairs) {
        seen.push(p.providers.map((x: { id: string }) => x.id).join('|'));
        expect(p.cells).toBe(108);
        expect(p.cellList).toHaveLength(100);
        expect(p.cellListComplete).toBe(false);
        expect(p.memberStates.length).toBeLessThanOrEqual(54);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect([...seen]).toEqual([...seen].sort());
  });

  it('streams the CSV with every cell of every pair', async () => {
    const res = await get('/v1/analytics/overlaps?format=csv');
    const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.type === 'provider_pair')).toHaveLength(6 * 108);
  });

  it('rejects a cursor that is not one of ours', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/analytics/overlaps?cursor=bm9wZQ', key: c.cted });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('querystring.cursor');
  });

  it('pages the requests accepted by several providers with their own cursor', async () => {
    const [o1, o2] = await t.db.db.select({ id: offerings.id, providerId: offerings.providerId }).from(offerings).limit(2);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [r] = await t.db.db.insert(requests).values({ memberState: 'SEN', title: `R${i}`, description: 'A request accepted by two providers.', language: 'en', status: 'accepted', thematicAreas: [TF] }).returning({ id: requests.id });
      ids.push(r.id);
      await t.db.db.insert(matches).values([o1!, o2!].map((o) => ({ requestId: r.id, offeringId: o.id, providerId: o.providerId, rank: 1, score: 0.8, explanation: {}, status: 'accepted' })));
    }
    const first: any = (await get('/v1/analytics/overlaps?limit=2')).body;
    expect(first.requestsAcceptedByMany).toHaveLength(2);
    const second: any = (await get(`/v1/analytics/overlaps?limit=2&requestsCursor=${first.nextRequestsCursor}`)).body;
    expect(second.nextRequestsCursor).toBeNull();
    expect([...first.requestsAcceptedByMany, ...second.requestsAcceptedByMany].map((r: { requestId: string }) => r.requestId)).toEqual([...ids].sort());
  });

  it('keeps the first routed, accepted and completed times on the request, whichever code writes the transition', async () => {
    const [r] = await t.db.db.insert(requests).values({ memberState: 'KEN', title: 'Timed', description: 'A request whose times are kept.', language: 'en', status: 'completed', thematicAreas: [TF], submittedAt: new Date('2026-01-01T00:00:00Z') }).returning({ id: requests.id });
    const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
    await t.db.db.insert(requestTransitions).values([
      { requestId: r.id, toStatus: 'routed', actor: 't', at: at(5) },
      { requestId: r.id, toStatus: 'routed', actor: 't', at: at(3) }, // an earlier one written later still counts as first
      { requestId: r.id, toStatus: 'accepted', actor: 't', at: at(7) },
      { requestId: r.id, toStatus: 'routed', actor: 't', at: at(9) },
      { requestId: r.id, toStatus: 'completed', actor: 't', at: at(30) },
    ]);
    const [row] = await t.db.db.select({ routed: requests.firstRoutedAt, accepted: requests.firstAcceptedAt, completed: requests.firstCompletedAt }).from(requests).where(eq(requests.id, r.id));
    expect(row).toEqual({ routed: at(3), accepted: at(7), completed: at(30) });
    const timings = (await get('/v1/analytics/timings?memberState=KEN')).body;
    expect(timings).toEqual({ toRouting: { n: 1, medianHours: 3, p90Hours: 3 }, toAcceptance: { n: 1, medianHours: 7, p90Hours: 7 }, toCompletion: { n: 1, medianHours: 30, p90Hours: 30 } });
  });
});
