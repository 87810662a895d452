import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('review queues, entity queues, provider inbox', () => {
  let t: TestApp;
  let c: Cast;
  let offeringId: string;
  const file = async (key: string, extra: Record<string, unknown> = {}) => {
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key, payload: { ...fiuRequest, ...extra } })).body.id as string;
    await t.drain();
    return id;
  };
  const view = async (id: string) => (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.cted })).body;

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1', ENTITY_DUE_DAYS: '14' } });
    c = await castOf(t);
    await t.startWorkers();
    offeringId = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: fiuOffering })).body.id;
    await t.drain();
  });
  afterAll(async () => { await t?.close(); });

  it('lists pending proposals oldest first with filters and age; only CTED and admin may see it', async () => {
    const a = await file(c.stateA);
    const b = await file(c.stateB, { urgency: 'low' });
    const q = (await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items;
    const ids = q.map((i: { requestId: string }) => i.requestId);
    expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));
    expect(q[0]).toMatchObject({ entity: 'UNODC', ageHours: expect.any(Number), offeringId });
    const west = (await t.call({ method: 'GET', url: '/v1/review/queue?region=011', key: c.cted })).body.items.map((i: { memberState: string }) => i.memberState);
    expect(new Set(west)).toEqual(new Set(['SEN']));
    const low = (await t.call({ method: 'GET', url: '/v1/review/queue?urgency=low', key: c.cted })).body.items.map((i: { requestId: string }) => i.requestId);
    expect(low).toEqual([b]);
    expect((await t.call({ method: 'GET', url: '/v1/review/queue?thematicArea=terrorist_financing', key: c.admin })).body.items.length).toBeGreaterThanOrEqual(2);
    for (const key of [c.stateA, c.providerA, c.unodc]) expect((await t.call({ method: 'GET', url: '/v1/review/queue', key })).status).toBe(403);
  });

  it('pages through the queue a proposal at a time, by cursor and by offset, filtered or not, in the order of the whole list', async () => {
    await file(c.stateA);
    await file(c.stateB, { urgency: 'low' });
    const get = async (query: string) => (await t.call({ method: 'GET', url: `/v1/review/queue?${query}`, key: c.cted })).body as { items: { id: string }[]; nextCursor: string | null };
    const walk = async (filter: string) => {
      const seen: string[] = [];
      let page = await get(`limit=1${filter}`);
      for (;;) {
        seen.push(...page.items.map((i) => i.id));
        if (!page.nextCursor) return seen;
        page = await get(`limit=1&cursor=${page.nextCursor}${filter}`);
      }
    };
    for (const filter of ['', '&urgency=low']) {
      const all = (await get(`limit=500${filter}`)).items.map((i) => i.id);
      expect(all.length).toBeGreaterThanOrEqual(filter ? 1 : 2);
      expect(await walk(filter)).toEqual(all);
      const byOffset = await Promise.all(all.map(async (_, i) => (await get(`limit=1&offset=${i}${filter}`)).items[0]!.id));
      expect(byOffset).toEqual(all);
    }
  });

  it('reject needs a reason; reassign needs an entity and a note; a decided match cannot be decided again', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'reject' } })).status).toBe(400);
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'reassign', entity: 'IMF' } })).status).toBe(400);
    const re = await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'reassign', entity: 'IMF', note: 'IMF runs the regional FIU programme' } });
    expect(re.body).toMatchObject({ status: 'approved', entity: 'IMF', requestStatus: 'routed' });
    expect((await view(id)).routing).toEqual({ entity: 'IMF', reason: 'reassigned_by_cted' });
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } })).status).toBe(409);
    for (const key of [c.stateA, c.unodc, c.providerA]) expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key, payload: { decision: 'approve' } })).status).toBe(403);
  });

  it('rejecting the last proposal still routes the request to the responsible entity', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    const res = await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'reject', note: 'offering does not fit' } });
    expect(res.body.status).toBe('rejected');
    const v = await view(id);
    expect(v.status).toBe('routed');
    expect(v.routing.reason).toBe('no_accepted_offering');
  });

  it('decides many proposals at once and reports each', async () => {
    const ids = [await file(c.stateA), await file(c.stateB)];
    const matchIds = await Promise.all(ids.map(async (id) => (await view(id)).matches[0].id));
    const res = await t.call({ method: 'POST', url: '/v1/matches/decisions', key: c.cted, payload: { matchIds: [...matchIds, '00000000-0000-4000-8000-000000000000'], decision: 'approve' } });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    for (const id of ids) expect((await view(id)).status).toBe('routed');
  });

  it('an entity sees only its own queue; it forwards, or hands back with a note', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    const q = (await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.unodc })).body.items.find((i: { requestId: string }) => i.requestId === id);
    expect(q).toMatchObject({ memberState: 'SEN', status: 'routed', overdue: false, dueAt: expect.any(String) });
    expect((await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.icao })).status).toBe(403);
    expect((await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.stateA })).status).toBe(403);
    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.icao, payload: { action: 'acknowledge' } })).status).toBe(403);
    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'hand_back' } })).status).toBe(400);
    const back = await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'hand_back', note: 'outside our mandate in this country' } });
    expect(back.body.status).toBe('in_review');
    expect((await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items.map((i: { requestId: string }) => i.requestId)).toContain(id);
  });

  it('a provider declines with a reason code; it cannot answer a match that never reached it', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/response`, key: c.unodcProvider, payload: { decision: 'accept' } })).status).toBe(404);
    await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: m.id } });
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/response`, key: c.providerA, payload: { decision: 'accept' } })).status).toBe(404);
    expect((await t.call({ method: 'POST', url: `/v1/matches/${m.id}/response`, key: c.unodcProvider, payload: { decision: 'decline' } })).status).toBe(400);
    const d = await t.call({ method: 'POST', url: `/v1/matches/${m.id}/response`, key: c.unodcProvider, payload: { decision: 'decline', reason: 'no_capacity' } });
    expect(d.body).toMatchObject({ status: 'declined', requestStatus: 'routed' });
    const audit = await t.db.db.execute(`select summary from audit_events where target_id = '${m.id}' and action = 'match.declined'`);
    expect(JSON.stringify(audit)).toContain('no_capacity');
  });

  it('nothing is forwarded to a provider without the state\'s consent', async () => {
    const id = await file(c.stateA, { consentToShare: false });
    const m = (await view(id)).matches[0];
    await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    const fwd = await t.call({ method: 'POST', url: `/v1/requests/${id}/entity-action`, key: c.unodc, payload: { action: 'forward', matchId: m.id } });
    expect(fwd.status).toBe(409);
    expect(fwd.body.error.code).toBe('no_consent');
    expect((await t.call({ method: 'GET', url: '/v1/inbox', key: c.unodcProvider })).body.items.map((i: { requestId: string }) => i.requestId)).not.toContain(id);
  });

  it('escalates a routed request nobody acted on within ENTITY_DUE_DAYS back to CTED', async () => {
    const stale = await file(c.stateB);
    const fresh = await file(c.stateB);
    for (const id of [stale, fresh]) {
      const m = (await view(id)).matches[0];
      await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    }
    // Routed 15 days ago (due after 14) versus 13 days ago (not yet due).
    await t.db.db.execute(`update requests set routed_at = now() - interval '15 days' where id = '${stale}'`);
    await t.db.db.execute(`update requests set routed_at = now() - interval '13 days' where id = '${fresh}'`);
    const overdue = (await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.unodc })).body.items.find((i: { requestId: string }) => i.requestId === stale);
    expect(overdue.overdue).toBe(true);
    expect(await t.services.review.escalateOverdue()).toBe(1);
    expect((await view(stale)).status).toBe('in_review');
    expect((await view(fresh)).status).toBe('routed');
    expect(await t.services.review.escalateOverdue()).toBe(0);
  });

  it('assigns waiting requests within offering capacities, protecting the worst-served request (better than greedy)', async () => {
    // Clear the queue of earlier tests so the case is exactly the one below.
    await t.db.db.execute(`update matches set status = 'superseded' where status = 'proposed'`);
    const A = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: { ...fiuOffering, title: 'FIU course A (one seat)', capacity: 1 } })).body.id;
    const B = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: { ...fiuOffering, title: 'FIU course B (one seat)', capacity: 1 } })).body.id;
    await t.drain();
    const r1 = await file(c.stateA);
    const r2 = await file(c.stateB);
    // Only r1 and r2, each with A and B, wait in review (reverse matching also re-proposed A and B to older requests).
    await t.db.db.execute(`update matches set status = 'superseded' where status = 'proposed' and not (request_id in ('${r1}', '${r2}') and offering_id in ('${A}', '${B}'))`);
    // Hand-set scores: greedy takes r1→A (0.9) and leaves r2 with B (0.1): total 1.0, worst 0.1.
    // The fair plan gives r1→B (0.8) and r2→A (0.85): total 1.65, worst 0.8.
    const set = async (r: string, o: string, score: number) => t.db.db.execute(`update matches set score = ${score} where request_id = '${r}' and offering_id = '${o}'`);
    await set(r1, A, 0.9); await set(r1, B, 0.8); await set(r2, A, 0.85); await set(r2, B, 0.1);
    const plan = await t.call({ method: 'POST', url: '/v1/review/assignments', key: c.cted, payload: {} });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ served: 2, totalScore: 1.65, minScore: 0.8, applied: 0, greedy: { served: 2, totalScore: 1, minScore: 0.1 } });
    const pairs = Object.fromEntries(plan.body.assignments.map((a: { requestId: string; offeringId: string }) => [a.requestId, a.offeringId]));
    expect(pairs).toEqual({ [r1]: B, [r2]: A });
    const applied = await t.call({ method: 'POST', url: '/v1/review/assignments', key: c.cted, payload: { apply: true } });
    expect(applied.body.applied).toBe(2);
    expect((await view(r1)).status).toBe('routed');
    // Both seats are now taken: nothing more can be assigned to A or B.
    const r3 = await file(c.stateA);
    await t.db.db.execute(`update matches set status = 'superseded' where status = 'proposed' and not (request_id = '${r3}' and offering_id in ('${A}', '${B}'))`);
    expect((await t.call({ method: 'POST', url: '/v1/review/assignments', key: c.cted, payload: {} })).body).toMatchObject({ served: 0, unassigned: [r3] });
  });
});
