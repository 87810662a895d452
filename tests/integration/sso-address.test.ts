import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient } from '../../src/modules/sso/oidc-client.js';
import { SsoError } from '../../src/modules/sso/sso.errors.js';
import { fetchPinned } from '../../src/modules/webhooks/webhook-transport.js';
import type { Principal } from '../../src/plugins/auth.plugin.js';
import { startOidcProvider, type TestIdp } from '../helpers/oidc-provider.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const ADMIN: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'Test Admin', userId: null, organisationId: null, memberRole: null };

/**
 * The server fetches what an admin names as an organisation's identity provider (issue 13 review):
 * without SSO_ALLOW_PRIVATE it reaches public addresses only, and it never echoes what answered.
 */
describe('SSO issuer address guard', () => {
  let t: TestApp;
  let idp: TestIdp;
  let org: string;
  let leaky: Server;
  let leakyHits = 0;
  beforeAll(async () => {
    t = await buildTestApp({ env: { SSO_ALLOW_PRIVATE: 'false' } });
    idp = await startOidcProvider({ clients: [{ clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789', redirectUris: ['http://127.0.0.1:9/sso/callback'] }], accounts: {} });
    org = (await t.services.people.createOrganisation(ADMIN, { kind: 'entity', name: 'UNODC', entity: 'UNODC' })).id;
    // An internal service that answers anything with a body that must not reach the admin.
    leaky = createServer((_req, res) => { leakyHits++; res.writeHead(500, { 'content-type': 'text/plain' }).end('INTERNAL-SECRET-PAGE db_password=hunter2'); });
    await new Promise<void>((r) => leaky.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => { await new Promise((r) => leaky?.close(r)); await idp?.close(); await t?.close(); });

  const save = (issuer: string) => t.services.sso.saveConfig(ADMIN, org, { issuer, clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789', allowedDomains: ['unodc.org'] }).then(() => null, (e: unknown) => e as { statusCode: number; details: { path: string; message: string; code: string }[] });

  it('refuses an issuer on a loopback address without fetching it', async () => {
    const err = await save(idp.issuer);
    expect(err).toMatchObject({ statusCode: 400, details: [{ path: 'issuer', code: 'sso.discoveryFailed' }] });
    expect(err!.details[0]!.message).toMatch(/loopback address/);
    const leak = await save(`http://127.0.0.1:${(leaky.address() as AddressInfo).port}/realm`);
    expect(leak!.details[0]!.message).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(leakyHits).toBe(0);
  });

  it('checks the address a name resolves to (a private one is refused)', async () => {
    const client = createOidcClient({ resolve: async () => [{ address: '10.20.30.40', family: 4 }] });
    const err = await client.discover({ issuer: 'https://idp.corp.example', clientId: 'x', clientSecret: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsoError);
    expect(err).toMatchObject({ refusal: 'sso_address_refused' });
    expect((err as SsoError).reason).toMatch(/idp\.corp\.example resolves to 10\.20\.30\.40, a private address/);
  });

  it('with the allowance, a provider that answers with an error page is not echoed back', async () => {
    const allowed = await buildTestApp({ reuseDatabase: true, env: { DATABASE_URL: t.config.DATABASE_URL!, SSO_ALLOW_PRIVATE: 'true' } });
    try {
      const err = await allowed.services.sso.saveConfig(ADMIN, org, { issuer: `http://127.0.0.1:${(leaky.address() as AddressInfo).port}/realm`, clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789', allowedDomains: ['unodc.org'] })
        .then(() => null, (e: unknown) => e as { statusCode: number; details: { message: string }[] });
      expect(leakyHits).toBeGreaterThan(0);
      expect(err).toMatchObject({ statusCode: 400 });
      expect(JSON.stringify(err!.details)).not.toMatch(/INTERNAL-SECRET|hunter2|500/);
      // The real provider is found under the allowance.
      await allowed.services.sso.saveConfig(ADMIN, org, { issuer: idp.issuer, clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789', allowedDomains: ['unodc.org'] });
    } finally { await allowed.close(); }
  });
});

/** DNS rebinding: the connection goes to the address that was checked, never to what the name resolves to next. */
describe('SSO requests are pinned to the checked address', () => {
  let server: Server;
  let hits: { host: string | undefined; url: string | undefined }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => { hits.push({ host: req.headers.host, url: req.url }); res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => { await new Promise((r) => server?.close(r)); });

  it('connects to the pinned address whatever the name, keeping the name in Host, and answers as fetch does', async () => {
    const port = (server.address() as AddressInfo).port;
    hits = [];
    const res = await fetchPinned(new URL(`http://idp.unodc.example:${port}/.well-known/openid-configuration`), { address: '127.0.0.1', family: 4 }, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ a: '1' }) }, 5000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(hits).toEqual([{ host: `idp.unodc.example:${port}`, url: '/.well-known/openid-configuration' }]);
  });

  it('a name checked as public but resolving to loopback when connecting never reaches the loopback service', async () => {
    hits = [];
    // The check sees a public address; the system resolver would answer localhost with 127.0.0.1, where the server listens.
    const client = createOidcClient({ timeoutMs: 1000, resolve: async () => [{ address: '8.8.8.8', family: 4 }] });
    const err = await client.discover({ issuer: `http://localhost:${(server.address() as AddressInfo).port}/realm`, clientId: 'x', clientSecret: 'y' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsoError);
    expect(hits).toEqual([]);
  });
});
