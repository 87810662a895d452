import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { linkIn, startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, sessionOf, signInPerson, webSession, type WebSession } from '../helpers/web-session.js';

const BASE = 'http://onedoor.test';
const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const tokenOf = (link: string) => decodeURIComponent(new URL(link, BASE).searchParams.get('token')!);

/** Opens a mailed link as a signed-out browser would, then submits its form; returns the answer and the session cookie it set. */
async function follow(t: TestApp, link: string, fields: Record<string, string>, lang?: string) {
  const page = await t.app.inject({ method: 'GET', url: link, headers: lang ? { cookie: `od_lang=${lang}` } : {} });
  if (page.statusCode !== 200) return { page, status: page.statusCode, html: page.body, session: undefined as string | undefined, location: undefined as string | undefined };
  const pre = cookiesOf(page.headers['set-cookie']).filter((c) => c.startsWith('od_pre=')).join('; ');
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)![1]!;
  const res = await t.app.inject({
    method: 'POST', url: action, headers: { cookie: `${pre}${lang ? `; od_lang=${lang}` : ''}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ token: tokenOf(link), ...fields, _csrf: csrfOf(page.body) }).toString(),
  });
  return { page, status: res.statusCode, html: res.body, location: res.headers.location as string | undefined, session: cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_session=')) };
}

describe('people by mail: invitations, resets and unlocks through a real SMTP server', () => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let c: Cast;
  let admin: WebSession;
  const logs: string[] = [];
  const secrets: string[] = [];
  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    t = await buildTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: BASE, MAIL_FROM: 'OneDoor <onedoor@un.test>', SIGN_IN_LOCK_AFTER: '3', MAIL_RETRY_FIRST_DELAY_MS: '200' }, logStream: { write: (l) => { logs.push(l); } } });
    await t.startWorkers();
    c = await castOf(t);
    admin = await webSession(t, c.admin);
  });
  afterAll(async () => { await t?.close(); await smtp?.close(); });

  let maliOrg = '';
  let focalCookie = '';

  it('an admin invites the first person of Mali\'s ministry; the mail arrives in French with text and HTML; the link signs her in once', async () => {
    const made = await admin.post('/admin/organisations', { name: 'Ministère des Affaires étrangères du Mali', kind: 'member_state', memberState: 'MLI' });
    expect(made.status).toBe(303);
    maliOrg = /\/admin\/organisations\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
    const invited = await admin.post(`/admin/organisations/${maliOrg}/invitations`, { email: 'Aminata.Traore@diplomatie.ml', role: 'focal_point', language: 'fr' });
    expect(invited.status).toBe(303);
    await t.drain();
    const mail = await smtp.next('aminata.traore@diplomatie.ml');
    expect(mail.subject).toBe('Votre invitation à OneDoor pour Ministère des Affaires étrangères du Mali');
    expect(mail.from?.text).toContain('onedoor@un.test');
    expect(mail.text).toContain('en tant que point focal');
    expect(mail.html).toContain('Accepter l’invitation');
    expect(mail.html).toContain('lang="fr"');
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@onedoor>$/);
    const link = linkIn(mail, BASE);
    expect(link).toMatch(/^\/invitations\/accept\?token=/);
    secrets.push(tokenOf(link));
    // The stored token is a hash; the queued link was sealed and is gone once sent.
    const rows = await t.db.query<{ token_hash: string }>("select token_hash from user_tokens where purpose = 'invitation'", []);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
    const [row] = await t.db.query<{ params: Record<string, string>; status: string }>("select params, status from mail_messages where template = 'invitation'", []);
    expect(row.status).toBe('sent');
    expect(JSON.stringify(row.params)).not.toContain(tokenOf(link));

    const weak = await follow(t, link, { name: 'Aminata Traoré', password: 'motdepasse123456', language: 'fr' }, 'fr');
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('des plus courants');
    const password = 'le fleuve Niger coule vers Tombouctou';
    secrets.push(password);
    const ok = await follow(t, link, { name: 'Aminata Traoré', password, language: 'fr' }, 'fr');
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/requests');
    focalCookie = ok.session!;
    const home = await sessionOf(t, focalCookie).get('/requests');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Aminata Traoré');
    // Single use.
    expect((await follow(t, link, { name: 'Someone Else', password: 'another long pass phrase here' })).status).toBe(410);
  });

  it('the focal point invites a colleague in Spanish as a contributor; an expired invitation is refused', async () => {
    const focal = sessionOf(t, focalCookie);
    const org = await focal.get('/organisation');
    expect(org.html).toContain('Aminata Traoré');
    expect((await focal.post('/organisation/invitations', { email: 'not-an-address', role: 'contributor' })).status).toBe(400);
    expect((await focal.post('/organisation/invitations', { email: 'jose.garcia@diplomatie.ml', role: 'contributor', language: 'es' })).status).toBe(303);
    await t.drain();
    const mail = await smtp.next('jose.garcia@diplomatie.ml');
    expect(mail.subject).toBe('Su invitación a OneDoor para Ministère des Affaires étrangères du Mali');
    expect(mail.text).toContain('Aminata Traoré le invita');
    expect(mail.text).toContain('como colaborador');
    const link = linkIn(mail, BASE);
    secrets.push(tokenOf(link));
    const ok = await follow(t, link, { name: 'José García', password: 'el río Níger baja hacia el mar', language: 'es' });
    expect(ok.status).toBe(303);
    const [m] = await t.db.query<{ role: string }>("select m.role from memberships m join users u on u.id = m.user_id where u.email = 'jose.garcia@diplomatie.ml'", []);
    expect(m.role).toBe('contributor');

    // A contributor or reader cannot invite; another ministry's focal point cannot invite into this one.
    expect((await sessionOf(t, ok.session!).post('/organisation/invitations', { email: 'x@diplomatie.ml', role: 'reader' })).status).toBe(403);
    const other = await signInPerson(t, await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' } }));
    await other.post('/organisation/invitations', { email: 'y@diplomatie.ml', role: 'reader' });
    const [inv] = await t.db.query<{ organisation_id: string }>("select organisation_id from user_tokens where email = 'y@diplomatie.ml'", []);
    expect(inv.organisation_id).not.toBe(maliOrg);

    await focal.post('/organisation/invitations', { email: 'late@diplomatie.ml', role: 'reader' });
    await t.drain();
    const late = linkIn(await smtp.next('late@diplomatie.ml'), BASE);
    await t.db.query("update user_tokens set expires_at = now() - interval '1 minute' where email = 'late@diplomatie.ml'", []);
    expect((await follow(t, late, { name: 'Late', password: 'too late for this invitation now' })).status).toBe(410);
  });

  it('resets a forgotten password by a one-hour single-use link in the person\'s language, ending earlier sessions; says the same for unknown addresses', async () => {
    const p = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, language: 'ru', name: 'Ivan Petrov', email: 'ivan@un.test' });
    const before = await signInPerson(t, p);
    const ask = async (email: string) => {
      const page = await t.app.inject({ method: 'GET', url: '/password/forgot' });
      const pre = cookiesOf(page.headers['set-cookie']).join('; ');
      return t.app.inject({ method: 'POST', url: '/password/forgot', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, _csrf: csrfOf(page.body) }).toString() });
    };
    const unknown = await ask('nobody@un.test');
    const known = await ask('IVAN@un.test');
    expect(unknown.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    expect(unknown.body.replace(/value="[^"]+"/g, '')).toBe(known.body.replace(/value="[^"]+"/g, ''));
    await t.drain();
    const mail = await smtp.next('ivan@un.test');
    expect(mail.subject).toBe('Новый пароль OneDoor');
    expect(mail.text).toContain('Здравствуйте, Ivan Petrov!');
    expect(smtp.mails.some((m) => [m.to].flat().some((a) => a?.text.includes('nobody@un.test')))).toBe(false);
    const link = linkIn(mail, BASE);
    secrets.push(tokenOf(link));
    const [tok] = await t.db.query<{ hours: number }>("select extract(epoch from expires_at - created_at) / 3600 as hours from user_tokens where purpose = 'reset'", []);
    expect(Number(tok.hours)).toBeCloseTo(1, 1);
    const done = await follow(t, link, { password: 'новый длинный пароль для входа' });
    expect(done.status).toBe(303);
    expect(done.session).toBeDefined();
    expect((await before.get('/requests')).status).toBe(303);
    expect((await follow(t, link, { password: 'and another long password here' })).status).toBe(410);
  });

  it('mails an unlock link after the lockout; retries a mail the SMTP server refused, keeping one Message-ID', async () => {
    const p = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, language: 'ar', email: 'layla@un.test' });
    smtp.failNext(1);
    for (let i = 0; i < 3; i++) {
      const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
      await t.app.inject({ method: 'POST', url: '/sign-in', headers: { cookie: cookiesOf(page.headers['set-cookie']).join('; '), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email: p.email, password: `wrong guess number ${i} here`, _csrf: csrfOf(page.body) }).toString() });
    }
    await t.drain();
    const mail = await smtp.next('layla@un.test', 15_000);
    expect(mail.subject).toBe('تم قفل حسابك في OneDoor');
    expect(mail.html).toContain('dir="rtl"');
    const [row] = await t.db.query<{ id: string; attempts: number; status: string }>("select id, attempts, status from mail_messages where \"to\" = 'layla@un.test'", []);
    expect(row).toMatchObject({ attempts: 2, status: 'sent' });
    expect(mail.messageId).toBe(`<${row.id}@onedoor>`);
    const link = linkIn(mail, BASE);
    secrets.push(tokenOf(link));
    expect((await follow(t, link, {})).status).toBe(200);
    expect((await signInPerson(t, p)).cookie).toMatch(/^od_session=/);
  });

  it('shows admins the mail and the audit log by names', async () => {
    const mail = await admin.get('/admin/mail');
    expect(mail.html).toContain('aminata.traore@diplomatie.ml');
    const audit = await admin.get(`/admin/audit?q=${encodeURIComponent('Aminata')}`);
    expect(audit.status).toBe(200);
    expect(audit.html).toContain('invitation.create');
    expect(audit.html).toContain('Aminata Traoré');
  });

  it('never logs a token or a password', () => {
    const text = logs.join('');
    expect(text).toContain('[redacted]');
    for (const s of secrets) expect(text).not.toContain(s);
  });
});
