import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { count } from '../helpers/rows.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('reverse matching: a new offering or need refreshes the requests waiting in review', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
  });
  afterAll(async () => { await t?.close(); });

  it('proposes an offering registered after the request was matched, and links a need loaded after it', async () => {
    const first = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, title: 'General FIU awareness seminar', modalities: ['workshop'] } })).body.id;
    await t.drain();
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).body.id;
    await t.drain();
    const before = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    expect(before.status).toBe('in_review');
    expect(before.matches.map((m: { offeringId: string }) => m.offeringId)).toEqual([first]);
    expect(before.linkedNeeds).toEqual([]);

    const later = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering })).body.id;
    const need = (await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'SEN', description: 'The FIU receives few suspicious transaction reports; analysts need training on terrorist financing.', priority: 'high' } })).body.id;
    await t.drain();

    const after = (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;
    expect(after.status).toBe('in_review');
    expect(after.matches.map((m: { offeringId: string }) => m.offeringId)).toEqual(expect.arrayContaining([first, later]));
    expect(after.linkedNeeds.map((n: { needId: string }) => n.needId)).toEqual([need]);
    // Still one "matched" transition: a refresh is not a second matching.
    expect(await count(t, `select count(*)::int as n from request_transitions where request_id = $1 and to_status = 'matched'`, [id])).toBe(1);
  });

  it('reads a need again at the next match once its row changed (the worker keeps needs by row version)', async () => {
    const need = (await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'KEN', description: 'The FIU receives few suspicious transaction reports; analysts need training on terrorist financing.', priority: 'high' } })).body.id;
    await t.drain();
    const file = async (title: string) => {
      const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: { ...fiuRequest, title } })).body.id;
      await t.drain();
      return (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body.linkedNeeds.map((n: { needId: string }) => n.needId);
    };
    expect(await file('FIU analysts and terrorist financing reports')).toEqual([need]);
    // Changed behind the service's back (no event, no re-matching): only its new row version tells.
    await t.db.query(`update needs set description = 'Port facility security officers need drills on ship and port facility security plans.', thematic_areas = '{maritime_security}' where id = $1`, [need]);
    expect(await file('More FIU analysts and terrorist financing reports')).toEqual([]);
  });
});
