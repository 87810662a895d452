import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, requestNeedLinks, requests } from '../../db/schema/index.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { canViewRequest, PROVIDER_VISIBLE_MATCH, visibleRequestSql } from '../../src/modules/requests/request-visibility.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

const TF = 'terrorist_financing';
const NOW = new Date('2030-01-01T00:00:00Z');
const who = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ keyId: null, role, memberState: null, providerId: null, entity: null, label: role, userId: null, organisationId: null, memberRole: null, ...extra } as Principal);

describe('country and regional profiles: figures counted in SQL over what each reader may see', () => {
  let t: TestApp;
  let c: Cast;
  let mali: string;
  let offeringId: string;
  const req: Record<string, string> = {};

  const file = async (key: string, body: Record<string, unknown>) => {
    const r = await t.call({ method: 'POST', url: '/v1/requests', key, payload: { ...fiuRequest, thematicAreas: [TF], ...body } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body.id as string;
  };
  const match = (requestId: string, status: string, providerId = c.providerAId) => t.db.db.insert(matches).values({ requestId, offeringId, providerId, rank: 1, score: 0.8, explanation: {}, status });
  const need = async (description: string, priority: string, thematicArea?: string) => {
    const r = await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'MLI', description, priority, ...(thematicArea ? { thematicArea } : {}) } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    mali = await t.key({ role: 'member_state', memberState: 'MLI' });
    offeringId = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, thematicAreas: [TF] } })).body.id;
    req.open = await file(mali, { title: 'Mali public request', confidentiality: 'public' });
    req.routed = await file(mali, { title: 'Mali request routed to UNODC' });
    req.done = await file(mali, { title: 'Mali request delivered' });
    req.sen = await file(c.stateA, { title: 'Senegal request', confidentiality: 'public' });
    await t.db.db.update(requests).set({ status: 'routed', routedEntity: 'UNODC', routedAt: new Date() }).where(eq(requests.id, req.routed));
    await t.db.db.update(requests).set({ status: 'completed', routedEntity: 'UNODC', feedback: { outcome: 'met', at: new Date().toISOString() } }).where(eq(requests.id, req.done));
    await match(req.open, 'proposed');
    await match(req.routed, 'accepted');
    await match(req.done, 'accepted');
    await match(req.sen, 'declined', c.providerBId);
    const n1 = await need('Financial intelligence unit lacks analysts trained on terrorist financing.', 'high', TF);
    await need('Banks file few suspicious transaction reports on terrorist financing.', 'high', TF);
    await need('Border posts lack passenger screening equipment.', 'medium', 'travel_documents_border');
    await t.db.db.insert(requestNeedLinks).values({ requestId: req.routed, needId: n1, score: 0.9 });
  });
  afterAll(async () => { await t?.close(); });

  it('Mali\'s profile for CTED and for Mali: needs by area and priority with coverage, requests by status, matches, providers, feedback, timeline', async () => {
    for (const p of [who('cted'), who('member_state', { memberState: 'MLI' })]) {
      const d = await t.services.profiles.get(p, { kind: 'state', iso3: 'MLI' }, NOW);
      expect(d.totals).toEqual({ requests: 3, openNeeds: 3 });
      expect(d.needs.map((x) => [x.thematicArea, x.priority, x.needs, x.covered])).toEqual([[TF, 'high', 2, 1], ['travel_documents_border', 'medium', 1, 0]]);
      expect(d.needs.every((x) => x.medianAgeDays > 1000 && x.oldestAgeDays >= x.medianAgeDays)).toBe(true);
      expect(d.requests.map((x) => [x.status, x.requests])).toEqual([['completed', 1], ['routed', 1], ['submitted', 1]]);
      expect(d.matches).toEqual({ proposed: 1, accepted: 2, declined: 0, delivered: 1 });
      expect(d.providers).toEqual([{ providerId: c.providerAId, name: 'Government of Norway', requests: 2 }]);
      expect(d.feedback).toEqual([{ outcome: 'met', requests: 1 }]);
      expect(d.timeline.map((x) => x.requestId).sort()).toEqual([req.open, req.routed, req.done].sort());
    }
    const region = await t.services.profiles.get(who('cted'), { kind: 'region', m49: '011' }, NOW);
    expect(region.byState).toEqual([{ memberState: 'MLI', requests: 3, openNeeds: 3 }, { memberState: 'SEN', requests: 1, openNeeds: 0 }]);
    expect(region.matches).toEqual({ proposed: 1, accepted: 2, declined: 1, delivered: 1 });
  });

  it('a restricted request changes no figure a provider, another state or another entity can see (and does change CTED\'s)', async () => {
    const readers: [string, Principal, { kind: 'state'; iso3: string } | { kind: 'region'; m49: string }][] = [
      ['provider A, West Africa', who('provider', { providerId: c.providerAId }), { kind: 'region', m49: '011' }],
      ['provider A, Africa', who('provider', { providerId: c.providerAId }), { kind: 'region', m49: '002' }],
      ['Senegal, West Africa', who('member_state', { memberState: 'SEN' }), { kind: 'region', m49: '011' }],
      ['Senegal, its own', who('member_state', { memberState: 'SEN' }), { kind: 'state', iso3: 'SEN' }],
      ['ICAO, Mali', who('entity', { entity: 'ICAO' }), { kind: 'state', iso3: 'MLI' }],
      ['ICAO, West Africa', who('entity', { entity: 'ICAO' }), { kind: 'region', m49: '011' }],
    ];
    const snap = () => Promise.all(readers.map(([, p, s]) => t.services.profiles.get(p, s, NOW)));
    const before = await snap();
    const cted = await t.services.profiles.get(who('cted'), { kind: 'state', iso3: 'MLI' }, NOW);

    // Restricted, routed to UNODC, accepted by provider A, covering a need, with feedback: everything a figure could count.
    const secret = await file(mali, { title: 'Mali restricted request', confidentiality: 'restricted' });
    await t.db.db.update(requests).set({ status: 'completed', routedEntity: 'UNODC', feedback: { outcome: 'not_met', at: new Date().toISOString() } }).where(eq(requests.id, secret));
    await match(secret, 'accepted');
    const [n] = (await t.call({ method: 'GET', url: '/v1/needs?memberState=MLI&priority=medium', key: c.cted })).body.items;
    await t.db.db.insert(requestNeedLinks).values({ requestId: secret, needId: n.id, score: 0.9 });

    const after = await snap();
    readers.forEach(([name], k) => expect(after[k], name).toEqual(before[k]));
    const cted2 = await t.services.profiles.get(who('cted'), { kind: 'state', iso3: 'MLI' }, NOW);
    expect(cted2.totals.requests).toBe(cted.totals.requests + 1);
    expect(cted2.feedback).toEqual([{ outcome: 'met', requests: 1 }, { outcome: 'not_met', requests: 1 }]);
    expect(cted2.needs.find((x) => x.thematicArea === 'travel_documents_border')!.covered).toBe(1);
    // UNODC, which it was routed to, counts it.
    expect((await t.services.profiles.get(who('entity', { entity: 'UNODC' }), { kind: 'state', iso3: 'MLI' }, NOW)).totals.requests).toBe(cted2.totals.requests);
  });

  it('the SQL predicate agrees with canViewRequest for every role on every request', async () => {
    const all = await t.db.db.select().from(requests);
    const ms = await t.db.db.select().from(matches);
    const principals = [who('cted'), who('admin'), who('member_state', { memberState: 'MLI' }), who('member_state', { memberState: 'SEN' }),
      who('entity', { entity: 'UNODC' }), who('entity', { entity: 'ICAO' }), who('provider', { providerId: c.providerAId }), who('provider', { providerId: c.providerBId })];
    for (const p of principals) {
      const viaSql = (await t.db.db.execute(sql`select r.id from requests r where ${visibleRequestSql(p, 'r')}`)) as unknown as { id: string }[] | { rows: { id: string }[] };
      const ids = (Array.isArray(viaSql) ? viaSql : viaSql.rows).map((x) => x.id).sort();
      const viaTs = all.filter((r) => canViewRequest(p, r, ms.some((m) => m.requestId === r.id && m.providerId === p.providerId && (PROVIDER_VISIBLE_MATCH as readonly string[]).includes(m.status)))).map((r) => r.id).sort();
      expect(ids, `${p.role} ${p.memberState ?? p.entity ?? p.providerId ?? ''}`).toEqual(viaTs);
    }
  });

  it('the pages: who may open which profile, figures in the reader\'s language', async () => {
    const status = async (key: string, url: string) => (await (await webSession(t, key)).get(url)).status;
    expect(await status(c.cted, '/profiles/MLI')).toBe(200);
    expect(await status(c.icao, '/profiles/MLI')).toBe(200);
    expect(await status(mali, '/profiles/MLI')).toBe(200);
    expect(await status(c.stateA, '/profiles/MLI')).toBe(403);
    expect(await status(c.providerA, '/profiles/MLI')).toBe(403);
    expect(await status(c.providerA, '/profiles/region/011')).toBe(200);
    expect(await status(c.cted, '/profiles/XXX')).toBe(404);
    const fr = await (await webSession(t, mali)).get('/profiles/MLI', 'fr');
    expect(fr.html).toContain('Profil de pays : Mali');
    expect(fr.html).toContain('Lutte contre le financement du terrorisme');
    expect(fr.html).toMatch(/data-figure="delivered">2</);
    const index = await (await webSession(t, mali)).get('/profiles');
    expect(index.status).toBe(303);
  });

  it('exports a profile with its page: each figure a row, names in the reader\'s language, refused to who may not open it', async () => {
    const s = await webSession(t, mali);
    expect((await s.get('/profiles/MLI')).html).toContain('action="/export/profile"');
    const res = await t.app.inject({ method: 'GET', url: '/export/profile?state=MLI&format=csv', headers: { cookie: `${s.cookie}; od_lang=fr` } });
    expect(res.statusCode).toBe(200);
    const [head, ...rows] = parse(res.body, { bom: true }) as string[][];
    expect(head).toEqual(['Rubrique (code)', 'Rubrique', 'Élément (code)', 'Élément', 'Priorité (code)', 'Priorité', 'Mesure (code)', 'Mesure', 'Valeur']);
    const delivered = rows.find((r) => r[0] === 'matches' && r[2] === 'delivered')!;
    expect(delivered[1]).toBe('Correspondances');
    expect(delivered[8]).toBe('2');
    const needs = rows.find((r) => r[0] === 'needs' && r[2] === TF && r[6] === 'needs')!;
    expect(needs.slice(3, 6)).toEqual(['Lutte contre le financement du terrorisme', 'high', 'Haute']);
    const other = await webSession(t, c.stateA);
    expect((await t.app.inject({ method: 'GET', url: '/export/profile?state=MLI&format=csv', headers: { cookie: other.cookie } })).statusCode).toBe(403);
  });
});
