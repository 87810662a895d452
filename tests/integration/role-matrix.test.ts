import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, signInPerson, webSession } from '../helpers/web-session.js';

type Role = 'admin' | 'member_state' | 'provider' | 'cted' | 'entity';
const ROLES: Role[] = ['admin', 'member_state', 'provider', 'cted', 'entity'];
const Z = '00000000-0000-4000-8000-000000000000';

/**
 * Every /v1 route and the roles that may call it at all. A route added to the API without a row
 * here fails the coverage test; a role outside the list must get 401/403 and nothing else.
 */
const MATRIX: Record<string, Role[] | 'public'> = {
  'GET /v1/reference/entities': 'public',
  'GET /v1/reference/thematic-areas': 'public',
  'GET /v1/reference/member-states': 'public',
  'GET /v1/directory/offerings': 'public',
  'GET /v1/directory/offerings/{id}': 'public',
  'POST /v1/api-keys': ['admin'],
  'GET /v1/api-keys': ['admin'],
  'DELETE /v1/api-keys/{id}': ['admin'],
  'POST /v1/providers': ['admin'],
  'GET /v1/providers': ['admin', 'cted', 'entity'],
  'PATCH /v1/providers/{id}': ['admin'],
  'GET /v1/providers/{id}/entity-suggestion': ['admin'],
  'POST /v1/requests': ['member_state'],
  'GET /v1/requests': ['member_state', 'entity', 'cted', 'admin'],
  'GET /v1/requests/{id}': ROLES,
  'POST /v1/requests/{id}/withdraw': ['member_state'],
  'PUT /v1/requests/{id}/consent': ['member_state'],
  'PUT /v1/requests/{id}/parts': ['cted', 'admin'],
  'DELETE /v1/requests/{id}/parts': ['cted', 'admin'],
  'POST /v1/requests/{id}/feedback': ['member_state'],
  'POST /v1/requests/{id}/entity-action': ['entity', 'cted', 'admin'],
  'POST /v1/requests/{id}/start-delivery': ['provider', 'entity', 'cted', 'admin'],
  'POST /v1/offerings': ['provider', 'admin'],
  'GET /v1/offerings': ['provider', 'admin', 'cted', 'entity'],
  'GET /v1/offerings/{id}': ROLES,
  'PATCH /v1/offerings/{id}': ['provider', 'admin'],
  'POST /v1/offerings/{id}/close': ['provider', 'admin'],
  'POST /v1/offerings/{id}/confirm': ['provider', 'admin'],
  'POST /v1/offerings/bulk': ['provider', 'admin'],
  'POST /v1/offerings/iati': ['provider', 'admin'],
  'POST /v1/needs': ['cted', 'admin'],
  'GET /v1/needs': ['cted', 'admin', 'member_state', 'entity'],
  'POST /v1/needs/import': ['cted', 'admin'],
  'GET /v1/review/queue': ['cted', 'admin'],
  'POST /v1/review/assignments': ['cted', 'admin'],
  'POST /v1/matches/{id}/decision': ['cted', 'admin'],
  'POST /v1/matches/decisions': ['cted', 'admin'],
  'POST /v1/requests/{id}/decisions': ['cted', 'admin'],
  'GET /v1/review/requests': ['cted', 'admin'],
  'POST /v1/requests/{id}/attach': ['cted', 'admin'],
  'POST /v1/requests/{id}/route': ['cted', 'admin'],
  'POST /v1/requests/{id}/park': ['cted', 'admin'],
  'POST /v1/requests/{id}/close': ['cted', 'admin'],
  'POST /v1/requests/{id}/duplicates/{otherId}': ['cted', 'admin'],
  'GET /v1/entities/{code}/queue': ['entity', 'cted', 'admin'],
  'GET /v1/inbox': ['provider'],
  'POST /v1/matches/{id}/response': ['provider', 'admin'],
  'POST /v1/webhooks': ['entity', 'provider', 'cted', 'admin'],
  'GET /v1/webhooks': ['entity', 'provider', 'cted', 'admin'],
  'DELETE /v1/webhooks/{id}': ['entity', 'provider', 'cted', 'admin'],
  'GET /v1/webhooks/{id}/deliveries': ['entity', 'provider', 'cted', 'admin'],
  'POST /v1/webhooks/deliveries/{id}/redeliver': ['entity', 'provider', 'cted', 'admin'],
  'GET /v1/admin/dead-letters': ['admin'],
  'POST /v1/admin/dead-letters/{id}/replay': ['admin'],
  'GET /v1/admin/learning/examples': ['admin'],
  'GET /v1/admin/learning/models': ['admin'],
  'POST /v1/admin/learning/models': ['admin'],
  'GET /v1/admin/learning/models/{id}': ['admin'],
  'POST /v1/admin/learning/models/{id}/apply': ['admin'],
  'POST /v1/admin/learning/retire': ['admin'],
  'GET /v1/analytics/needs-matrix': ['cted', 'admin', 'entity'],
  'GET /v1/analytics/unmatched-needs': ['cted', 'admin', 'entity'],
  'GET /v1/analytics/supply-demand': ['cted', 'admin', 'entity'],
  'GET /v1/analytics/overlaps': ['cted', 'admin', 'entity'],
  'GET /v1/analytics/timings': ['cted', 'admin', 'entity'],
  'GET /v1/analytics/outcomes': ['cted', 'admin', 'entity'],
  'GET /v1/admin/screening/hits': ['admin'],
  'GET /v1/admin/screening/hits/{id}': ['admin'],
  'POST /v1/admin/screening/hits/{id}/decision': ['admin'],
  'GET /v1/admin/screening/status': ['admin'],
  'POST /v1/admin/screening/list': ['admin'],
  'POST /v1/admin/entities': ['admin'],
  'GET /v1/admin/entities': ['admin'],
  'PATCH /v1/admin/entities/{code}': ['admin'],
  'GET /v1/requests/{id}/messages': ROLES,
  'POST /v1/requests/{id}/messages': ROLES,
  'PATCH /v1/requests/{id}/messages/{messageId}': ROLES,
  'POST /v1/requests/{id}/messages/{messageId}/answered': ROLES,
  'GET /v1/requests/{id}/timeline': ROLES,
  'GET /v1/messages/search': ['cted', 'admin'],
  'POST /v1/requests/{id}/attachments': ['member_state', 'cted', 'entity', 'admin'],
  'GET /v1/requests/{id}/attachments': ROLES,
  'POST /v1/offerings/{id}/attachments': ['provider', 'admin'],
  'GET /v1/offerings/{id}/attachments': ROLES,
  'GET /v1/attachments/{id}': ROLES,
  'GET /v1/attachments/{id}/content': ROLES,
  'PUT /v1/attachments/{id}/matching': ['member_state'],
  'GET /v1/notifications': ROLES,
  'POST /v1/notifications/{id}/read': ROLES,
  'POST /v1/notifications/read-all': ROLES,
  'GET /v1/notifications/preferences': ROLES,
  'PUT /v1/notifications/preferences': ROLES,
  'GET /v1/saved-searches': ['provider'],
  'POST /v1/saved-searches': ['provider'],
  'DELETE /v1/saved-searches/{id}': ['provider'],
  'POST /v1/provider-registrations': 'public',
  'GET /v1/admin/provider-registrations': ['admin'],
  'POST /v1/admin/provider-registrations/{id}/approve': ['admin'],
  'POST /v1/admin/provider-registrations/{id}/reject': ['admin'],
  'GET /v1/admin/organisations/{id}/sso': ['admin'],
  'PUT /v1/admin/organisations/{id}/sso': ['admin'],
};

/** The web pages of single sign-on and provider registration, and who may open them (signed in as a person of each role). */
const WEB_MATRIX: Record<string, Role[] | 'public'> = {
  'GET /sign-in/sso': 'public',
  'POST /sign-in/sso': 'public',
  'GET /sso/callback': 'public',
  'GET /register/provider': 'public',
  'POST /register/provider': 'public',
  'GET /admin/sso': ['admin'],
  'GET /admin/sso/choose': ['admin'],
  'GET /admin/sso/{id}': ['admin'],
  'POST /admin/sso/{id}': ['admin'],
  'GET /admin/registrations': ['admin'],
  'GET /admin/registrations/{id}': ['admin'],
  'POST /admin/registrations/{id}/approve': ['admin'],
  'POST /admin/registrations/{id}/reject': ['admin'],
};

describe('role × endpoint matrix', () => {
  let t: TestApp;
  let c: Cast;
  let keys: Record<Role, string>;
  let spec: any;
  beforeAll(async () => {
    t = await buildTestApp();
    c = await castOf(t);
    keys = { admin: c.admin, member_state: c.stateA, provider: c.providerA, cted: c.cted, entity: c.unodc };
    spec = (await t.call({ method: 'GET', url: '/docs/json' })).body;
  });
  afterAll(async () => { await t?.close(); });

  it('covers every /v1 route the API serves', () => {
    const served = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.startsWith('/v1/'))
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
    expect(served.filter((r) => !(r in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !served.includes(r))).toEqual([]);
  });

  it('refuses every role outside the matrix (401 without a key, 403 with the wrong one) and lets the others past auth', async () => {
    const failures: string[] = [];
    for (const [route, allowed] of Object.entries(MATRIX)) {
      const [method, path] = route.split(' ');
      const url = path.replace('{code}', 'UNODC').replace('{id}', Z).replace('{otherId}', Z).replace('{messageId}', Z);
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
      const anon = await t.call({ method: method as 'GET', url, payload });
      if (allowed === 'public') {
        if (anon.status === 401 || anon.status === 403) failures.push(`${route} anonymous got ${anon.status}`);
        continue;
      }
      if (anon.status !== 401) failures.push(`${route} anonymous got ${anon.status}`);
      for (const role of ROLES) {
        const res = await t.call({ method: method as 'GET', url, key: keys[role], payload });
        // A route for people (notifications, saved searches) lets the role past and then tells a bare API key it is not a person.
        const refused = (res.status === 401 || res.status === 403) && res.body?.error?.code !== 'person_required';
        if (allowed.includes(role) && refused) failures.push(`${route} ${role} refused (${res.status})`);
        if (!allowed.includes(role) && res.status !== 403) failures.push(`${route} ${role} got ${res.status}, expected 403`);
        if (res.status >= 500) failures.push(`${route} ${role} got ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('ownership: what a role may call it may still not see (404, never a leak)', async () => {
    const rid = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: { ...fiuRequest, confidentiality: 'restricted' } })).body.id;
    const oid = (await t.call({ method: 'POST', url: '/v1/offerings', key: c.providerA, payload: fiuOffering })).body.id;
    expect((await t.call({ method: 'GET', url: `/v1/requests/${rid}`, key: c.stateB })).status).toBe(404);
    expect((await t.call({ method: 'GET', url: `/v1/requests/${rid}`, key: c.providerA })).status).toBe(404);
    expect((await t.call({ method: 'GET', url: `/v1/requests/${rid}`, key: c.icao })).status).toBe(404);
    expect((await t.call({ method: 'PATCH', url: `/v1/offerings/${oid}`, key: c.providerB, payload: { title: 'Not mine to change' } })).status).toBe(404);
    expect((await t.call({ method: 'GET', url: '/v1/entities/UNODC/queue', key: c.icao })).status).toBe(403);
  });
});

/**
 * The second factor's web routes (issue 13 item 3): each person's own, so every role may use them
 * once signed in (a half signed-in session is held at them: tests/integration/factors-web.test.ts);
 * signed out, a page sends to sign-in and a form is refused.
 */
const FACTOR_WEB_ROUTES = [
  'GET /sign-in/second-factor', 'POST /sign-in/second-factor', 'POST /sign-in/second-factor/passkey-options',
  'GET /account/security', 'POST /account/security/totp', 'POST /account/security/totp/confirm', 'POST /account/security/totp/remove',
  'POST /account/security/passkeys/options', 'POST /account/security/passkeys', 'POST /account/security/passkeys/{id}/remove',
  'POST /account/security/recovery-codes',
] as const;

describe('role × second-factor web routes', () => {
  let t: TestApp;
  let c: Cast;
  beforeAll(async () => { t = await buildTestApp(); c = await castOf(t); });
  afterAll(async () => { await t?.close(); });

  it('are served, refuse the signed-out, and answer every role without a refusal or a server error', async () => {
    const keys: Record<Role, string> = { admin: c.admin, member_state: c.stateA, provider: c.providerA, cted: c.cted, entity: c.unodc };
    const failures: string[] = [];
    // One session per role (a password sign-in costs an argon2 hash).
    const sessions = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await webSession(t, keys[role])] as const)));
    for (const route of FACTOR_WEB_ROUTES) {
      const [method, path] = route.split(' ') as ['GET' | 'POST', string];
      const url = path.replace('{id}', Z);
      if (!t.app.hasRoute({ method, url: path.replace('{id}', ':id') })) failures.push(`${route} is not served`);
      const anon = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      const anonOk = method === 'GET' ? anon.statusCode === 303 && String(anon.headers.location).startsWith('/sign-in') : [401, 403].includes(anon.statusCode);
      if (!anonOk) failures.push(`${route} signed out got ${anon.statusCode}`);
      for (const role of ROLES) {
        const s = sessions[role];
        const r = method === 'GET' ? await s.get(url) : await s.post(url, {});
        if (r.status === 401 || r.status === 403 || r.status >= 500) failures.push(`${route} ${role} got ${r.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});

describe('role × web page matrix (single sign-on and registration pages)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('lets only the listed roles open each page; public pages open signed out', async () => {
    const failures: string[] = [];
    const bindings: Record<Role, { memberState?: string; entity?: string; providerId?: string }> = {
      admin: {}, cted: {}, member_state: { memberState: 'MLI' }, entity: { entity: 'UNODC' },
      provider: { providerId: (await t.call({ method: 'POST', url: '/v1/providers', key: ADMIN_KEY, payload: { name: 'Matrix Provider', kind: 'ngo' } })).body.id },
    };
    const sessions = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await signInPerson(t, await createPerson(t, { kind: r, binding: bindings[r] }))] as const)));
    for (const [route, allowed] of Object.entries(WEB_MATRIX)) {
      const [method, path] = route.split(' ');
      const url = path.replace('{id}', Z);
      if (allowed === 'public') {
        const anon = await t.app.inject({ method: method as 'GET', url, ...(method === 'POST' ? { payload: {} } : {}) });
        // A signed-out POST without the pre-session's CSRF token is refused 403 by the CSRF check, not by a role.
        if (method === 'GET' && (anon.statusCode === 401 || anon.statusCode === 403 || anon.statusCode >= 500)) failures.push(`${route} anonymous got ${anon.statusCode}`);
        continue;
      }
      // Signed out, a page sends the browser to sign in (a POST without a session is refused by the CSRF check first).
      const anon = method === 'GET' ? await t.app.inject({ method: 'GET', url }) : null;
      if (anon && anon.statusCode !== 303) failures.push(`${route} anonymous got ${anon.statusCode}, expected the sign-in redirect`);
      for (const role of ROLES) {
        const s = sessions[role];
        const res = method === 'GET' ? await s.get(url) : await s.post(url, {});
        const refused = res.status === 401 || res.status === 403;
        if (allowed.includes(role) && (refused || res.status >= 500)) failures.push(`${route} ${role} got ${res.status}`);
        if (!allowed.includes(role) && res.status !== 403) failures.push(`${route} ${role} got ${res.status}, expected 403`);
      }
    }
    expect(failures).toEqual([]);
  });
});

type MemberRole = 'focal_point' | 'contributor' | 'reader';
type Who = `${Role}:${MemberRole}`;
/**
 * The people pages (issue 13) per organisation kind and member role: who gets past the page's checks
 * (any answer but 401/403). `signed-in` is every person; the rest list kind:role pairs or kinds.
 * Sign-out everywhere comes last: it ends the session the loop uses.
 */
const PEOPLE_WEB_MATRIX: [string, 'signed-in' | (Role | Who)[]][] = [
  ['GET /account', 'signed-in'],
  ['GET /sign-in/organisation', 'signed-in'],
  ['POST /account', 'signed-in'],
  ['POST /account/password', 'signed-in'],
  ['GET /organisation', 'signed-in'],
  ['POST /organisation/invitations', [...ROLES.map((r) => `${r}:focal_point` as Who)]],
  ['POST /organisation/people/{id}/status', [...ROLES.map((r) => `${r}:focal_point` as Who)]],
  ['GET /organisation/keys', 'signed-in'],
  ['POST /organisation/keys', [...ROLES.map((r) => `${r}:focal_point` as Who)]],
  ['POST /organisation/keys/{id}/rotate', [...ROLES.map((r) => `${r}:focal_point` as Who)]],
  ['POST /organisation/keys/{id}/revoke', [...ROLES.map((r) => `${r}:focal_point` as Who)]],
  ['GET /requests/drafts', ['member_state']],
  ['GET /requests/drafts/{id}', ['member_state']],
  ['POST /requests/drafts/{id}/file', ['member_state:focal_point']],
  ['POST /requests', ['member_state:focal_point', 'member_state:contributor']],
  ['GET /admin/organisations', ['admin']],
  ['POST /admin/organisations', ['admin']],
  ['GET /admin/organisations/{id}', ['admin']],
  ['POST /admin/organisations/{id}/invitations', ['admin']],
  ['POST /admin/organisations/{id}/status', ['admin']],
  ['GET /admin/people', ['admin']],
  ['GET /admin/people/{id}/second-factor', ['admin']],
  ['POST /admin/people/{id}/second-factor', ['admin']],
  ['GET /admin/audit', ['admin']],
  ['GET /admin/mail', ['admin']],
  ['POST /admin/mail/{id}/retry', ['admin']],
  ['POST /admin/mail/bounces/confirm', ['admin']],
  ['POST /notifications/confirm-address', 'signed-in'],
  ['POST /account/sign-out-everywhere', 'signed-in'],
];
/** Pages anyone reaches signed out (a link from a mail, the sign-in itself). */
const PUBLIC_PAGES = ['/sign-in', '/password/forgot', '/password/reset?token=x', '/invitations/accept?token=x', '/account/unlock?token=x', '/first-admin?token=x'];

describe('role × people page matrix (organisation kind × member role)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await castOf(t);
  });
  afterAll(async () => { await t?.close(); });

  it('lets each kind and member role past exactly the pages the matrix names, and signed-out browsers to none of them', async () => {
    const { createPerson, signInPerson } = await import('../helpers/web-session.js');
    const [prov] = (await t.call({ method: 'GET', url: '/v1/providers', key: (await import('../helpers/test-app.js')).ADMIN_KEY })).body.items;
    const binding: Record<Role, Record<string, string | undefined>> = { admin: {}, cted: {}, member_state: { memberState: 'SEN' }, provider: { providerId: prov.id }, entity: { entity: 'UNODC' } };
    const people: Who[] = [...ROLES.map((r) => `${r}:focal_point` as Who), 'member_state:contributor', 'member_state:reader', 'provider:reader'];
    const failures: string[] = [];
    for (const who of people) {
      const [kind, role] = who.split(':') as [Role, MemberRole];
      const s = await signInPerson(t, await createPerson(t, { kind, binding: binding[kind], role }));
      for (const [route, allowed] of PEOPLE_WEB_MATRIX) {
        const [method, path] = route.split(' ');
        const url = path!.replace('{id}', Z);
        const res = method === 'GET' ? await s.get(url) : await s.post(url, {});
        const ok = allowed === 'signed-in' || allowed.includes(kind) || allowed.includes(who);
        const refused = res.status === 401 || res.status === 403 || (method === 'GET' && res.status === 303 && String(res.headers.location).startsWith('/sign-in'));
        if (ok && refused) failures.push(`${route} ${who} refused (${res.status})`);
        if (!ok && res.status !== 403) failures.push(`${route} ${who} got ${res.status}, expected 403`);
        if (res.status >= 500) failures.push(`${route} ${who} got ${res.status}`);
      }
    }
    for (const [route] of PEOPLE_WEB_MATRIX) {
      const [method, path] = route.split(' ');
      const res = await t.app.inject({ method: method as 'GET', url: path!.replace('{id}', Z) });
      // Signed out: a page sends to the sign-in, a form post without a session's CSRF token is refused.
      if (method === 'GET' ? !(res.statusCode === 303 && String(res.headers.location).startsWith('/sign-in')) : res.statusCode !== 403) failures.push(`${route} signed out got ${res.statusCode}`);
    }
    for (const url of PUBLIC_PAGES) {
      const res = await t.app.inject({ method: 'GET', url });
      if (![200, 410].includes(res.statusCode)) failures.push(`${url} signed out got ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });
});

/**
 * Every page of the web interface (each GET route outside /v1, /docs, /static and operations), and who
 * gets past its checks, signed in as a focal point of each kind of organisation: `public` pages open
 * signed out; the others send a signed-out browser to sign in and refuse (403) the roles not listed.
 * A page whose lookup comes first answers 404 for an unknown id to every listed role; that counts as past.
 * A new page must be added here (the first check fails until it is).
 */
const EVERY_ROLE: Role[] = ROLES;
const WEB_PAGES: Record<string, Role[] | 'public'> = {
  '/': 'public',
  '/language/{lang}': 'public',
  '/sign-in': 'public',
  '/sign-in/sso': 'public',
  '/sso/callback': 'public',
  '/register/provider': 'public',
  '/password/forgot': 'public',
  '/password/reset': 'public',
  '/invitations/accept': 'public',
  '/account/unlock': 'public',
  '/first-admin': 'public',
  '/directory': 'public',
  '/directory/offerings/{id}': 'public',
  '/directory/providers/{id}': 'public',
  '/requests': ['admin', 'cted', 'member_state', 'entity'],
  '/requests/new': ['member_state'],
  '/requests/{id}': EVERY_ROLE,
  '/requests/drafts': ['member_state'],
  '/requests/drafts/{id}': ['member_state'],
  '/offerings': ['provider'],
  '/offerings/new': ['provider'],
  '/offerings/upload': ['provider'],
  '/offerings/{id}/edit': ['provider'],
  '/offerings/{id}/documents': ['admin', 'provider'],
  '/inbox': ['provider'],
  '/saved-searches': ['provider'],
  '/review': ['admin', 'cted'],
  '/triage': ['admin', 'cted'],
  '/messages/search': ['admin', 'cted'],
  '/publishing/iati.xml': ['admin', 'cted'],
  '/entity': ['admin', 'cted', 'entity'],
  '/needs': ['admin', 'cted', 'entity'],
  '/needs/cell': ['admin', 'cted', 'entity'],
  '/analytics': ['admin', 'cted', 'entity'],
  '/analytics/export/{report}': ['admin', 'cted', 'entity'],
  '/export/{list}': ['admin', 'cted', 'member_state', 'entity'],
  '/profiles': EVERY_ROLE,
  '/profiles/{iso3}': ['admin', 'cted', 'member_state', 'entity'],
  '/profiles/region/{m49}': EVERY_ROLE,
  '/attachments/{id}': EVERY_ROLE,
  '/account': EVERY_ROLE,
  '/account/security': EVERY_ROLE,
  '/sign-in/second-factor': EVERY_ROLE,
  '/sign-in/organisation': EVERY_ROLE,
  '/notifications': EVERY_ROLE,
  '/organisation': EVERY_ROLE,
  '/organisation/keys': EVERY_ROLE,
  '/admin/entities': ['admin'],
  '/admin/screening': ['admin'],
  '/admin/sso': ['admin'],
  '/admin/sso/choose': ['admin'],
  '/admin/sso/{orgId}': ['admin'],
  '/admin/registrations': ['admin'],
  '/admin/registrations/{orgId}': ['admin'],
  '/admin/organisations': ['admin'],
  '/admin/organisations/{id}': ['admin'],
  '/admin/people': ['admin'],
  '/admin/people/{id}/second-factor': ['admin'],
  '/admin/audit': ['admin'],
  '/admin/mail': ['admin'],
};
/** What a page's path parameters are filled with: real values where the value decides the answer. */
const PAGE_PARAMS: Record<string, string> = { lang: 'fr', iso3: 'SEN', m49: '002', list: 'requests', report: 'unmatchedNeeds' };

describe('role × every web page', () => {
  let t: TestApp;
  let pages: string[];
  beforeAll(async () => {
    t = await buildTestApp();
    await castOf(t);
    const spec = (await t.call({ method: 'GET', url: '/docs/json' })).body as { paths: Record<string, Record<string, unknown>> };
    pages = Object.entries(spec.paths).filter(([p, ops]) => 'get' in ops && !/^\/(v1|docs|static|health|metrics|admin\/queues)(\/|$)/.test(p)).map(([p]) => p);
  });
  afterAll(async () => { await t?.close(); });

  it('lists every page the web interface serves, and no page it does not', () => {
    expect([...pages].sort()).toEqual(Object.keys(WEB_PAGES).sort());
  });

  it('lets exactly the listed roles past each page, sends signed-out browsers to sign in, and never fails with 5xx', async () => {
    const [prov] = (await t.call({ method: 'GET', url: '/v1/providers', key: ADMIN_KEY })).body.items;
    const binding: Record<Role, { memberState?: string; entity?: string; providerId?: string }> = { admin: {}, cted: {}, member_state: { memberState: 'SEN' }, provider: { providerId: prov.id }, entity: { entity: 'UNODC' } };
    const sessions = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await signInPerson(t, await createPerson(t, { kind: r, binding: binding[r] }))] as const)));
    const failures: string[] = [];
    const toSignIn = (status: number, location: unknown) => status === 303 && String(location ?? '').startsWith('/sign-in');
    for (const [path, allowed] of Object.entries(WEB_PAGES)) {
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => PAGE_PARAMS[name] ?? Z);
      const anon = await t.app.inject({ method: 'GET', url });
      if (anon.statusCode >= 500) failures.push(`${path} signed out got ${anon.statusCode}`);
      if (allowed === 'public' ? toSignIn(anon.statusCode, anon.headers.location) || anon.statusCode === 403 : !toSignIn(anon.statusCode, anon.headers.location)) {
        failures.push(`${path} signed out got ${anon.statusCode} ${anon.headers.location ?? ''}`);
      }
      for (const role of ROLES) {
        const res = await sessions[role].get(url);
        const refused = res.status === 401 || res.status === 403 || toSignIn(res.status, res.headers.location);
        if (res.status >= 500) failures.push(`${path} ${role} got ${res.status}`);
        else if ((allowed === 'public' || allowed.includes(role)) === refused) failures.push(`${path} ${role} got ${res.status}${refused ? ' (refused)' : ', expected 403'}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
