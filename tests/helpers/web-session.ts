import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { MemberRole, Principal, Role } from '../../src/plugins/auth.plugin.js';
import { hashApiKey } from '../../src/plugins/auth.plugin.js';
import type { TestApp } from './test-app.js';
import { ADMIN_KEY } from './test-app.js';

/** A signed-in browser without a browser: the session cookie and the CSRF token of its pages. */
export interface WebSession {
  cookie: string;
  /** GET a page (optionally in a language) and return status and HTML. */
  get(url: string, lang?: string): Promise<{ status: number; html: string; headers: Record<string, unknown> }>;
  /** POST a form (urlencoded) with the session's CSRF token. */
  post(url: string, form: Record<string, string | string[]>, lang?: string): Promise<{ status: number; html: string; headers: Record<string, unknown> }>;
  /** POST a raw body (as upload.js does) with the CSRF token in a header. */
  postRaw(url: string, body: string | Buffer, contentType: string, lang?: string): Promise<{ status: number; body: any }>;
}

/** A person made for a test, with the password to sign in. */
export interface TestPerson { email: string; password: string; userId: string; organisationId: string; name: string }

export interface PersonSpec {
  kind: Role;
  /** The organisation's binding: a state (ISO3), a provider id or an entity code, as the kind needs. */
  binding?: { memberState?: string | null; providerId?: string | null; entity?: string | null };
  role?: MemberRole;
  email?: string;
  name?: string;
  language?: string;
  /** An existing organisation (else the oldest one of the binding, made when there is none). */
  organisationId?: string;
}

const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** Long, random and free of the person's name: passes the password rules. */
export const testPassword = () => `pw ${randomBytes(12).toString('base64url')} tango`;

/** Creates an active person in an organisation of the given kind and binding (found or made), straight through the people service. */
export async function createPerson(t: TestApp, spec: PersonSpec): Promise<TestPerson> {
  const people = t.services.people;
  const b = spec.binding ?? {};
  const org = spec.organisationId
    ? await people.organisation(spec.organisationId)
    : await people.ensureOrganisation({ kind: spec.kind, name: `${spec.kind} ${b.memberState ?? b.entity ?? b.providerId ?? 'office'}`, memberState: b.memberState, providerId: b.providerId, entity: b.entity });
  const password = testPassword();
  const email = spec.email ?? `person-${randomBytes(6).toString('hex')}@example.org`;
  const name = spec.name ?? `Person ${randomBytes(3).toString('hex')}`;
  const u = await people.createPerson({ keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'test setup', userId: null, organisationId: null, memberRole: null },
    { organisationId: org.id, email, name, password, role: spec.role ?? 'focal_point', language: spec.language });
  return { email, password, userId: u.id, organisationId: org.id, name };
}

/** Sends the sign-in form as a browser does: the answer's status, where it sends the person next, and the session cookie (`od_session=...`). */
export async function submitSignIn(t: TestApp, person: { email: string; password: string }): Promise<{ status: number; location: string; session: string | undefined }> {
  const form = await t.app.inject({ method: 'GET', url: '/sign-in' });
  const pre = cookiesOf(form.headers['set-cookie']).filter((c) => c.startsWith('od_pre=')).join('; ');
  const res = await t.app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email: person.email, password: person.password, _csrf: csrfOf(form.body) }).toString(),
  });
  return { status: res.statusCode, location: String(res.headers.location ?? ''), session: cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_session=')) };
}

/** Signs a person in through the web form (e-mail and password), over app.inject. */
/** `secondFactor: 'leave'` keeps a half signed-in session as it is (else passSecondFactor completes it). */
export async function signInPerson(t: TestApp, person: { email: string; password: string }, opts: { secondFactor?: 'pass' | 'leave' } = {}): Promise<WebSession> {
  const { status, session } = await submitSignIn(t, person);
  if (!session) throw new Error(`sign-in failed: ${status}`);
  if (opts.secondFactor !== 'leave') await passSecondFactor(t, session.slice('od_session='.length));
  return sessionOf(t, session);
}

const SETUP: Principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'test setup', userId: null, organisationId: null, memberRole: null };

/**
 * Stands for the second factor of a half signed-in session (the person's organisation requires one:
 * CTED, entity, admin), so a test about something else reaches its pages: the person gets an
 * authenticator app (enrolled with a real code) if they have no factor, and the session is marked
 * done. The second factor itself is tested through its pages in tests/integration/factors-web.test.ts.
 */
export async function passSecondFactor(t: TestApp, token: string): Promise<void> {
  const view = await t.services.people.resolveSession(token);
  if (!view?.halfSignedIn) return;
  const f = t.services.factors;
  if (!(await f.status(view.userId)).enrolled) {
    const { secret } = await f.beginTotp(view.userId, view.email);
    const r = await f.confirmTotp(SETUP, view.userId, new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
    if (!r.ok) throw new Error('passSecondFactor: the authenticator app was not confirmed');
  }
  await t.services.people.completeSecondFactor(view.id);
}

/** A WebSession over an existing session cookie (`od_session=...`). */
export function sessionOf(t: TestApp, session: string): WebSession {
  const langCookie = (lang?: string) => (lang ? `; od_lang=${lang}` : '');
  let csrf = '';
  const s: WebSession = {
    cookie: session,
    async get(url, lang) {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: session + langCookie(lang) } });
      csrf = csrfOf(r.body) || csrf;
      return { status: r.statusCode, html: r.body, headers: r.headers as Record<string, unknown> };
    },
    async post(url, form, lang) {
      if (!csrf) await s.get('/');
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      body.set('_csrf', csrf);
      const r = await t.app.inject({ method: 'POST', url, headers: { cookie: session + langCookie(lang), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
      return { status: r.statusCode, html: r.body, headers: r.headers as Record<string, unknown> };
    },
    async postRaw(url, body, contentType, lang) {
      if (!csrf) await s.get('/');
      const r = await t.app.inject({ method: 'POST', url, headers: { cookie: session + langCookie(lang), 'content-type': contentType, accept: 'application/json', 'x-csrf-token': csrf }, payload: body });
      let parsed: unknown = r.body;
      try { parsed = r.json(); } catch { /* page */ }
      return { status: r.statusCode, body: parsed };
    },
  };
  return s;
}

/** People made for keys, per app: the same key signs in as the same person each time. */
const castPeople = new WeakMap<TestApp, Map<string, Promise<TestPerson>>>();

/**
 * The person an API key's cast stands for: an organisation of the key's role and binding (found or
 * made) and one focal point named as the key's label, so pages and audit show the same name as before.
 */
export function personForKey(t: TestApp, key: string): Promise<TestPerson> {
  let byKey = castPeople.get(t);
  if (!byKey) castPeople.set(t, (byKey = new Map()));
  let made = byKey.get(key);
  if (!made) {
    made = (async () => {
      const p = key === ADMIN_KEY
        ? { role: 'admin' as const, memberState: null, providerId: null, entity: null, label: 'ADMIN_API_KEY' }
        : await t.services.admin.keyLookup.findActiveByHash(hashApiKey(key));
      if (!p) throw new Error('webSession: the key is unknown or revoked');
      return createPerson(t, { kind: p.role, binding: { memberState: p.memberState, providerId: p.providerId, entity: p.entity }, role: 'focal_point', name: p.label });
    })();
    byKey.set(key, made);
  }
  return made;
}

/** Signs in through the web form as the person a key's cast stands for (people sign in by password; keys are for machines). */
export async function webSession(t: TestApp, key: string): Promise<WebSession> {
  return signInPerson(t, await personForKey(t, key));
}

/** Waits until `check` holds (another process's session cache, a server coming back). */
export async function eventually(check: () => Promise<boolean>, ms = 6000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
