import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/plugins/auth.plugin.js';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { count, rows } from '../helpers/rows.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('intake: requests, offerings, needs, roles', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  describe('POST /v1/requests', () => {
    it('files a request (202) and keeps it with its status history and audit', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.any(String), status: 'submitted' });
      const view = await t.call({ method: 'GET', url: `/v1/requests/${res.body.id}`, key: c.stateA });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ id: res.body.id, memberState: 'SEN', status: 'submitted', language: 'en', matchedAt: null, routing: null, matches: [] });
      const outbox = await rows<{ topic: string }>(t, `select topic from outbox where payload->>'requestId' = $1`, [res.body.id]);
      expect(outbox.map((r) => r.topic)).toEqual(['request.submitted']);
      const audit = await rows<{ action: string; actor_role: string }>(t, 'select action, actor_role from audit_events where target_id = $1', [res.body.id]);
      expect(audit).toEqual([{ action: 'request.submit', actor_role: 'member_state' }]);
    });

    it('carries the HTTP request id into the outbox event (and so into the job logs)', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers: { 'x-request-id': 'trace-abc-123' }, payload: fiuRequest });
      expect(res.headers['x-request-id']).toBe('trace-abc-123');
      const events = await rows<{ request_id: string | null }>(t, `select request_id from outbox where payload->>'requestId' = $1`, [res.body.id]);
      expect(events).toEqual([{ request_id: 'trace-abc-123' }]);
    });

    it('detects the language when omitted', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: '加强金融情报机构', description: '我国金融情报机构收到的可疑交易报告很少，请求提供关于资助恐怖主义的培训。' } });
      const view = await t.call({ method: 'GET', url: `/v1/requests/${res.body.id}`, key: c.stateA });
      expect(view.body.language).toBe('zh');
      const fr = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'Renforcer la cellule de renseignement financier', description: 'Notre cellule de renseignement financier reçoit peu de déclarations de soupçon. Nous demandons une formation sur le financement du terrorisme.' } });
      expect((await t.call({ method: 'GET', url: `/v1/requests/${fr.body.id}`, key: c.stateA })).body.language).toBe('fr');
    });

    it('returns the same request for the same Idempotency-Key and body, 409 for another body', async () => {
      const headers = { 'idempotency-key': 'sen-2026-11-29-001' };
      const a = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers, payload: fiuRequest });
      const b = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers, payload: fiuRequest });
      expect(a.status).toBe(202);
      expect(b.status).toBe(202);
      expect(b.body.id).toBe(a.body.id);
      expect(await count(t, 'select count(*)::int as n from idempotency_keys where key = $1', ['sen-2026-11-29-001'])).toBe(1);
      const other = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers, payload: { ...fiuRequest, title: 'Something else entirely' } });
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('idempotency_key_reused');
      // The same key from another state is another request.
      const otherState = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, headers, payload: fiuRequest });
      expect(otherState.status).toBe(202);
      expect(otherState.body.id).not.toBe(a.body.id);
    });

    it('creates one request when the same key races', async () => {
      const headers = { 'idempotency-key': 'race-1' };
      const all = await Promise.all(Array.from({ length: 8 }, () => t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, headers, payload: fiuRequest })));
      expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
      expect(all.every((r) => r.status === 202)).toBe(true);
    });

    it('keeps every request of a burst, each with its own transition, audit record and outbox event', async () => {
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) => t.call({ method: 'POST', url: '/v1/requests', key: i % 2 ? c.stateA : c.stateB, payload: { ...fiuRequest, title: `Burst request ${i}` } })));
      expect(all.every((r) => r.status === 202)).toBe(true);
      const ids = all.map((r) => r.body.id as string);
      expect(new Set(ids).size).toBe(40);
      const list = ids.map((id) => `'${id}'`).join(',');
      expect(await count(t, `select count(*)::int as n from request_transitions where request_id in (${list}) and to_status = 'submitted'`)).toBe(40);
      expect(await count(t, `select count(*)::int as n from audit_events where action = 'request.submit' and target_id in (${list})`)).toBe(40);
      expect(await count(t, `select count(*)::int as n from outbox where topic = 'request.submitted' and payload->>'requestId' in (${list})`)).toBe(40);
      // Each answer names the request its own body created.
      const stored = await rows<{ id: string; title: string; member_state: string }>(t, `select id::text, title, member_state from requests where id in (${list})`);
      const byId = new Map(stored.map((r) => [r.id, r]));
      ids.forEach((id, i) => expect(byId.get(id)).toMatchObject({ title: `Burst request ${i}`, member_state: i % 2 ? 'SEN' : 'KEN' }));
    });

    it('refuses the NUL character in free text with a 400, and stores a lone surrogate as U+FFFD', async () => {
      const nul = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Financial\u0000intelligence' } });
      expect(nul.status).toBe(400);
      expect(nul.body.error.details).toEqual([{ path: 'title', message: 'must not contain the NUL character' }]);
      const lone = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, title: 'Financial \ud800 intelligence' } });
      expect(lone.status).toBe(202);
      const view = await t.call({ method: 'GET', url: `/v1/requests/${lone.body.id}`, key: c.stateA });
      expect(view.body.title).toBe('Financial \ufffd intelligence');
    });

    it('lists every bad field in details and rejects unknown fields', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { title: 'x', description: 'short', language: 'de', urgency: 'urgent', extra: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['title', 'description', 'language', 'urgency', 'extra']));
    });

    it('rejects unknown thematic areas with a useful message', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, thematicAreas: ['terrorist_financing', 'astrology'] } });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'thematicAreas.1', message: expect.stringContaining('astrology') }]);
    });

    it('answers 413 past 256 KiB and 415 for a wrong content type, in the error shape', async () => {
      const big = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, description: 'a'.repeat(300 * 1024) } });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('payload_too_large');
      const wrong = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
      expect(wrong.status).toBe(415);
      expect(wrong.body.error.code).toBe('unsupported_media_type');
      const notJson = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers: { 'content-type': 'application/json' }, payload: '{"title": ' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.code).toBe('validation_failed');
    });

    it('is refused to every role but member_state', async () => {
      for (const key of [c.cted, c.unodc, c.providerA, c.admin]) {
        const res = await t.call({ method: 'POST', url: '/v1/requests', key, payload: fiuRequest });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect((await t.call({ method: 'POST', url: '/v1/requests', payload: fiuRequest })).status).toBe(401);
    });
  });

  describe('visibility of requests', () => {
    let restricted: string; let taskForce: string; let publicReq: string;
    beforeAll(async () => {
      restricted = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, confidentiality: 'restricted' } })).body.id;
      taskForce = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, confidentiality: 'task_force' } })).body.id;
      publicReq = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, confidentiality: 'public' } })).body.id;
    });

    it('state B can neither read, list nor withdraw state A\'s request (404, nothing leaked)', async () => {
      for (const id of [restricted, taskForce, publicReq]) {
        const read = await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateB });
        expect(read.status).toBe(404);
        expect(JSON.stringify(read.body)).not.toContain('financial');
        expect((await t.call({ method: 'POST', url: `/v1/requests/${id}/withdraw`, key: c.stateB, payload: {} })).status).toBe(404);
      }
      const list = await t.call({ method: 'GET', url: '/v1/requests', key: c.stateB });
      expect(list.status).toBe(200);
      expect(list.body.items.every((r: { memberState: string }) => r.memberState === 'KEN')).toBe(true);
      const sneaky = await t.call({ method: 'GET', url: '/v1/requests?memberState=SEN', key: c.stateB });
      expect(sneaky.body.items.every((r: { memberState: string }) => r.memberState === 'KEN')).toBe(true);
    });

    it('a provider never sees a restricted request, and a task_force one only when matched', async () => {
      expect((await t.call({ method: 'GET', url: `/v1/requests/${restricted}`, key: c.providerA })).status).toBe(404);
      expect((await t.call({ method: 'GET', url: `/v1/requests/${taskForce}`, key: c.providerA })).status).toBe(404);
      expect((await t.call({ method: 'GET', url: `/v1/requests/${publicReq}`, key: c.providerA })).status).toBe(200);
      expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.providerA })).status).toBe(403);
    });

    it('a provider loses sight of a public request when the state withdraws consent', async () => {
      const res = await t.call({ method: 'PUT', url: `/v1/requests/${publicReq}/consent`, key: c.stateA, payload: { consentToShare: false } });
      expect(res.status).toBe(200);
      expect((await t.call({ method: 'GET', url: `/v1/requests/${publicReq}`, key: c.providerA })).status).toBe(404);
      await t.call({ method: 'PUT', url: `/v1/requests/${publicReq}/consent`, key: c.stateA, payload: { consentToShare: true } });
      expect((await t.call({ method: 'GET', url: `/v1/requests/${publicReq}`, key: c.providerA })).status).toBe(200);
    });

    it('Task Force entities see task_force requests but not restricted ones they are not routed', async () => {
      expect((await t.call({ method: 'GET', url: `/v1/requests/${taskForce}`, key: c.icao })).status).toBe(200);
      expect((await t.call({ method: 'GET', url: `/v1/requests/${restricted}`, key: c.icao })).status).toBe(404);
    });

    it('CTED and admin see everything', async () => {
      for (const key of [c.cted, c.admin]) expect((await t.call({ method: 'GET', url: `/v1/requests/${restricted}`, key })).status).toBe(200);
    });

    it('unknown and malformed ids are 404 / 400', async () => {
      expect((await t.call({ method: 'GET', url: '/v1/requests/00000000-0000-4000-8000-000000000000', key: c.stateA })).status).toBe(404);
      expect((await t.call({ method: 'GET', url: '/v1/requests/not-a-uuid', key: c.stateA })).status).toBe(400);
    });
  });

  describe('lifecycle', () => {
    it('withdraws once; a withdrawn request cannot be withdrawn or completed again', async () => {
      const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).body.id;
      const w = await t.call({ method: 'POST', url: `/v1/requests/${id}/withdraw`, key: c.stateA, payload: { reason: 'filed twice' } });
      expect(w.status).toBe(200);
      expect(w.body.status).toBe('withdrawn');
      const again = await t.call({ method: 'POST', url: `/v1/requests/${id}/withdraw`, key: c.stateA, payload: {} });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('invalid_transition');
      const fb = await t.call({ method: 'POST', url: `/v1/requests/${id}/feedback`, key: c.stateA, payload: { outcome: 'met' } });
      expect(fb.status).toBe(409);
      const hist = await rows<{ from_status: string | null; to_status: string }>(t, 'select from_status, to_status from request_transitions where request_id = $1 order by at', [id]);
      expect(hist.map((h) => [h.from_status, h.to_status])).toEqual([[null, 'submitted'], ['submitted', 'withdrawn']]);
    });
  });

  describe('offerings', () => {
    it('a provider registers its own offering; areas are inferred; freshness is reported', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ providerId: c.providerAId, status: 'open', proposable: true, thematicAreasInferred: true, language: 'en' });
      expect(res.body.thematicAreas).toContain('terrorist_financing');
    });

    it('an admin must name the provider; a provider cannot act for another', async () => {
      expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.admin, payload: fiuOffering })).status).toBe(400);
      expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.admin, payload: { ...fiuOffering, providerId: c.providerBId } })).status).toBe(201);
      expect((await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, providerId: c.providerBId } })).status).toBe(403);
      for (const key of [c.stateA, c.cted, c.unodc]) expect((await t.call({ method: 'POST', url: '/v1/offerings', key, payload: fiuOffering })).status).toBe(403);
    });

    it('a key bound to one provider cannot edit, close or confirm another\'s offering', async () => {
      const mine = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerB, payload: fiuOffering })).body.id;
      for (const [method, url, payload] of [['PATCH', `/v1/offerings/${mine}`, { title: 'Hijacked title here' }], ['POST', `/v1/offerings/${mine}/close`, undefined], ['POST', `/v1/offerings/${mine}/confirm`, undefined]] as const) {
        const res = await t.call({ method, url, key: c.providerA, payload });
        expect(res.status, `${method} ${url}`).toBe(404);
      }
      const ok = await t.call({ method: 'PATCH', url: `/v1/offerings/${mine}`, key: c.providerB, payload: { title: 'FIU analyst training (2027 edition)' } });
      expect(ok.status).toBe(200);
      expect(ok.body.title).toBe('FIU analyst training (2027 edition)');
    });

    it('validates eligibility codes and dates', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, eligibility: { regions: ['999'], countries: ['XXX'] }, availableFrom: '2027-01-01', availableUntil: '2026-01-01' } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['availableUntil', 'eligibility.countries.0', 'eligibility.regions.0']);
    });

    it('an expired or closed offering is not proposable; confirming resets freshness', async () => {
      const expired = await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: { ...fiuOffering, availableUntil: '2020-01-01T00:00:00Z' } });
      expect(expired.body.proposable).toBe(false);
      const id = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).body.id;
      await t.db.db.execute(`update offerings set last_confirmed_at = now() - interval '200 days' where id = '${id}'`);
      expect((await t.call({ method: 'GET', url: `/v1/offerings/${id}`, key: c.providerA })).body.proposable).toBe(false);
      const confirmed = await t.call({ method: 'POST', url: `/v1/offerings/${id}/confirm`, key: c.providerA });
      expect(confirmed.body.proposable).toBe(true);
      const closed = await t.call({ method: 'POST', url: `/v1/offerings/${id}/close`, key: c.providerA });
      expect(closed.body).toMatchObject({ status: 'closed', proposable: false });
    });

    it('bulk JSON is all-or-nothing with per-row errors', async () => {
      const before = (await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerB })).body.items.length;
      const bad = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerB, payload: [fiuOffering, { ...fiuOffering, languages: [] }, { ...fiuOffering, eligibility: { countries: ['ZZZ'] } }] });
      expect(bad.status).toBe(400);
      const paths = bad.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['rows.2.languages', 'rows.3.eligibility.countries.0']));
      expect((await t.call({ method: 'GET', url: '/v1/offerings?limit=200', key: c.providerB })).body.items.length).toBe(before);
      const good = await t.call({ method: 'POST', url: '/v1/offerings/bulk', key: c.providerB, payload: [fiuOffering, { ...fiuOffering, title: 'Second FIU course' }] });
      expect(good.status).toBe(201);
      expect(good.body).toMatchObject({ created: 2, updated: 0 });
    });
  });

  describe('needs', () => {
    it('answers 400, not 500, for text the database cannot store in a field without its own check', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'SEN', description: 'Strengthen the FIU\u0000 reporting by banks is weak.', priority: 'high' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body', message: 'must not contain the NUL character' }] });
    });

    it('CTED records a need (201 with inferred areas); states and providers cannot', async () => {
      const res = await t.call({ method: 'POST', url: '/v1/needs', key: c.cted, payload: { memberState: 'SEN', description: 'Strengthen the FIU: suspicious transaction reporting by banks is weak.', priority: 'high' } });
      expect(res.status).toBe(201);
      expect(res.body.thematicAreas).toContain('terrorist_financing');
      for (const key of [c.stateA, c.providerA, c.unodc]) {
        expect((await t.call({ method: 'POST', url: '/v1/needs', key, payload: { memberState: 'SEN', description: 'Anything at all here', priority: 'low' } })).status).toBe(403);
      }
      const own = await t.call({ method: 'GET', url: '/v1/needs', key: c.stateA });
      expect(own.body.items.every((n: { memberState: string }) => n.memberState === 'SEN')).toBe(true);
      const other = await t.call({ method: 'GET', url: '/v1/needs', key: c.stateB });
      expect(other.body.items.some((n: { memberState: string }) => n.memberState === 'SEN')).toBe(false);
    });
  });

  describe('admin', () => {
    it('keys are shown once, stored hashed, bound as the role needs, revocable', async () => {
      const bad = await t.call({ method: 'POST', url: '/v1/api-keys', key: c.admin, payload: { role: 'member_state', label: 'no state' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('memberState');
      const created = await t.call({ method: 'POST', url: '/v1/api-keys', key: c.admin, payload: { role: 'member_state', label: 'Ghana focal point', memberState: 'GHA' } });
      expect(created.status).toBe(201);
      expect(created.body.key.length).toBeGreaterThanOrEqual(43);
      const stored = await rows<{ key_hash: string }>(t, 'select key_hash from api_keys where id = $1', [created.body.id]);
      expect(stored).toEqual([{ key_hash: hashApiKey(created.body.key) }]);
      const list = await t.call({ method: 'GET', url: '/v1/api-keys', key: c.admin });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      expect((await t.call({ method: 'GET', url: '/v1/requests', key: created.body.key })).status).toBe(200);
      expect((await t.call({ method: 'DELETE', url: `/v1/api-keys/${created.body.id}`, key: c.admin })).status).toBe(204);
      expect((await t.call({ method: 'GET', url: '/v1/requests', key: created.body.key })).status).toBe(401);
      for (const key of [c.cted, c.stateA, c.providerA]) expect((await t.call({ method: 'POST', url: '/v1/api-keys', key, payload: { role: 'cted', label: 'x' } })).status).toBe(403);
    });
  });
});
