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

  it('sends security headers', async () => {
    const res = await t.call({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeDefined();
  });

  it('stores hostile text as text and answers it as JSON, never as HTML', async () => {
    const title = '<script>alert("x")</script> FIU support';
    const id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateB, payload: { ...fiuRequest, title } })).body.id;
    const view = await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateB });
    expect(view.body.title).toBe(title);
    expect(String(view.headers['content-type'])).toMatch(/^application\/json/);
  });
});
