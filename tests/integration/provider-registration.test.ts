import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposableSql } from '../../src/modules/offerings/offerings.service.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { screeningRescreen } from '../../workers/processors/screening-rescreen.processor.js';
import { fiuOffering } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson } from '../helpers/web-session.js';

const LIST = readFileSync(new URL('../fixtures/screening/consolidated.xml', import.meta.url), 'utf8');
const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'Test Admin', userId: null, organisationId: null, memberRole: null };
const CTED: Principal = { ...ADMIN, role: 'cted', label: 'CTED analyst' };
const STATE: Principal = { ...ADMIN, role: 'member_state', memberState: 'MLI', label: 'Mali' };
const donor = (name: string, email: string) => ({ organisationName: name, kind: 'member_state', contactName: 'Ingrid Hansen', contactEmail: email, country: 'NOR', website: 'https://www.example.no', language: 'fr' as const });
const errOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (e: { statusCode: number; code: string; details: { path: string; code?: string }[] }) => e);

describe('provider self-registration, screening at approval, drafts nobody sees', () => {
  let t: TestApp;
  const rows = async <T>(q: ReturnType<typeof sql>) => { const r = await t.db.db.execute(q) as unknown as { rows?: T[] } & T[]; return (r.rows ?? r) as T[]; };
  const reg = () => t.services.registrations;

  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(() => t?.close());

  it('registers a provider as a pending organisation with an invited focal point and an invitation mail', async () => {
    const r = await reg().register(donor('Nordic Counter-Terrorism Fund', 'ingrid@example.no'));
    expect(r).toMatchObject({ name: 'Nordic Counter-Terrorism Fund', status: 'pending', country: 'NOR', decision: null });
    const [org] = await rows<{ kind: string; status: string; provider_id: string }>(sql`select kind, status, provider_id from organisations where id = ${r.organisationId}`);
    expect(org).toMatchObject({ kind: 'provider', status: 'pending', provider_id: r.providerId });
    const mail = await rows<{ to: string; template: string; language: string }>(sql`select "to", template, language from mail_messages`);
    expect(mail).toEqual([{ to: 'ingrid@example.no', template: 'invitation', language: 'fr' }]);
    const subjects = await rows<{ subject_type: string }>(sql`select subject_type from screening_subjects order by subject_type`);
    expect(subjects.map((s) => s.subject_type)).toEqual(['organisation', 'user']);
    // The same address again is refused, clearly.
    expect(await errOf(reg().register(donor('Another Fund', 'INGRID@example.no')))).toMatchObject({ statusCode: 409, code: 'email_taken' });
  });

  it('refuses an incomplete registration naming each field, and an unknown country', async () => {
    const e = await errOf(reg().register({ organisationName: '', kind: 'task_force_entity', contactName: 'A', contactEmail: 'x', country: 'NOR', website: 'nope' } as never));
    expect(e.statusCode).toBe(400);
    expect(e.details.map((d) => d.path).sort()).toEqual(['contactEmail', 'contactName', 'kind', 'organisationName', 'website']);
    const c = await errOf(reg().register(donor('Fund', 'a@example.no') && { ...donor('Fund', 'a@example.no'), country: 'XXX' }));
    expect(c.details).toEqual([expect.objectContaining({ path: 'country', code: 'country.unknown' })]);
  });

  it('keeps a waiting provider\'s offerings from everyone but itself and admins, then shows them once approved', async () => {
    const r = await reg().register(donor('Fjord Security Partnership', 'lars@example.no'));
    const own: Principal = { ...ADMIN, role: 'provider', providerId: r.providerId, label: 'Lars' };
    const o = await t.services.offerings.create(own, { ...fiuOffering, language: 'en' } as never);
    // The provider and admins see the draft...
    expect((await t.services.offerings.getFor(own, o.id)).id).toBe(o.id);
    expect((await t.services.offerings.getFor(ADMIN, o.id)).id).toBe(o.id);
    expect((await t.services.offerings.list(own, { limit: 50, offset: 0 })).items.map((x) => x.id)).toContain(o.id);
    // ...nobody else: not CTED, not a state, not the public directory, not the API.
    await expect(t.services.offerings.getFor(CTED, o.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.services.offerings.getFor(STATE, o.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await t.services.offerings.list(CTED, { limit: 500, offset: 0 })).items.map((x) => x.id)).not.toContain(o.id);
    expect((await t.services.directory.search({ limit: 50, offset: 0, includeInactive: true } as never)).items.map((x) => x.id)).not.toContain(o.id);
    expect((await t.app.inject({ method: 'GET', url: `/v1/directory/offerings/${o.id}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/directory/offerings/${o.id}` })).statusCode).toBe(404);
    // Not proposable either (analytics and the directory count only proposable offerings).
    const proposable = async () => (await rows(sql`select 1 from offerings where id = ${o.id} and ${proposableSql(new Date())}`)).length;
    expect(await proposable()).toBe(0);

    // A colleague of the waiting provider signs in: the offerings page says they are drafts nobody else sees.
    const colleague = await signInPerson(t, await createPerson(t, { kind: 'provider', organisationId: r.organisationId, name: 'Lars Colleague' }));
    const mine = await colleague.get('/offerings');
    expect(mine.status).toBe(200);
    expect(mine.html).toContain('id="pending-approval"');
    expect(mine.html).toContain(fiuOffering.title);

    // Approval waits for a loaded list (it cannot be screened without one).
    expect(await errOf(reg().approve(ADMIN, r.organisationId))).toMatchObject({ statusCode: 409, code: 'screening_list_not_loaded' });
    await t.services.screening.loadList(ADMIN, LIST, { source: 'consolidated.xml' });
    expect(await errOf(reg().approve(CTED, r.organisationId))).toMatchObject({ statusCode: 403 });
    const approved = await reg().approve(ADMIN, r.organisationId);
    expect(approved).toMatchObject({ status: 'active', decision: 'approved', decidedBy: 'Test Admin' });
    // The registration's contact hears of it, in the language they registered in, with the way to sign in.
    const told = await rows<{ language: string; link: string | null }>(sql`select language, params->>'link' as link from mail_messages where template = 'registration_approved'`);
    expect(told).toHaveLength(1);
    expect(told[0]!.language).toBe('fr');
    expect((await t.services.offerings.getFor(CTED, o.id)).id).toBe(o.id);
    expect((await t.services.directory.search({ limit: 50, offset: 0, includeInactive: true } as never)).items.map((x) => x.id)).toContain(o.id);
    expect((await t.app.inject({ method: 'GET', url: `/v1/directory/offerings/${o.id}` })).statusCode).toBe(200);
    expect(await proposable()).toBe(1);
    expect((await colleague.get('/offerings')).html).not.toContain('id="pending-approval"');
    expect(await errOf(reg().approve(ADMIN, r.organisationId))).toMatchObject({ statusCode: 409, code: 'not_pending' });
    // Matching reads the offering again (announced at approval).
    expect(await rows(sql`select 1 from outbox where topic = 'offering.changed' and payload->'offeringIds' ? ${o.id}`)).toHaveLength(1);
  });

  it('blocks approval on a screening hit, shows the entry that matched, and approves once the admin cleared it', async () => {
    const r = await reg().register({ ...donor('Afghan Support Committee', 'asc@example.org'), kind: 'ngo', country: 'PAK' });
    const e = await errOf(reg().approve(ADMIN, r.organisationId));
    expect(e).toMatchObject({ statusCode: 409, code: 'screening_hits' });
    expect(e.details[0]).toMatchObject({ code: 'reg.hit' });
    const hits = await t.services.screening.listHits({ subjectType: 'organisation', subjectId: r.organisationId, status: 'open' });
    expect(hits.items).toHaveLength(1);
    expect(hits.items[0].entry.name).toMatch(/AFGHAN SUPPORT COMMITTEE/);
    expect((await reg().get(r.organisationId)).status).toBe('pending');
    // The admin's page shows the hit with the entry it matched; approving there is refused with it.
    const admin = await signInPerson(t, await createPerson(t, { kind: 'admin', name: 'Ada Admin' }));
    const shown = await admin.get(`/admin/registrations/${r.organisationId}`);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('QDe.069');
    expect(shown.html).toContain('Approval is blocked by 1 screening hit');
    const tried = await admin.post(`/admin/registrations/${r.organisationId}/approve`, {});
    expect(tried.status).toBe(409);
    expect(tried.html).toContain('AFGHAN SUPPORT COMMITTEE');
    expect((await admin.get('/admin/registrations', 'fr')).html).toContain('Afghan Support Committee');
    // Nobody else reaches these pages.
    const cted = await signInPerson(t, await createPerson(t, { kind: 'cted' }));
    expect((await cted.get(`/admin/registrations/${r.organisationId}`)).status).toBe(403);
    expect((await cted.post(`/admin/registrations/${r.organisationId}/approve`, {})).status).toBe(403);
    // The admin decides (the screening page's decide flow): a confirmed hit keeps blocking, a cleared one lets it through.
    await t.services.screening.decide(hits.items[0].id, 'confirmed', ADMIN);
    expect(await errOf(reg().approve(ADMIN, r.organisationId))).toMatchObject({ code: 'screening_hits' });
    await t.services.screening.decide(hits.items[0].id, 'cleared', ADMIN, 'A different committee, registered in Oslo in 2019.');
    expect((await reg().approve(ADMIN, r.organisationId)).status).toBe('active');
  });

  it('refuses a registration with a reason, and keeps every provider organisation and its people for the nightly re-screen', async () => {
    const r = await reg().register(donor('Doubtful Trust', 'dt@example.org'));
    expect(await errOf(reg().reject(ADMIN, r.organisationId, ' '))).toMatchObject({ statusCode: 400 });
    expect((await reg().reject(ADMIN, r.organisationId, 'Not a provider of assistance.')).status).toBe('suspended');
    const refused = await rows<{ note: string }>(sql`select params->>'note' as note from mail_messages where "to" = 'dt@example.org' and template = 'registration_refused'`);
    expect(refused).toEqual([{ note: 'Not a provider of assistance.' }]);
    await t.db.db.execute(sql`delete from screening_subjects`);
    const n = await reg().syncSubjects();
    // Three provider organisations (one still waiting, two approved), their contacts and the colleague who
    // joined one of them after registering (screened from now on); the refused one is not kept.
    expect(n).toBe(7);
    expect((await t.services.screening.status()).subjects).toBe(7);
    expect(await rows(sql`select 1 from screening_subjects s join users u on u.id::text = s.subject_id where u.name = 'Lars Colleague'`)).toHaveLength(1);

    // The nightly job does the same first, then screens: a colleague whose name is on the list is a new hit.
    await t.db.db.execute(sql`delete from screening_subjects`);
    const fjord = (await reg().list({ status: 'all' })).find((x) => x.name === 'Fjord Security Partnership')!;
    await createPerson(t, { kind: 'provider', organisationId: fjord.organisationId, name: 'Abdul Latif Mansur' });
    const lines: string[] = [];
    await screeningRescreen(t.services)({ runKey: 'day:2026-12-02' }, { jobId: 'nightly', attempt: 1, maxAttempts: 1, log: { info: (_o, m) => { lines.push(m ?? ''); }, warn() {}, error() {} } });
    expect(lines).toContain('screening re-screen done');
    const hits = await t.services.screening.listHits({ subjectType: 'user', status: 'open' });
    expect(hits.items.map((h) => h.matchedName)).toContain('Abdul Latif Mansur');
  });

  it('the registration form says which fields are wrong in the user\'s language, and registers from the page', async () => {
    const form = await t.app.inject({ method: 'GET', url: '/register/provider?lang=es' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Registrarse como proveedor');
    const cookie = (Array.isArray(form.headers['set-cookie']) ? form.headers['set-cookie'] : [String(form.headers['set-cookie'])]).map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
    const post = (body: Record<string, string>) => t.app.inject({ method: 'POST', url: '/register/provider', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...body, _csrf: csrf }).toString() });
    const bad = await post({ organisationName: 'Fund', kind: 'ngo', country: 'NOR', website: 'not a site', contactName: 'Ola Nordmann', contactEmail: 'ola' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-website-error"');
    expect(bad.body).toContain('id="f-contactEmail-error"');
    expect(bad.body).not.toContain('id="f-organisationName-error"');
    expect(bad.body).toContain('value="Fund"');
    const ar = await t.app.inject({ method: 'GET', url: '/register/provider?lang=ar' });
    expect(ar.body).toContain('dir="rtl"');
    expect(ar.body).toContain('التسجيل كجهة مقدّمة');
    const ok = await post({ organisationName: 'Oslo Centre for Peace', kind: 'ngo', country: 'NOR', website: 'https://oslo.example.org', contactName: 'Ola Nordmann', contactEmail: 'ola@example.org', language: 'es' });
    expect(ok.statusCode).toBe(201);
    expect(ok.body).toContain('ola@example.org');
    const taken = await post({ organisationName: 'Oslo Centre for Peace', kind: 'ngo', country: 'NOR', website: 'https://oslo.example.org', contactName: 'Ola Nordmann', contactEmail: 'ola@example.org' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Esta dirección de correo electrónico ya tiene una cuenta');
  });
});
