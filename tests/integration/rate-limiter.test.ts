import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, type RateDecision } from '../../src/plugins/rate-limiter.js';
import { TEST_REDIS_URL } from '../helpers/services.js';
import { waitFor } from '../helpers/webhook-receiver.js';

const settle = (d: RateDecision | Promise<RateDecision>) => Promise.resolve(d);
/** Hits `key` n times, one after another; how many were allowed. */
async function take(l: RateLimiter, key: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await settle(l.hit(key))).allowed) allowed++;
  return allowed;
}

/**
 * A clock that stays in the middle of one window unless a test moves it. It starts in the next
 * real minute so that the expiry the limiter gives its Redis keys (end of window + 1 s) lies ahead.
 */
function clock(start = (Math.floor(Date.now() / 60_000) + 1) * 60_000 + 30_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('RateLimiter', () => {
  let redis: Redis;
  const limiters: RateLimiter[] = [];
  // Every limiter runs on an injected clock (a fresh one in mid-window unless the test shares one):
  // windows are aligned on the clock, and a real one could cross a minute boundary mid-test.
  const make = (o: Partial<ConstructorParameters<typeof RateLimiter>[0]>) => {
    const l = new RateLimiter({ max: 100, windowMs: 60_000, prefix: `rl-test-${randomUUID()}:`, flushMs: 20, now: clock().now, ...o });
    limiters.push(l);
    return l;
  };
  beforeAll(async () => {
    // As the API's client: no offline queue, so a Redis outage fails fast instead of queueing.
    redis = new Redis(TEST_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
    redis.disconnect();
  });

  it('without Redis: allows exactly max per window, counts down, and starts again in the next window', async () => {
    const c = clock();
    const l = make({ max: 5, now: c.now });
    const got = [];
    for (let i = 0; i < 7; i++) got.push(await settle(l.hit('key:a')));
    expect(got.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(got.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(got[0].resetMs).toBe(30_000);
    expect((await settle(l.hit('key:b'))).allowed).toBe(true); // another key has its own budget
    c.advance(30_000);
    expect(await settle(l.hit('key:a'))).toMatchObject({ allowed: true, remaining: 4, resetMs: 60_000 });
  });

  it('two processes sharing Redis allow max in all, whoever takes the hits', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const c = clock();
    const a = make({ redis, prefix, now: c.now });
    const b = make({ redis, prefix, now: c.now });
    let allowed = 0;
    allowed += await take(a, 'key:x', 60);
    await a.flush();
    allowed += await take(b, 'key:x', 80);
    await b.flush();
    c.advance(70); // A's view of the shared count is older than 3 × flushMs: it asks Redis again
    allowed += await take(a, 'key:x', 20);
    expect(allowed).toBe(100);
  });

  it('across processes the overshoot is bounded by the hits others took while a view was fresh', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const c = clock();
    const a = make({ redis, prefix, flushMs: 1_000, now: c.now });
    const b = make({ redis, prefix, flushMs: 1_000, now: c.now });
    let allowed = 0;
    allowed += await take(a, 'key:u', 60);
    await a.flush();
    allowed += await take(b, 'key:u', 80);
    // A last heard from Redis just now (count 60); B has taken 40 since. A's next hits are local
    // until its own count reaches localShare (80), then each asks Redis and is refused.
    allowed += await take(a, 'key:u', 40);
    expect(allowed).toBe(120);
  });

  it('interleaved bursts from two processes stay within the limit', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const c = clock();
    const a = make({ redis, prefix, max: 50, now: c.now });
    const b = make({ redis, prefix, max: 50, now: c.now });
    const all = await Promise.all(Array.from({ length: 200 }, (_, i) => settle((i % 2 ? a : b).hit('key:y'))));
    expect(all.filter((d) => d.allowed).length).toBe(50);
  });

  it('far below the limit a busy key costs one Redis call per flush, not one per hit', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const l = make({ redis, prefix, max: 1_000_000 });
    await settle(l.hit('key:z')); // the first hit asks Redis
    let sync = 0;
    for (let i = 0; i < 500; i++) if (!(l.hit('key:z') instanceof Promise)) sync++;
    expect(sync).toBe(500);
    await l.flush();
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(Number(await redis.get(keys[0]))).toBe(501);
    // Only a digest of the key (an API key is a secret) reaches Redis.
    expect(keys[0]).not.toContain('key:z');
    expect(await redis.pttl(keys[0])).toBeGreaterThan(0);
  });

  it('counts each hit once in Redis when a flush and a near-limit hit overlap', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const l = make({ redis, prefix, max: 10, localShare: 0.5, flushMs: 1_000 });
    await settle(l.hit('key:t')); // asks Redis (no fresh view yet): 1
    for (let i = 0; i < 3; i++) await settle(l.hit('key:t')); // local: pending 3
    const flushing = l.flush(); // takes the 3 out
    await settle(l.hit('key:t')); // local (5th ≤ localShare of 10)
    await settle(l.hit('key:t')); // near the limit: sends its own hit and the 5th, not the 3 in flight
    await flushing;
    const keys = await redis.keys(`${prefix}*`);
    expect(Number(await redis.get(keys[0]))).toBe(6);
  });

  it('keeps limiting per process when Redis is unreachable, and says so', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    const errors: unknown[] = [];
    const l = make({ redis: dead, max: 10, onError: (e) => errors.push(e) });
    const got = await Promise.all(Array.from({ length: 15 }, () => settle(l.hit('key:w'))));
    expect(got.filter((d) => d.allowed)).toHaveLength(10);
    expect(errors.length).toBeGreaterThan(0);
    dead.disconnect();
  });

  it('adds local hits to the shared counter on its timer', async () => {
    const prefix = `rl-test-${randomUUID()}:`;
    const l = make({ redis, prefix, max: 1_000 });
    await settle(l.hit('key:v'));
    for (let i = 0; i < 9; i++) await settle(l.hit('key:v'));
    // Nobody calls flush(): the limiter's own timer must send the 9 local hits (waited for, not slept on).
    const shared = async () => Number(await redis.get((await redis.keys(`${prefix}*`))[0] ?? 'none'));
    await waitFor(async () => (await shared()) === 10, 5_000, 'the timer flush');
    expect(await shared()).toBe(10);
  });
});
