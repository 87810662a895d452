import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, type WebSession } from '../helpers/web-session.js';

type Role = 'admin' | 'member_state' | 'provider' | 'cted' | 'entity';
const ROLES: Role[] = ['admin', 'member_state', 'provider', 'cted', 'entity'];
const Z = '00000000-0000-4000-8000-000000000000';

/**
 * Every POST form of the web interface (each POST route outside /v1, /docs, /static and operations)
 * and who may send it, signed in as a focal point of each kind of organisation (member roles inside an
 * organisation: tests/integration/role-matrix.test.ts). `public` forms are sent signed out (with the
 * pre-session's CSRF token); `signed-in` is every person. A new form must be listed here: the first
 * check fails until it is. Forms that end the session come last (see LAST).
 */
const WEB_FORMS: Record<string, Role[] | 'public' | 'signed-in'> = {
  '/sign-in': 'public',
  '/sign-in/sso': 'public',
  '/register/provider': 'public',
  '/password/forgot': 'public',
  '/password/reset': 'public',
  '/invitations/accept': 'public',
  '/account/unlock': 'public',
  '/first-admin': 'public',
  '/sign-out': 'signed-in',
  '/account': 'signed-in',
  '/account/password': 'signed-in',
  '/account/organisation': 'signed-in',
  '/account/sign-out-everywhere': 'signed-in',
  '/sign-in/second-factor': 'signed-in',
  '/sign-in/second-factor/passkey-options': 'signed-in',
  '/account/security/totp': 'signed-in',
  '/account/security/totp/confirm': 'signed-in',
  '/account/security/totp/remove': 'signed-in',
  '/account/security/passkeys/options': 'signed-in',
  '/account/security/passkeys': 'signed-in',
  '/account/security/passkeys/{id}/remove': 'signed-in',
  '/account/security/recovery-codes': 'signed-in',
  '/notifications/{id}/read': 'signed-in',
  '/notifications/read-all': 'signed-in',
  '/notifications/preferences': 'signed-in',
  '/notifications/confirm-address': 'signed-in',
  '/organisation/invitations': 'signed-in',
  '/organisation/people/{id}/status': 'signed-in',
  '/organisation/keys': 'signed-in',
  '/organisation/keys/{id}/rotate': 'signed-in',
  '/organisation/keys/{id}/revoke': 'signed-in',
  '/requests/{id}/messages': 'signed-in',
  '/requests/{id}/messages/{messageId}/edit': 'signed-in',
  '/requests/{id}/messages/{messageId}/answered': 'signed-in',
  '/requests/{id}/attachments': 'signed-in',
  '/requests': ['member_state'],
  '/requests/{id}/consent': ['member_state'],
  '/requests/{id}/withdraw': ['member_state'],
  '/requests/{id}/feedback': ['member_state'],
  '/requests/{id}/publish-consent': ['member_state'],
  '/requests/drafts/{id}/file': ['member_state'],
  '/attachments/{id}/matching': ['member_state'],
  '/offerings': ['provider'],
  '/offerings/{id}/edit': ['provider'],
  '/offerings/{id}/confirm': ['provider'],
  '/offerings/upload': ['provider'],
  '/offerings/publish-consent': ['provider'],
  '/offerings/{id}/documents': ['provider', 'admin'],
  '/inbox/{id}': ['provider'],
  '/saved-searches': ['provider'],
  '/saved-searches/{id}/delete': ['provider'],
  '/requests/{id}/start-delivery': ['provider', 'entity', 'cted', 'admin'],
  '/entity/{id}/action': ['entity', 'cted', 'admin'],
  '/review/decide': ['cted', 'admin'],
  '/requests/{id}/parts': ['cted', 'admin'],
  '/requests/{id}/decide': ['cted', 'admin'],
  '/requests/{id}/route': ['cted', 'admin'],
  '/requests/{id}/park': ['cted', 'admin'],
  '/requests/{id}/close': ['cted', 'admin'],
  '/requests/{id}/attach': ['cted', 'admin'],
  '/requests/{id}/duplicate': ['cted', 'admin'],
  '/needs/preview': ['cted', 'admin'],
  '/needs/import': ['cted', 'admin'],
  '/admin/entities': ['admin'],
  '/admin/entities/{code}': ['admin'],
  '/admin/screening/{id}/decision': ['admin'],
  '/admin/screening/list': ['admin'],
  '/admin/sso/{orgId}': ['admin'],
  '/admin/registrations/{orgId}/approve': ['admin'],
  '/admin/registrations/{orgId}/reject': ['admin'],
  '/admin/organisations': ['admin'],
  '/admin/organisations/{id}/invitations': ['admin'],
  '/admin/organisations/{id}/status': ['admin'],
  '/admin/people/{id}/second-factor': ['admin'],
  '/admin/mail/{id}/retry': ['admin'],
  '/admin/mail/bounces/confirm': ['admin'],
};
/** Forms that end the session they are sent in: sent last, each in a session of its own. */
const LAST = ['/sign-out', '/account/sign-out-everywhere'];
/** Sent signed out, sign-out has nothing to end and goes home: allowed, as long as it changes nothing. */
const SIGNED_OUT_NO_OP: Record<string, string> = { '/sign-out': '/?signedOut' };
/** What a path parameter is filled with: nothing that exists, so an allowed role's empty form changes nothing either. */
const PARAMS: Record<string, string> = { code: 'NOSUCHENTITY' };
/** Form bodies where an empty one would be refused for its content rather than let past (the switch names the session's own organisation). */
const BODIES: Record<string, (org: string) => Record<string, string>> = { '/account/organisation': (org) => ({ organisationId: org }) };

const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const form = (f: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded' as const, body: new URLSearchParams(f).toString() });

describe('role × every web form (POST)', () => {
  let t: TestApp;
  let forms: string[];
  let bindings: Record<Role, { memberState?: string; entity?: string; providerId?: string }>;
  beforeAll(async () => {
    t = await buildTestApp();
    await castOf(t);
    const spec = (await t.call({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, unknown>> };
    forms = Object.entries(spec.paths).filter(([p, ops]) => 'post' in ops && !/^\/(v1|docs|static|health|metrics|admin\/queues)(\/|$)/.test(p)).map(([p]) => p);
    const [prov] = (await t.call({ method: 'GET', url: '/v1/providers', key: ADMIN_KEY })).body.items;
    bindings = { admin: {}, cted: {}, member_state: { memberState: 'SEN' }, provider: { providerId: prov.id }, entity: { entity: 'UNODC' } };
  });
  afterAll(async () => { await t?.close(); });

  /** What any form's effect would change: the audit trail, mail, the outbox, sessions ended, and the rows people make. */
  const fingerprint = async () => JSON.stringify(await t.db.query(`select
    (select count(*)::int from audit_events) as audit, (select count(*)::int from mail_messages) as mail, (select count(*)::int from outbox) as outbox,
    (select count(*)::int from web_sessions where revoked_at is not null) as ended, (select count(*)::int from api_keys) as keys,
    (select count(*)::int from organisations) as orgs, (select count(*)::int from users) as users, (select count(*)::int from user_tokens) as tokens,
    (select count(*)::int from requests) as requests, (select count(*)::int from offerings) as offerings`, []));
  const urlOf = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => PARAMS[name] ?? Z);
  const personFor = async (role: Role) => createPerson(t, { kind: role, binding: bindings[role] });

  it('lists every form the web interface serves, and no form it does not', () => {
    expect([...forms].sort()).toEqual(Object.keys(WEB_FORMS).sort());
  });

  it('lets exactly the listed roles past each form; the others get 403 and no effect; never a 5xx', async () => {
    const failures: string[] = [];
    const people = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await personFor(r)] as const)));
    const sessions: Record<string, WebSession> = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await signInPerson(t, people[r]!)] as const)));
    const order = [...Object.keys(WEB_FORMS).filter((p) => !LAST.includes(p)), ...LAST];
    for (const path of order) {
      const allowed = WEB_FORMS[path]!;
      if (allowed === 'public') continue;
      for (const role of ROLES) {
        const s = LAST.includes(path) ? await signInPerson(t, people[role]!) : sessions[role]!;
        const may = allowed === 'signed-in' || allowed.includes(role);
        const before = may ? '' : await fingerprint();
        const res = await s.post(urlOf(path), BODIES[path]?.(people[role]!.organisationId) ?? {});
        const refused = res.status === 401 || res.status === 403 || (res.status === 303 && String(res.headers.location).startsWith('/sign-in'));
        if (res.status >= 500) failures.push(`${path} ${role} got ${res.status}`);
        else if (may && refused) failures.push(`${path} ${role} refused (${res.status})`);
        else if (!may && res.status !== 403) failures.push(`${path} ${role} got ${res.status}, expected 403`);
        if (!may && (await fingerprint()) !== before) failures.push(`${path} ${role} was refused but changed something`);
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('refuses every form without its CSRF token (403, no effect), signed in or not', async () => {
    const failures: string[] = [];
    const s = await signInPerson(t, await personFor('admin'));
    const pre = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const preCookie = cookiesOf(pre.headers['set-cookie']).filter((c) => c.startsWith('od_pre=')).join('; ');
    for (const path of Object.keys(WEB_FORMS)) {
      for (const [who, cookie] of [['signed in', s.cookie], ['signed out', preCookie]] as const) {
        for (const token of [undefined, 'forged-token']) {
          const before = await fingerprint();
          const f = form(token ? { _csrf: token } : {});
          const res = await t.app.inject({ method: 'POST', url: urlOf(path), headers: { cookie, 'content-type': f['content-type'] }, payload: f.body });
          if (res.statusCode !== 403) failures.push(`${path} ${who} ${token ? 'forged' : 'without'} token got ${res.statusCode}`);
          if ((await fingerprint()) !== before) failures.push(`${path} ${who} without a good token changed something`);
        }
      }
    }
    // The session's token does not pass with another session's cookie.
    const other = await signInPerson(t, await personFor('cted'));
    await other.get('/');
    const page = await s.get('/account');
    const stolen = form({ _csrf: csrfOf(page.html), name: 'Renamed by a forged form', language: 'en' });
    const cross = await t.app.inject({ method: 'POST', url: '/account', headers: { cookie: other.cookie, 'content-type': stolen['content-type'] }, payload: stolen.body });
    if (cross.statusCode !== 403) failures.push(`/account with another session's token got ${cross.statusCode}`);
    expect(failures).toEqual([]);
  }, 120_000);

  it('signed out with a good pre-session token, the public forms answer (never 5xx) and the others refuse with no effect', async () => {
    const failures: string[] = [];
    const pre = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const cookie = cookiesOf(pre.headers['set-cookie']).filter((c) => c.startsWith('od_pre=')).join('; ');
    const token = csrfOf(pre.body);
    for (const [path, allowed] of Object.entries(WEB_FORMS)) {
      const before = await fingerprint();
      const f = form({ _csrf: token });
      const res = await t.app.inject({ method: 'POST', url: urlOf(path), headers: { cookie, 'content-type': f['content-type'] }, payload: f.body });
      if (res.statusCode >= 500) failures.push(`${path} signed out got ${res.statusCode}`);
      if (allowed === 'public') continue;
      const refused = res.statusCode === 401 || res.statusCode === 403 || (res.statusCode === 303 && String(res.headers.location).startsWith('/sign-in'))
        || (res.statusCode === 303 && SIGNED_OUT_NO_OP[path] === res.headers.location);
      if (!refused) failures.push(`${path} signed out got ${res.statusCode}, expected a refusal`);
      if ((await fingerprint()) !== before) failures.push(`${path} signed out changed something`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
