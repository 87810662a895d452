import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import authPlugin, { hashApiKey, type KeyLookup, type Principal } from '../../../src/plugins/auth.plugin.js';
import errorHandler from '../../../src/plugins/error-handler.plugin.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef-0123';
const STATE_KEY = 'od_state_key_0123456789abcdef0123456789';

/** A promise the test settles when it chooses, so a lookup is "in flight" for exactly as long as the test says. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  return { opened, open };
}

async function app(opts: { hold?: Promise<void> } = {}) {
  const lookups: string[] = [];
  /** Resolves when a lookup has started (and been counted). */
  let started = gate();
  const keys: KeyLookup = {
    async findActiveByHash(hash) {
      lookups.push(hash);
      started.open();
      started = gate();
      if (opts.hold) await opts.hold;
      return hash === hashApiKey(STATE_KEY) ? { keyId: 'k1', role: 'member_state', memberState: 'SEN', providerId: null, entity: null, label: 'Senegal', userId: null, organisationId: null, memberRole: null } : null;
    },
    async touch() {},
  };
  const a = Fastify({ logger: false });
  await a.register(errorHandler);
  await a.register(authPlugin, { keys, adminKey: ADMIN_KEY });
  a.get('/state', { onRequest: a.requireRole('member_state') }, async (req) => req.principal as Principal);
  a.get('/admin', { onRequest: a.requireRole('admin') }, async (req) => req.principal as Principal);
  return { a, lookups, lookupStarted: () => started.opened };
}
const get = (a: Awaited<ReturnType<typeof app>>['a'], url: string, key?: string) =>
  a.inject({ url, headers: key ? { authorization: `Bearer ${key}`, 'x-request-id': 'r-1' } : {} });

describe('auth plugin', () => {
  it('looks a key up once when many requests arrive together, then serves it from the cache', async () => {
    const { a, lookups } = await app();
    const all = await Promise.all(Array.from({ length: 20 }, () => get(a, '/state', STATE_KEY)));
    expect(all.every((r) => r.statusCode === 200)).toBe(true);
    expect(lookups).toHaveLength(1);
    expect((await get(a, '/state', STATE_KEY)).statusCode).toBe(200);
    expect(lookups).toHaveLength(1);
  });

  it('does not let a lookup that started before a revocation refill the cache', async () => {
    const hold = gate();
    const { a, lookups, lookupStarted } = await app({ hold: hold.opened });
    const inFlight = lookupStarted();
    const racing = get(a, '/state', STATE_KEY);
    await inFlight; // the lookup has started and is held open
    a.forgetKeyCache(); // the revocation lands while it is in flight
    hold.open();
    expect((await racing).statusCode).toBe(200); // it raced the revocation and may finish
    await get(a, '/state', STATE_KEY);
    expect(lookups).toHaveLength(2); // ...but the next request asks the store again
  });

  it('gives each request its own principal, carrying that request id', async () => {
    const { a } = await app();
    const r1 = (await a.inject({ url: '/state', headers: { authorization: `Bearer ${STATE_KEY}` } })).json();
    const r2 = (await a.inject({ url: '/state', headers: { authorization: `Bearer ${STATE_KEY}` } })).json();
    expect(r1).toMatchObject({ keyId: 'k1', role: 'member_state', memberState: 'SEN' });
    expect(r1.requestId).toBeTruthy();
    expect(r1.requestId).not.toBe(r2.requestId);
  });

  it('answers 401 for a missing or unknown key and 403 for the wrong role, also from the cache', async () => {
    const { a, lookups } = await app();
    expect((await get(a, '/state')).statusCode).toBe(401);
    expect((await get(a, '/state', 'od_unknown_key_000000000000000000')).statusCode).toBe(401);
    expect((await get(a, '/state', 'od_unknown_key_000000000000000000')).statusCode).toBe(401);
    expect(lookups).toHaveLength(1);
    expect((await get(a, '/admin', STATE_KEY)).json().error.code).toBe('forbidden');
    expect((await get(a, '/admin', STATE_KEY)).statusCode).toBe(403);
    expect((await get(a, '/admin', ADMIN_KEY)).json()).toMatchObject({ role: 'admin', label: 'ADMIN_API_KEY' });
    expect((await get(a, '/state', ADMIN_KEY)).statusCode).toBe(403);
  });
});
