import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fiuRequest } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, sessionOf, submitSignIn, type TestPerson, type WebSession } from '../helpers/web-session.js';

/**
 * A person in several organisations (issue 13 item 1): the session acts for one of them, chosen after
 * sign-in and switched from the header; the person never acts for an organisation they are not in.
 */
describe('the organisation a session acts for', () => {
  let t: TestApp;
  let person: TestPerson;
  let maliOrg: string;
  let nigerOrg: string;
  let senegalOrg: string;
  const ids: Record<string, string> = {};
  let s: WebSession;
  beforeAll(async () => {
    t = await buildTestApp();
    person = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, name: 'Moussa Keita' });
    maliOrg = person.organisationId;
    nigerOrg = (await t.services.people.ensureOrganisation({ kind: 'member_state', name: 'Ministère de la Justice du Niger', memberState: 'NER' })).id;
    senegalOrg = (await t.services.people.ensureOrganisation({ kind: 'member_state', name: 'Ministère de l’Intérieur du Sénégal', memberState: 'SEN' })).id;
    await t.db.query("insert into memberships (user_id, organisation_id, role) values ($1, $2, 'focal_point')", [person.userId, nigerOrg]);
    for (const state of ['MLI', 'NER', 'SEN']) {
      const key = await t.key({ role: 'member_state', memberState: state, label: `${state} machine` });
      const r = await t.call({ method: 'POST', url: '/v1/requests', key, payload: { ...fiuRequest, title: `FIU request of ${state}` } });
      expect(r.status).toBe(202);
      ids[state] = r.body.id;
    }
  });
  afterAll(async () => { await t?.close(); });

  const audits = async () => t.db.query<{ actor_organisation_id: string; actor_label: string; summary: Record<string, string> }>(
    "select actor_organisation_id, actor_label, summary from audit_events where action = 'session.switch_organisation' order by created_at", []);

  it('after the password, a person of several organisations chooses the one to act for', async () => {
    const signIn = await submitSignIn(t, person);
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/sign-in/organisation');
    s = sessionOf(t, signIn.session!);
    const choose = await s.get('/sign-in/organisation');
    expect(choose.status).toBe(200);
    expect(choose.html).toContain('Act for Ministère de la Justice du Niger');
    expect(choose.html).toContain(`value="${maliOrg}"`);
    expect(choose.html).not.toContain(senegalOrg);
    const picked = await s.post('/account/organisation', { organisationId: nigerOrg, next: '' });
    expect(picked.status).toBe(303);
    expect(picked.headers.location).toBe('/requests');
    const [audit] = await audits();
    expect(audit).toMatchObject({ actor_organisation_id: nigerOrg, actor_label: 'Moussa Keita' });
    expect(audit!.summary).toMatchObject({ from: maliOrg, to: nigerOrg });
  });

  it('acting for Niger, the person sees Niger\'s requests only; switched to Mali from the header, Mali\'s only', async () => {
    const niger = await s.get('/requests');
    expect(niger.status).toBe(200);
    expect(niger.html).toContain('FIU request of NER');
    expect(niger.html).not.toContain('FIU request of MLI');
    expect(niger.html).not.toContain('FIU request of SEN');
    // The header's switcher lists both organisations, the current one chosen.
    expect(niger.html).toContain('action="/account/organisation"');
    expect(niger.html).toMatch(new RegExp(`<option value="${nigerOrg}" selected>`));
    expect((await s.get(`/requests/${ids.MLI}`)).status).toBe(404);

    const switched = await s.post('/account/organisation', { organisationId: maliOrg });
    expect(switched.status).toBe(303);
    const mali = await s.get('/requests');
    expect(mali.html).toContain('FIU request of MLI');
    expect(mali.html).not.toContain('FIU request of NER');
    expect(mali.html).not.toContain('FIU request of SEN');
    expect((await s.get(`/requests/${ids.MLI}`)).status).toBe(200);
    expect((await s.get(`/requests/${ids.NER}`)).status).toBe(404);
    expect((await s.get(`/requests/${ids.SEN}`)).status).toBe(404);
    expect((await audits()).map((a) => a.actor_organisation_id)).toEqual([nigerOrg, maliOrg]);
  });

  it('a tampered form naming an organisation the person is not in is refused, and the session still acts for Mali', async () => {
    for (const organisationId of [senegalOrg, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', '']) {
      const r = await s.post('/account/organisation', { organisationId });
      expect(r.status, organisationId).toBe(403);
    }
    const view = await t.services.people.resolveSession(s.cookie.slice('od_session='.length));
    expect(view?.organisationId).toBe(maliOrg);
    const mali = await s.get('/requests');
    expect(mali.html).toContain('FIU request of MLI');
    expect(mali.html).not.toContain('FIU request of SEN');
    expect((await s.get(`/requests/${ids.SEN}`)).status).toBe(404);
    expect(await audits()).toHaveLength(2);
    // Without the CSRF token the switch is refused too.
    const forged = await t.app.inject({ method: 'POST', url: '/account/organisation', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `organisationId=${nigerOrg}` });
    expect(forged.statusCode).toBe(403);
    expect((await t.services.people.resolveSession(s.cookie.slice('od_session='.length)))?.organisationId).toBe(maliOrg);
  });

  it('a suspended organisation is no longer offered nor reachable by a switch', async () => {
    const admin = { keyId: null, role: 'admin' as const, memberState: null, providerId: null, entity: null, label: 'test admin', userId: null, organisationId: null, memberRole: null };
    await t.services.people.setOrganisationStatus(admin, nigerOrg, 'suspended');
    expect((await s.post('/account/organisation', { organisationId: nigerOrg })).status).toBe(403);
    const page = await s.get('/requests');
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('action="/account/organisation"');
    // Signing in again goes straight to work: one organisation is left.
    expect((await submitSignIn(t, person)).location).toBe('/requests');
  });
});
