import { Redis } from 'ioredis';

/** How long a session resolved by one process is trusted by the others without asking PostgreSQL. */
export const SHARED_SESSION_MS = 10_000;
/**
 * How long, from the start of a revocation, no process may put that user's or organisation's sessions
 * in the shared cache (a process that read PostgreSQL just before the revocation committed would
 * otherwise put the revoked session back after it was deleted).
 */
const BLOCK_MS = 15_000;
/** A Redis command that takes longer is given up: the session is read from PostgreSQL instead. */
const COMMAND_TIMEOUT_MS = 250;

/** What to forget: one user's sessions, one organisation's, or everything (after a gap in the messages). */
export interface Forget { userId?: string; organisationId?: string; all?: boolean }

/**
 * The shared session cache (issue 13 item 4: Redis when REDIS_URL is set). PostgreSQL stays the
 * record; Redis holds resolved sessions by the SHA-256 of their token (never a token) for
 * SHARED_SESSION_MS, and while it answers every process reads sessions from it rather than from a
 * cache of its own. A revocation deletes the entries before it answers, so a session signed out, a
 * password changed or a person suspended ends in every process at once. Every call fails soft: while
 * Redis is away sessions are read from PostgreSQL (each process then trusts what it read for a few
 * seconds), and invalidations that could not be sent are sent again on reconnection. The one gap: a
 * process cut off from a Redis the others still reach revokes in PostgreSQL only, and the others may
 * serve the shared entry until it expires (SHARED_SESSION_MS) or that process reconnects.
 */
export interface SharedSessionCache<V> {
  get(tokenHash: string): Promise<V | undefined>;
  /** Caches a view read from PostgreSQL, unless a revocation of its user or organisation is under way. */
  put(tokenHash: string, view: V, userId: string, organisationId: string): Promise<void>;
  /** Marks a user's (or organisation's) sessions as being revoked: called before the revocation commits. */
  block(f: Forget): Promise<void>;
  /** Drops the shared entries of a user or organisation (and this process's own): called after the commit. */
  invalidate(f: Forget): Promise<void>;
  /** Whether Redis answers now (sessions are then read from it, not from a process's own cache). */
  readonly live: boolean;
  close(): Promise<void>;
}

// One round trip each: a write refused while a revocation is under way, and a revocation's delete of an index and its entries.
const PUT = `if redis.call('exists', KEYS[2]) == 1 or redis.call('exists', KEYS[3]) == 1 then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
for i = 4, 5 do redis.call('sadd', KEYS[i], KEYS[1]); redis.call('pexpire', KEYS[i], ARGV[2]) end
return 1`;
const DROP = `local m = redis.call('smembers', KEYS[1])
for _, k in ipairs(m) do redis.call('del', k) end
redis.call('del', KEYS[1])
return #m`;

export function createSharedSessionCache<V>(opts: {
  url: string; prefix: string; onForget: (f: Forget) => void; revive: (raw: unknown) => V;
  log?: { warn(o: object, m?: string): void };
}): SharedSessionCache<V> {
  const p = `${opts.prefix}:sess:`;
  const redis = new Redis(opts.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
  const pending: Forget[] = [];
  let warned = 0;
  let closing = false;
  const warn = (err: unknown, what: string) => {
    if (Date.now() - warned < 30_000) return;
    warned = Date.now();
    opts.log?.warn({ err: err instanceof Error ? err.message : String(err) }, `sessions: Redis unavailable (${what}); reading sessions from PostgreSQL`);
  };
  redis.on('error', (err) => warn(err, 'commands'));
  // Back after a gap: what this process trusted meanwhile is read again, and the invalidations it could not send are sent.
  redis.on('ready', () => {
    if (closing) return;
    opts.onForget({ all: true });
    void flush();
  });

  const blockKeys = (f: Forget) => [f.userId ? `${p}block:u:${f.userId}` : null, f.organisationId ? `${p}block:o:${f.organisationId}` : null].filter((k): k is string => !!k);
  const indexKeys = (f: Forget) => [f.userId ? `${p}idx:u:${f.userId}` : null, f.organisationId ? `${p}idx:o:${f.organisationId}` : null].filter((k): k is string => !!k);

  async function send(f: Forget) {
    if (f.all) {
      // Everything this prefix cached (a reconnection after invalidations could not be sent).
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 500);
        const drop = keys.filter((k) => !k.includes(':block:'));
        if (drop.length) await redis.del(...drop);
        cursor = next;
      } while (cursor !== '0');
    } else {
      for (const k of blockKeys(f)) await redis.set(k, '1', 'PX', BLOCK_MS);
      for (const k of indexKeys(f)) await redis.eval(DROP, 1, k);
    }
  }

  async function flush() {
    const todo = pending.splice(0);
    // Many lost invalidations become one: drop everything once.
    const batch = todo.length > 20 ? [{ all: true }] : todo;
    for (let i = 0; i < batch.length; i++) {
      try { await send(batch[i]!); } catch (err) { pending.push(...batch.slice(i)); warn(err, 'invalidate'); return; }
    }
  }

  return {
    get live() { return redis.status === 'ready'; },
    async get(tokenHash) {
      if (redis.status !== 'ready') return undefined;
      try {
        const raw = await redis.get(`${p}t:${tokenHash}`);
        return raw ? opts.revive(JSON.parse(raw)) : undefined;
      } catch (err) { warn(err, 'get'); return undefined; }
    },
    async put(tokenHash, view, userId, organisationId) {
      if (redis.status !== 'ready') return;
      try {
        await redis.eval(PUT, 5, `${p}t:${tokenHash}`, `${p}block:u:${userId}`, `${p}block:o:${organisationId}`, `${p}idx:u:${userId}`, `${p}idx:o:${organisationId}`, JSON.stringify(view), SHARED_SESSION_MS);
      } catch (err) { warn(err, 'put'); }
    },
    async block(f) {
      if (redis.status !== 'ready') return;
      try { for (const k of blockKeys(f)) await redis.set(k, '1', 'PX', BLOCK_MS); } catch (err) { warn(err, 'block'); }
    },
    async invalidate(f) {
      opts.onForget(f);
      try {
        if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
        await send(f);
      } catch (err) {
        // Kept for the reconnection; past a thousand, one "forget everything" stands for them all.
        if (pending.length >= 1000) pending.splice(0, pending.length, { all: true });
        else pending.push(f);
        warn(err, 'invalidate');
      }
    },
    async close() {
      closing = true;
      await redis.quit().catch(() => {});
      redis.disconnect();
    },
  };
}
