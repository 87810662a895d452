import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuOffering, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

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
