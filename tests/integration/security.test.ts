import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { ADMIN_KEY, buildTestApp, type TestApp } from '../helpers/test-app.js';

describe('security', () => {
  let t: TestApp;
  let c: Cast;
  const logs: string[] = [];
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_PER_MINUTE: '40' }, logStream: { write: (l) => { logs.push(l); } } });
    c = await castOf(t);
  });
  afterAll(async () => { await t?.close(); });

  it('holds the per-key rate limit under a burst, in the error shape, without touching other keys', async () => {
    // Windows are aligned on the clock minute: keep the burst inside one.
    if (Date.now() % 60_000 > 57_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
    const burst = await Promise.all(Array.from({ length: 60 }, () => t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(40);
    expect(limited[0].body.error).toMatchObject({ code: 'rate_limited', message: expect.any(String), details: [] });
    expect(limited[0].headers['retry-after']).toBeDefined();
    expect((await t.call({ method: 'GET', url: '/v1/requests', key: c.stateB })).status).toBe(200);
  });

  it('never writes API keys or secrets to the logs', async () => {
    const created = await t.call({ method: 'POST', url: '/v1/api-keys', key: ADMIN_KEY, payload: { role: 'cted', label: 'log check' } });
    await t.call({ method: 'GET', url: '/v1/requests', key: created.body.key });
    await t.call({ method: 'GET', url: '/v1/requests', key: 'od_wrong_key_that_should_not_be_logged_123' });
    const hook = await t.call({ method: 'POST', url: '/v1/webhooks', key: c.unodc, payload: { url: 'https://example.org/hook' } });
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(100);
    for (const secret of [created.body.key, ADMIN_KEY, c.stateB, 'od_wrong_key_that_should_not_be_logged_123', hook.body.secret]) expect(text).not.toContain(secret);
  });

  it('sends the OWASP REST headers on API responses and the browser set on pages', async () => {
    for (const res of [await t.call({ method: 'GET', url: '/health' }), await t.call({ method: 'GET', url: '/v1/requests', key: c.stateB }), await t.call({ method: 'GET', url: '/v1/requests' })]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    const page = await t.call({ method: 'GET', url: '/' });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['x-powered-by']).toBeUndefined();
    // Reference data is public and cacheable: a route may still set its own cache policy.
    expect((await t.call({ method: 'GET', url: '/v1/reference/thematic-areas' })).headers['cache-control']).toBe('public, max-age=3600');
  });

  it('tells a client its rate-limit budget on every limited response, and exempts health', async () => {
    const res = await t.call({ method: 'GET', url: '/v1/requests', key: c.stateB });
    expect(Number(res.headers['x-ratelimit-limit'])).toBe(40);
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(40);
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    const health = await t.call({ method: 'GET', url: '/health' });
    expect(health.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('stores hostile text as text and answers it as JSON, never as HTML', async () => {
    const title = '<script>alert("x")</script> FIU support';
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: { ...fiuRequest, title } })).body.id;
    const view = await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateB });
    expect(view.body.title).toBe(title);
    expect(String(view.headers['content-type'])).toMatch(/^application\/json/);
  });
});
