import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castOf, fiuRequest, type Cast } from '../helpers/fixtures.js';
import { TEST_DATABASE_URL } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';
import { webSession, type WebSession } from '../helpers/web-session.js';

const pgAt = new URL(TEST_DATABASE_URL);
/** Longer than any answer may take here: a probe still pending then is a hang. */
const HANG_MS = 20_000;

/**
 * PostgreSQL refused (stopped) and PostgreSQL behind a partition (connections open, nothing answers):
 * every route answers within its bound, reads and pages as well as intake, with 503 in the error shape
 * (or the error page) and retry-after, and everything works again once the database is back.
 */
describe('probe: routes while PostgreSQL is unreachable', () => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let direct: TestApp;
  let t: TestApp;
  let c: Cast;
  let web: WebSession;
  let id: string;
  beforeAll(async () => {
    proxy = await startProxy({ host: pgAt.hostname, port: Number(pgAt.port || 5432) });
    direct = await buildTestApp();
    const viaProxy = new URL(direct.config.DATABASE_URL!);
    viaProxy.port = String(proxy.port);
    viaProxy.hostname = '127.0.0.1';
    t = await buildTestApp({ env: { DATABASE_URL: viaProxy.toString(), HANDLER_TIMEOUT_MS: '2000', DB_WAIT_MS: '1000' }, reuseDatabase: true });
    c = await castOf(t);
    id = (await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).body.id;
    web = await webSession(t, c.stateA);
  }, 60_000);
  afterAll(async () => { await t?.close(); await direct?.close(); await proxy?.stop(); });

  const probes = () => [
    ['POST /v1/requests', () => t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })],
    ['GET /v1/requests/:id', () => t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateA })],
    ['GET /v1/requests', () => t.call({ method: 'GET', url: '/v1/requests', key: c.stateA })],
    ['GET /v1/requests (a key not seen before)', () => t.call({ method: 'GET', url: '/v1/requests', key: 'od_unknownkey_0123456789abcdef' })],
    ['GET /health', () => t.call({ method: 'GET', url: '/health' })],
    ['GET /requests (page)', async () => { const r = await web.get('/requests'); return { status: r.status, headers: r.headers, body: r.html }; }],
    ['GET /requests/:id (page)', async () => { const r = await web.get(`/requests/${id}`); return { status: r.status, headers: r.headers, body: r.html }; }],
  ] as [string, () => Promise<{ status: number; headers: Record<string, unknown>; body: any }>][];

  async function answersDuringOutage() {
    const problems: string[] = [];
    await Promise.all(probes().map(async ([name, call]) => {
      const res = await Promise.race([call(), new Promise<null>((r) => setTimeout(() => r(null), HANG_MS).unref())]);
      if (!res) return problems.push(`${name}: no answer within ${HANG_MS} ms`);
      if (res.status !== 503) problems.push(`${name}: ${res.status}`);
      if (name === 'GET /health') {
        if (res.body?.db !== 'down') problems.push(`${name}: ${JSON.stringify(res.body)}`);
      } else if (name.includes('page')) {
        if (!String(res.body).includes('<html')) problems.push(`${name}: not a page`);
      } else if (res.body?.error?.code !== 'service_unavailable' || !Array.isArray(res.body.error.details)) problems.push(`${name}: ${JSON.stringify(res.body).slice(0, 200)}`);
      if (name !== 'GET /health' && res.headers['retry-after'] !== '5') problems.push(`${name}: no retry-after`);
    }));
    return problems;
  }

  async function recovers() {
    await waitFor(async () => (await t.call({ method: 'GET', url: '/health' })).status === 200, 30_000, 'health green again');
    expect((await t.call({ method: 'GET', url: `/v1/requests/${id}`, key: c.stateA })).status).toBe(200);
    expect((await web.get('/requests')).status).toBe(200);
    expect((await t.call({ method: 'POST', url: '/v1/requests', key: c.stateA, payload: fiuRequest })).status).toBe(202);
  }

  it('refused: 503 at once on every route, pages included, then recovers', async () => {
    await proxy.stop();
    try { expect(await answersDuringOutage()).toEqual([]); } finally { await proxy.start(); }
    await recovers();
  }, 90_000);

  it('partitioned (nothing answers, nothing refuses): 503 within the handler timeout on every route, then recovers', async () => {
    proxy.freeze();
    try { expect(await answersDuringOutage()).toEqual([]); } finally { proxy.thaw(); }
    await recovers();
  }, 90_000);
});
