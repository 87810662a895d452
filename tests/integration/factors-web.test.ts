import fc from 'fast-check';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES } from '../../src/modules/factors/factors.service.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson } from '../helpers/web-session.js';

const HOST = 'onedoor.test';
const ORIGIN = `http://${HOST}`;
type Res = { status: number; html: string; location: string };
const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const secretOf = (html: string) => /id="totp-secret" dir="ltr">([A-Z2-7 ]+)</.exec(html)?.[1].replace(/ /g, '') ?? '';
const codesOf = (html: string) => [...html.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]);
const totpOf = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
const inStep = (totp: OTPAuth.TOTP, steps: number) => totp.generate({ timestamp: Date.now() + steps * 30_000 });

/** A browser over inject: a cookie jar, the last page's CSRF token, no redirects followed. */
class Browser {
  private jar = new Map<string, string>();
  private csrf = '';
  constructor(private readonly t: TestApp) {}
  private cookie() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  private keep(h: Record<string, unknown>) {
    for (const c of cookiesOf(h['set-cookie'])) { const [k, ...v] = c.split('='); if (v.join('=')) this.jar.set(k, v.join('=')); else this.jar.delete(k); }
  }
  async get(url: string): Promise<Res> {
    const r = await this.t.app.inject({ method: 'GET', url, headers: { host: HOST, cookie: this.cookie() } });
    this.keep(r.headers as Record<string, unknown>);
    this.csrf = csrfOf(r.body) || this.csrf;
    return { status: r.statusCode, html: r.body, location: String(r.headers.location ?? '') };
  }
  async post(url: string, form: Record<string, string> = {}): Promise<Res> {
    if (!this.csrf) await this.get('/sign-in');
    const r = await this.t.app.inject({ method: 'POST', url, headers: { host: HOST, cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...form, _csrf: this.csrf }).toString() });
    this.keep(r.headers as Record<string, unknown>);
    this.csrf = csrfOf(r.body) || this.csrf;
    return { status: r.statusCode, html: r.body, location: String(r.headers.location ?? '') };
  }
  async json(url: string): Promise<{ status: number; body: any }> {
    const r = await this.t.app.inject({ method: 'POST', url, headers: { host: HOST, cookie: this.cookie(), accept: 'application/json', 'x-csrf-token': this.csrf } });
    return { status: r.statusCode, body: r.json() };
  }
  async signIn(who: { email: string; password: string }): Promise<Res> {
    await this.get('/sign-in');
    const r = await this.post('/sign-in', { email: who.email, password: who.password });
    // The CSRF token follows the session: read it from the page signed in to.
    this.csrf = '';
    await this.get(r.location && r.location.startsWith('/') ? r.location : '/');
    return r;
  }
}

describe('second factor pages over inject', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp({ env: { PUBLIC_URL: ORIGIN } }); });
  afterAll(async () => { await t?.close(); });

  /** A person of `kind` with an authenticator app enrolled through the pages; returns the seed and the codes. */
  async function withApp(kind: 'cted' | 'member_state' | 'entity' | 'admin' = 'cted') {
    const who = await createPerson(t, kind === 'member_state' ? { kind, binding: { memberState: 'MLI' }, role: 'focal_point' } : kind === 'entity' ? { kind, binding: { entity: 'UNODC' }, role: 'focal_point' } : { kind, role: 'focal_point' });
    const b = new Browser(t);
    await b.signIn(who);
    expect((await b.post('/account/security/totp')).status).toBe(303);
    const secret = secretOf((await b.get('/account/security')).html);
    const used = totpOf(secret).generate();
    const r = await b.post('/account/security/totp/confirm', { code: used });
    expect(r.status).toBe(200);
    return { who, b, secret, used, codes: codesOf(r.html) };
  }

  it('sends a CTED analyst without a second factor to enrol, and lets nothing else through until then', async () => {
    const who = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    const b = new Browser(t);
    const r = await b.signIn(who);
    expect(r.status).toBe(303);
    expect(r.location).toMatch(/^\/account\/security/);
    const review = await b.get('/review');
    expect(review.status).toBe(303);
    expect((await b.get(review.location)).location).toMatch(/^\/account\/security/);
    const sec = await b.get('/account/security');
    expect(sec.status).toBe(200);
    expect(sec.html).toContain('id="factor-required"');
    // No recovery codes to make and nothing to remove while signed in by password alone.
    expect((await b.post('/account/security/recovery-codes')).status).toBe(403);

    expect((await b.post('/account/security/totp')).status).toBe(303);
    const page = (await b.get('/account/security')).html;
    const secret = secretOf(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page).toContain('<svg');
    expect(page).toContain(`otpauth://totp/OneDoor:${encodeURIComponent(who.email)}?issuer=OneDoor&amp;secret=${secret}`);
    const wrong = await b.post('/account/security/totp/confirm', { code: '000000' === totpOf(secret).generate() ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('That code is not right');
    expect((await b.get('/review')).status).toBe(303);
    const ok = await b.post('/account/security/totp/confirm', { code: totpOf(secret).generate() });
    expect(ok.status).toBe(200);
    expect(codesOf(ok.html)).toHaveLength(10);
    expect((await b.get('/review')).status).toBe(200);
  });

  it('asks for the code at the next sign-in: a wrong or replayed code is refused, the next one lets the analyst in', async () => {
    const { who, secret, used } = await withApp('cted');
    const b = new Browser(t);
    const r = await b.signIn(who);
    expect(r.location).toMatch(/^\/sign-in\/second-factor/);
    expect((await b.get('/review')).status).toBe(303);
    // Half signed-in with a factor: the security page sends back to the factor; no factor can be added.
    expect((await b.get('/account/security')).location).toMatch(/^\/sign-in\/second-factor/);
    expect((await b.post('/account/security/totp')).status).toBe(403);
    expect((await b.json('/account/security/passkeys/options')).status).toBe(403);

    const page = await b.get('/sign-in/second-factor');
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="totp-signin"');
    const replay = await b.post('/sign-in/second-factor', { method: 'totp', code: used });
    expect(replay.status).toBe(401);
    expect(replay.html).toContain('already used');
    const empty = await b.post('/sign-in/second-factor', { method: 'totp', code: '' });
    expect(empty.status).toBe(400);
    const good = await b.post('/sign-in/second-factor', { method: 'totp', code: inStep(totpOf(secret), 1), next: '/review' });
    expect(good.status).toBe(303);
    expect(good.location).toBe('/review');
    expect((await b.get('/review')).status).toBe(200);
  });

  it('takes a recovery code once, and says how many are left', async () => {
    const { who, codes } = await withApp('entity');
    const b1 = new Browser(t);
    await b1.signIn(who);
    const r = await b1.post('/sign-in/second-factor', { method: 'recovery', recovery: codes[0].toUpperCase() });
    expect(r.status).toBe(303);
    expect((await b1.get(r.location)).html).toContain('9 are left');
    const b2 = new Browser(t);
    await b2.signIn(who);
    const again = await b2.post('/sign-in/second-factor', { method: 'recovery', recovery: codes[0] });
    expect(again.status).toBe(401);
    expect(again.html).toContain('That recovery code is not right');
    expect((await b2.get('/entity')).status).toBe(303);
  });

  it(`locks the second factor after ${MAX_FAILURES} wrong codes and says so in the person's language`, async () => {
    const { who, secret } = await withApp('admin');
    const b = new Browser(t);
    await b.signIn(who);
    await b.get('/sign-in/second-factor?lang=fr');
    for (let i = 1; i < MAX_FAILURES; i++) expect((await b.post('/sign-in/second-factor', { method: 'totp', code: '12345' })).status).toBe(401);
    const locked = await b.post('/sign-in/second-factor', { method: 'totp', code: '12345' });
    expect(locked.status).toBe(429);
    expect(locked.html).toContain('votre second facteur est bloqué pendant 15 minutes');
    expect((await b.post('/sign-in/second-factor', { method: 'totp', code: inStep(totpOf(secret), 1) })).status).toBe(429);
  });

  it('encourages a ministry user, who may add and remove an app; refuses a required person their last factor', async () => {
    const who = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, role: 'focal_point' });
    const b = new Browser(t);
    expect((await b.signIn(who)).location).not.toMatch(/second-factor|security/);
    expect((await b.get('/')).html).toContain('id="factor-nudge"');
    const sec = await b.get('/account/security');
    expect(sec.html).toContain('id="factor-encouraged"');
    await b.post('/account/security/totp');
    const secret = secretOf((await b.get('/account/security')).html);
    await b.post('/account/security/totp/confirm', { code: totpOf(secret).generate() });
    expect((await b.get('/')).html).not.toContain('id="factor-nudge"');
    expect((await b.post('/account/security/totp/remove')).location).toBe('/account/security?done=totpRemoved');

    const { b: analyst } = await withApp('cted');
    const refused = await analyst.post('/account/security/totp/remove');
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('add another one before removing this one');
    const fresh = await analyst.post('/account/security/recovery-codes');
    expect(codesOf(fresh.html)).toHaveLength(10);
  });

  it('speaks the six languages on both pages (Arabic right to left)', async () => {
    const { who, b } = await withApp('cted');
    const titles = { en: 'Account security', fr: 'Sécurité du compte', es: 'Seguridad de la cuenta', ru: 'Безопасность учётной записи', ar: 'أمان الحساب', zh: '账户安全' };
    for (const [lang, title] of Object.entries(titles)) {
      const r = await b.get(`/account/security?lang=${lang}`);
      expect(r.html).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
      expect(r.html).toContain(`<h1>${title}</h1>`);
    }
    const half = new Browser(t);
    await half.signIn(who);
    expect((await half.get('/sign-in/second-factor?lang=zh')).html).toContain('<h1>确认是您本人</h1>');
    expect((await half.get('/sign-in/second-factor?lang=ar')).html).toContain('<h1>أكّد أنك أنت</h1>');
  });

  it('adds a passkey and signs in with it; a wrong answer is refused with a next step', async () => {
    const who = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    const auth = new SoftAuthenticator(ORIGIN);
    const b = new Browser(t);
    await b.signIn(who);
    await b.get('/account/security');
    const reg = await b.json('/account/security/passkeys/options');
    expect(reg.status).toBe(200);
    expect(reg.body.rp.id).toBe('onedoor.test');
    const added = await b.post('/account/security/passkeys', { name: 'Laptop', response: JSON.stringify(auth.register(reg.body)) });
    expect(added.status).toBe(200);
    expect(codesOf(added.html)).toHaveLength(10);
    const list = (await b.get('/account/security')).html;
    expect(list).toContain('Laptop');

    const b2 = new Browser(t);
    await b2.signIn(who);
    const page = await b2.get('/sign-in/second-factor');
    expect(page.html).toContain('id="passkey-signin"');
    const opts = await b2.json('/sign-in/second-factor/passkey-options');
    const bad = await b2.post('/sign-in/second-factor', { method: 'passkey', response: JSON.stringify(auth.authenticate(opts.body, { origin: 'http://evil.test' })) });
    expect(bad.status).toBe(401);
    expect(bad.html).toContain('The passkey was not accepted');
    expect((await b2.post('/sign-in/second-factor', { method: 'passkey', response: 'not json' })).status).toBe(400);
    const good = await b2.post('/sign-in/second-factor', { method: 'passkey', response: JSON.stringify(auth.authenticate((await b2.json('/sign-in/second-factor/passkey-options')).body)) });
    expect(good.status).toBe(303);
    expect((await b2.get('/review')).status).toBe(200);

    // A required person's only passkey cannot be removed.
    const id = /data-passkey="([0-9a-f-]{36})"/.exec((await b2.get('/account/security')).html)![1];
    expect((await b2.post(`/account/security/passkeys/${id}/remove`)).status).toBe(409);
    expect((await b2.post('/account/security/passkeys/not-a-uuid/remove')).status).toBe(404);
  });

  it('answers every form of the second factor without a server error, whatever is sent', async () => {
    const { who } = await withApp('cted');
    const b = new Browser(t);
    await b.signIn(who);
    const field = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('', '{}', '[]', 'null', '{"id":"x","response":{}}', '\u0000', '𝕏'.repeat(100), '999999', 'aaaaa-aaaaa'));
    const method = fc.constantFrom('totp', 'recovery', 'passkey', '', 'other');
    await fc.assert(fc.asyncProperty(method, field, field, field, async (m, code, recovery, response) => {
      const r = await b.post('/sign-in/second-factor', { method: m, code, recovery, response });
      expect(r.status, r.html.slice(0, 200)).toBeLessThan(500);
      expect(r.status === 303 && !r.location.includes('second-factor')).toBe(false);
    }), { numRuns: 60 });
    const { b: full } = await withApp('member_state');
    for (const url of ['/account/security/totp/confirm', '/account/security/passkeys', '/account/security/totp', '/account/security/recovery-codes']) {
      await fc.assert(fc.asyncProperty(field, field, field, async (code, name, response) => {
        const r = await full.post(url, { code, name, response });
        expect(r.status, `${url}: ${r.html.slice(0, 200)}`).toBeLessThan(500);
      }), { numRuns: 25 });
    }
  });
});

describe('second factor code entry under the sensitive rate limit', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp({ env: { PUBLIC_URL: ORIGIN, RATE_LIMIT_SENSITIVE_PER_MINUTE: '3' }, now: () => 1_800_000_000_000 }); });
  afterAll(async () => { await t?.close(); });

  it('takes code entry from the per-address sensitive budget (429 with Retry-After), before the per-person lock', async () => {
    const who = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    await t.services.factors.beginTotp(who.userId, who.email);
    const b = new Browser(t);
    // The sign-in itself takes one from the budget; the enrolment below is done in the service.
    const { secret } = (await t.services.factors.pendingTotp(who.userId, who.email))!;
    const actor = { keyId: null, role: 'cted' as const, memberState: null, providerId: null, entity: null, label: 'x', userId: who.userId, organisationId: who.organisationId, memberRole: null };
    expect((await t.services.factors.confirmTotp(actor, who.userId, totpOf(secret).generate())).ok).toBe(true);
    await b.signIn(who);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await b.post('/sign-in/second-factor', { method: 'totp', code: '12345' })).status);
    expect(statuses).toEqual([401, 401, 429]);
    const limited = await t.app.inject({ method: 'POST', url: '/sign-in/second-factor', payload: {} });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
