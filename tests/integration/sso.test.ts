import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { idpSignIn, startOidcProvider, type TestIdp } from '../helpers/oidc-provider.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'Test Admin', userId: null, organisationId: null, memberRole: null };
/** Where app.inject's requests arrive (light-my-request's default Host). */
const CALLBACK = 'http://localhost/sso/callback';
const ADMIN_ORG_ZERO = '00000000-0000-4000-8000-000000000000';
const cookiesOf = (h: unknown) => (Array.isArray(h) ? h : h ? [String(h)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('single sign-on through an organisation\'s OpenID Connect provider', () => {
  let t: TestApp;
  let idp: TestIdp;
  let unodc: string;
  let unoct: string;
  const rows = async <T>(q: ReturnType<typeof sql>) => { const r = await t.db.db.execute(q) as unknown as { rows?: T[] } & T[]; return (r.rows ?? r) as T[]; };

  /** Starts a sign-in in a fresh browser (by e-mail or organisation) and returns where the app sends it, with the browser's cookies. */
  async function start(form: Record<string, string>) {
    const page = await t.app.inject({ method: 'GET', url: '/sign-in/sso' });
    const pre = cookiesOf(page.headers['set-cookie']).join('; ');
    const res = await t.app.inject({ method: 'POST', url: '/sign-in/sso', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...form, _csrf: csrfOf(page.body) }).toString() });
    return { res, location: /^0; url=(.+)$/.exec(String(res.headers.refresh ?? ''))?.[1] ?? '', cookie: cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_sso=')) ?? '' };
  }

  /** Comes back from the provider to the app with `url` (path and query) and the browser's cookie. */
  const back = (url: URL, cookie: string) => t.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { cookie } });
  const refusal = (html: string) => /data-refusal="(\w+)"/.exec(html)?.[1];

  /** A whole sign-in as `account`: start by e-mail, sign in at the provider, come back. */
  async function signIn(account: string, form: Record<string, string> = { email: idp.accounts.get(account)!.email }) {
    const s = await start(form);
    expect(s.location, s.res.body.slice(0, 500)).toMatch(/^http/);
    const cb = await idpSignIn(s.location, account, CALLBACK);
    return { cb, cookie: s.cookie, res: await back(cb, s.cookie) };
  }

  beforeAll(async () => {
    t = await buildTestApp({ env: { ENCRYPTION_KEY: 'test-encryption-key-0123456789abcdefghij' } });
    idp = await startOidcProvider({
      clients: [
        { clientId: 'onedoor-unodc', clientSecret: 'unodc-secret-0123456789abcdef', redirectUris: [CALLBACK] },
        { clientId: 'onedoor-unoct', clientSecret: 'unoct-secret-0123456789abcdef', redirectUris: [CALLBACK] },
      ],
      accounts: {
        ana: { email: 'ana.analyst@unodc.org', name: 'Ana Analyst' },
        omar: { email: 'omar@unodc.org', name: 'Omar Officer' },
        sam: { email: 'sam@unodc.org', name: 'Sam Suspended' },
        vic: { email: 'vic@unodc.org', name: 'Vic Unverified', emailVerified: false },
        eve: { email: 'eve@gmail.com', name: 'Eve Outsider' },
      },
    });
    unodc = (await t.services.people.createOrganisation(ADMIN, { kind: 'entity', name: 'UNODC', entity: 'UNODC' })).id;
    unoct = (await t.services.people.createOrganisation(ADMIN, { kind: 'entity', name: 'UNOCT', entity: 'UNOCT' })).id;
    await t.services.sso.saveConfig(ADMIN, unodc, { issuer: idp.issuer, clientId: 'onedoor-unodc', clientSecret: 'unodc-secret-0123456789abcdef', allowedDomains: ['unodc.org'], idpEnforcesMfa: true });
    // UNOCT's desk signs in through the same UN provider with its own client.
    await t.services.sso.saveConfig(ADMIN, unoct, { issuer: idp.issuer, clientId: 'onedoor-unoct', clientSecret: 'unoct-secret-0123456789abcdef', allowedDomains: ['un.org'], defaultRole: 'contributor' });
  });
  afterAll(async () => { await idp?.close(); await t?.close(); });

  it('stores the client secret sealed, never in the clear, and audits the settings without it', async () => {
    const [c] = await rows<{ client_secret_sealed: string }>(sql`select client_secret_sealed from sso_configs where organisation_id = ${unodc}`);
    expect(c.client_secret_sealed).toMatch(/^v1\./);
    expect(c.client_secret_sealed).not.toContain('unodc-secret');
    const audit = await rows<{ summary: unknown }>(sql`select summary from audit_events where action = 'sso.config_created'`);
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('secret-0123');
  });

  it('sets and reads the settings through the API, never answering the secret', async () => {
    const put = await t.call({ method: 'PUT', url: `/v1/admin/organisations/${unodc}/sso`, key: ADMIN_KEY, payload: { issuer: idp.issuer, clientId: 'onedoor-unodc', allowedDomains: ['UNODC.org'], idpEnforcesMfa: true } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ organisationId: unodc, organisationName: 'UNODC', allowedDomains: ['unodc.org'], defaultRole: 'reader', enabled: true, hasSecret: true });
    const got = await t.call({ method: 'GET', url: `/v1/admin/organisations/${unodc}/sso`, key: ADMIN_KEY });
    expect(JSON.stringify(got.body)).not.toContain('unodc-secret');
    const none = await t.call({ method: 'GET', url: `/v1/admin/organisations/${ADMIN_ORG_ZERO}/sso`, key: ADMIN_KEY });
    expect(none.status).toBe(404);
  });

  it('refuses settings whose issuer does not answer discovery, with the field named', async () => {
    const err = await t.services.sso.saveConfig(ADMIN, unodc, { issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y', allowedDomains: ['unodc.org'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, details: [{ path: 'issuer', code: 'sso.discoveryFailed' }] });
  });

  it('signs a UNODC analyst in by e-mail domain and provisions them into UNODC only, as a reader', async () => {
    const s = await start({ email: 'Ana.Analyst@unodc.org' });
    expect(s.res.statusCode).toBe(200);
    expect(s.res.body).toContain('id="sso-continue"');
    const auth = new URL(s.location);
    expect(auth.origin).toBe(idp.issuer);
    expect(auth.searchParams.get('client_id')).toBe('onedoor-unodc');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(s.cookie).toMatch(/^od_sso=/);
    const cb = await idpSignIn(s.location, 'ana', CALLBACK);
    const res = await back(cb, s.cookie);
    expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
    const session = cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_session='))!;
    expect(session).toBeTruthy();
    const view = await t.services.people.resolveSession(session.split('=')[1]);
    expect(view?.principal).toMatchObject({ role: 'entity', entity: 'UNODC', organisationId: unodc, memberRole: 'reader', label: 'Ana Analyst' });
    const who = await rows<{ organisation_id: string; role: string }>(sql`select m.organisation_id, m.role from memberships m join users u on u.id = m.user_id where u.email = 'ana.analyst@unodc.org'`);
    expect(who).toEqual([{ organisation_id: unodc, role: 'reader' }]);
    const ids = await rows<{ issuer: string; subject: string }>(sql`select issuer, subject from user_identities`);
    expect(ids).toEqual([{ issuer: idp.issuer, subject: 'ana' }]);
    // The page behind the session is the analyst's.
    const home = await t.app.inject({ method: 'GET', url: String(res.headers.location), headers: { cookie: session } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Ana Analyst');

    // A second sign-in finds the same person (linked by issuer and subject), no second account.
    const again = await signIn('ana');
    expect(again.res.statusCode).toBe(303);
    expect(await rows(sql`select 1 from users where email = 'ana.analyst@unodc.org'`)).toHaveLength(1);
    expect(await rows(sql`select 1 from audit_events where action = 'user.sso_provisioned'`)).toHaveLength(1);
  });

  it('refuses a replayed code: the same answer again, and the old code under a fresh sign-in', async () => {
    const first = await signIn('omar');
    expect(first.res.statusCode).toBe(303);
    const replay = await back(first.cb, first.cookie);
    expect(replay.statusCode).toBe(400);
    expect(refusal(replay.body)).toBe('sso_bad_state');
    expect(cookiesOf(replay.headers['set-cookie']).some((c) => c.startsWith('od_session=') && c.length > 'od_session='.length)).toBe(false);
    // The old code with the state of a sign-in this browser did start: the provider refuses the code.
    const fresh = await start({ email: 'omar@unodc.org' });
    const url = new URL(first.cb);
    url.searchParams.set('state', new URL(fresh.location).searchParams.get('state')!);
    const res = await back(url, fresh.cookie);
    expect(res.statusCode).toBe(400);
    expect(refusal(res.body)).toBe('sso_code_rejected');
    expect(res.body).toContain('refused the sign-in code');
  });

  it('refuses a bad state, and a sign-in finished in another browser', async () => {
    const s = await start({ email: 'omar@unodc.org' });
    const cb = await idpSignIn(s.location, 'omar', CALLBACK);
    const bad = new URL(cb);
    bad.searchParams.set('state', 'forged-state-value');
    const r1 = await back(bad, s.cookie);
    expect(r1.statusCode).toBe(400);
    expect(refusal(r1.body)).toBe('sso_bad_state');
    const other = await start({ email: 'omar@unodc.org' });
    const r2 = await back(cb, other.cookie); // the right state, another browser's cookie
    expect(refusal(r2.body)).toBe('sso_bad_state');
    const r3 = await back(cb, ''); // no cookie at all
    expect(refusal(r3.body)).toBe('sso_bad_state');
  });

  it('says the provider did not sign the person in when they cancel there', async () => {
    const s = await start({ email: 'omar@unodc.org' });
    const cb = await idpSignIn(s.location, 'omar', CALLBACK, { cancel: true });
    expect(cb.searchParams.get('error')).toBe('access_denied');
    const res = await back(cb, s.cookie);
    expect(res.statusCode).toBe(400);
    expect(refusal(res.body)).toBe('sso_idp_refused');
  });

  it('refuses an ID token issued to another client (wrong audience)', async () => {
    const s = await start({ email: 'omar@unodc.org' });
    const cb = await idpSignIn(s.location, 'omar', CALLBACK);
    idp.tamper.audience = 'onedoor-unoct';
    try {
      const res = await back(cb, s.cookie);
      expect(res.statusCode).toBe(400);
      expect(refusal(res.body)).toBe('sso_token_invalid');
    } finally { idp.tamper.audience = null; }
  });

  it('never lands a person of one organisation\'s provider in another organisation', async () => {
    // An address outside UNOCT's domains is refused.
    const outside = await signIn('eve', { organisationId: unoct });
    expect(refusal(outside.res.body)).toBe('sso_domain_not_allowed');
    // Now UNOCT's settings also let unodc.org in (the secret kept); e-mail sign-in offers both organisations.
    await t.services.sso.saveConfig(ADMIN, unoct, { issuer: idp.issuer, clientId: 'onedoor-unoct', allowedDomains: ['un.org', 'unodc.org'], defaultRole: 'contributor' });
    const both = await start({ email: 'ana.analyst@unodc.org' });
    expect(both.res.statusCode).toBe(200);
    expect(both.res.body).toContain(`value="${unoct}"`);
    expect(both.res.body).toContain(`value="${unodc}"`);
    // Ana is UNODC's (linked above): her identity is UNODC's, so UNOCT's provider does not sign her in.
    const res = await signIn('ana', { organisationId: unoct });
    expect(res.res.statusCode).toBe(403);
    expect(refusal(res.res.body)).toBe('sso_other_organisation');
    // Omar was never linked: he belongs to UNODC by membership, so UNOCT's provider does not add him to UNOCT either.
    const omar = await signIn('omar', { organisationId: unoct });
    expect(refusal(omar.res.body)).toBe('sso_other_organisation');
    expect(await rows(sql`select 1 from memberships where organisation_id = ${unoct}`)).toHaveLength(0);
    // An address outside the allowed domains, and one the provider did not verify.
    const eve = await signIn('eve', { organisationId: unodc });
    expect(refusal(eve.res.body)).toBe('sso_domain_not_allowed');
    const vic = await signIn('vic', { organisationId: unodc });
    expect(refusal(vic.res.body)).toBe('sso_email_missing');
    await t.services.sso.saveConfig(ADMIN, unoct, { issuer: idp.issuer, clientId: 'onedoor-unoct', allowedDomains: ['un.org'], defaultRole: 'contributor' });
  });

  it('refuses a suspended person', async () => {
    const first = await signIn('sam');
    expect(first.res.statusCode).toBe(303);
    const [u] = await rows<{ id: string }>(sql`select id from users where email = 'sam@unodc.org'`);
    await t.services.people.setUserStatus(ADMIN, u.id, 'suspended');
    const res = await signIn('sam');
    expect(res.res.statusCode).toBe(403);
    expect(refusal(res.res.body)).toBe('sso_user_suspended');
    expect(res.res.body).toContain('suspended');
  });

  it('says so in the user\'s language, and offers the organisations on the sign-in page', async () => {
    const s = await start({ email: 'omar@unodc.org' });
    const cb = await idpSignIn(s.location, 'omar', CALLBACK);
    cb.searchParams.set('state', 'x');
    const res = await t.app.inject({ method: 'GET', url: cb.pathname + cb.search, headers: { cookie: `${s.cookie}; od_lang=fr` } });
    expect(res.body).toContain('Ce lien de connexion n’est pas valable ici');
    const list = await t.app.inject({ method: 'GET', url: '/sign-in/sso?lang=ar' });
    expect(list.body).toContain('dir="rtl"');
    expect(list.body).toContain('UNODC');
    expect(list.body).toContain('UNOCT');
    const none = await start({ email: 'someone@example.org' });
    expect(none.res.statusCode).toBe(404);
    expect(none.res.body).toContain('example.org');
  });
});
