import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { routedRequestWithProviders } from '../helpers/conversation.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('the conversation on a request', () => {
  let t: TestApp;
  let c: Cast;
  let id: string;
  const msgs = (key: string) => t.call({ method: 'GET', url: `/v1/requests/${id}/messages`, key });
  const post = (key: string, payload: Record<string, unknown>) => t.call({ method: 'POST', url: `/v1/requests/${id}/messages`, key, payload });

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    ({ id } = await routedRequestWithProviders(t, c));
  });
  afterAll(async () => { await t?.close(); });

  it('has as participants the state, CTED, the routed entity and the providers its offerings reached', async () => {
    const th = await msgs(c.stateA);
    expect(th.status).toBe(200);
    expect(th.body.participants).toEqual(['state:SEN', 'cted', 'entity:UNODC', ...[`provider:${c.providerAId}`, `provider:${c.providerBId}`].sort()]);
    expect(th.body.you).toMatchObject({ party: 'state:SEN', side: 'state', mayPost: ['shared'] });
    expect((await msgs(c.cted)).body.you.mayPost).toEqual(['shared', 'internal']);
    // Another state: 404 (it may not know the request exists); an entity that is not routed: 403.
    expect((await msgs(c.stateB)).status).toBe(404);
    expect((await msgs(c.icao)).status).toBe(403);
    expect((await msgs(c.unodcProvider)).status).toBe(404);
  });

  it('requires the visibility to be chosen, and lets a state post only shared messages', async () => {
    const none = await post(c.cted, { body: 'Which ministry leads?' });
    expect(none.status).toBe(400);
    expect(none.body.error.details.map((d: { path: string }) => d.path)).toContain('visibility');
    expect((await post(c.stateA, { visibility: 'internal', body: 'Private to the UN?' })).status).toBe(403);
    expect((await post(c.providerA, { visibility: 'internal', body: 'Private to the UN?' })).status).toBe(403);
  });

  it('keeps internal messages from the state and providers, and providers from each other\'s exchanges', async () => {
    const internal = await post(c.cted, { visibility: 'internal', body: 'UNODC: is the FIU in the 2025 assessment? It was flagged as weak.', addressee: 'entity' });
    expect(internal.status).toBe(201);
    expect(internal.body).toMatchObject({ visibility: 'internal', addressee: 'entity:UNODC', question: { answered: false }, author: { party: 'cted', role: 'cted' } });
    const shared = await post(c.cted, { visibility: 'shared', body: 'Could you tell us how many analysts the unit has?', addressee: 'state' });
    expect(shared.status).toBe(201);
    const toA = await post(c.stateA, { visibility: 'shared', body: 'Norway: can the course be given in French?', addressee: `provider:${c.providerAId}` });
    expect(toA.status).toBe(201);
    const fromA = await post(c.providerA, { visibility: 'shared', body: 'Yes, we deliver it in French in Dakar.', answers: toA.body.id });
    expect(fromA.status).toBe(201);
    expect(fromA.body.answers).toBe(toA.body.id);

    const ids = async (key: string) => (await msgs(key)).body.items.map((m: { id: string }) => m.id);
    expect(await ids(c.cted)).toEqual([internal.body.id, shared.body.id, toA.body.id, fromA.body.id]);
    expect(await ids(c.unodc)).toEqual([internal.body.id, shared.body.id, toA.body.id, fromA.body.id]);
    expect(await ids(c.stateA)).toEqual([shared.body.id, toA.body.id, fromA.body.id]);
    expect(await ids(c.providerA)).toEqual([shared.body.id, toA.body.id, fromA.body.id]);
    expect(await ids(c.providerB)).toEqual([shared.body.id]);
    // The question to Norway is answered by Norway's reply.
    const q = (await msgs(c.stateA)).body.items.find((m: { id: string }) => m.id === toA.body.id);
    expect(q.question).toMatchObject({ answered: true, answerId: fromA.body.id, answeredBy: { party: `provider:${c.providerAId}` } });
    // An internal message cannot be addressed to the state; nor to a provider.
    expect((await post(c.cted, { visibility: 'internal', body: 'Hidden question', addressee: 'state' })).status).toBe(400);
    expect((await post(c.cted, { visibility: 'internal', body: 'Hidden question', addressee: `provider:${c.providerAId}` })).status).toBe(400);
    // Reading a message outside one's reach is a 404.
    expect((await t.call({ method: 'PATCH', url: `/v1/requests/${id}/messages/${internal.body.id}`, key: c.stateA, payload: { body: 'x' } })).status).toBe(404);
  });

  it('marks questions answered by their addressee, never by a bystander, and only once', async () => {
    const q = await post(c.cted, { visibility: 'shared', body: 'Does the unit have a case management system?', addressee: 'state' });
    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/messages/${q.body.id}/answered`, key: c.providerA, payload: {} })).status).toBe(403);
    const a = await post(c.stateA, { visibility: 'shared', body: 'Not yet; we use spreadsheets.' });
    const done = await t.call({ method: 'POST', url: `/v1/requests/${id}/messages/${q.body.id}/answered`, key: c.stateA, payload: { answerId: a.body.id } });
    expect(done.status).toBe(200);
    expect(done.body.question).toMatchObject({ answered: true, answerId: a.body.id, answeredBy: { party: 'state:SEN' } });
    const again = await t.call({ method: 'POST', url: `/v1/requests/${id}/messages/${q.body.id}/answered`, key: c.cted, payload: {} });
    expect(again.status).toBe(409);
  });

  it('keeps every earlier text of an edited message, shown to whoever may read it; only the author edits', async () => {
    const m = await post(c.stateA, { visibility: 'shared', body: 'We have 12 analysts.' });
    expect((await t.call({ method: 'PATCH', url: `/v1/requests/${id}/messages/${m.body.id}`, key: c.cted, payload: { body: 'We have 1 analyst.' } })).status).toBe(403);
    const e = await t.call({ method: 'PATCH', url: `/v1/requests/${id}/messages/${m.body.id}`, key: c.stateA, payload: { body: 'We have 14 analysts.' } });
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ body: 'We have 14 analysts.', revision: 2, earlier: [{ revision: 1, body: 'We have 12 analysts.' }] });
    expect(e.body.editedAt).not.toBeNull();
    const seen = (await msgs(c.providerA)).body.items.find((x: { id: string }) => x.id === m.body.id);
    expect(seen.earlier.map((r: { body: string }) => r.body)).toEqual(['We have 12 analysts.']);
  });

  it('writes each message with its audit record and outbox events that say whom it concerns, without its text', async () => {
    const q = await post(c.cted, { visibility: 'internal', body: 'Secret budget figure: 40000 USD', addressee: 'entity' });
    const events = await t.db.query<{ topic: string; payload: Record<string, unknown> }>(`select topic, payload from outbox where payload->>'messageId' = $1 or payload->>'questionId' = $1 order by created_at`, [q.body.id]);
    expect(events.map((e) => e.topic)).toEqual(['message.posted', 'question.asked']);
    expect(events[1].payload).toMatchObject({ requestId: id, visibility: 'internal', addressee: 'entity:UNODC', askedBy: 'cted', concerns: ['cted', 'entity:UNODC'] });
    for (const e of events) expect(JSON.stringify(e.payload)).not.toContain('40000');
    const audit = await t.db.query<{ action: string }>(`select action from audit_events where target_id = $1 order by created_at`, [q.body.id]);
    expect(audit.map((a) => a.action)).toEqual(['message.post', 'question.ask']);
    await t.call({ method: 'POST', url: `/v1/requests/${id}/messages/${q.body.id}/answered`, key: c.unodc, payload: {} });
    const [answered] = await t.db.query<{ payload: Record<string, unknown> }>(`select payload from outbox where topic = 'question.answered' and payload->>'questionId' = $1`, [q.body.id]);
    expect(answered.payload).toMatchObject({ answeredBy: 'entity:UNODC', askedBy: 'cted', visibility: 'internal' });
  });

  it('puts messages, questions and answers in the request\'s timeline, as the reader may see them', async () => {
    const cted = (await t.call({ method: 'GET', url: `/v1/requests/${id}/timeline`, key: c.cted })).body.items;
    const state = (await t.call({ method: 'GET', url: `/v1/requests/${id}/timeline`, key: c.stateA })).body.items;
    expect(cted.map((x: { type: string }) => x.type)).toEqual(expect.arrayContaining(['status', 'message', 'question', 'answered', 'edited']));
    expect(state.some((x: { visibility?: string }) => x.visibility === 'internal')).toBe(false);
    expect(cted.some((x: { visibility?: string }) => x.visibility === 'internal')).toBe(true);
    const ats = cted.map((x: { at: string }) => x.at);
    expect([...ats].sort()).toEqual(ats);
  });

  it('lets CTED search every conversation in any language, with stems and accents folded', async () => {
    await post(c.stateA, { visibility: 'shared', body: 'Nos analystes ont besoin de formations sur les déclarations de soupçon.' });
    await post(c.cted, { visibility: 'internal', body: 'تدريب المحللين على تمويل الإرهابيين' });
    await post(c.cted, { visibility: 'internal', body: 'Нужно обучение аналитиков подразделения финансовой разведки' });
    await post(c.cted, { visibility: 'shared', body: '请提供金融情报分析培训' });
    const search = async (q: string) => (await t.call({ method: 'GET', url: `/v1/messages/search?q=${encodeURIComponent(q)}`, key: c.cted })).body;
    expect((await search('formation declaration')).items.map((x: { message: { body: string } }) => x.message.body)).toEqual(['Nos analystes ont besoin de formations sur les déclarations de soupçon.']);
    expect((await search('الإرهاب')).items).toHaveLength(1);
    expect((await search('аналитик')).items).toHaveLength(1);
    expect((await search('情报分析')).items).toHaveLength(1);
    const spreadsheets = await search('spreadsheet');
    expect(spreadsheets.items[0]).toMatchObject({ request: { id, memberState: 'SEN' } });
    // Earlier texts stay findable.
    expect((await search('12 analysts')).items).toHaveLength(1);
    expect((await search('zzzunknownword')).items).toEqual([]);
    expect((await t.call({ method: 'GET', url: '/v1/messages/search?q=training', key: c.stateA })).status).toBe(403);
  });
});
