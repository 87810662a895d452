import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcClient, type IdpSettings } from '../../src/modules/sso/oidc-client.js';
import { SsoError } from '../../src/modules/sso/sso.errors.js';
import { idpSignIn, startOidcProvider, type TestIdp } from '../helpers/oidc-provider.js';

const REDIRECT = 'http://127.0.0.1:9/sso/callback';

async function refusal(p: Promise<unknown>): Promise<SsoError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SsoError);
  return err as SsoError;
}

describe('OpenID Connect client (against oidc-provider)', () => {
  let idp: TestIdp;
  let rp: IdpSettings;
  const client = createOidcClient({ allowPrivate: true }); // the test provider listens on 127.0.0.1

  beforeAll(async () => {
    idp = await startOidcProvider({
      clients: [
        { clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789', redirectUris: [REDIRECT] },
        { clientId: 'other-app', clientSecret: 'other-secret-0123456789', redirectUris: [REDIRECT] },
      ],
      accounts: { analyst: { email: 'Ana.Analyst@UNODC.org', name: 'Ana Analyst' }, unverified: { email: 'x@unodc.org', name: 'X', emailVerified: false } },
    });
    rp = { issuer: idp.issuer, clientId: 'onedoor', clientSecret: 'onedoor-secret-0123456789' };
  });
  afterAll(() => idp?.close());

  it('signs in with code + PKCE, state and nonce, and returns the verified claims', async () => {
    const started = await client.begin(rp, REDIRECT);
    const auth = new URL(started.url);
    expect(auth.origin).toBe(idp.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.searchParams.get('state')).toBe(started.state);
    expect(auth.searchParams.get('nonce')).toBe(started.nonce);
    expect(auth.searchParams.get('client_id')).toBe('onedoor');
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    const claims = await client.complete(rp, back, started);
    expect(claims).toEqual({ issuer: idp.issuer, subject: 'analyst', email: 'ana.analyst@unodc.org', emailVerified: true, name: 'Ana Analyst' });
  });

  it('refuses a replayed code', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    await client.complete(rp, back, started);
    const err = await refusal(client.complete(rp, back, started));
    expect(err.code).toBe('sso_code_rejected');
    expect(err.statusCode).toBe(400);
  });

  it('refuses an answer whose state is not the one it sent', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    const err = await refusal(client.complete(rp, back, { ...started, state: 'another-state' }));
    expect(err.code).toBe('sso_bad_state');
  });

  it('refuses an ID token with another nonce', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    const err = await refusal(client.complete(rp, back, { ...started, nonce: 'another-nonce' }));
    expect(err.code).toBe('sso_token_invalid');
    expect(err.reason).toMatch(/nonce/);
  });

  it('refuses a code exchanged without the PKCE verifier it was issued for', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    const err = await refusal(client.complete(rp, back, { ...started, codeVerifier: 'x'.repeat(43) }));
    expect(err.code).toBe('sso_code_rejected');
  });

  it('refuses an ID token issued to another client (wrong audience)', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    idp.tamper.audience = 'other-app';
    try {
      const err = await refusal(client.complete(rp, back, started));
      expect(err.code).toBe('sso_token_invalid');
      expect(err.reason).toMatch(/aud/);
    } finally { idp.tamper.audience = null; }
  });

  it('says whether the provider did not verify the e-mail address', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'unverified', REDIRECT);
    expect((await client.complete(rp, back, started)).emailVerified).toBe(false);
  });

  it('refuses a wrong client secret and an unreachable provider with their own errors', async () => {
    const started = await client.begin(rp, REDIRECT);
    const back = await idpSignIn(started.url, 'analyst', REDIRECT);
    const bad = await refusal(client.complete({ ...rp, clientSecret: 'wrong-secret-0123456789' }, back, started));
    expect(bad.code).toBe('sso_idp_refused');
    const gone = await refusal(client.discover({ ...rp, issuer: 'http://127.0.0.1:9' }));
    expect(gone.code).toBe('sso_idp_unreachable');
  });
});
