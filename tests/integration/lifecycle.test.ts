import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestAreas, requestHasAreaSql } from '../../src/modules/requests/request-areas.js';
import { canTransition, INITIAL_STATUS, type RequestStatus } from '../../src/modules/requests/request-lifecycle.js';
import { requests } from '../../db/schema/index.js';
import { and, eq } from 'drizzle-orm';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

// Issue 12: a request runs from filing to closure with no dead ends. One app where everything waits
// for CTED (AUTO_ROUTE_CONFIDENCE 1: only a request that met nothing goes straight to its entity).
const portOffering = {
  title: 'ISPS Code implementation workshop for port facility security officers',
  description: 'Workshops for port facility security officers and designated authorities on ISPS Code implementation, drills, exercises and port facility security plans.',
  languages: ['en', 'fr'], modalities: ['workshop', 'training'],
} as const;
const portRequest = {
  title: 'Port facility security under the ISPS Code',
  description: 'Our port facility security officers need training on the ISPS Code: port facility security plans, drills and exercises, and the role of the designated authority.',
  language: 'en', modalities: ['workshop'],
} as const;

describe('the life of a request (issue 12)', () => {
  let t: TestApp;
  let c: Cast;
  let fiu: string;
  const file = async (key: string, extra: Record<string, unknown> = {}, body: Record<string, unknown> = fiuRequest) => {
    const res = await t.call({ method: 'POST', url: '/v1/requests', key, payload: { ...body, ...extra } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await t.drain();
    return res.body.id as string;
  };
  const view = async (id: string, key = c.cted) => {
    const res = await t.call({ method: 'GET', url: `/v1/requests/${id}`, key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const post = async (url: string, key: string, payload: Record<string, unknown> = {}) => t.call({ method: 'POST', url, key, payload });
  const triage = async (query = '') => (await t.call({ method: 'GET', url: `/v1/review/requests${query}`, key: c.cted })).body.items as any[];

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1', REVIEW_DUE_DAYS: '7' } });
    c = await castOf(t);
    await t.startWorkers();
    fiu = (await post('/v1/offerings', c.unodcProvider, fiuOffering)).body.id;
    await t.drain();
  });
  afterAll(async () => { await t?.close(); });

  it('item 2: a handed-back request reaches CTED\'s triage with its reason; CTED asks the entity again or routes elsewhere', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    await post(`/v1/matches/${m.id}/decision`, c.cted, { decision: 'approve' });
    const back = await post(`/v1/requests/${id}/entity-action`, c.unodc, { action: 'hand_back', note: 'Our FIU programme is full until June' });
    expect(back.body.status).toBe('in_review');

    const item = (await triage()).find((x) => x.requestId === id);
    expect(item).toMatchObject({ status: 'in_review', routedEntity: 'UNODC', ageDays: 0 });
    expect(item.reasons).toContainEqual({ code: 'handed_back', note: 'Our FIU programme is full until June' });
    // The state reads the reason, with who gave it.
    const seen = await view(id, c.stateA);
    expect(seen.history.at(-1)).toMatchObject({ from: 'routed', to: 'in_review', actorRole: 'entity', actorOrg: 'UNODC', note: 'Our FIU programme is full until June' });
    expect(seen.nextStep).toEqual({ actor: 'cted', step: 'cted_review', entity: 'UNODC' });

    const again = await post(`/v1/requests/${id}/route`, c.cted, { entity: 'UNODC', note: 'A second FIU course opens in March; please look again' });
    expect(again.body).toMatchObject({ status: 'routed', entity: 'UNODC' });
    expect((await view(id)).routing).toEqual({ entity: 'UNODC', reason: 'asked_again' });
    expect((await triage()).map((x) => x.requestId)).not.toContain(id);
    const elsewhere = await post(`/v1/requests/${id}/route`, c.cted, { entity: 'IMF', note: 'IMF runs the regional FIU programme' });
    expect(elsewhere.body).toMatchObject({ status: 'routed', entity: 'IMF' });
    expect((await view(id)).routing.reason).toBe('routed_by_cted');
    expect((await post(`/v1/requests/${id}/route`, c.unodc, { entity: 'IMF' })).status).toBe(403);
    expect((await post(`/v1/requests/${id}/route`, c.cted, { entity: 'NOPE' })).status).toBe(400);
  });

  it('item 3: after Accept the provider\'s next step is to start delivery; then the state gives feedback', async () => {
    const id = await file(c.stateA);
    const m = (await view(id)).matches[0];
    await post(`/v1/matches/${m.id}/decision`, c.cted, { decision: 'approve' });
    expect((await view(id, c.stateA)).nextStep).toEqual({ actor: 'entity', step: 'entity_forward', entity: 'UNODC' });
    await post(`/v1/requests/${id}/entity-action`, c.unodc, { action: 'forward', matchId: m.id });
    expect((await view(id, c.stateA)).nextStep.step).toBe('provider_answer');
    await post(`/v1/matches/${m.id}/response`, c.unodcProvider, { decision: 'accept' });
    const inbox = (await t.call({ method: 'GET', url: '/v1/inbox', key: c.unodcProvider })).body.items.find((x: { matchId: string }) => x.matchId === m.id);
    expect(inbox).toMatchObject({ status: 'accepted', requestStatus: 'accepted', canStartDelivery: true });
    expect((await view(id, c.stateA)).nextStep).toEqual({ actor: 'provider', step: 'start_delivery', entity: 'UNODC' });
    // Only the provider whose offering was accepted, the routed entity or CTED may start it.
    expect((await post(`/v1/requests/${id}/start-delivery`, c.providerB)).status).toBe(404);
    expect((await post(`/v1/requests/${id}/start-delivery`, c.unodcProvider)).body.status).toBe('in_delivery');
    expect((await view(id, c.stateA)).nextStep).toEqual({ actor: 'member_state', step: 'state_feedback', entity: 'UNODC' });
    await post(`/v1/requests/${id}/feedback`, c.stateA, { outcome: 'met' });
    expect((await view(id, c.stateA)).nextStep).toEqual({ actor: null, step: 'done', entity: 'UNODC' });
  });

  it('item 4: approving one proposal keeps the others waiting for CTED; partial decisions approve some and reject others with reasons', async () => {
    const second = (await post('/v1/offerings', c.providerA, { ...fiuOffering, title: 'FIU analyst mentoring on terrorist financing cases' })).body.id;
    const third = (await post('/v1/offerings', c.providerB, { ...fiuOffering, title: 'Terrorist financing typologies course for FIU analysts' })).body.id;
    await t.drain();
    const id = await file(c.stateB);
    const ms = (await view(id)).matches as { id: string; offeringId: string }[];
    expect(ms.map((m) => m.offeringId)).toEqual(expect.arrayContaining([fiu, second, third]));
    const [a, b, d] = [fiu, second, third].map((o) => ms.find((m) => m.offeringId === o)!.id);

    // One approval through the single-match API: the request is routed, the other two stay in the queue.
    await post(`/v1/matches/${a}/decision`, c.cted, { decision: 'approve' });
    const queued = (await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items.filter((x: { requestId: string }) => x.requestId === id);
    expect(queued.map((x: { id: string }) => x.id).sort()).toEqual([b, d].sort());
    expect(queued[0].requestStatus).toBe('routed');

    // The rest decided at once: approve one, reject one with its reason; nothing stays "proposed".
    expect((await post(`/v1/requests/${id}/decisions`, c.cted, { approve: [b], reject: [{ matchId: d, note: '' }] })).status).toBe(400);
    expect((await post(`/v1/requests/${id}/decisions`, c.cted, { approve: [b], reject: [{ matchId: b, note: 'twice' }] })).status).toBe(400);
    const res = await post(`/v1/requests/${id}/decisions`, c.cted, { approve: [b], reject: [{ matchId: d, note: 'Course is in English only; the FIU works in Swahili' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status).sort()).toEqual(['approved', 'rejected']);
    const seen = await view(id, c.stateB);
    expect(Object.fromEntries(seen.matches.map((m: { id: string; status: string }) => [m.id, m.status]))).toEqual({ [a]: 'approved', [b]: 'approved', [d]: 'rejected' });
    expect(seen.matches.find((m: { id: string }) => m.id === d).decisionNote).toBe('Course is in English only; the FIU works in Swahili');
    expect((await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items.map((x: { requestId: string }) => x.requestId)).not.toContain(id);
    // A decided match cannot be decided again; nothing half-written.
    expect((await post(`/v1/requests/${id}/decisions`, c.cted, { reject: [{ matchId: a, note: 'changed my mind' }] })).status).toBe(409);

    // Once a provider accepts one, the others still in play say they are no longer needed.
    await post(`/v1/requests/${id}/entity-action`, c.unodc, { action: 'forward', matchId: a });
    await post(`/v1/matches/${a}/response`, c.unodcProvider, { decision: 'accept' });
    expect((await view(id, c.stateB)).matches.find((m: { id: string }) => m.id === b).status).toBe('not_needed');
  });

  it('item 5: CTED\'s rejection note, the entity\'s hand-back reason and the provider\'s decline reason reach the state', async () => {
    const other = (await post('/v1/offerings', c.providerA, { ...fiuOffering, title: 'FIU supervision clinic for terrorist financing' })).body.id;
    await t.drain();
    const id = await file(c.stateA);
    const ms = (await view(id)).matches as { id: string; offeringId: string }[];
    const keep = ms.find((m) => m.offeringId === fiu)!.id;
    const drop = ms.find((m) => m.offeringId === other)!.id;
    const rest = ms.filter((m) => m.id !== keep && m.id !== drop).map((m) => ({ matchId: m.id, note: 'Another offering fits better' }));
    await post(`/v1/requests/${id}/decisions`, c.cted, { approve: [keep], reject: [{ matchId: drop, note: 'Supervision is not what the request asks for' }, ...rest] });
    await post(`/v1/requests/${id}/entity-action`, c.unodc, { action: 'forward', matchId: keep });
    await post(`/v1/matches/${keep}/response`, c.unodcProvider, { decision: 'decline', reason: 'no_capacity', note: 'All 2027 places are taken' });
    await post(`/v1/requests/${id}/entity-action`, c.unodc, { action: 'hand_back', note: 'No other provider on our side' });

    const seen = await view(id, c.stateA);
    const byId = new Map(seen.matches.map((m: { id: string }) => [m.id, m]));
    expect(byId.get(drop)).toMatchObject({ status: 'rejected', decisionNote: 'Supervision is not what the request asks for' });
    expect(byId.get(keep)).toMatchObject({ status: 'declined', declineReason: 'no_capacity', declineNote: 'All 2027 places are taken' });
    expect(seen.history.at(-1)).toMatchObject({ to: 'in_review', actorRole: 'entity', note: 'No other provider on our side' });
    // The contract's fields are still there, unchanged in shape.
    expect(seen.matches[0]).toEqual(expect.objectContaining({ id: expect.any(String), offeringId: expect.any(String), providerId: expect.any(String), rank: expect.any(Number), score: expect.any(Number), explanation: expect.any(Object), status: expect.any(String) }));
    // Every offering declined: CTED's triage says so.
    expect((await triage()).find((x) => x.requestId === id).reasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['handed_back', 'all_declined']));
  });

  it('item 7: an offering that starts in two months is proposed with its start date and a badge reason', async () => {
    const start = new Date(Date.now() + 60 * 86_400_000);
    const later = (await post('/v1/offerings', c.providerB, { ...portOffering, availableFrom: start.toISOString() })).body;
    expect(later).toMatchObject({ proposable: true, availability: 'not_yet_open' });
    await t.drain();
    const id = await file(c.stateA, {}, portRequest);
    const m = (await view(id, c.stateA)).matches.find((x: { offeringId: string }) => x.offeringId === later.id);
    expect(m, 'proposed').toBeTruthy();
    expect(new Date(m.startsAt).getTime()).toBe(start.getTime());
    const closed = (await post(`/v1/offerings/${later.id}/close`, c.providerB)).body;
    expect(closed).toMatchObject({ proposable: false, availability: 'closed' });
  });

  it('item 8: a likely duplicate is never auto-routed, is shown to CTED, the entity and the provider with the other request, and CTED merges or dismisses', async () => {
    const low = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '0' } });
    try {
      const k = await castOf(low);
      await low.startWorkers();
      await low.call({ method: 'POST', url: '/v1/offerings', key: k.unodcProvider, payload: fiuOffering });
      await low.drain();
      const fileLow = async (body: Record<string, unknown>) => {
        const id = (await low.call({ method: 'POST', url: '/v1/requests', key: k.stateA, payload: body })).body.id as string;
        await low.drain();
        return id;
      };
      const look = async (id: string, key = k.cted) => (await low.call({ method: 'GET', url: `/v1/requests/${id}`, key })).body;
      const first = await fileLow({ ...fiuRequest, confidentiality: 'public' });
      const second = await fileLow({ ...fiuRequest, title: 'Strengthening our financial intelligence unit (FIU)', confidentiality: 'public' });
      // The first went straight to UNODC with its top offering approved; the second waits for CTED.
      expect((await look(first)).status).toBe('routed');
      const dup = await look(second);
      expect(dup.status).toBe('in_review');
      expect(dup.matches.every((m: { status: string }) => m.status === 'proposed')).toBe(true);
      expect(dup.possibleDuplicates).toEqual([expect.objectContaining({ requestId: first, direction: 'earlier', decision: 'open', title: fiuRequest.title, status: 'routed' })]);
      expect(dup.nextStep.step).toBe('cted_duplicate');
      // The earlier one shows the later one, to its entity and (public, matched) to its provider.
      const forEntity = await look(first, k.unodc);
      expect(forEntity.possibleDuplicates).toEqual([expect.objectContaining({ requestId: second, direction: 'later', title: 'Strengthening our financial intelligence unit (FIU)', status: 'in_review' })]);
      const forProvider = await look(first, k.unodcProvider);
      expect(forProvider.possibleDuplicates.map((d: { requestId: string }) => d.requestId)).toEqual([second]);
      expect((await low.call({ method: 'GET', url: '/v1/review/requests', key: k.cted })).body.items.find((x: { requestId: string }) => x.requestId === second).reasons[0].code).toBe('possible_duplicate');
      const queue = (await low.call({ method: 'GET', url: '/v1/review/queue', key: k.cted })).body.items.find((x: { requestId: string }) => x.requestId === second);
      expect(queue.possibleDuplicate).toBe(true);

      expect((await low.call({ method: 'POST', url: `/v1/requests/${second}/duplicates/${first}`, key: k.unodc, payload: { decision: 'confirm' } })).status).toBe(403);
      const merged = await low.call({ method: 'POST', url: `/v1/requests/${first}/duplicates/${second}`, key: k.cted, payload: { decision: 'confirm' } });
      expect(merged.body).toMatchObject({ requestId: second, status: 'rejected', duplicateOf: first, decision: 'confirmed' });
      const after = await look(second, k.stateA);
      expect(after).toMatchObject({ status: 'rejected', duplicateOf: first, nextStep: { actor: null, step: 'merged' } });
      expect(after.matches.every((m: { status: string }) => m.status === 'withdrawn')).toBe(true);
      expect((await low.call({ method: 'POST', url: `/v1/requests/${second}/duplicates/${first}`, key: k.cted, payload: { decision: 'dismiss' } })).status).toBe(409);

      // A dismissed flag is gone from the view and survives re-matching.
      const third = await fileLow({ ...fiuRequest, title: 'Our financial intelligence unit needs stronger analysts' });
      const flagged = (await look(third)).possibleDuplicates.map((d: { requestId: string }) => d.requestId);
      expect(flagged).toContain(first);
      for (const other of flagged) await low.call({ method: 'POST', url: `/v1/requests/${third}/duplicates/${other}`, key: k.cted, payload: { decision: 'dismiss', note: 'a different unit' } });
      expect((await look(third)).possibleDuplicates).toEqual([]);
      await low.services.matching.matchAndRoute(third, { rematch: true });
      expect((await look(third)).possibleDuplicates).toEqual([]);
    } finally {
      await low.close();
    }
  });

  it('triage: a request that met nothing is listed with no proposal; CTED attaches an offering, parks one that stays re-matchable, closes another', async () => {
    // Nothing open on maritime security (item 7's offering is closed): the engine sends each request
    // to CTED's triage ("nothing eligible"), with IMO as the suggested entity. Three states, so that
    // none is a duplicate of another.
    const gha = await t.key({ role: 'member_state', memberState: 'GHA' });
    const nga = await t.key({ role: 'member_state', memberState: 'NGA' });
    const lonely = await file(c.stateB, {}, { ...portRequest, title: 'Maritime security: port facility security officers' });
    const parked = await file(gha, {}, { ...portRequest, title: 'ISPS Code drills for the designated authority' });
    const closing = await file(nga, {}, { ...portRequest, title: 'Port facility security plans under the ISPS Code' });
    for (const id of [lonely, parked, closing]) {
      const v = await view(id);
      expect(v).toMatchObject({ status: 'in_review', routing: { entity: 'IMO' } });
      expect(v.matches).toEqual([]);
      expect(v.nextStep).toEqual({ actor: 'cted', step: 'cted_triage', entity: 'IMO' });
    }
    const items = await triage('?reason=nothing_eligible');
    expect(items.map((x) => x.requestId)).toEqual(expect.arrayContaining([lonely, parked, closing]));
    expect(items.find((x) => x.requestId === lonely).reasons).toEqual([{ code: 'nothing_eligible', note: null }]);

    // Attach: CTED found an offering in the directory (any proposable one, even outside the engine's picks).
    const found = (await post('/v1/offerings', c.providerA, { ...portOffering, title: 'Port security awareness course', eligibility: { countries: ['KEN'] } })).body.id;
    const attach = await post(`/v1/requests/${lonely}/attach`, c.cted, { offeringId: found, note: 'Found in the directory' });
    expect(attach.status, JSON.stringify(attach.body)).toBe(200);
    const withOffering = await view(lonely, c.stateB);
    expect(withOffering.matches.find((m: { offeringId: string }) => m.offeringId === found)).toMatchObject({ status: 'approved', origin: 'cted', decisionNote: 'Found in the directory', entity: 'IMO' });
    expect(withOffering.nextStep.step).toBe('entity_forward');
    expect((await post(`/v1/requests/${lonely}/attach`, c.cted, { offeringId: found })).status).toBe(409);
    const closedOne = (await post('/v1/offerings', c.providerA, { ...portOffering, title: 'Closed port course', eligibility: { countries: ['KEN'] } })).body.id;
    await post(`/v1/offerings/${closedOne}/close`, c.providerA);
    expect((await post(`/v1/requests/${lonely}/attach`, c.cted, { offeringId: closedOne })).body.error.code).toBe('not_proposable');
    await t.drain();

    // Park: out of triage, listed as parked, still open; the state reads why.
    expect((await post(`/v1/requests/${parked}/park`, c.cted, { reason: '' })).status).toBe(400);
    expect((await post(`/v1/requests/${parked}/park`, c.cted, { reason: 'No provider offers ISPS drills yet' })).body.status).toBe('in_review');
    const p1 = await view(parked, gha);
    expect(p1.parked).toMatchObject({ reason: 'No provider offers ISPS drills yet' });
    expect(p1.nextStep.step).toBe('waiting_offering');
    expect((await triage()).map((x) => x.requestId)).not.toContain(parked);
    expect((await triage('?view=parked')).map((x) => x.requestId)).toContain(parked);

    // Close: rejected, with CTED's reason in the history.
    const closed = await post(`/v1/requests/${closing}/close`, c.cted, { reason: 'Covered by the IMO regional programme already under way' });
    expect(closed.body.status).toBe('rejected');
    const cv = await view(closing, nga);
    expect(cv.history.at(-1)).toMatchObject({ to: 'rejected', actorRole: 'cted', note: 'Covered by the IMO regional programme already under way' });
    expect(cv.nextStep).toEqual({ actor: null, step: 'closed', entity: 'IMO' });
    expect((await post(`/v1/requests/${closing}/park`, c.cted, { reason: 'too late' })).status).toBe(409);

    // "No offering yet, then one arrives": the parked request is re-matched and comes back to triage.
    await post('/v1/offerings', c.unodcProvider, { ...portOffering, title: 'ISPS Code drills and exercises for designated authorities' });
    await t.drain();
    const p2 = await view(parked);
    expect(p2.status).toBe('in_review');
    expect(p2.matches.filter((m: { status: string }) => m.status === 'proposed').length).toBeGreaterThanOrEqual(1);
    expect(p2.nextStep.step).toBe('cted_review');
    expect((await triage()).find((x) => x.requestId === parked).reasons.map((r: { code: string }) => r.code)).toContain('new_proposal');
    const queued = (await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).body.items.map((x: { requestId: string }) => x.requestId);
    expect(queued).toContain(parked);
  });

  it('triage: the engine\'s own reason (no area fits) and waiting too long, with the age', async () => {
    const mli = await t.key({ role: 'member_state', memberState: 'MLI' });
    const id = await file(mli, {}, { title: 'Identifying the sectors that require technical assistance', description: 'The Government is carrying out a study to identify the sectors that require technical assistance and will consider the appropriate way to address them once the study is complete.', language: 'en' });
    const v = await view(id);
    expect(v).toMatchObject({ status: 'in_review', routing: null, matches: [], nextStep: { actor: 'cted', step: 'cted_triage', entity: null } });
    expect((await triage()).find((x) => x.requestId === id).reasons).toEqual([{ code: 'no_area_fits', note: null }]);
    // The state reads why, in words, in its history.
    expect(v.history.at(-1)).toMatchObject({ to: 'in_review', actorRole: 'system', note: 'waiting for CTED triage: no_area_fits' });
    await t.db.db.execute(`update request_transitions set at = at - interval '9 days' where request_id = '${id}'`);
    const item = (await triage()).find((x) => x.requestId === id);
    expect(item.reasons.map((r: { code: string }) => r.code)).toEqual(['no_area_fits', 'waiting_too_long']);
    expect(item.ageDays).toBe(9);
    // CTED routes it to an entity of its choice: the engine's reason no longer holds, but with no
    // offering in sight it stays in view until one is attached, or CTED parks it.
    await post(`/v1/requests/${id}/route`, c.cted, { entity: 'UNODC', note: 'Ministry of Justice: criminal justice response' });
    expect((await triage()).find((x) => x.requestId === id)).toMatchObject({ status: 'routed', routedEntity: 'UNODC', reasons: [{ code: 'no_proposal', note: null }], ageDays: 0 });
    await post(`/v1/requests/${id}/park`, c.cted, { reason: 'UNODC looks for a criminal justice programme' });
    expect((await triage()).map((x) => x.requestId)).not.toContain(id);
    for (const key of [c.stateA, c.unodc, c.providerA]) expect((await t.call({ method: 'GET', url: '/v1/review/requests', key })).status).toBe(403);
  });

  it('one home for the areas: the SQL filter agrees with requestAreas() on every request', async () => {
    await file(c.stateA, { thematicAreas: ['maritime_security'] }, portRequest);
    const rows = await t.db.db.select().from(requests);
    const ref = await t.services.reference.get();
    for (const area of ref.areas.map((a) => a.code)) {
      const bySql = new Set((await t.db.db.select({ id: requests.id }).from(requests).where(and(requestHasAreaSql(area), eq(requests.memberState, requests.memberState)))).map((r) => r.id));
      const byJs = new Set(rows.filter((r) => requestAreas(r).includes(area)).map((r) => r.id));
      expect(bySql, area).toEqual(byJs);
    }
  });

  it('every status change recorded in this suite is in TRANSITIONS, and each request\'s status is its last recorded move', async () => {
    const moves = await t.db.db.execute(`select request_id, from_status, to_status from request_transitions order by request_id, at`) as unknown as { rows?: unknown[] } & unknown[];
    const list = ((moves as { rows?: unknown[] }).rows ?? moves) as { request_id: string; from_status: string | null; to_status: string }[];
    expect(list.length).toBeGreaterThan(30);
    const last = new Map<string, string>();
    for (const m of list) {
      if (m.from_status === null) expect(m.to_status).toBe(INITIAL_STATUS);
      else expect(canTransition(m.from_status as RequestStatus, m.to_status as RequestStatus), `${m.from_status} → ${m.to_status}`).toBe(true);
      last.set(m.request_id, m.to_status);
    }
    for (const r of await t.db.db.select({ id: requests.id, status: requests.status }).from(requests)) expect(r.status, r.id).toBe(last.get(r.id));
  });
});
