import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';
import { webSession } from '../helpers/web-session.js';

const SESSION_SECRET = 'rate-limit-test-session-secret-0123456789';
/** A still clock in the middle of a minute: no window ends while a test runs. */
const still = () => { const t = (Math.floor(Date.now() / 60_000) + 1) * 60_000 + 30_000; return () => t; };
const randomKey = () => `od_${randomBytes(32).toString('base64url')}`;
/** A web session cookie of the person a key's cast stands for (signed in by password through the form). */
const sessionCookie = async (t: TestApp, key: string) => (await webSession(t, key)).cookie;

/** Counts the key store's lookups (each is a database read). */
function countLookups(t: TestApp): { n: number } {
  const store = t.services.admin.keyLookup;
  const real = store.findActiveByHash.bind(store);
  const counter = { n: 0 };
  store.findActiveByHash = (hash) => { counter.n++; return real(hash); };
  return counter;
}

describe('rate limits before authentication', () => {
  let t: TestApp;
  let c: Cast;
  let lookups: { n: number };
  beforeAll(async () => {
    t = await buildTestApp({ now: still(), env: { RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_KEY_LOOKUPS_PER_MINUTE: '20', SESSION_SECRET } });
    c = await castOf(t);
    lookups = countLookups(t);
  });
  afterAll(async () => { await t?.close(); });

  it('random Bearer values meet a 429 once their address has spent its lookups, and stop reaching the database', async () => {
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })).status).toBe(200); // a key in use before the flood
    const before = lookups.n;
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await t.call({ method: 'GET', url: '/v1/requests', key: randomKey() })).status);
    // castOf's keys each cost one lookup from this address's budget of 20 too (one was the state's above).
    const spent = statuses.filter((s) => s === 401).length;
    expect(spent).toBeGreaterThan(0);
    expect(statuses.slice(0, spent).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(spent).every((s) => s === 429)).toBe(true);
    expect(lookups.n - before).toBe(spent);
    const limited = await t.call({ method: 'GET', url: '/v1/requests', key: randomKey() });
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', details: [] });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A key that authenticated lately is vouched for: it is not refused with its address...
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })).status).toBe(200);
    // ...while one never used yet would need a lookup this address has no budget left for: it waits for the next minute.
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.cted })).status).toBe(429);
  });
});

describe('rate limits per address, per key and per session', () => {
  let t: TestApp;
  let c: Cast;
  let web: Record<'stateB' | 'cted' | 'admin', string>;
  beforeAll(async () => {
    t = await buildTestApp({ now: still(), env: { RATE_LIMIT_PER_MINUTE: '30', SESSION_SECRET } });
    c = await castOf(t);
    // Signed in before the address's anonymous budget is spent (signing in is anonymous).
    web = { stateB: await sessionCookie(t, c.stateB), cted: await sessionCookie(t, c.cted), admin: await sessionCookie(t, c.admin) };
  });
  afterAll(async () => { await t?.close(); });

  it('an anonymous flood from the same address (a NAT) locks out neither keys nor signed-in web users', async () => {
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: '/requests', headers: { cookie: web.stateB } })).status).toBe(200);
    const anonymous: number[] = [];
    // Forwarded-For headers change nothing while no proxy is trusted: it is still one address.
    for (let i = 0; i < 35; i++) anonymous.push((await t.call({ method: 'GET', url: '/v1/reference/entities', headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
    expect(anonymous.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect((await t.call({ method: 'GET', url: '/directory' })).status).toBe(429);
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })).status).toBe(200);
    const page = await t.call({ method: 'GET', url: '/requests', headers: { cookie: web.stateB } });
    expect(page.status).toBe(200);
    expect(Number(page.headers['x-ratelimit-limit'])).toBe(30);
    expect(Number(page.headers['x-ratelimit-remaining'])).toBe(28); // the session's own budget: two pages so far
  });

  it('a Bearer value or a session cookie that proves nothing does not buy an anonymous client more budget', async () => {
    // This address's anonymous budget is spent (test above): made-up credentials are answered 429 too.
    expect((await t.call({ method: 'GET', url: '/v1/reference/entities', key: randomKey() })).status).toBe(429);
    expect((await t.call({ method: 'GET', url: '/directory', headers: { cookie: 'od_session=not-a-sealed-session' } })).status).toBe(429);
    expect((await t.call({ method: 'GET', url: '/static/app.css', headers: { authorization: `Bearer ${randomKey()}` } })).status).toBe(429);
  });

  it('limits a signed-in web user per session, with a page that says when to come back in their language', async () => {
    const cookie = `${web.cted}; od_lang=fr`;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await t.call({ method: 'GET', url: '/review', headers: { cookie } })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    const refused = await t.call({ method: 'GET', url: '/review', headers: { cookie } });
    expect(refused.status).toBe(429);
    expect(String(refused.headers['content-type'])).toMatch(/text\/html/);
    expect(refused.body).toContain('Trop de requêtes');
    expect(Number(refused.headers['retry-after'])).toBe(30);
    // Another session of the same person's organisation, and its API key, have budgets of their own.
    expect((await t.call({ method: 'GET', url: '/review', headers: { cookie: web.admin } })).status).toBe(200);
    expect((await t.call({ method: 'GET', url: '/v1/review/queue', key: c.cted })).status).toBe(200);
  });
});

describe('the stricter budget of sensitive routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ now: still(), env: { RATE_LIMIT_SENSITIVE_PER_MINUTE: '5', SESSION_SECRET } });
  });
  afterAll(async () => { await t?.close(); });

  it('sign-in and key creation share a small per-address budget; other routes do not take from it', async () => {
    const signIn = () => t.call({ method: 'POST', url: '/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'key=od_guess_000000000000000000000000' });
    const createKey = () => t.call({ method: 'POST', url: '/v1/api-keys', key: ADMIN_KEY, payload: { role: 'cted', label: 'limit check' } });
    expect((await signIn()).status).toBe(403); // no CSRF token: refused, but counted
    expect((await signIn()).status).toBe(403);
    expect((await signIn()).status).toBe(403);
    expect((await createKey()).status).toBe(201);
    expect((await t.call({ method: 'GET', url: '/v1/api-keys', key: ADMIN_KEY })).status).toBe(200); // not sensitive
    expect((await createKey()).status).toBe(201);
    const sixth = await createKey();
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('rate_limited');
    expect(Number(sixth.headers['x-ratelimit-limit'])).toBe(5);
    expect((await signIn()).status).toBe(429);
    expect((await t.call({ method: 'GET', url: '/v1/api-keys', key: ADMIN_KEY })).status).toBe(200);
  });
});

describe('trusted proxies', () => {
  const apps: TestApp[] = [];
  afterAll(async () => { await Promise.all(apps.map((a) => a.close())); });
  const build = async (env: Record<string, string>) => {
    const a = await buildTestApp({ now: still(), env: { RATE_LIMIT_PER_MINUTE: '10', ...env } });
    apps.push(a);
    return a;
  };
  const anonymous = (a: TestApp, headers: Record<string, string>) => a.call({ method: 'GET', url: '/v1/reference/entities', headers });
  const preCookie = async (a: TestApp, headers: Record<string, string>) => {
    const res = await a.call({ method: 'GET', url: '/sign-in', headers });
    return [res.headers['set-cookie']].flat().map(String).find((v) => v.startsWith('od_pre='))!;
  };

  it('by default believes no forwarding header: one budget for the address, no Secure cookie over X-Forwarded-Proto', async () => {
    const a = await build({});
    expect(await preCookie(a, { 'x-forwarded-proto': 'https' })).not.toMatch(/;\s*Secure/i);
    const got: number[] = [];
    for (let i = 0; i < 12; i++) got.push((await anonymous(a, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(got.filter((s) => s === 429)).toHaveLength(3); // 10 a minute, one already spent on the page
  });

  it('with TRUST_PROXY listing the proxy, each client behind it has its own budget and https cookies are Secure', async () => {
    const a = await build({ TRUST_PROXY: '127.0.0.1' });
    for (let i = 0; i < 10; i++) expect((await anonymous(a, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(200);
    expect((await anonymous(a, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
    expect((await anonymous(a, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    expect(await preCookie(a, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' })).toMatch(/;\s*Secure/i);
    expect(await preCookie(a, { 'x-forwarded-for': '203.0.113.9' })).not.toMatch(/;\s*Secure/i);
  });

  it('with a hop count, the address the trusted proxy saw counts, not what the client wrote before it', async () => {
    const a = await build({ TRUST_PROXY: '1' });
    // The client forges a left-most address each time; the proxy appends the real one.
    for (let i = 0; i < 10; i++) expect((await anonymous(a, { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.20` })).status).toBe(200);
    expect((await anonymous(a, { 'x-forwarded-for': '10.9.9.99, 203.0.113.20' })).status).toBe(429);
    expect((await anonymous(a, { 'x-forwarded-for': '203.0.113.21' })).status).toBe(200);
    expect(await preCookie(a, { 'x-forwarded-proto': 'https' })).toMatch(/;\s*Secure/i);
  });

  it('does not believe a proxy it was not told of', async () => {
    const a = await build({ TRUST_PROXY: '192.0.2.1' });
    expect(await preCookie(a, { 'x-forwarded-proto': 'https' })).not.toMatch(/;\s*Secure/i);
    for (let i = 0; i < 9; i++) expect((await anonymous(a, { 'x-forwarded-for': `203.0.113.${30 + i}` })).status).toBe(200);
    expect((await anonymous(a, { 'x-forwarded-for': '203.0.113.99' })).status).toBe(429);
  });
});
