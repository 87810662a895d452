import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, submitSignIn, type TestPerson, type WebSession } from '../helpers/web-session.js';

const BASE = 'http://onedoor.test';
describe('an admin resets the second factor of a person who lost everything (issue 13)', () => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let analyst: TestPerson;
  let adminPerson: TestPerson;
  let admin: WebSession;
  let analystSession: WebSession;
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    t = await buildTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: BASE, MAIL_FROM: 'OneDoor <onedoor@un.test>' } });
    await t.startWorkers();
    analyst = await createPerson(t, { kind: 'cted', name: 'Claire Dubois', language: 'fr', email: 'claire.dubois@un.test' });
    adminPerson = await createPerson(t, { kind: 'admin', name: 'Olga Admin' });
    admin = await signInPerson(t, adminPerson);
    // Signing in enrols an authenticator app (CTED requires one) and makes recovery codes.
    analystSession = await signInPerson(t, analyst);
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  it('is offered on the admin people page, behind a confirmation page naming the person and what they have', async () => {
    const list = await admin.get('/admin/people');
    expect(list.status).toBe(200);
    expect(list.html).toContain(`/admin/people/${analyst.userId}/second-factor`);
    const confirm = await admin.get(`/admin/people/${analyst.userId}/second-factor`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Claire Dubois');
    expect(confirm.html).toMatch(/authenticator app yes, passkeys 0, recovery codes left 10/);
    expect(confirm.html).toContain('name="reason"');
    expect(confirm.html).toContain('name="confirm"');
  });

  it('refuses without the confirmation or a reason, and refuses anyone but an admin, changing nothing', async () => {
    const noConfirm = await admin.post(`/admin/people/${analyst.userId}/second-factor`, { reason: 'Lost phone' });
    expect(noConfirm.status).toBe(400);
    expect(noConfirm.html).toContain('Confirm that you checked who asked.');
    const noReason = await admin.post(`/admin/people/${analyst.userId}/second-factor`, { reason: '  ', confirm: 'yes' });
    expect(noReason.status).toBe(400);
    const tooLong = await admin.post(`/admin/people/${analyst.userId}/second-factor`, { reason: 'x'.repeat(501), confirm: 'yes' });
    expect(tooLong.status).toBe(400);
    const colleague = await signInPerson(t, await createPerson(t, { kind: 'cted', role: 'focal_point' }));
    expect((await colleague.post(`/admin/people/${analyst.userId}/second-factor`, { reason: 'Lost phone', confirm: 'yes' })).status).toBe(403);
    expect((await colleague.get(`/admin/people/${analyst.userId}/second-factor`)).status).toBe(403);
    // Without the CSRF token the admin's own browser is refused too.
    const forged = await t.app.inject({ method: 'POST', url: `/admin/people/${analyst.userId}/second-factor`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=x&confirm=yes' });
    expect(forged.statusCode).toBe(403);
    expect((await t.services.factors.status(analyst.userId)).enrolled).toBe(true);
    expect((await analystSession.get('/review')).status).toBe(200);
    const audits = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events where action = 'user.second_factor_reset'", []);
    expect(audits[0]!.n).toBe(0);
  });

  it('an admin may not reset their own second factor', async () => {
    expect((await admin.post(`/admin/people/${adminPerson.userId}/second-factor`, { reason: 'Mine', confirm: 'yes' })).status).toBe(403);
    expect((await t.services.factors.status(adminPerson.userId)).enrolled).toBe(true);
  });

  it('removes every factor, ends the person\'s sessions, audits with the admin\'s name and the reason, and mails the person in French', async () => {
    const res = await admin.post(`/admin/people/${analyst.userId}/second-factor`, { reason: 'Téléphone perdu, rappelée au +41 22 917 0000', confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(String(res.headers.location)).toBe(`/admin/people?factorReset=${encodeURIComponent('Claire Dubois')}`);
    expect((await admin.get(String(res.headers.location))).html).toContain('The second factor of Claire Dubois was reset');

    const f = await t.services.factors.status(analyst.userId);
    expect(f).toMatchObject({ enrolled: false, totp: false, passkeys: 0, recoveryCodesLeft: 0, required: true });
    // The analyst's browser is signed out at once.
    const after = await analystSession.get('/review');
    expect(after.status).toBe(303);
    expect(String(after.headers.location)).toMatch(/^\/sign-in/);

    const [audit] = await t.db.query<{ actor_label: string; actor_user_id: string; target_id: string; summary: Record<string, unknown> }>(
      "select actor_label, actor_user_id, target_id, summary from audit_events where action = 'user.second_factor_reset'", []);
    expect(audit).toMatchObject({ actor_label: 'Olga Admin', actor_user_id: adminPerson.userId, target_id: analyst.userId });
    expect(audit!.summary).toMatchObject({ reason: 'Téléphone perdu, rappelée au +41 22 917 0000', totp: true, passkeys: 0, recoveryCodes: 10 });
    expect((await t.services.people.searchAudit({ q: 'Olga' })).some((r) => r.action === 'user.second_factor_reset' && r.actor === 'Olga Admin')).toBe(true);

    await t.drain();
    const mail = await smtp.next('claire.dubois@un.test');
    expect(mail.subject).toBe('Votre second facteur OneDoor a été réinitialisé');
    expect(mail.text).toContain('Olga Admin, administrateur de OneDoor');
    expect(mail.text).toContain('Téléphone perdu, rappelée au +41 22 917 0000');
    expect(mail.text).toContain(`${BASE}/sign-in`);
    expect(mail.html).toContain('lang="fr"');
  });

  it('holds the person at enrolment at the next sign-in, since CTED requires a second factor', async () => {
    const signIn = await submitSignIn(t, analyst);
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/account/security');
    const view = await t.services.people.resolveSession(signIn.session!.slice('od_session='.length));
    expect(view?.halfSignedIn).toBe(true);
    const blocked = await t.app.inject({ method: 'GET', url: '/review', headers: { cookie: signIn.session! } });
    expect(blocked.statusCode).toBe(303);
    expect(String(blocked.headers.location)).toBe('/sign-in/second-factor');
  });

  it('a person whose organisation does not require a factor signs in straight after a reset', async () => {
    const diplomat = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' } });
    const { secret } = await t.services.factors.beginTotp(diplomat.userId, diplomat.email);
    const OTPAuth = await import('otpauth');
    const setup = { keyId: null, role: 'admin' as const, memberState: null, providerId: null, entity: null, label: 'test setup', userId: null, organisationId: null, memberRole: null };
    expect((await t.services.factors.confirmTotp(setup, diplomat.userId, new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate())).ok).toBe(true);
    expect((await submitSignIn(t, diplomat)).location).toBe('/sign-in/second-factor');
    expect((await admin.post(`/admin/people/${diplomat.userId}/second-factor`, { reason: 'Lost phone', confirm: 'yes' })).status).toBe(303);
    expect((await submitSignIn(t, diplomat)).location).toBe('/requests');
  });
});
