import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, submitSignIn, type TestPerson, type WebSession } from '../helpers/web-session.js';

/**
 * A focal point suspends a person in their own organisation only (issue 13, review): a ministry's focal
 * point cannot lock a platform admin or another state's focal point out of their other organisations.
 */
describe('a focal point suspends a membership, an admin suspends a person', () => {
  let t: TestApp;
  let nigerFocal: TestPerson;
  let both: TestPerson;
  let admin: TestPerson;
  let focal: WebSession;
  const tokenOf = (cookie: string) => cookie.slice('od_session='.length);
  beforeAll(async () => {
    t = await buildTestApp();
    nigerFocal = await createPerson(t, { kind: 'member_state', binding: { memberState: 'NER' }, name: 'Aïcha Moussa' });
    // Mali's focal point, also a member of Niger's ministry; a platform admin, also a member of Niger's ministry.
    both = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, name: 'Moussa Keita' });
    admin = await createPerson(t, { kind: 'admin', name: 'Platform Admin' });
    for (const who of [both, admin]) await t.db.query("insert into memberships (user_id, organisation_id, role) values ($1, $2, 'reader')", [who.userId, nigerFocal.organisationId]);
    focal = await signInPerson(t, nigerFocal);
  });
  afterAll(async () => { await t?.close(); });

  it('ends only the sessions acting for the focal point\'s organisation; the person stays active elsewhere', async () => {
    const asMali = await t.services.people.createSession(both.userId, both.organisationId);
    const asNiger = await t.services.people.createSession(both.userId, nigerFocal.organisationId);
    const adminAsAdmin = await t.services.people.createSession(admin.userId, admin.organisationId);
    expect(await t.services.people.resolveSession(asNiger.token)).not.toBeNull();

    for (const who of [both, admin]) expect((await focal.post(`/organisation/people/${who.userId}/status`, { status: 'suspended' })).status).toBe(303);

    const status = await t.db.query<{ id: string; status: string }>('select id, status from users where id = any($1)', [[both.userId, admin.userId]]);
    expect(status.map((r) => r.status)).toEqual(['active', 'active']);
    expect(await t.services.people.resolveSession(asNiger.token)).toBeNull();
    expect((await t.services.people.resolveSession(asMali.token))?.organisationId).toBe(both.organisationId);
    expect((await t.services.people.resolveSession(adminAsAdmin.token))?.principal.role).toBe('admin');

    // The audit names the focal point, the person and the organisation.
    const [audit] = await t.db.query<{ actor_label: string; summary: Record<string, string> }>(
      "select actor_label, summary from audit_events where action = 'membership.suspend' and target_id = $1", [both.userId]);
    expect(audit).toMatchObject({ actor_label: 'Aïcha Moussa', summary: { name: 'Moussa Keita', organisationId: nigerFocal.organisationId } });
    expect(audit!.summary.organisationName).toMatch(/NER/);
    // Niger's page shows the person as suspended there.
    const page = await focal.get('/organisation');
    expect(page.html).toMatch(/Moussa Keita<\/td>(?:<td>[^<]*<\/td>){2}\s*<td>suspended<\/td>/);
  });

  it('a suspended membership is neither offered at sign-in nor reachable by a switch', async () => {
    const signIn = await submitSignIn(t, both);
    expect(signIn.location).toBe('/requests'); // one organisation left: no chooser
    const view = await t.services.people.resolveSession(tokenOf(signIn.session!));
    expect(view?.organisationId).toBe(both.organisationId);
    expect(view?.organisations.map((o) => o.id)).toEqual([both.organisationId]);
    const s = await signInPerson(t, both);
    expect((await s.post('/account/organisation', { organisationId: nigerFocal.organisationId })).status).toBe(403);
    expect((await t.services.people.resolveSession(tokenOf(s.cookie)))?.organisationId).toBe(both.organisationId);
  });

  it('the focal point reactivates the membership; only an admin suspends the person everywhere', async () => {
    expect((await focal.post(`/organisation/people/${both.userId}/status`, { status: 'active' })).status).toBe(303);
    const back = await submitSignIn(t, both);
    expect(back.location).toBe('/sign-in/organisation');
    const platform = { keyId: null, role: 'admin' as const, memberState: null, providerId: null, entity: null, label: 'test admin', userId: null, organisationId: null, memberRole: null };
    await t.services.people.setUserStatus(platform, both.userId, 'suspended');
    expect(await t.services.people.resolveSession(tokenOf(back.session!))).toBeNull();
    expect((await submitSignIn(t, both)).session).toBeUndefined();
    const [u] = await t.db.query<{ status: string }>('select status from users where id = $1', [both.userId]);
    expect(u!.status).toBe('suspended');
  });

  it('a focal point cannot lift an admin\'s suspension; the page says who suspended and offers no button for it', async () => {
    const refused = await focal.post(`/organisation/people/${both.userId}/status`, { status: 'active' });
    expect(refused.status).toBe(409);
    const [u] = await t.db.query<{ status: string }>('select status from users where id = $1', [both.userId]);
    expect(u!.status).toBe('suspended');
    expect((await submitSignIn(t, both)).session).toBeUndefined();
    const page = await focal.get('/organisation');
    const row = (name: string) => page.html.match(new RegExp(`<tr><td>${name}</td>[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(row('Moussa Keita')).toContain('suspended by an administrator');
    expect(row('Moussa Keita')).not.toContain(`/organisation/people/${both.userId}/status`);
    // The admin's own membership here, suspended by this focal point, can be reactivated by them; never themselves.
    expect(row('Platform Admin')).toContain(`/organisation/people/${admin.userId}/status`);
    expect(row('Aïcha Moussa')).not.toContain('/status');
    expect((await focal.post(`/organisation/people/${admin.userId}/status`, { status: 'active' })).status).toBe(303);
  });
});
