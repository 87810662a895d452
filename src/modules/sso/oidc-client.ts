import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';
import { RefusedAddressError, resolveReceiver, type Resolve } from '../webhooks/webhook-address.js';
import { fetchPinned } from '../webhooks/webhook-transport.js';
import { SsoError } from './sso.errors.js';

/** An organisation's identity provider as OneDoor's client of it. */
export interface IdpSettings { issuer: string; clientId: string; clientSecret: string }

/** What the identity provider vouched for, from an ID token whose signature, issuer, audience, nonce and times were checked. */
export interface VerifiedClaims {
  issuer: string;
  subject: string;
  email: string | null;
  /** False only when the provider says the address is not verified (many corporate providers omit the claim). */
  emailVerified: boolean;
  name: string | null;
}

/** The secrets of one sign-in attempt: kept by OneDoor until the provider sends the browser back. */
export interface StartedSignIn { url: string; state: string; nonce: string; codeVerifier: string }

const SCOPE = 'openid email profile';

/** Plain HTTP only to an identity provider on this machine (a development or test provider). */
function isLoopback(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The messages and the checked claim along an error's cause chain (openid-client wraps oauth4webapi's errors). */
function explain(err: unknown): { text: string; claim?: string } {
  const parts: string[] = [];
  let claim: string | undefined;
  for (let e = err as { message?: string; code?: string; claim?: unknown; cause?: unknown } | undefined, i = 0; e && typeof e === 'object' && i < 4; e = e.cause as typeof e, i++) {
    if (e.message) parts.push(e.message);
    if (typeof e.claim === 'string') claim ??= e.claim;
  }
  return { text: parts.join(': '), claim };
}

/** Maps what openid-client throws to a refusal the user can read; `reason` names the failed check for the log. */
function refusalOf(err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  for (let e = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof RefusedAddressError) return new SsoError('sso_address_refused', e.message);
  }
  if (err instanceof oidc.AuthorizationResponseError) return new SsoError('sso_idp_refused', `${err.error}: ${err.error_description ?? ''}`);
  if (err instanceof oidc.ResponseBodyError) {
    return err.error === 'invalid_grant' ? new SsoError('sso_code_rejected', `${err.error}: ${err.error_description ?? ''}`) : new SsoError('sso_idp_refused', err.error);
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    return new SsoError('sso_idp_refused', err.cause.map((c) => c.parameters.error ?? c.scheme).join(', ') || 'challenge');
  }
  const code = (err as { code?: string }).code ?? '';
  const { text, claim } = explain(err);
  if (code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(text)) return new SsoError('sso_bad_state', text);
  if (code.startsWith('OAUTH_JW') || code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return new SsoError('sso_token_invalid', `${code}${claim ? ` (claim ${claim})` : ''}: ${text}`);
  }
  const name = (err as Error)?.name;
  if (err instanceof TypeError || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || name === 'TimeoutError' || name === 'AbortError') {
    return new SsoError('sso_idp_unreachable', `${code || name}: ${text}`);
  }
  return new SsoError('sso_token_invalid', `${code || 'error'}: ${text || String(err)}`);
}

/**
 * OneDoor as an OpenID Connect relying party (authorization code flow with PKCE, state and nonce),
 * through openid-client: discovery, the authorization URL, the code exchange and the ID token's
 * checks are the library's; this module only keeps the discovered configurations and names refusals.
 */
export function createOidcClient(opts: { timeoutMs?: number; discoveryTtlMs?: number; allowPrivate?: boolean; resolve?: Resolve } = {}) {
  const timeout = Math.ceil((opts.timeoutMs ?? 10_000) / 1000);
  /**
   * Every request to an identity provider (discovery, its keys, the code exchange) goes to a public
   * address only, by the webhooks' address rule, unless SSO_ALLOW_PRIVATE (tests, single-host installs):
   * an admin's issuer URL must not make the server reach loopback, the private network or itself.
   * Redirects are not followed (openid-client asks for none).
   */
  const guardedFetch: oidc.CustomFetch = async (url, init) => {
    if (opts.allowPrivate) return fetch(url, { ...init, redirect: 'manual' } as RequestInit);
    // The connection goes to the address that was checked, not to what the name resolves to a moment later.
    const u = new URL(url);
    const pinned = await resolveReceiver(u.hostname, { allowPrivate: false, resolve: opts.resolve });
    return fetchPinned(u, pinned, { method: init.method, headers: init.headers as ConstructorParameters<typeof Headers>[0], body: init.body }, timeout * 1000);
  };
  // Discovery (and the provider's keys, which openid-client caches per configuration) is fetched once per provider and client for a while.
  const configs = new LRUCache<string, Promise<oidc.Configuration>>({ max: 200, ttl: opts.discoveryTtlMs ?? 10 * 60_000 });

  function configOf(s: IdpSettings): Promise<oidc.Configuration> {
    const key = createHash('sha256').update(JSON.stringify([s.issuer, s.clientId, s.clientSecret])).digest('hex');
    let p = configs.get(key);
    if (!p) {
      const issuer = new URL(s.issuer);
      p = oidc.discovery(issuer, s.clientId, { client_secret: s.clientSecret }, oidc.ClientSecretBasic(s.clientSecret), {
        timeout, [oidc.customFetch]: guardedFetch, ...(isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      configs.set(key, p);
      p.catch(() => configs.delete(key));
    }
    return p;
  }

  return {
    /** Fetches the provider's discovery document (a check when an admin saves the settings). */
    async discover(s: IdpSettings): Promise<{ issuer: string; authorizationEndpoint: string | null }> {
      try {
        const c = await configOf(s);
        const m = c.serverMetadata();
        return { issuer: m.issuer, authorizationEndpoint: m.authorization_endpoint ?? null };
      } catch (err) { throw refusalOf(err); }
    },

    /** Starts a sign-in: fresh state, nonce and PKCE verifier, and the provider's authorization URL. */
    async begin(s: IdpSettings, redirectUri: string, extra: { loginHint?: string } = {}): Promise<StartedSignIn> {
      let c: oidc.Configuration;
      try { c = await configOf(s); } catch (err) { throw refusalOf(err); }
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri, scope: SCOPE, response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
        state, nonce, ...(extra.loginHint ? { login_hint: extra.loginHint } : {}),
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    /**
     * Completes a sign-in from the URL the provider sent the browser back to (`callbackUrl`, with the
     * redirect URI as its origin and path): exchanges the code with the PKCE verifier and checks the
     * ID token (signature, issuer, audience = our client id, nonce, expiry). Throws SsoError.
     */
    async complete(s: IdpSettings, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<VerifiedClaims> {
      try {
        const c = await configOf(s);
        const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
          expectedState: expected.state, expectedNonce: expected.nonce, pkceCodeVerifier: expected.codeVerifier, idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new SsoError('sso_token_invalid', 'no ID token');
        const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
        return {
          issuer: claims.iss, subject: claims.sub, email,
          emailVerified: claims.email_verified !== false,
          name: typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : null,
        };
      } catch (err) { throw refusalOf(err); }
    },
  };
}
export type OidcClient = ReturnType<typeof createOidcClient>;
