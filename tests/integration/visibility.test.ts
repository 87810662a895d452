import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const INTERNAL = ['source', 'externalRef', 'createdAt', 'updatedAt'];
const METRICS_TOKEN = 'prometheus-scrape-token-0123456789abcdef';

describe('who sees what (issue 11, item 10)', () => {
  let t: TestApp;
  let c: Cast;
  let offeringId: string;
  beforeAll(async () => {
    t = await buildTestApp({ env: { METRICS_TOKEN } });
    c = await castOf(t);
    const bulk = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, payload: [{ ...fiuOffering, externalRef: 'NOR-CT-2026-017' }] });
    expect(bulk.status).toBe(201);
    offeringId = bulk.body.ids[0];
    for (const [memberState, description] of [['SEN', 'The FIU of Senegal lacks analysts trained on terrorist financing typologies (assessment 2026-03).'], ['KEN', 'Kenya border posts need passenger screening against INTERPOL notices (assessment 2026-05).']]) {
      expect((await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState, description, priority: 'high' } })).status).toBe(201);
    }
  });
  afterAll(async () => { await t?.close(); });

  it('GET /v1/offerings/:id shows the import source, external reference and timestamps to the owner, CTED and admins only', async () => {
    for (const key of [c.providerA, c.cted, c.admin]) {
      const o = (await t.call({ method: 'GET', url: `/v1/offerings/${offeringId}`, key })).body;
      expect(o).toMatchObject({ id: offeringId, source: 'bulk', externalRef: 'NOR-CT-2026-017', createdAt: expect.any(String), updatedAt: expect.any(String) });
    }
    for (const key of [c.providerB, c.stateA, c.unodc]) {
      const res = await t.call({ method: 'GET', url: `/v1/offerings/${offeringId}`, key });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: offeringId, title: fiuOffering.title, lastConfirmedAt: expect.any(String), proposable: true });
      for (const f of INTERNAL) expect(res.body, f).not.toHaveProperty(f);
    }
  });

  it('GET /v1/offerings (an entity reads every provider\'s) follows the same rule', async () => {
    const entity = (await t.call({ method: 'GET', url: '/v1/offerings', key: c.unodc })).body.items;
    expect(entity.map((o: { id: string }) => o.id)).toContain(offeringId);
    for (const o of entity) for (const f of INTERNAL) expect(o, f).not.toHaveProperty(f);
    const cted = (await t.call({ method: 'GET', url: '/v1/offerings', key: c.cted })).body.items;
    expect(cted.find((o: { id: string }) => o.id === offeringId)).toMatchObject({ externalRef: 'NOR-CT-2026-017' });
  });

  it('GET /v1/needs gives need descriptions to CTED, admins and the need\'s own state, never to an entity (as the analytics do)', async () => {
    const entity = (await t.call({ method: 'GET', url: '/v1/needs', key: c.unodc })).body.items;
    expect(entity.map((n: { memberState: string }) => n.memberState).sort()).toEqual(['KEN', 'SEN']);
    for (const n of entity) expect(n).not.toHaveProperty('description');
    const state = (await t.call({ method: 'GET', url: '/v1/needs', key: c.stateA })).body.items;
    expect(state).toHaveLength(1);
    expect(state[0]).toMatchObject({ memberState: 'SEN', description: expect.stringContaining('Senegal') });
    for (const key of [c.cted, c.admin]) {
      for (const n of (await t.call({ method: 'GET', url: '/v1/needs', key })).body.items) expect(n.description).toEqual(expect.any(String));
    }
    const analytics = (await t.call({ method: 'GET', url: '/v1/analytics/unmatched-needs', key: c.unodc })).body.items;
    expect(analytics.length).toBe(2);
    for (const n of analytics) expect(n).not.toHaveProperty('description');
  });

  it('/metrics answers the METRICS_TOKEN and the admin key, nobody else', async () => {
    expect((await t.call({ method: 'GET', url: '/metrics' })).status).toBe(401);
    expect((await t.call({ method: 'GET', url: '/metrics', key: c.cted })).status).toBe(403);
    expect((await t.call({ method: 'GET', url: '/metrics', key: 'prometheus-scrape-token-0123456789abcdeX' })).status).toBe(401);
    const scraped = await t.call({ method: 'GET', url: '/metrics', key: METRICS_TOKEN });
    expect(scraped.status).toBe(200);
    expect(String(scraped.body)).toContain('onedoor_http_request_duration_seconds');
    expect((await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY })).status).toBe(200);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('is for the admin key only', async () => {
    expect((await t.call({ method: 'GET', url: '/metrics' })).status).toBe(401);
    expect((await t.call({ method: 'GET', url: '/metrics', key: ADMIN_KEY })).status).toBe(200);
  });
});
