import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, decisionExamples, learnedModels, matches } from '../../db/schema/index.js';
import { castOf, criminalJusticeOffering as cjOffering, fiuOffering, fiuRequest, legalFrameworkOffering as legalOffering, twoPartsRequest as twoParts, vagueRequest as vague, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('what the engine decides, stored and shown; CTED merges and splits; decisions become examples; learning is applied only on purpose', () => {
  let t: TestApp;
  let c: Cast;
  const file = async (key: string, body: Record<string, unknown>) => {
    const res = await t.call({ method: 'POST', url: '/v1/requests', key, payload: body });
    expect(res.status).toBe(202);
    await t.drain();
    return res.body.id as string;
  };
  const view = async (id: string, key = c.cted) => (await t.call({ method: 'GET', url: `/v1/requests/${id}`, key })).body;
  const examples = async (requestId: string) => t.db.db.select().from(decisionExamples).where(eq(decisionExamples.requestId, requestId)).orderBy(decisionExamples.createdAt);

  beforeAll(async () => {
    t = await buildTestApp({ env: { AUTO_ROUTE_CONFIDENCE: '1' } });
    c = await castOf(t);
    await t.startWorkers();
    for (const body of [fiuOffering, cjOffering, legalOffering]) {
      expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.unodcProvider, payload: body })).status).toBe(201);
    }
    await t.drain();
  });
  afterAll(async () => { await t?.close(); });

  it('stores and shows the confidence of the area, the route and each match, and the route’s evidence', async () => {
    const id = await file(c.stateA, fiuRequest);
    const v = await view(id);
    expect(v.confidence).toEqual({ area: expect.any(Number), route: expect.any(Number) });
    expect(v.confidence.route).toBeGreaterThan(0);
    expect(v.engineRouting).toMatchObject({ entity: 'UNODC', area: 'terrorist_financing' });
    expect(v.triage).toBeNull();
    expect(v.matches[0].confidence).toBeGreaterThan(0);
    expect(v.matches[0].confidence).toBeLessThanOrEqual(1);
    expect(v.parts).toEqual([]);
    // The contract's fields are unchanged.
    expect(v.routing).toEqual({ entity: 'UNODC', reason: expect.any(String) });
  });

  it('sends a vague request to CTED’s triage with its reason and confidence, and routes it to nobody', async () => {
    const id = await file(c.stateB, vague);
    const v = await view(id);
    expect(v.triage).toEqual({ reason: 'no_area_fits', confidence: expect.any(Number), detail: expect.any(String) });
    expect(v.routing).toBeNull();
    expect(v.status).toBe('in_review');
    expect(v.matches).toEqual([]);
  });

  it('splits a request that asks for two things into parts, each with its area, entity and matches', async () => {
    const id = await file(c.stateA, twoParts);
    const v = await view(id);
    expect(v.parts.map((p: { thematicAreas: { code: string }[] }) => p.thematicAreas[0]!.code)).toEqual(['justice_reform', 'legal_framework']);
    for (const p of v.parts) {
      expect(p.routing.entity).toBe('UNODC');
      expect(p.matches.length).toBeGreaterThan(0);
      expect(p.confidence.route).toBeGreaterThan(0);
    }
  });

  it('splits a request whose further part is asked for in so many words ("The Government also requests"), and shows both parts', async () => {
    const id = await file(c.stateA, {
      title: 'Financial intelligence and counter-terrorism legislation', language: 'en', modalities: ['training'],
      description: 'Kenya requests training for analysts of its financial intelligence unit on suspicious transaction reports linked to the financing of terrorism. The Government also requests legislative assistance to revise its counter-terrorism law in line with the universal legal instruments against terrorism.',
    });
    const v = await view(id);
    expect(v.parts.map((p: { thematicAreas: { code: string }[] }) => p.thematicAreas[0]!.code)).toEqual(['terrorist_financing', 'legal_framework']);
    expect(v.parts[1].text).toMatch(/^The Government also requests/);
    for (const p of v.parts) {
      expect(p.routing.entity).toBe('UNODC');
      expect(p.matches.length).toBeGreaterThan(0);
    }
    // The request's own proposals take each part's best: both offerings are listed.
    expect(v.matches.map((m: { offeringId: string }) => m.offeringId)).toEqual(expect.arrayContaining(v.parts.map((p: { matches: { offeringId: string }[] }) => p.matches[0]!.offeringId)));
  });

  it('lets CTED merge a request into one part and split it again, re-matching with its parts, audited', async () => {
    const id = await file(c.stateA, twoParts);
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.stateA, payload: { parts: [twoParts.description] } })).status).toBe(403);
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.cted, payload: { parts: [] } })).status).toBe(400);
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.cted, payload: { parts: ['short'] } })).status).toBe(400);

    const merged = await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.cted, payload: { parts: [twoParts.description], note: 'one programme covers both' } });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id, ctedParts: [twoParts.description], rematching: true });
    await t.drain();
    let v = await view(id);
    expect(v.ctedParts).toEqual([twoParts.description]);
    expect(v.parts).toEqual([]);

    const split = ['Formation des enquêteurs et des procureurs au partage du renseignement et à sa judiciarisation dans les affaires de terrorisme.', 'Assistance législative pour réviser la loi nationale de lutte contre le terrorisme et ratifier les instruments internationaux.'];
    expect((await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.cted, payload: { parts: split } })).status).toBe(200);
    await t.drain();
    v = await view(id);
    expect(v.parts.map((p: { text: string }) => p.text)).toEqual(split);
    expect(v.parts.map((p: { thematicAreas: { code: string }[] }) => p.thematicAreas[0]!.code)).toEqual(['justice_reform', 'legal_framework']);

    expect((await t.call({ method: 'DELETE', url: `/v1/requests/${id}/parts`, key: c.cted })).body.ctedParts).toBeNull();
    await t.drain();
    expect((await view(id)).parts).toHaveLength(2);

    const audit = await t.db.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), sql`${auditEvents.action} like 'request.parts_%'`)).orderBy(auditEvents.createdAt);
    expect(audit.map((a) => a.action)).toEqual(['request.parts_merge', 'request.parts_split', 'request.parts_reset']);
    expect(audit[0]!.summary).toMatchObject({ after: { ctedParts: [twoParts.description] }, note: 'one programme covers both' });
    const rematch = await t.db.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, 'request.rematch')));
    // One re-match of the request's decision per CTED action (merge, split, reset); a list that changes
    // with it (an offering no longer proposed for the merged text) is audited beside it.
    expect(rematch.filter((r) => 'parts' in (r.summary as object)).length).toBe(3);
  });

  it('refuses to split a request that is no longer in review or routed', async () => {
    const id = await file(c.stateA, fiuRequest);
    await t.call({ method: 'POST', url: `/v1/requests/${id}/withdraw`, key: c.stateA, payload: {} });
    const res = await t.call({ method: 'PUT', url: `/v1/requests/${id}/parts`, key: c.cted, payload: { parts: [fiuRequest.description] } });
    expect(res.status).toBe(409);
  });

  it('keeps every CTED decision, hand-back and provider answer as a labelled example, in the decision’s transaction', async () => {
    // Approve: example with the engine's area, concept and entity.
    const a = await file(c.stateA, fiuRequest);
    const ma = (await view(a)).matches[0];
    expect((await t.call({ method: 'POST', url: `/v1/matches/${ma.id}/decision`, key: c.cted, payload: { decision: 'approve' } })).status).toBe(200);
    // The entity hands it back; then CTED reassigns the next request, rejects another.
    expect((await t.call({ method: 'POST', url: `/v1/requests/${a}/entity-action`, key: c.unodc, payload: { action: 'hand_back', note: 'IMF leads this FIU programme' } })).status).toBe(200);
    const exA = await examples(a);
    expect(exA.map((e) => e.kind)).toEqual(['cted_approve', 'entity_hand_back']);
    expect(exA[0]).toMatchObject({ offeringId: ma.offeringId, area: 'terrorist_financing', engineEntity: 'UNODC', decidedEntity: 'UNODC', score: expect.any(Number), rank: 1 });
    expect(exA[0]!.components).toMatchObject({ thematic: expect.any(Number) });
    expect(exA[1]).toMatchObject({ decidedEntity: 'UNODC', note: 'IMF leads this FIU programme' });

    const b = await file(c.stateA, fiuRequest);
    const mb = (await view(b)).matches[0];
    await t.call({ method: 'POST', url: `/v1/matches/${mb.id}/decision`, key: c.cted, payload: { decision: 'reassign', entity: 'IMF', note: 'IMF runs it' } });
    expect((await examples(b))[0]).toMatchObject({ kind: 'cted_reassign', decidedEntity: 'IMF', engineEntity: 'UNODC' });

    // Provider answers.
    const d = await file(c.stateA, fiuRequest);
    const md = (await view(d)).matches[0];
    await t.call({ method: 'POST', url: `/v1/matches/${md.id}/decision`, key: c.cted, payload: { decision: 'approve' } });
    expect((await t.call({ method: 'POST', url: `/v1/matches/${md.id}/response`, key: c.unodcProvider, payload: { decision: 'decline', reason: 'no_capacity' } })).status).toBe(200);
    expect((await examples(d)).map((e) => [e.kind, e.note])).toEqual([['cted_approve', null], ['provider_decline', 'no_capacity']]);

    // A refused decision leaves no example.
    const before = (await examples(d)).length;
    expect((await t.call({ method: 'POST', url: `/v1/matches/${md.id}/decision`, key: c.cted, payload: { decision: 'approve' } })).status).toBe(409);
    expect((await examples(d)).length).toBe(before);

    // Same transaction: when the example cannot be written, the decision is not made either.
    const e = await file(c.stateA, fiuRequest);
    const me = (await view(e)).matches[0];
    await t.db.db.execute(sql`alter table decision_examples add constraint test_refuse check (kind <> 'cted_reject') not valid`);
    try {
      const res = await t.call({ method: 'POST', url: `/v1/matches/${me.id}/decision`, key: c.cted, payload: { decision: 'reject', note: 'does not fit' } });
      expect(res.status).toBe(500);
    } finally {
      await t.db.db.execute(sql`alter table decision_examples drop constraint test_refuse`);
    }
    const [still] = await t.db.db.select().from(matches).where(eq(matches.id, me.id));
    expect(still!.status).toBe('proposed');
  });

  it('keeps CTED’s own choices from the triage as examples too: an offering it attaches, an entity it routes to', async () => {
    const id = await file(c.stateB, vague);
    const offeringId = (await view(await file(c.stateA, fiuRequest))).matches[0].offeringId;
    expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/attach`, key: c.cted, payload: { offeringId, entity: 'UNODC', note: 'the FIU programme fits their study' } })).status).toBe(200);
    const other = await file(c.stateB, vague);
    expect((await t.call({ method: 'POST', url: `/v1/requests/${other}/route`, key: c.cted, payload: { entity: 'CTED', note: 'an assessment visit first' } })).status).toBe(200);
    expect((await examples(id)).map((e) => [e.kind, e.offeringId, e.decidedEntity])).toEqual([['cted_approve', offeringId, 'UNODC']]);
    expect((await examples(other)).map((e) => [e.kind, e.decidedEntity, e.note])).toEqual([['cted_reassign', 'CTED', 'an assessment visit first']]);
  });

  it('changes nothing until a model is applied; apply and retire are audited with who and when', async () => {
    // CTED keeps reassigning FIU requests to IMF (most of its decisions on them): a routing correction.
    for (let i = 0; i < 8; i++) {
      const id = await file(c.stateB, fiuRequest);
      const m = (await view(id)).matches[0];
      await t.call({ method: 'POST', url: `/v1/matches/${m.id}/decision`, key: c.cted, payload: { decision: 'reassign', entity: 'IMF', note: 'IMF runs FIU mentoring here' } });
    }
    const fitted = await t.call({ method: 'POST', url: '/v1/admin/learning/models', key: ADMIN_KEY, payload: { note: 'test fit' } });
    expect(fitted.status).toBe(201);
    expect(fitted.body.status).toBe('candidate');
    expect(Object.values(fitted.body.routingCorrections)).toContain('IMF');
    const modelId = fitted.body.id as string;

    // Not applied: the engine still routes to UNODC.
    const before = await file(c.stateB, fiuRequest);
    expect((await view(before)).engineRouting).toMatchObject({ entity: 'UNODC' });
    expect((await t.services.matching.engine() as unknown as { learnedVersion: string | null }).learnedVersion).toBeNull();

    expect((await t.call({ method: 'POST', url: `/v1/admin/learning/models/${modelId}/apply`, key: c.cted, payload: {} })).status).toBe(403);
    const applied = await t.call({ method: 'POST', url: `/v1/admin/learning/models/${modelId}/apply`, key: ADMIN_KEY, payload: { note: 'reviewed the figures' } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ status: 'active', appliedBy: expect.any(String), appliedAt: expect.any(String) });
    expect((await t.call({ method: 'POST', url: `/v1/admin/learning/models/${modelId}/apply`, key: ADMIN_KEY, payload: {} })).status).toBe(409);

    const after = await file(c.stateB, fiuRequest);
    expect((await view(after)).engineRouting).toMatchObject({ entity: 'IMF', reason: 'learned_correction' });

    expect((await t.call({ method: 'POST', url: '/v1/admin/learning/retire', key: ADMIN_KEY, payload: {} })).body).toEqual({ retired: modelId });
    const back = await file(c.stateB, fiuRequest);
    expect((await view(back)).engineRouting).toMatchObject({ entity: 'UNODC' });

    const audit = await t.db.db.select().from(auditEvents).where(and(eq(auditEvents.targetType, 'learned_model'), eq(auditEvents.targetId, modelId))).orderBy(auditEvents.createdAt);
    expect(audit.map((a) => a.action)).toEqual(['learning.model_fit', 'learning.model_apply', 'learning.model_retire']);
    expect(audit[1]!.summary).toMatchObject({ before: { active: null }, after: { active: modelId }, note: 'reviewed the figures' });
    const [row] = await t.db.db.select().from(learnedModels).where(eq(learnedModels.id, modelId));
    expect(row).toMatchObject({ status: 'retired', appliedBy: expect.any(String) });
    const summary = (await t.call({ method: 'GET', url: '/v1/admin/learning/examples', key: ADMIN_KEY })).body;
    expect(summary.byKind.cted_reassign).toBeGreaterThanOrEqual(3);
  });

  it('takes offerings in several languages and matches a request in any of them', async () => {
    const zhRequest = { title: '加强金融情报机构', description: '我国金融情报机构收到的可疑交易报告很少。请求为金融情报机构分析人员提供关于资助恐怖主义类型的培训。', language: 'zh', modalities: ['training'] };
    const zh = { language: 'zh', title: '金融情报机构分析人员资助恐怖主义培训', description: '为金融情报机构分析人员提供为期两周的可疑交易报告和资助恐怖主义类型培训，并提供后续指导。' };
    expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, translations: [zh, { ...zh }] } })).status).toBe(400);
    const created = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, title: 'FIU analysts: terrorist financing course', translations: [zh] } });
    expect(created.status).toBe(201);
    expect(created.body.translations).toEqual([zh]);
    const plain = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerB, payload: { ...fiuOffering, title: 'FIU analysts: terrorist financing programme' } });
    await t.drain();
    const id = await file(c.stateA, zhRequest);
    const ms = (await view(id)).matches;
    const withZh = ms.find((m: { offeringId: string }) => m.offeringId === created.body.id);
    const without = ms.find((m: { offeringId: string }) => m.offeringId === plain.body.id);
    expect(withZh.explanation.components.text).toBeGreaterThan(without?.explanation.components.text ?? 0);
    expect(withZh.score).toBeGreaterThan(without?.score ?? 0);

    const patched = await t.call({ method: 'PATCH', url: `/v1/offerings/${created.body.id}`, key: c.providerA, payload: { translations: [] } });
    expect(patched.body.translations).toEqual([]);
  });

  it('imports translations from CSV columns and IATI narratives', async () => {
    const csv = 'title,description,languages,externalRef,title_ru,description_ru\nMaritime security workshop,National workshop on the ISPS Code and port facility security plans.,en;ru,m-1,Семинар по охране на море,Национальный семинар по Кодексу ОСПС и планам охраны портовых средств.\n';
    const res = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.status).toBe(201);
    const o = (await t.call({ method: 'GET', url: `/v1/offerings/${res.body.ids[0]}`, key: c.providerA })).body;
    expect(o.translations).toEqual([{ language: 'ru', title: 'Семинар по охране на море', description: 'Национальный семинар по Кодексу ОСПС и планам охраны портовых средств.' }]);
    const bad = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, headers: { 'content-type': 'text/csv' }, payload: 'title,description,languages,title_ru\nA title,A long enough description,en,Название\n' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual({ path: 'rows.1.description_ru', message: 'description_ru is required with title_ru' });
  });

  it('links a provider to its entity: set, clear, validated, audited; and suggests the entity from the name', async () => {
    const created = await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name: 'Office des Nations Unies contre la drogue et le crime (ONUDC), Sahel', kind: 'task_force_entity' } });
    const id = created.body.id as string;
    expect((await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name: 'Nobody', kind: 'task_force_entity', entity: 'NOPE' } })).status).toBe(400);
    expect((await t.call({ method: 'GET', url: `/v1/providers/${id}/entity-suggestion`, key: ADMIN_KEY })).body).toMatchObject({ providerId: id, current: null, suggestion: { entity: 'UNODC' } });
    expect((await t.call({ method: 'GET', url: `/v1/providers/${c.providerAId}/entity-suggestion`, key: ADMIN_KEY })).body.suggestion).toBeNull();
    expect((await t.call({ method: 'PATCH', url: `/v1/providers/${id}`, key: ADMIN_KEY, payload: { entity: 'UNODC' } })).body).toMatchObject({ id, entity: 'UNODC' });
    expect((await t.call({ method: 'PATCH', url: `/v1/providers/${id}`, key: ADMIN_KEY, payload: { entity: 'NOPE' } })).status).toBe(400);
    expect((await t.call({ method: 'PATCH', url: `/v1/providers/${c.providerAId}`, key: ADMIN_KEY, payload: { entity: 'UNODC' } })).status).toBe(400);
    expect((await t.call({ method: 'PATCH', url: `/v1/providers/${id}`, key: ADMIN_KEY, payload: {} })).status).toBe(400);
    expect((await t.call({ method: 'PATCH', url: '/v1/providers/00000000-0000-4000-8000-000000000000', key: ADMIN_KEY, payload: { entity: null } })).status).toBe(404);
    expect((await t.call({ method: 'PATCH', url: `/v1/providers/${id}`, key: ADMIN_KEY, payload: { entity: null } })).body.entity).toBeNull();
    const audit = await t.db.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, 'provider.update'))).orderBy(auditEvents.createdAt);
    expect(audit.map((a) => a.summary)).toEqual([
      { before: { entity: null, kind: 'task_force_entity', name: expect.any(String) }, after: { entity: 'UNODC', kind: 'task_force_entity', name: expect.any(String) } },
      { before: { entity: 'UNODC', kind: 'task_force_entity', name: expect.any(String) }, after: { entity: null, kind: 'task_force_entity', name: expect.any(String) } },
    ]);
  });
});
