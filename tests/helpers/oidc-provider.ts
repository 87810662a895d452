import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/** A person the test identity provider knows, by account id (typed into its sign-in form as the login). */
export interface IdpAccount { email: string; name: string; emailVerified?: boolean }
export interface IdpClient { clientId: string; clientSecret: string; redirectUris: string[] }

/** A real OpenID Connect provider (oidc-provider) on a random port, for SSO tests. */
export interface TestIdp {
  issuer: string;
  accounts: Map<string, IdpAccount>;
  /**
   * Set to a client id to make the token endpoint answer with an ID token issued to that client
   * (the provider's own token, re-signed with its own key with only `aud` changed): a token meant for
   * another relying party, which OneDoor must refuse.
   */
  tamper: { audience: string | null };
  close(): Promise<void>;
}

const b64u = (v: Buffer | string) => Buffer.from(v).toString('base64url');

/** Re-signs a JWT's payload (RS256) after `change`, keeping its header (kid). */
function resign(jwt: string, key: KeyObject, change: (p: Record<string, unknown>) => void): string {
  const [h, p] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(payload);
  const data = `${h}.${b64u(JSON.stringify(payload))}`;
  return `${data}.${b64u(sign('sha256', Buffer.from(data), key))}`;
}

/** Starts the provider; its dev sign-in form takes an account id as the login (any password). */
export async function startOidcProvider(opts: { clients: IdpClient[]; accounts: Record<string, IdpAccount> }): Promise<TestIdp> {
  const accounts = new Map(Object.entries(opts.accounts));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(6).toString('hex'), alg: 'RS256', use: 'sig' };
  const tamper: TestIdp['tamper'] = { audience: null };
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;

  const server = createServer((req, res) => {
    if (tamper.audience && req.method === 'POST' && req.url?.startsWith('/token')) {
      // Rewrites the provider's own answer before it leaves (Koa ends the response with the whole JSON body).
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        try {
          const body = JSON.parse(String(chunk)) as { id_token?: string };
          if (body.id_token) body.id_token = resign(body.id_token, privateKey, (pl) => { pl.aud = tamper.audience; if (pl.azp) pl.azp = tamper.audience; });
          const out = JSON.stringify(body);
          if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
          return end(out);
        } catch { return end(chunk); }
      }) as typeof res.end;
    }
    handler!(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const config: Configuration = {
    clients: opts.clients.map((c) => ({
      client_id: c.clientId, client_secret: c.clientSecret, redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The scopes' claims in the ID token itself (as corporate providers put them), not only at userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: a.email, email_verified: a.emailVerified ?? true, name: a.name }) };
    },
    // First-party test clients: consent is taken as given, so the flow is sign-in then back to the client.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  handler = provider.callback();
  return {
    issuer, accounts, tamper,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * Goes through the provider's sign-in as a browser would, without one: follows the authorization URL,
 * submits the login form for `accountId`, and returns the URL the provider sends the browser back to
 * (the redirect URI with code and state) without fetching it. With `cancel`, the person cancels there instead.
 */
export async function idpSignIn(authorizationUrl: string, accountId: string, redirectUri: string, opts: { cancel?: boolean } = {}): Promise<URL> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (r: Response) => { for (const c of r.headers.getSetCookie()) { const [kv] = c.split(';'); const i = kv.indexOf('='); jar.set(kv.slice(0, i), kv.slice(i + 1)); } };
  const target = new URL(redirectUri).href;
  let url = new URL(authorizationUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let i = 0; i < 12; i++) {
    if (url.href.startsWith(target)) return url;
    const r = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
    keep(r);
    const location = r.headers.get('location');
    if (location) { url = new URL(location, url); method = 'GET'; body = undefined; await r.arrayBuffer(); continue; }
    const html = await r.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`the identity provider answered ${r.status} without a form: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'login';
    // The person cancels at the provider's sign-in form (its abort link): the provider answers access_denied.
    if (opts.cancel) { url = new URL(`${action.replace(/\/(login)?$/, '')}/abort`, url); method = 'GET'; body = undefined; continue; }
    url = new URL(action, url); method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt }).toString();
  }
  throw new Error('too many steps at the identity provider');
}
