import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedSessionCache, type Forget } from '../../src/modules/people/session-cache.js';
import { freePort } from '../helpers/processes.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';
import { createPerson, eventually, signInPerson, type TestPerson } from '../helpers/web-session.js';

const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');

/** A redis-server of this test's own (the shared one is never stopped), without persistence. */
async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  await eventually(async () => { try { await probe.connect(); return (await probe.ping()) === 'PONG'; } catch { return false; } }, 10_000);
  probe.disconnect();
  return proc;
}
async function stopRedis(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

/**
 * Sessions with REDIS_URL (issue 13 item 4): PostgreSQL stays the record, Redis shares resolved
 * sessions between processes by token hash and carries invalidations, so a revoked session ends in
 * every process at once; with Redis gone, sessions are read from PostgreSQL and nothing fails.
 */
describe('sessions shared through Redis, with PostgreSQL as the record', () => {
  let redisProc: ChildProcess | undefined;
  let port: number;
  let a: TestApp;
  let b: TestApp;
  let person: TestPerson;
  let probe: Redis;
  const prefix = `odtest-sess-${randomBytes(3).toString('hex')}`;
  const page = (t: TestApp, cookie: string) => t.app.inject({ method: 'GET', url: '/requests', headers: { cookie } }).then((r) => r.statusCode);
  const live = async (t: TestApp) => t.services.people.sharedSessions()?.live === true;

  beforeAll(async () => {
    port = await freePort();
    redisProc = await startRedis(port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: prefix };
    a = await buildTestApp({ env });
    // A second API process on the same database and Redis: its own in-process cache.
    b = await buildTestApp({ reuseDatabase: true, env: { ...env, DATABASE_URL: a.config.DATABASE_URL! } });
    person = await createPerson(a, { kind: 'member_state', binding: { memberState: 'MLI' }, name: 'Fatoumata Coulibaly' });
    probe = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => 200 });
    probe.on('error', () => {});
    a.services.people.sharedSessions();
    b.services.people.sharedSessions();
    await eventually(async () => (await live(a)) && (await live(b)), 10_000);
  });
  afterAll(async () => {
    probe?.disconnect();
    await b?.close();
    await a?.close();
    await stopRedis(redisProc);
  });

  it('shares a resolved session by the hash of its token; no token is ever written to Redis', async () => {
    const s = await signInPerson(a, person);
    const token = s.cookie.slice('od_session='.length);
    expect(await page(a, s.cookie)).toBe(200);
    const key = `${prefix}:sess:t:${sha256(token)}`;
    const shared = JSON.parse((await probe.get(key))!);
    expect(shared).toMatchObject({ userId: person.userId, organisationId: person.organisationId, email: person.email });
    // The other process reads it from there.
    expect(await page(b, s.cookie)).toBe(200);
    const keys = await probe.keys(`${prefix}:*`);
    const values = await Promise.all(keys.map(async (k) => ((await probe.type(k)) === 'string' ? probe.get(k) : (await probe.smembers(k)).join(' '))));
    expect(JSON.stringify([keys, values])).not.toContain(token);
  });

  it('ends a signed-out session in every process at once', async () => {
    const s = await signInPerson(a, person);
    expect(await page(a, s.cookie)).toBe(200);
    expect(await page(b, s.cookie)).toBe(200);
    expect((await s.post('/sign-out', {})).status).toBe(303);
    // No waiting: the shared entry was deleted before the sign-out answered.
    expect(await page(b, s.cookie)).toBe(303);
    expect(await page(a, s.cookie)).toBe(303);
    expect(await probe.get(`${prefix}:sess:t:${sha256(s.cookie.slice('od_session='.length))}`)).toBeNull();
  });

  it('ends every session of a suspended person, and of a suspended organisation, everywhere at once', async () => {
    const admin = { keyId: null, role: 'admin' as const, memberState: null, providerId: null, entity: null, label: 'test admin', userId: null, organisationId: null, memberRole: null };
    const s1 = await signInPerson(a, person);
    expect(await page(b, s1.cookie)).toBe(200);
    await a.services.people.setUserStatus(admin, person.userId, 'suspended');
    expect(await page(b, s1.cookie)).toBe(303);
    await a.services.people.setUserStatus(admin, person.userId, 'active');

    const colleague = await createPerson(a, { kind: 'member_state', binding: { memberState: 'NER' } });
    const s2 = await signInPerson(a, colleague);
    expect(await page(b, s2.cookie)).toBe(200);
    await a.services.people.setOrganisationStatus(admin, colleague.organisationId, 'suspended');
    expect(await page(b, s2.cookie)).toBe(303);
  });

  it('a password change in one process signs the person out of the other at once', async () => {
    const elsewhere = await signInPerson(a, person);
    expect(await page(b, elsewhere.cookie)).toBe(200);
    const here = await signInPerson(b, person);
    const next = `${person.password} and more`;
    expect((await here.post('/account/password', { current: person.password, password: next })).status).toBe(303);
    person.password = next;
    expect(await page(a, elsewhere.cookie)).toBe(303);
    expect(await page(b, elsewhere.cookie)).toBe(303);
  });

  it('never puts back a session whose revocation is under way, and drops an organisation\'s entries by its index', async () => {
    const forgotten: Forget[] = [];
    const c = createSharedSessionCache<{ n: number }>({ url: `redis://127.0.0.1:${port}`, prefix: `${prefix}-unit`, onForget: (f) => forgotten.push(f), revive: (raw) => raw as { n: number } });
    try {
      await eventually(async () => c.live, 5_000);
      // A process that read PostgreSQL just before a revocation committed comes to write after the revocation's delete.
      await c.block({ userId: 'u1' });
      await c.put('h1', { n: 1 }, 'u1', 'o1');
      expect(await c.get('h1')).toBeUndefined();
      await c.put('h2', { n: 2 }, 'u2', 'o1');
      await c.put('h3', { n: 3 }, 'u3', 'o2');
      expect(await c.get('h2')).toEqual({ n: 2 });
      await c.invalidate({ organisationId: 'o1' });
      expect(forgotten).toContainEqual({ organisationId: 'o1' });
      expect(await c.get('h2')).toBeUndefined();
      expect(await c.get('h3')).toEqual({ n: 3 });
    } finally { await c.close(); }
  });

  it('keeps working from PostgreSQL while Redis is down, and shares again once it is back', async () => {
    const s = await signInPerson(a, person);
    expect(await page(b, s.cookie)).toBe(200);
    await stopRedis(redisProc);
    await eventually(async () => !(await live(a)) && !(await live(b)), 10_000);
    // Sessions resolve, sign-ins work, a sign-out still ends the session (the other process within its few seconds of cache).
    expect(await page(a, s.cookie)).toBe(200);
    expect(await page(b, s.cookie)).toBe(200);
    const fresh = await signInPerson(b, person);
    expect(await page(a, fresh.cookie)).toBe(200);
    expect((await s.post('/sign-out', {})).status).toBe(303);
    expect(await page(a, s.cookie)).toBe(303);
    await eventually(async () => (await page(b, s.cookie)) === 303);

    redisProc = await startRedis(port);
    await eventually(async () => (await live(a)) && (await live(b)), 15_000);
    // The sign-out made while Redis was away is replayed: the person's sessions are kept out of Redis for a while, read from PostgreSQL.
    expect(await page(a, fresh.cookie)).toBe(200);
    expect(await page(b, s.cookie)).toBe(303);
    const other = await createPerson(a, { kind: 'member_state', binding: { memberState: 'MLI' } });
    const back = await signInPerson(b, other);
    expect(await page(a, back.cookie)).toBe(200);
    expect(await probe.exists(`${prefix}:sess:t:${sha256(back.cookie.slice('od_session='.length))}`)).toBe(1);
    expect((await back.post('/sign-out', {})).status).toBe(303);
    expect(await page(a, back.cookie)).toBe(303);
    expect((await fresh.post('/sign-out', {})).status).toBe(303);
    expect(await page(a, fresh.cookie)).toBe(303);
    expect(await page(b, fresh.cookie)).toBe(303);
  }, 60_000);
});
