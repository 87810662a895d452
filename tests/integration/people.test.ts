import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, eventually, sessionOf, signInPerson, webSession, type TestPerson } from '../helpers/web-session.js';

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const cookiesOf = (setCookie: unknown) => (Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []).map((s: string) => s.split(';')[0]);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** One sign-in attempt through the form, from an address (TRUST_PROXY is on in these apps). */
async function attempt(t: TestApp, email: string, password: string, ip = '203.0.113.1') {
  const page = await t.app.inject({ method: 'GET', url: '/sign-in', headers: { 'x-forwarded-for': ip } });
  const pre = cookiesOf(page.headers['set-cookie']).filter((c) => c.startsWith('od_pre=')).join('; ');
  const res = await t.app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    payload: form({ email, password, _csrf: csrfOf(page.body) }),
  });
  return { status: res.statusCode, body: res.body, location: res.headers.location, session: cookiesOf(res.headers['set-cookie']).find((c) => c.startsWith('od_session=')) };
}


describe('people: sessions', () => {
  let t: TestApp;
  let other: TestApp;
  let c: Cast;
  let person: TestPerson;
  beforeAll(async () => {
    t = await buildTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    // A second API process on the same database: its own session cache.
    other = await buildTestApp({ reuseDatabase: true, env: { DATABASE_URL: t.config.DATABASE_URL! } });
    c = await castOf(t);
    person = await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, role: 'focal_point', name: 'Awa Diop' });
  });
  afterAll(async () => { await other?.close(); await t?.close(); });

  const page = (a: TestApp, cookie: string, url = '/requests') => a.app.inject({ method: 'GET', url, headers: { cookie } }).then((r) => r.statusCode);

  it('keeps only the hash of a random token; the person acts as themself, named in the audit trail', async () => {
    const s = await signInPerson(t, person);
    const token = s.cookie.slice('od_session='.length);
    expect(token).toMatch(/^[\w-]{43}$/);
    const rows = await t.db.query<{ token_hash: string; user_id: string }>('select token_hash, user_id from web_sessions where user_id = $1', [person.userId]);
    expect(rows.map((r) => r.token_hash)).toContain(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const home = await s.get('/requests');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Awa Diop');
    const filed = await s.post('/requests', { ...fiuRequest, modalities: [...fiuRequest.modalities], idem: 'people-test-0001' });
    expect(filed.status).toBe(303);
    const [audit] = await t.db.query<{ actor_user_id: string; actor_organisation_id: string; actor_label: string; actor_key_id: string | null }>(
      "select actor_user_id, actor_organisation_id, actor_label, actor_key_id from audit_events where action = 'request.submit'", []);
    expect(audit).toMatchObject({ actor_user_id: person.userId, actor_organisation_id: person.organisationId, actor_label: 'Awa Diop', actor_key_id: null });
    // The audit search names the person, not a key.
    const found = await t.services.people.searchAudit({ q: 'Awa' });
    expect(found.some((r) => r.action === 'request.submit' && r.actor === 'Awa Diop')).toBe(true);
  });

  it('sign-out ends the session on the server: a copied cookie is refused at once here and within seconds in another process', async () => {
    const s = await signInPerson(t, person);
    expect(await page(t, s.cookie)).toBe(200);
    expect(await page(other, s.cookie)).toBe(200);
    expect((await s.post('/sign-out', {})).status).toBe(303);
    expect(await page(t, s.cookie)).toBe(303);
    await eventually(async () => (await page(other, s.cookie)) === 303);
  });

  it('ends sessions after the idle timeout and at the absolute end', async () => {
    const idle = await signInPerson(t, person);
    await t.db.query("update web_sessions set last_seen_at = now() - interval '31 minutes' where token_hash = $1", [sha256(idle.cookie.slice(11))]);
    expect(await page(other, idle.cookie)).toBe(303); // a process that had not seen it reads the database
    const old = await signInPerson(t, person);
    await t.db.query("update web_sessions set expires_at = now() - interval '1 second' where token_hash = $1", [sha256(old.cookie.slice(11))]);
    expect(await page(other, old.cookie)).toBe(303);
    const fresh = await signInPerson(t, person);
    const res = await attempt(t, person.email, person.password);
    expect(res.session).toBeDefined();
    expect(await page(t, fresh.cookie)).toBe(200);
  });

  it('a password change ends every session of the person; the browser that changed it stays signed in', async () => {
    const p = await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' }, role: 'reader' });
    const elsewhere = await signInPerson(t, p);
    const here = await signInPerson(t, p);
    const weak = await here.post('/account/password', { current: p.password, password: 'password1234567' });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('most common');
    const wrong = await here.post('/account/password', { current: 'not my password at all', password: 'a brand new long passphrase' });
    expect(wrong.status).toBe(400);
    const changed = await here.post('/account/password', { current: p.password, password: 'a brand new long passphrase' });
    expect(changed.status).toBe(303);
    expect(await page(t, elsewhere.cookie)).toBe(303);
    expect(await page(t, here.cookie)).toBe(303); // its old token ended too; the answer carried a new one
    const renewed = cookiesOf(changed.headers['set-cookie']).find((x) => x.startsWith('od_session='))!;
    expect(await page(t, renewed)).toBe(200);
    expect((await attempt(t, p.email, p.password)).status).toBe(401);
    expect((await attempt(t, p.email, 'a brand new long passphrase')).status).toBe(303);
  });

  it('suspending an organisation ends its sessions at once and stops its keys', async () => {
    const p = await createPerson(t, { kind: 'member_state', binding: { memberState: 'KEN' }, role: 'focal_point' });
    const s = await signInPerson(t, p);
    expect(await page(t, s.cookie)).toBe(200);
    const admin = await webSession(t, c.admin);
    const made = await s.post('/organisation/keys', { label: 'Ministry integration' });
    expect(made.status).toBe(201);
    const key = /<code id="new-key">([^<]+)<\/code>/.exec(made.html)![1]!;
    expect((await t.call({ method: 'GET', url: '/v1/requests', key })).status).toBe(200);
    expect((await admin.post(`/admin/organisations/${p.organisationId}/status`, { status: 'suspended' })).status).toBe(303);
    expect(await page(t, s.cookie)).toBe(303);
    expect((await t.call({ method: 'GET', url: '/v1/requests', key })).status).toBe(401);
    expect((await attempt(t, p.email, p.password)).body).toContain('no active organisation');
    await admin.post(`/admin/organisations/${p.organisationId}/status`, { status: 'active' });
  });

  it('keeps a queued mail\'s link sealed at rest (no worker runs in this app, so it stays queued)', async () => {
    const id = await t.services.mail.queue(undefined, { to: 'x@un.test', language: 'en', template: 'reset', params: { name: 'X', link: 'http://onedoor.test/password/reset?token=SECRET-TOKEN-123', hours: '1' } });
    const [row] = await t.db.query<{ params: Record<string, string>; status: string }>('select params, status from mail_messages where id = $1', [id]);
    expect(row.status).toBe('queued');
    expect(row.params.link).toMatch(/^sealed:/);
    expect(JSON.stringify(row)).not.toContain('SECRET-TOKEN-123');
    const [event] = await t.db.query<{ topic: string }>("select topic from outbox where payload->>'mailId' = $1", [id]);
    expect(event.topic).toBe('mail.queued');
  });

  it('refuses API keys at the sign-in form', async () => {
    const page0 = await t.app.inject({ method: 'GET', url: '/sign-in' });
    expect(page0.body).not.toContain('name="key"');
    const pre = cookiesOf(page0.headers['set-cookie']).join('; ');
    const res = await t.app.inject({ method: 'POST', url: '/sign-in', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ key: c.stateA, _csrf: csrfOf(page0.body) }) });
    expect(res.statusCode).toBe(400);
    expect(cookiesOf(res.headers['set-cookie']).some((x) => x.startsWith('od_session='))).toBe(false);
  });

  it('holds a half signed-in session at the second-factor gate until the factor is done', async () => {
    const p = await createPerson(t, { kind: 'cted', role: 'focal_point' });
    // Stands in for an enrolled factor (the factors' own tests enrol real ones); the real service comes back after.
    const services = t.services as unknown as { factors?: unknown };
    const real = services.factors;
    services.factors = { status: async () => ({ enrolled: true, required: true }) };
    try {
      const res = await attempt(t, p.email, p.password);
      expect(res.location).toBe('/sign-in/second-factor');
      const cookie = res.session!;
      const blocked = await t.app.inject({ method: 'GET', url: '/review', headers: { cookie } });
      expect(blocked.statusCode).toBe(303);
      expect(blocked.headers.location).toBe('/sign-in/second-factor');
      const s = sessionOf(t, cookie);
      expect((await s.post('/requests', { title: 'x' })).status).toBe(401);
      const [row] = await t.db.query<{ id: string }>('select id from web_sessions where token_hash = $1', [sha256(cookie.slice(11))]);
      await t.services.people.completeSecondFactor(row.id);
      expect((await t.app.inject({ method: 'GET', url: '/review', headers: { cookie } })).statusCode).toBe(200);
    } finally { services.factors = real; }
  });
});

describe('people: what a role in the organisation allows', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t?.close(); });

  it('a reader cannot file; a contributor drafts and a focal point files the draft', async () => {
    const focal = await createPerson(t, { kind: 'member_state', binding: { memberState: 'MLI' }, role: 'focal_point', name: 'Focal Mali' });
    const contributor = await createPerson(t, { kind: 'member_state', organisationId: focal.organisationId, role: 'contributor', name: 'Contributor Mali' });
    const reader = await createPerson(t, { kind: 'member_state', organisationId: focal.organisationId, role: 'reader', name: 'Reader Mali' });
    const body = { ...fiuRequest, modalities: [...fiuRequest.modalities], idem: 'people-draft-000001' };

    const r = await signInPerson(t, reader);
    expect((await r.post('/requests', body)).status).toBe(403);

    const w = await signInPerson(t, contributor);
    const drafted = await w.post('/requests', body);
    expect(drafted.status).toBe(303);
    expect(drafted.headers.location).toBe('/requests/drafts?saved');
    expect((await t.db.query('select id from requests', [])).length).toBe(0);
    const list = await w.get('/requests/drafts');
    expect(list.html).toContain(fiuRequest.title);
    const draftId = /href="\/requests\/drafts\/([0-9a-f-]{36})"/.exec(list.html)![1]!;
    expect((await w.post(`/requests/drafts/${draftId}/file`, {})).status).toBe(403);

    const f = await signInPerson(t, focal);
    const shown = await f.get(`/requests/drafts/${draftId}`);
    expect(shown.html).toContain('Contributor Mali');
    const filed = await f.post(`/requests/drafts/${draftId}/file`, {});
    expect(filed.status).toBe(303);
    const id = /\/requests\/([0-9a-f-]{36})\?filed=1/.exec(String(filed.headers.location))![1]!;
    const [req] = await t.db.query<{ member_state: string; title: string }>('select member_state, title from requests where id = $1', [id]);
    expect(req).toEqual({ member_state: 'MLI', title: fiuRequest.title });
    expect((await f.post(`/requests/drafts/${draftId}/file`, {})).status).toBe(409);
    // Another state's focal point never sees the draft.
    const other = await signInPerson(t, await createPerson(t, { kind: 'member_state', binding: { memberState: 'SEN' } }));
    expect((await other.get(`/requests/drafts/${draftId}`)).status).toBe(404);
  });
});

describe('people: password sign-in limits, lockout and the unlock mail', () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onedoor-people-'));
    t = await buildTestApp({ env: { TRUST_PROXY: '127.0.0.1', SIGN_IN_LOCK_AFTER: '3', RATE_LIMIT_SENSITIVE_PER_MINUTE: '12', DATA_DIR: dataDir, PUBLIC_URL: 'http://onedoor.test' } });
    await t.startWorkers();
  });
  afterAll(async () => { await t?.close(); rmSync(dataDir, { recursive: true, force: true }); });

  it('locks an account after N wrong passwords, mails an unlock link (to the mail folder, in the person\'s language), and the link unlocks once', async () => {
    const p = await createPerson(t, { kind: 'provider', binding: { providerId: (await t.services.admin.createProvider({ keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 't', userId: null, organisationId: null, memberRole: null }, { name: 'Donor', kind: 'member_state' })).id }, language: 'fr', name: 'Claire Martin' });
    expect((await attempt(t, p.email, 'wrong password number one', '198.51.100.1')).status).toBe(401);
    expect((await attempt(t, p.email, 'wrong password number two', '198.51.100.2')).status).toBe(401);
    const third = await attempt(t, p.email, 'wrong password number three', '198.51.100.3');
    expect(third.body).toContain('locked');
    // Locked: even the right password is refused until unlocked.
    expect((await attempt(t, p.email, p.password, '198.51.100.4')).body).toContain('locked');

    const [row] = await t.db.query<{ params: Record<string, string>; template: string; language: string }>("select params, template, language from mail_messages where template = 'unlock'", []);
    expect(row.language).toBe('fr');
    await t.drain();
    const files = readdirSync(join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(statSync(join(dataDir, 'mail', files[0]!)).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(join(dataDir, 'mail', files[0]!)));
    expect(mail.subject).toBe('Votre compte OneDoor a été verrouillé');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(p.email);
    expect(mail.html).toContain('Déverrouiller mon compte');
    expect(mail.messageId).toMatch(/@onedoor>?$/);
    const link = /http:\/\/onedoor\.test(\/account\/unlock\?token=[\w%-]+)/.exec(mail.text ?? '')![1]!;
    const [sent] = await t.db.query<{ params: Record<string, string>; status: string }>("select params, status from mail_messages where template = 'unlock'", []);
    expect(sent.status).toBe('sent');
    expect(sent.params.link).toBeUndefined();
    const tokenRow = await t.db.query<{ token_hash: string }>("select token_hash from user_tokens where purpose = 'unlock'", []);
    expect(tokenRow[0]!.token_hash).toBe(sha256(decodeURIComponent(link.split('token=')[1]!)));

    const get = await t.app.inject({ method: 'GET', url: link, headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(get.statusCode).toBe(200);
    const pre = cookiesOf(get.headers['set-cookie']).join('; ');
    const unlock = () => t.app.inject({ method: 'POST', url: '/account/unlock', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.9' }, payload: form({ token: decodeURIComponent(link.split('token=')[1]!), _csrf: csrfOf(get.body) }) });
    expect((await unlock()).statusCode).toBe(200);
    expect((await unlock()).statusCode).toBe(410); // single use
    expect((await attempt(t, p.email, p.password, '198.51.100.5')).status).toBe(303);
  });

  it('limits guesses at one account however many addresses they come from, and gives unknown e-mails the same answer', async () => {
    const p = await createPerson(t, { kind: 'cted' });
    const statuses: number[] = [];
    // The budget is a fixed window per minute (RATE_LIMIT_SENSITIVE_PER_MINUTE, 20): guesses that straddle a
    // minute's turn are counted in two windows, so guessing goes on (at most 45 guesses, within two windows
    // at least 23 in one) until the account's budget is spent, whatever the clock.
    for (let i = 0; i < 45 && !statuses.includes(429); i++) statuses.push((await attempt(t, p.email.toUpperCase(), `guess number ${i} for this one`, `192.0.2.${i + 10}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const unknown = await attempt(t, 'nobody-here@example.org', 'some password of some length', '192.0.2.200');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toContain('The e-mail address or the password is wrong.');
  });
});
