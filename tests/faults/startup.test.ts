import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startChild } from '../helpers/processes.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';
import { ADMIN_KEY, buildTestApp } from '../helpers/test-app.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const pgAt = new URL(TEST_DATABASE_URL);
const redisAt = new URL(TEST_REDIS_URL);

/** A process started while a service it needs is down: it must wait, say so, and carry on when it returns. */
describe('start-up while PostgreSQL or Redis is down', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f().catch(() => {}); });

  async function setup() {
    const t = await buildTestApp({ queue: 'bullmq' });
    cleanup.push(() => t.close());
    const pg = await startProxy({ host: pgAt.hostname, port: Number(pgAt.port || 5432) });
    cleanup.push(() => pg.stop());
    const redis = await startProxy({ host: redisAt.hostname, port: Number(redisAt.port || 6379) });
    cleanup.push(() => redis.stop());
    const db = new URL(t.config.DATABASE_URL!);
    db.hostname = '127.0.0.1';
    db.port = String(pg.port);
    const env = { DATABASE_URL: db.toString(), REDIS_URL: `redis://127.0.0.1:${redis.port}`, QUEUE_PREFIX: t.config.QUEUE_PREFIX, ADMIN_API_KEY: ADMIN_KEY };
    return { t, pg, redis, env };
  }

  it('a worker waits for PostgreSQL, then for Redis, logging each, and consumes once both answer', async () => {
    const { pg, redis, env } = await setup();
    await pg.stop();
    await redis.stop();
    const w = startChild('workers/main.ts', env);
    cleanup.push(() => w.stop());
    await waitFor(() => w.lines.filter((l) => l.msg === 'PostgreSQL is not reachable yet; waiting and retrying').length >= 2 || w.exitCode() !== undefined, 60_000, 'the worker to say it waits for PostgreSQL');
    expect(w.exitCode(), w.stderr()).toBeUndefined();
    const said = w.lines.find((l) => l.msg === 'PostgreSQL is not reachable yet; waiting and retrying')!;
    expect(said).toMatchObject({ PostgreSQL: `127.0.0.1:${pg.port}`, tries: 1, retryInMs: 500 });

    await pg.start();
    await waitFor(() => w.lines.some((l) => l.msg === 'Redis is not reachable yet; waiting and retrying') || w.exitCode() !== undefined, 60_000, 'the worker to say it waits for Redis');
    expect(w.exitCode(), w.stderr()).toBeUndefined();
    expect(w.ready()).toBe(false);

    await redis.start();
    await waitFor(() => w.ready() || w.exitCode() !== undefined, 60_000, 'the worker to consume');
    expect(w.ready()).toBe(true);
    expect(w.lines.some((l) => l.msg === 'PostgreSQL is reachable; continuing start-up')).toBe(true);
    await w.stop();
    expect(await w.exited, `${w.stderr()}\n${w.lines.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`).toBe(0);
  }, 120_000);

  it('an API waits for PostgreSQL, logging it, and serves once it answers', async () => {
    const { pg, env } = await setup();
    await pg.stop();
    const port = await freePort();
    const api = startChild('src/server.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    cleanup.push(() => api.stop());
    await waitFor(() => api.lines.some((l) => l.msg === 'PostgreSQL is not reachable yet; waiting and retrying') || api.exitCode() !== undefined, 60_000, 'the API to say it waits');
    expect(api.exitCode(), api.stderr()).toBeUndefined();

    await pg.start();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0)) === 200 || api.exitCode() !== undefined, 60_000, 'the API to serve');
    expect(api.exitCode(), api.stderr()).toBeUndefined();
    await api.stop();
    expect(await api.exited).toBe(0);
  }, 120_000);

  it('an API started while Redis is down says so, files requests, and relays them itself once Redis returns', async () => {
    const { t, redis, env } = await setup();
    await redis.stop();
    const port = await freePort();
    const api = startChild('src/server.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    cleanup.push(() => api.stop());
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health`).then((r) => r.status, () => 0)) === 503 || api.exitCode() !== undefined, 60_000, 'the API to serve without Redis');
    expect(api.exitCode(), api.stderr()).toBeUndefined();
    expect(await fetch(`${base}/health`).then((r) => r.json())).toMatchObject({ db: 'ok', queue: 'down' });
    await waitFor(() => api.lines.some((l) => l.msg === 'Redis is not reachable yet; accepting requests, their events wait in the outbox'), 30_000, 'the API to say so');
    const post = (path: string, key: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (r) => ({ status: r.status, body: await r.json() as any }));
    const skey = (await post('/v1/api-keys', ADMIN_KEY, { role: 'member_state', label: 's', memberState: 'SEN' })).body.key;
    const filed = await post('/v1/requests', skey, { title: 'Border control training', description: 'Training for border officers on travel document examination and API/PNR data use against foreign terrorist fighters.' });
    expect(filed.status).toBe(202);

    await redis.start();
    // No worker runs: the event reaches the queue through the API's own relay.
    await waitFor(async () => (await fetch(`${base}/health`).then((r) => r.json() as Promise<any>)).outbox?.unrelayed === 0, 60_000, 'the API to relay the outbox');
    expect((await t.queue.depth())['match-request']).toBe(1);
    expect(api.exitCode(), api.stderr()).toBeUndefined();
  }, 120_000);
});
