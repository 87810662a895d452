import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson } from '../helpers/web-session.js';

const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'test admin', userId: null, organisationId: null, memberRole: null };

/**
 * A revoked API key stayed valid for up to 5 s in every other process (each caches the keys it looked
 * up). Revocations now bump a generation in PostgreSQL in their own transaction, and a process trusts
 * a cached key only while the generation it reads for the request is the one it looked the key up under.
 */
describe('attack: a key revoked in one process, used at once in another', () => {
  let a: TestApp;
  let b: TestApp;
  const get = (t: TestApp, key: string) => t.call({ method: 'GET', url: '/v1/requests?limit=1', key });

  beforeAll(async () => {
    a = await buildTestApp();
    // A second API process on the same database, with its own key cache.
    b = await buildTestApp({ env: { DATABASE_URL: a.config.DATABASE_URL! }, reuseDatabase: true });
  });
  afterAll(async () => { await b?.close(); await a?.close(); });

  it('is refused by the other process on its very next request (admin revocation)', async () => {
    const made = await a.call({ method: 'POST', url: '/v1/api-keys', key: ADMIN_KEY, payload: { label: 'leaked', role: 'member_state', memberState: 'SEN' } });
    expect(made.status).toBe(201);
    // Both processes have the key cached as valid.
    for (const t of [a, b, b]) expect((await get(t, made.body.key)).status).toBe(200);
    const other = await a.key({ role: 'member_state', memberState: 'KEN' });
    expect((await get(b, other)).status).toBe(200);

    expect((await a.call({ method: 'DELETE', url: `/v1/api-keys/${made.body.id}`, key: ADMIN_KEY })).status).toBe(204);
    const refused = await get(b, made.body.key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    // Concurrent requests in the other process, the same: none is served from a lookup made before.
    const burst = await Promise.all(Array.from({ length: 5 }, () => get(b, made.body.key)));
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    // Other keys keep working there.
    expect((await get(b, other)).status).toBe(200);
  });

  it('is refused by the other process at once when the key\'s organisation is suspended', async () => {
    const focal = await createPerson(a, { kind: 'member_state', binding: { memberState: 'MLI' } });
    const owner: Principal = { keyId: null, role: 'member_state', memberState: 'MLI', providerId: null, entity: null, label: focal.name, userId: focal.userId, organisationId: focal.organisationId, memberRole: 'focal_point' };
    const { key } = await a.services.people.createOrgKey(owner, { label: 'integration' });
    expect((await get(b, key)).status).toBe(200);
    expect((await get(b, key)).status).toBe(200);
    await a.services.people.setOrganisationStatus(ADMIN, focal.organisationId, 'suspended');
    expect((await get(b, key)).status).toBe(401);
  });
});
