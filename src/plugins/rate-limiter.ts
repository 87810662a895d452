import type { Redis } from 'ioredis';
import { hashApiKey } from './auth.plugin.js';

/** What one hit on a key was answered. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateLimiterOptions {
  /** Hits allowed per key per window. */
  max: number;
  windowMs: number;
  /** Shared counters (several API processes); without it each process counts alone. */
  redis?: Redis;
  prefix?: string;
  /** How often local hits are added to the shared counter. */
  flushMs?: number;
  /** Below this share of `max` a hit is decided locally; above it, every hit asks Redis. */
  localShare?: number;
  /** Keys held per window; the oldest is dropped beyond it (a flood of random keys). */
  maxKeys?: number;
  /** How long a near-limit hit waits for Redis before deciding on local counts. */
  timeoutMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

interface Entry {
  window: number;
  /** Hits this process allowed in the window (what it falls back on when Redis fails). */
  local: number;
  /** Hits not yet added to the shared counter. */
  pending: number;
  /** The shared count Redis last answered (includes this process's flushed hits). */
  shared: number;
  /** When Redis last answered for this key; a local decision needs a recent answer. */
  syncedAt: number;
  redisKey: string;
}

/**
 * A fixed-window rate limiter shared through Redis without a Redis round trip per request.
 *
 * Windows are aligned on the clock, so every process counts into the same Redis key. A hit is
 * decided locally only while the key is below `localShare` of its limit and Redis answered for it
 * within the last few `flushMs`; local hits reach the shared counter in one batched INCRBY per
 * `flushMs`, and each batch brings back the total the other processes added. Any other hit (the
 * first after a quiet spell, or one near the limit) goes to Redis and is decided on the shared
 * total, as a per-request Redis limiter would. So a busy key costs one Redis call per `flushMs`
 * instead of one per request. The limit is exact within a process; across processes it can be
 * exceeded by the hits the others took, unseen, while deciding locally: at most what each other
 * process takes in a few `flushMs`, and never more than `localShare` of the limit per process
 * ((N − 1) × localShare × max in the worst case of N processes all bursting at once from a stale
 * view). When Redis fails, each process keeps limiting on its own counts.
 */
export class RateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly redis?: Redis;
  private readonly prefix: string;
  private readonly flushMs: number;
  private readonly exactFrom: number;
  private readonly maxKeys: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown) => void;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(o: RateLimiterOptions) {
    this.max = o.max;
    this.windowMs = o.windowMs;
    this.redis = o.redis;
    this.prefix = o.prefix ?? 'onedoor-rl:';
    this.flushMs = o.flushMs ?? 100;
    this.exactFrom = Math.floor(o.max * (o.localShare ?? 0.8));
    this.maxKeys = o.maxKeys ?? 50_000;
    this.timeoutMs = o.timeoutMs ?? 250;
    this.now = o.now ?? Date.now;
    this.onError = o.onError ?? (() => {});
  }

  /** Counts one hit on `key`; answers at once unless the key is near its limit and Redis must be asked. */
  hit(key: string): RateDecision | Promise<RateDecision> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    const resetMs = (window + 1) * this.windowMs - now;
    let e = this.entries.get(key);
    if (!e || e.window !== window) {
      if (e) this.entries.delete(key);
      else if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      e = { window, local: 0, pending: 0, shared: 0, syncedAt: -Infinity, redisKey: `${this.prefix}${digest(key)}:${window}` };
      this.entries.set(key, e);
    }
    const seen = Math.max(e.shared + e.pending, e.local);
    if (seen >= this.max) return this.decide(seen + 1, resetMs);
    if (!this.redis || (seen + 1 <= this.exactFrom && now - e.syncedAt <= this.flushMs * 3)) {
      e.local++;
      if (this.redis) { e.pending++; this.schedule(); }
      return this.decide(seen + 1, resetMs);
    }
    return this.exact(e, resetMs);
  }

  /** Near the limit: add this hit (and any pending ones) to the shared counter and decide on the total. */
  private async exact(e: Entry, resetMs: number): Promise<RateDecision> {
    const add = e.pending + 1;
    e.pending = 0;
    e.local++;
    try {
      const total = await this.incr(e.redisKey, add, e.window);
      e.shared = Math.max(e.shared, total);
      e.syncedAt = this.now();
      return this.decide(total, resetMs);
    } catch (err) {
      this.onError(err);
      // A call that timed out may still have been applied: count it once, not again.
      if (!(err instanceof RedisTimeout)) e.pending += add;
      return this.decide(Math.max(e.local, e.shared + e.pending), resetMs);
    }
  }

  private decide(count: number, resetMs: number): RateDecision {
    return { allowed: count <= this.max, limit: this.max, remaining: Math.max(0, this.max - count), resetMs };
  }

  private async incr(redisKey: string, by: number, window: number): Promise<number> {
    const res = await this.bounded(this.redis!.multi().incrby(redisKey, by).pexpireat(redisKey, (window + 1) * this.windowMs + 1_000).exec());
    const [err, total] = res![0];
    if (err) throw err;
    return Number(total);
  }

  /** A Redis call that gives up after timeoutMs (the command itself is not cancelled: it may still apply). */
  private async bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new RedisTimeout()), this.timeoutMs); });
    try { return await Promise.race([call, timeout]); } finally { clearTimeout(timer); }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, this.flushMs);
    this.timer.unref();
  }

  /** Adds every key's pending hits to the shared counters (and forgets ended windows). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.flushOnce().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const window = Math.floor(this.now() / this.windowMs);
    const batch: Array<[Entry, number]> = [];
    for (const [key, e] of this.entries) {
      if (e.window < window) { this.entries.delete(key); continue; }
      // Taken out now, as exact() does, so a near-limit hit meanwhile does not send them again.
      if (e.pending > 0) { batch.push([e, e.pending]); e.pending = 0; }
    }
    if (!batch.length || !this.redis) return;
    const pipe = this.redis.pipeline();
    for (const [e, n] of batch) pipe.incrby(e.redisKey, n).pexpireat(e.redisKey, (e.window + 1) * this.windowMs + 1_000);
    try {
      const res = await this.bounded(pipe.exec());
      batch.forEach(([e, n], i) => {
        const [err, total] = res![i * 2];
        if (err) { this.onError(err); e.pending += n; return; }
        e.shared = Math.max(e.shared, Number(total));
        e.syncedAt = this.now();
      });
    } catch (err) {
      this.onError(err);
      if (err instanceof RedisTimeout) return; // may have been applied: not sent twice
      // Redis is down: the hits stay pending (and counted locally) until a later flush gets through.
      for (const [e, n] of batch) e.pending += n;
      this.schedule();
    }
  }

  /** Flushes what is pending and stops the timer. */
  async close(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    await this.flush().catch(() => {});
  }
}

class RedisTimeout extends Error {
  constructor() { super('rate-limit Redis call timed out'); }
}

/** The key as stored in Redis: a digest, whatever the caller passes (an address, a key's hash). */
const digest = (key: string) => hashApiKey(key).slice(0, 32);
