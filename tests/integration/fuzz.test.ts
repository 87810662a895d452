import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, webSession, type WebSession } from '../helpers/web-session.js';
import { docxWith, makeZip, multipart } from '../helpers/zip.js';

const Z = '00000000-0000-4000-8000-000000000000';
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

/** Anything JSON can hold, plus shapes close to the real bodies, hostile strings and deep nesting. */
const hostile = fc.constantFrom(
  "'; drop table requests; --", '<script>alert(1)</script>', '\u0000', '\ud800', '𝕏'.repeat(50), 'a'.repeat(20_000),
  '{{7*7}}', '${process.exit()}', '../../etc/passwd', 'SEN', 'UNODC', 'terrorist_financing', '2026-13-45', '-1', 'NaN',
);
const scalar = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), hostile);
const deep = fc.integer({ min: 50, max: 400 }).map((n) => { let v: unknown = 'x'; for (let i = 0; i < n; i++) v = { v }; return v; });
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), deep, fc.array(scalar, { maxLength: 20 }));
function nearBody(base: Record<string, unknown>) {
  const keys = [...Object.keys(base), 'language', 'thematicAreas', 'modalities', 'urgency', 'confidentiality', 'eligibility', 'budget', 'capacity', 'availableUntil', 'providerId', 'memberState', 'priority', 'decision', 'entity', 'note', 'extra'];
  return fc.dictionary(fc.constantFrom(...keys), fc.oneof(scalar, fc.array(scalar, { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 10 }), scalar, { maxKeys: 3 }))).map((d) => ({ ...base, ...d }));
}

/** Any string as a percent-encoded URL part (its UTF-8 bytes, lone surrogates included as U+FFFD). */
const pathSegment = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

function assertShape(status: number, body: any, what: string) {
  expect(status, `${what}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
  if (status >= 400) {
    expect(body?.error, what).toBeDefined();
    expect(typeof body.error.code, what).toBe('string');
    expect(typeof body.error.message, what).toBe('string');
    expect(Array.isArray(body.error.details), what).toBe(true);
  }
}

describe('fuzzing every write endpoint', () => {
  let t: TestApp;
  let c: Cast;
  let requestId: string;
  let offeringId: string;
  let messageId: string;
  let questionId: string;
  let attachmentId: string;
  let pendingOrgId: string;
  let entityOrgId: string;
  const registration = { organisationName: 'Fuzz Fund', kind: 'ngo', contactName: 'Fuzz Person', contactEmail: 'fuzz@example.org', country: 'NOR', website: 'https://fuzz.example.org' };
  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    requestId = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).body.id;
    offeringId = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).body.id;
    messageId = (await t.call({ method: 'POST', url: `/v1/requests/${requestId}/messages`, key: c.cted, payload: { visibility: 'internal', body: 'A note for the file.' } })).body.id;
    questionId = (await t.call({ method: 'POST', url: `/v1/requests/${requestId}/messages`, key: c.cted, payload: { visibility: 'shared', body: 'How many analysts?', addressee: 'state' } })).body.id;
    const pdf = multipart({ purpose: 'request_letter' }, [{ name: 'letter.pdf', data: readFileSync(new URL('../fixtures/attachments/letter-fr.pdf', import.meta.url)) }]);
    attachmentId = (await t.call({ method: 'POST', url: `/v1/requests/${requestId}/attachments`, key: c.stateA, ...pdf })).body.items[0].id;
    pendingOrgId = (await t.call({ method: 'POST', url: '/v1/provider-registrations', payload: { ...registration, contactEmail: 'first@example.org' } })).body.organisationId;
    entityOrgId = (await t.services.people.ensureOrganisation({ kind: 'entity', name: 'UNODC', entity: 'UNODC' })).id;
  });
  afterAll(async () => { await t?.close(); });

  const endpoints = () => [
    { method: 'POST', url: '/v1/requests', key: c.stateA, base: fiuRequest },
    { method: 'POST', url: '/v1/offerings', key: c.providerA, base: fiuOffering },
    { method: 'PATCH', url: `/v1/offerings/${offeringId}`, key: c.providerA, base: { title: 'New title here' } },
    { method: 'POST', url: '/v1/offerings/bulk', key: c.providerA, base: { 0: fiuOffering } },
    { method: 'POST', url: '/v1/needs', key: c.cted, base: { memberState: 'SEN', description: 'FIU needs support on STR analysis.', priority: 'high' } },
    { method: 'POST', url: '/v1/api-keys', key: c.admin, base: { role: 'cted', label: 'fuzz' } },
    { method: 'POST', url: '/v1/providers', key: c.admin, base: { name: 'Fuzz provider', kind: 'ngo' } },
    { method: 'POST', url: `/v1/requests/${requestId}/withdraw`, key: c.stateB, base: {} },
    { method: 'PUT', url: `/v1/requests/${requestId}/consent`, key: c.stateA, base: { consentToShare: true } },
    { method: 'POST', url: `/v1/requests/${requestId}/feedback`, key: c.stateA, base: { outcome: 'met' } },
    { method: 'POST', url: '/v1/matches/00000000-0000-4000-8000-000000000000/decision', key: c.cted, base: { decision: 'approve' } },
    { method: 'POST', url: '/v1/matches/00000000-0000-4000-8000-000000000000/response', key: c.providerA, base: { decision: 'accept' } },
    { method: 'POST', url: '/v1/webhooks', key: c.unodc, base: { url: 'https://example.org/hook' } },
    { method: 'POST', url: '/v1/admin/screening/hits/00000000-0000-4000-8000-000000000000/decision', key: c.admin, base: { decision: 'cleared', note: 'Not the listed person.' } },
    { method: 'POST', url: `/v1/requests/${requestId}/messages`, key: c.cted, base: { visibility: 'shared', body: 'Could you say more?', addressee: 'state' } },
    { method: 'POST', url: `/v1/requests/${requestId}/messages`, key: c.stateA, base: { visibility: 'shared', body: 'Twelve analysts.', answers: questionId } },
    { method: 'PATCH', url: `/v1/requests/${requestId}/messages/${messageId}`, key: c.cted, base: { body: 'A corrected note.' } },
    { method: 'POST', url: `/v1/requests/${requestId}/messages/${questionId}/answered`, key: c.stateA, base: {} },
    { method: 'PUT', url: `/v1/attachments/${attachmentId}/matching`, key: c.stateA, base: { useForMatching: true } },
    { method: 'POST', url: `/v1/requests/${requestId}/attachments`, key: c.stateA, base: { purpose: 'request_letter' } },
    { method: 'POST', url: `/v1/offerings/${offeringId}/attachments`, key: c.providerA, base: { purpose: 'programme_sheet' } },
    { method: 'POST', url: '/v1/provider-registrations', key: undefined, base: registration },
    { method: 'POST', url: `/v1/admin/provider-registrations/${pendingOrgId}/approve`, key: c.admin, base: {} },
    { method: 'POST', url: `/v1/admin/provider-registrations/${pendingOrgId}/reject`, key: c.admin, base: { note: 'Not a provider.' } },
    // An issuer that refuses connections at once: discovery fails fast, as the checks after the schema must.
    { method: 'PUT', url: `/v1/admin/organisations/${entityOrgId}/sso`, key: c.admin, base: { issuer: 'http://127.0.0.1:9', clientId: 'onedoor', clientSecret: 'secret', allowedDomains: ['unodc.org'] } },
    { method: 'PUT', url: '/v1/notifications/preferences', key: c.stateA, base: { question: 'daily', saved_search: 'never' } },
    { method: 'POST', url: '/v1/notifications/00000000-0000-4000-8000-000000000000/read', key: c.stateA, base: {} },
    { method: 'POST', url: '/v1/notifications/read-all', key: c.cted, base: {} },
    { method: 'POST', url: '/v1/saved-searches', key: c.providerA, base: { name: 'Judicial training', areas: ['justice_reform'], regions: ['011', 'SEN'], modalities: ['training'], words: 'formation judiciaire' } },
    { method: 'POST', url: '/unsubscribe?token=00000000-0000-4000-8000-000000000000.question.x', key: '', base: { 'List-Unsubscribe': 'One-Click' } },
  ] as const;

  it(`answers ${RUNS} random and malformed bodies per endpoint with no 5xx, always in the error shape`, async () => {
    for (const ep of endpoints()) {
      await fc.assert(fc.asyncProperty(fc.oneof(anyJson, nearBody(ep.base as Record<string, unknown>)), async (body) => {
        const res = await t.call({ method: ep.method, url: ep.url, key: ep.key, payload: body as object });
        assertShape(res.status, res.body, `${ep.method} ${ep.url}`);
      }), { numRuns: RUNS });
    }
  }, 600_000);

  it('answers raw byte garbage (invalid UTF-8, truncated JSON) with 400, never 5xx', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
      const res = await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, headers: { 'content-type': 'application/json' }, payload: Buffer.from(bytes) });
      assertShape(res.status, res.body, 'raw bytes');
    }), { numRuns: Math.min(RUNS, 300) });
  }, 120_000);

  it('answers random and mangled uploads (multipart bodies, files, names, fields) with 4xx or 201, never 5xx', async () => {
    const pdf = readFileSync(new URL('../fixtures/attachments/letter-fr.pdf', import.meta.url));
    const docx = readFileSync(new URL('../fixtures/attachments/draft-law-en.docx', import.meta.url));
    const signatures = ['%PDF-1.7\n', 'PK\u0003\u0004', '\u0089PNG\r\n\u001a\n', '\u00ff\u00d8\u00ff', '<!DOCTYPE html>', '\ufeff', 'a,b\n1,2\n'].map((s) => Buffer.from(s, 'latin1'));
    const content = fc.oneof(
      fc.tuple(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 3000 })).map(([sig, rest]) => Buffer.concat([sig, Buffer.from(rest)])),
      fc.tuple(fc.constantFrom(pdf, docx), fc.nat(), fc.nat({ max: 500 }), fc.uint8Array({ maxLength: 50 })).map(([f, at, cut, ins]) => Buffer.concat([f.subarray(0, at % f.length), Buffer.from(ins), f.subarray(Math.min(f.length, (at % f.length) + cut))])),
      fc.array(fc.record({ name: fc.oneof(fc.constantFrom('[Content_Types].xml', 'mimetype', 'word/document.xml', '../../x', ''), fc.string({ maxLength: 30 })), data: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) }), { maxLength: 5 }).map((entries) => makeZip(entries)),
      fc.uint8Array({ maxLength: 2000 }).map((a) => docxWith(Buffer.from(a))),
    );
    const name = fc.oneof(fc.constantFrom('letter.pdf', 'law.docx', 'a.odt', 'b.xlsx', 'c.csv', 'd.png', 'e.jpg', 'x.exe', '', '.pdf', 'a'.repeat(400) + '.pdf', '..\\..\\boot.ini', 'f"o\r\no.pdf'), fc.string({ maxLength: 40 }));
    // A real PDF with its tail mangled is still a PDF by its content (and accepted: reading it is the job's problem).
    const nearValid = fc.tuple(fc.nat({ max: 15_000 }), fc.uint8Array({ maxLength: 100 })).map(([at, ins]) => ({ name: 'letter.pdf', data: Buffer.concat([pdf.subarray(0, 16 + at), Buffer.from(ins)]) }));
    // Mostly valid fields (so the files are looked at), sometimes mangled ones.
    const extra = fc.dictionary(fc.constantFrom('purpose', 'useForMatching', 'visibility', 'body', 'addressee', 'answers', 'extra', '__proto__', 'constructor'), fc.oneof(fc.constantFrom('request_letter', 'programme_sheet', 'shared', 'internal', 'true', 'state', ''), fc.string({ maxLength: 50 })), { maxKeys: 3 });
    const [stateWeb, providerWeb, ctedWeb] = [await webSession(t, c.stateA), await webSession(t, c.providerA), await webSession(t, c.cted)];
    const api = (url: string, key: string) => async (headers: Record<string, string>, payload: Buffer) => t.call({ method: 'POST', url, key, headers, payload });
    // The web forms, as the upload script sends them (JSON answers, the CSRF token in a header).
    const web = (url: string, s: WebSession) => async (headers: Record<string, string>, payload: Buffer) => s.postRaw(url, payload, headers['content-type']!);
    const targets: { url: string; send: (headers: Record<string, string>, payload: Buffer) => Promise<{ status: number; body: any }>; fields: Record<string, string> }[] = [
      { url: `/v1/requests/${requestId}/attachments`, send: api(`/v1/requests/${requestId}/attachments`, c.stateA), fields: { purpose: 'request_letter', useForMatching: 'true' } },
      { url: `/v1/offerings/${offeringId}/attachments`, send: api(`/v1/offerings/${offeringId}/attachments`, c.providerA), fields: { purpose: 'programme_sheet' } },
      { url: `/v1/requests/${requestId}/messages`, send: api(`/v1/requests/${requestId}/messages`, c.cted), fields: { visibility: 'shared', body: 'With documents.', addressee: 'state' } },
      { url: `/requests/${requestId}/attachments`, send: web(`/requests/${requestId}/attachments`, stateWeb), fields: { purpose: 'request_letter', useForMatching: 'true' } },
      { url: `/offerings/${offeringId}/documents`, send: web(`/offerings/${offeringId}/documents`, providerWeb), fields: { purpose: 'programme_sheet' } },
      { url: `/requests/${requestId}/messages`, send: web(`/requests/${requestId}/messages`, ctedWeb), fields: { visibility: 'internal', body: 'With documents.', addressee: 'entity' } },
    ];
    const seen: Record<number, number> = {};
    await fc.assert(fc.asyncProperty(fc.constantFrom(...targets), fc.option(extra, { freq: 4 }), fc.array(fc.oneof(fc.record({ name, data: content }), nearValid), { minLength: 1, maxLength: 2 }), fc.nat({ max: 100 }), async (target, more, files, cutPct) => {
      const body = multipart({ ...target.fields, ...(more ?? {}) }, files);
      // Now and then the body is cut short, as a dropped connection leaves it.
      const payload = cutPct < 10 ? body.payload.subarray(0, Math.floor((body.payload.length * cutPct) / 10)) : body.payload;
      const res = await target.send(body.headers, payload);
      assertShape(res.status, res.body, `multipart ${target.url}`);
      seen[res.status] = (seen[res.status] ?? 0) + 1;
    }), { numRuns: Math.min(RUNS, 600) });
    // The property reached the file checks and the stores, not only the field validation.
    expect(seen[201], JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen[400], JSON.stringify(seen)).toBeGreaterThan(0);
    // The web forms took some too (the upload script is answered 200 with where to go).
    expect(seen[200], JSON.stringify(seen)).toBeGreaterThan(0);
  }, 600_000);

  it('answers random, truncated and mangled Consolidated List files and hit queries with 4xx, never 5xx', async () => {
    const list = readFileSync(new URL('../fixtures/screening/consolidated.xml', import.meta.url), 'utf8');
    const mangled = fc.tuple(fc.nat({ max: list.length }), fc.nat({ max: 200 }), fc.oneof(fc.string({ maxLength: 40 }), hostile, fc.constantFrom('<!DOCTYPE x>', '&lol;', '<INDIVIDUAL>', '</ENTITIES>', ']]>', '<?xml ?>')))
      .map(([at, cut, insert]) => list.slice(0, at) + insert + list.slice(Math.min(list.length, at + cut)));
    const first = await t.call({ method: 'POST', url: '/v1/admin/screening/list', key: c.admin, headers: { 'content-type': 'application/xml' }, payload: list });
    expect(first.status).toBe(201);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), hostile, mangled), async (body) => {
      const res = await t.call({ method: 'POST', url: '/v1/admin/screening/list', key: c.admin, headers: { 'content-type': 'application/xml' }, payload: body });
      assertShape(res.status, res.body, 'POST /v1/admin/screening/list');
    }), { numRuns: Math.min(RUNS, 300) });
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom('status', 'subjectType', 'subjectId', 'limit', 'offset', 'extra'), fc.oneof(fc.string(), hostile, fc.integer().map(String))), async (q) => {
      const res = await t.call({ method: 'GET', url: `/v1/admin/screening/hits?${new URLSearchParams(q)}`, key: c.admin });
      assertShape(res.status, res.body, 'GET /v1/admin/screening/hits');
    }), { numRuns: Math.min(RUNS, 300) });
  }, 300_000);

  it('answers random forms of notifications, saved searches, the conversation, documents and mail (issue 14) with no 5xx, ids included', async () => {
    const WEB_RUNS = Math.min(RUNS, 120);
    const admin = await signInPerson(t, await createPerson(t, { kind: 'admin', role: 'focal_point' }));
    const s = { state: await webSession(t, c.stateA), provider: await webSession(t, c.providerA), cted: await webSession(t, c.cted), admin };
    const keys = ['visibility', 'body', 'addressee', 'answers', 'use', 'purpose', 'name', 'areas', 'regions', 'modalities', 'words', 'address', 'question', 'saved_search', 'match_proposed', 'token', 'List-Unsubscribe', 'extra', '__proto__'];
    const value = fc.oneof(scalar.map(String), fc.constantFrom('shared', 'internal', 'state', 'entity', 'cted', 'true', 'daily', 'never', 'justice_reform', '011', 'training', questionId, Z, ''), fc.array(scalar.map(String), { maxLength: 3 }));
    const form = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });
    const forms: [keyof typeof s, string][] = [
      ['state', '/notifications/preferences'], ['state', `/notifications/${Z}/read`], ['state', '/notifications/read-all'], ['state', '/notifications/confirm-address'],
      ['provider', '/saved-searches'], ['provider', `/saved-searches/${Z}/delete`],
      ['state', `/requests/${requestId}/messages`], ['cted', `/requests/${requestId}/messages`], ['cted', `/requests/${requestId}/messages/${messageId}/edit`],
      ['state', `/requests/${requestId}/messages/${questionId}/answered`], ['state', `/attachments/${attachmentId}/matching`],
      ['state', `/requests/${requestId}/attachments`], ['provider', `/offerings/${offeringId}/documents`],
      ['admin', `/admin/mail/${Z}/retry`], ['admin', '/admin/mail/bounces/confirm'],
    ];
    for (const [who, url] of forms) {
      await fc.assert(fc.asyncProperty(form, async (d) => {
        const res = await s[who].post(url, d);
        expect(res.status, `${url} ${JSON.stringify(d).slice(0, 200)}`).toBeLessThan(500);
      }), { numRuns: WEB_RUNS });
    }
    // The ids in the paths, of the web forms and of the API's DELETE.
    const seg = fc.oneof(fc.string({ maxLength: 60 }), hostile, fc.uuid(), fc.constantFrom(requestId, messageId, attachmentId, '..', '%00'));
    await fc.assert(fc.asyncProperty(seg, seg, async (a, b) => {
      const [x, y] = [pathSegment(a), pathSegment(b)];
      for (const [who, url] of [['state', `/notifications/${x}/read`], ['provider', `/saved-searches/${x}/delete`], ['cted', `/requests/${x}/messages/${y}/edit`], ['state', `/requests/${x}/messages/${y}/answered`], ['state', `/attachments/${x}/matching`], ['admin', `/admin/mail/${x}/retry`]] as const) {
        const res = await s[who].post(url, { body: 'x', use: 'true' });
        expect(res.status, url).toBeLessThan(500);
      }
      const del = await t.call({ method: 'DELETE', url: `/v1/saved-searches/${x}`, key: c.providerA });
      assertShape(del.status, del.body, 'DELETE /v1/saved-searches/:id');
    }), { numRuns: WEB_RUNS });
    // One-click unsubscribe from a mail client: no session, any form and token.
    await fc.assert(fc.asyncProperty(form, seg, async (d, token) => {
      const res = await t.app.inject({ method: 'POST', url: `/unsubscribe?token=${pathSegment(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(d as Record<string, string>).toString() });
      expect(res.statusCode, token).toBeLessThan(500);
    }), { numRuns: WEB_RUNS });
    // The fuzzing did not sign anybody out.
    expect((await s.admin.get('/admin/mail')).status).toBe(200);
  }, 600_000);

  it('answers random second-factor forms (the sign-in step, the security page) with no 5xx, and never lets a half signed-in person through', async () => {
    const field = fc.oneof(fc.string({ maxLength: 200 }), hostile, fc.constantFrom('', '000000', '123456', 'aaaaa-aaaaa', '{}', 'null', '{"id":"x","rawId":"x","type":"public-key","response":{}}'));
    const form = fc.dictionary(fc.constantFrom('method', 'code', 'recovery', 'response', 'name', 'next', 'extra'), field, { maxKeys: 5 })
      .chain((d) => fc.constantFrom('totp', 'recovery', 'passkey', 'x').map((m) => ({ method: m, ...d })));
    const analyst = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    await signInPerson(t, analyst); // enrols the analyst's authenticator app
    const half = await signInPerson(t, analyst, { secondFactor: 'leave' });
    const full = await webSession(t, c.stateA);
    const targets = [
      { s: half, url: '/sign-in/second-factor' }, { s: half, url: '/account/security/totp/confirm' }, { s: half, url: '/account/security/passkeys' },
      { s: full, url: '/account/security/totp/confirm' }, { s: full, url: '/account/security/passkeys' }, { s: full, url: '/account/security/totp' },
      { s: full, url: '/account/security/recovery-codes' }, { s: full, url: `/account/security/passkeys/${Z}/remove` },
    ];
    for (const { s, url } of targets) {
      await fc.assert(fc.asyncProperty(form, async (f) => {
        const r = await s.post(url, f as Record<string, string>);
        expect(r.status, `${url}: ${r.html.slice(0, 200)}`).toBeLessThan(500);
      }), { numRuns: Math.min(RUNS, 150) });
    }
    expect((await half.get('/review')).status).toBe(303);
  }, 300_000);
});

describe('fuzzing the people forms (issue 13)', () => {
  let t: TestApp;
  const WEB_RUNS = Math.min(RUNS, 120);
  beforeAll(async () => { t = await buildTestApp(); await castOf(t); });
  afterAll(async () => { await t?.close(); });

  const formKeys = ['email', 'password', 'current', 'name', 'language', 'role', 'kind', 'memberState', 'providerId', 'entity', 'label', 'expiresInDays', 'status', 'token', 'next', 'q', 'organisationId', 'reason', 'confirm', 'extra'];
  const formValue = fc.oneof(scalar.map(String), fc.constantFrom('yes', Z), fc.array(scalar.map(String), { maxLength: 3 }));
  const formBody = fc.dictionary(fc.constantFrom(...formKeys), formValue, { maxKeys: 6 });
  const encode = (d: Record<string, string | string[]>, csrf: string) => {
    const b = new URLSearchParams();
    for (const [k, v] of Object.entries(d)) for (const x of [v].flat()) b.append(k, x);
    b.set('_csrf', csrf);
    return b.toString();
  };

  it(`answers ${WEB_RUNS} random form bodies per people form with a page, never 5xx`, async () => {
    const { createPerson, signInPerson } = await import('../helpers/web-session.js');
    const focal = await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, role: 'focal_point' });
    const admin = await createPerson(t, { kind: 'admin', role: 'focal_point' });
    const sessions = { focal: await signInPerson(t, focal), admin: await signInPerson(t, admin) };
    const org = focal.organisationId;
    const signedIn: [keyof typeof sessions, string][] = [
      ['focal', '/account'], ['focal', '/account/password'], ['focal', '/organisation/invitations'], ['focal', `/organisation/people/${Z}/status`],
      ['focal', '/organisation/keys'], ['focal', `/organisation/keys/${Z}/rotate`], ['focal', `/organisation/keys/${Z}/revoke`],
      ['focal', `/requests/drafts/${Z}/file`], ['admin', '/admin/organisations'], ['admin', `/admin/organisations/${org}/invitations`], ['admin', `/admin/organisations/${Z}/status`],
      ['focal', '/account/organisation'], ['admin', `/admin/people/${Z}/second-factor`],
      // Last: a reset that goes through ends the person's sessions (a person of its own, so the others stay signed in).
      ['admin', `/admin/people/${(await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, role: 'reader' })).userId}/second-factor`],
    ];
    for (const [who, url] of signedIn) {
      const s = sessions[who];
      await fc.assert(fc.asyncProperty(formBody, async (d) => {
        const res = await s.post(url, d);
        expect(res.status, `${url} ${JSON.stringify(d).slice(0, 200)}`).toBeLessThan(500);
      }), { numRuns: url === '/account/password' ? Math.min(WEB_RUNS, 40) : WEB_RUNS });
    }
    // The signed-out forms (sign-in, links from mail), each with a pre-session and its CSRF token.
    for (const url of ['/sign-in', '/password/forgot', '/password/reset', '/invitations/accept', '/account/unlock', '/first-admin']) {
      const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
      const cookie = [page.headers['set-cookie']].flat().map((x) => String(x).split(';')[0]).join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      await fc.assert(fc.asyncProperty(formBody, async (d) => {
        const res = await t.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: encode(d, csrf) });
        expect(res.statusCode, `${url} ${JSON.stringify(d).slice(0, 200)}`).toBeLessThan(500);
        expect(String(res.headers['content-type'] ?? 'text/html')).toMatch(/text\/html/);
      }), { numRuns: url === '/sign-in' ? Math.min(WEB_RUNS, 60) : WEB_RUNS });
    }
    // The people the fuzzing made are still signed in (nothing it sent ended their sessions).
    expect((await sessions.admin.get('/admin/organisations')).status).toBe(200);
  }, 600_000);
});
