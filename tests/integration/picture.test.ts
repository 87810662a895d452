import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession, type WebSession } from '../helpers/web-session.js';

const TF = 'terrorist_financing';

describe('CTED\'s picture: needs linked both ways, cells that open, analytics and lists a person can use', () => {
  let t: TestApp;
  let c: Cast;
  let cted: WebSession;
  let requestId = '';
  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    await t.startWorkers();
    cted = await webSession(t, c.cted);
  });
  afterAll(async () => { await t?.close(); });

  it('counts a need as covered by a request filed and routed before the need was imported', async () => {
    // The request comes first, is matched with an offering, and CTED routes it by approving the proposal.
    expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering })).status).toBe(201);
    const filed = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
    requestId = filed.body.id;
    await t.drain();
    const view = (await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted })).body;
    if (view.status === 'in_review') {
      const proposed = view.matches.find((m: { status: string }) => m.status === 'proposed');
      expect((await t.call({ method: 'POST', url: `/v1/matches/${proposed.id}/decision`, key: c.cted, payload: { decision: 'approve' } })).status).toBe(200);
      await t.drain();
    }
    expect((await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted })).body.status).toBe('routed');
    // Then CTED loads its matrix, with a need of the same state and area.
    const csv = `memberState,description,priority,thematicArea,needId\nSEN,"Strengthen the financial intelligence unit: analysts trained on terrorist financing typologies and suspicious transaction reports",high,${TF},sen-fiu\n`;
    expect((await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: csv })).status).toBe(201);
    await t.drain();
    const matrix = (await t.call({ method: 'GET', url: '/v1/analytics/needs-matrix', key: c.cted })).body;
    expect(matrix.cells.find((x: { memberState: string; thematicArea: string }) => x.memberState === 'SEN' && x.thematicArea === TF)).toMatchObject({ needs: 1, matched: 1, state: 'matched' });
    // The link shows on the request too.
    expect((await t.call({ method: 'GET', url: `/v1/requests/${requestId}`, key: c.cted })).body.linkedNeeds).toHaveLength(1);
  });

  it('opens a cell of the matrix on its needs and the requests behind them', async () => {
    const matrix = await cted.get('/needs');
    expect(matrix.html).toContain(`href="/needs/cell?state=SEN&amp;area=${TF}"`);
    const cell = await cted.get(`/needs/cell?state=SEN&area=${TF}`, 'fr');
    expect(cell.status).toBe(200);
    expect(cell.html).toContain('Strengthen the financial intelligence unit');
    expect(cell.html).toContain(`<a href="/requests/${requestId}" dir="auto">${fiuRequest.title}</a>`);
    expect(cell.html).toContain('le couvre');
    expect((await cted.get('/needs/cell?state=XXX&area=')).status).toBe(404);
  });

  it('shows unmatched needs, overlaps and outcomes on the analytics page, with CSV downloads', async () => {
    const csv = 'memberState,description,priority,thematicArea\nKEN,"Border control at land crossings with document examination",medium,travel_documents_border\n';
    await t.call({ method: 'POST', url: '/v1/needs/import', key: c.cted, headers: { 'content-type': 'text/csv' }, payload: csv });
    await t.drain();
    const page = await cted.get('/analytics');
    expect(page.html).toContain('id="unmatched-needs"');
    expect(page.html).toContain('Border control at land crossings');
    expect(page.html).not.toMatch(/id="unmatched-needs"[\s\S]*Strengthen the financial intelligence unit[\s\S]*<\/table>/);
    expect(page.html).toContain('id="h-overlaps"');
    expect(page.html).toContain('id="h-outcomes"');
    expect(page.html).toContain('href="/analytics/export/unmatchedNeeds.csv"');
    const dl = await t.app.inject({ method: 'GET', url: '/analytics/export/unmatchedNeeds.csv', headers: { cookie: cted.cookie } });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toContain('text/csv');
    expect(dl.headers['content-disposition']).toMatch(/attachment; filename="onedoor-unmatchedNeeds-/);
    expect(dl.body).toContain('KEN');
    expect((await t.app.inject({ method: 'GET', url: '/analytics/export/nothing.csv', headers: { cookie: cted.cookie } })).statusCode).toBe(404);
  });

  it('filters the requests list by stage, words, area, urgency and state', async () => {
    await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: { title: 'Aviation security audit support', description: 'Support to prepare the national civil aviation security programme and an audit by ICAO.', urgency: 'low' } });
    await t.drain();
    const all = await cted.get('/requests');
    expect(all.html).toContain('<ul class="stage-tabs">');
    expect(all.html).toContain(fiuRequest.title);
    expect(all.html).toContain('Aviation security audit support');
    const words = await cted.get('/requests?q=financial+intelligence');
    expect(words.html).toContain(fiuRequest.title);
    expect(words.html).not.toContain('Aviation security audit support');
    const kenya = await cted.get('/requests?memberState=KEN');
    expect(kenya.html).not.toContain(fiuRequest.title);
    const low = await cted.get('/requests?urgency=low');
    expect(low.html).toContain('Aviation security audit support');
    expect(low.html).not.toContain(fiuRequest.title);
    const closed = await cted.get('/requests?stage=closed', 'fr');
    expect(closed.html).toContain('Aucune demande ne correspond à ces filtres.');
    expect(closed.html).toMatch(/href="\/requests\?stage=closed" aria-current="page"/);
  });
});
