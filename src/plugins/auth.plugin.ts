import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, forbidden, isConnectionError, unauthorized } from '../errors.js';

export const ROLES = ['admin', 'member_state', 'provider', 'cted', 'entity'] as const;
export type Role = (typeof ROLES)[number];

export const MEMBER_ROLES = ['focal_point', 'contributor', 'reader'] as const;
/** A person's role in their organisation: a focal point files and decides, a contributor drafts, a reader reads. */
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Who is calling, as established from the API key (or a web session). */
export interface Principal {
  keyId: string | null;
  role: Role;
  memberState: string | null;
  providerId: string | null;
  entity: string | null;
  /** The person's name (a web session), or the key's label (a machine). */
  label: string;
  /** The person signed in (null for an API key and for the system). */
  userId: string | null;
  /** The organisation acted for (a web session, or the organisation that owns the key). */
  organisationId: string | null;
  /** The person's role in that organisation; null for machines (a key acts with its organisation's full rights). */
  memberRole: MemberRole | null;
  /** The HTTP request id of the call acting (set per request), carried into the outbox events it writes and the jobs they start. */
  requestId?: string;
}

export interface KeyLookup {
  /** Finds an unrevoked key by the SHA-256 of its secret. */
  findActiveByHash(hash: string): Promise<Principal | null>;
  touch(keyId: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
  interface FastifyInstance {
    requireRole(...roles: Role[]): (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
    authenticate(req: FastifyRequest): Promise<Principal>;
  }
}

/** A new API key: 32 random bytes, shown once; only its hash is stored. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `od_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const DIGEST = Symbol('keyDigest');
type WithDigest = FastifyRequest & { [DIGEST]?: { header: string; digest: string | null } };

/**
 * The SHA-256 of the request's bearer key (null without a well-formed one), computed once per
 * request and shared by the rate limit and auth, so that neither keeps raw keys in memory.
 * Recomputed if the header changes (the web interface sets it from the session cookie).
 */
export function keyDigest(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const memo = (req as WithDigest)[DIGEST];
  if (memo && memo.header === header) return memo.digest;
  const match = /^Bearer\s+(\S{16,512})$/i.exec(header);
  const digest = match ? hashApiKey(match[1]) : null;
  (req as WithDigest)[DIGEST] = { header, digest };
  return digest;
}

const CACHE_MS = 5_000;
const ADMIN: Principal = Object.freeze({ keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'ADMIN_API_KEY', userId: null, organisationId: null, memberRole: null });

/** What a person may do in their organisation beyond reading: file a request or offering, decide (approve, accept, route, change a status), draft. */
export type MemberAction = 'file' | 'decide' | 'draft';

/**
 * The one home of "may file / may decide" (issue 13): a focal point may do all, a contributor may
 * only draft (its filing is saved as a draft a focal point files), a reader nothing. Machines (API
 * keys) and the system carry no member role and act with their organisation's rights.
 */
export function may(p: Principal, action: MemberAction): boolean {
  if (p.memberRole === null || p.memberRole === undefined || p.memberRole === 'focal_point') return true;
  return p.memberRole === 'contributor' && action === 'draft';
}

/** Throws 403 unless `may(p, action)`. */
export function requireMay(p: Principal, action: MemberAction): void {
  if (!may(p, action)) throw forbidden(action === 'file' ? 'Only a focal point of your organisation may file; a contributor\'s filing is kept as a draft.' : `Your role in your organisation (${p.memberRole}) may not ${action}.`);
}
const TOUCH_EVERY_MS = 60_000;

/**
 * Bearer-key authentication and role checks; `requireRole` is the onRequest hook routes use, so auth
 * comes before body validation (and before the per-key rate limit, which runs at preParsing).
 */
export interface AuthOptions {
  keys: KeyLookup;
  adminKey?: string;
  /** Asked before each key-store lookup (a cache miss); may throw to refuse it (the per-address lookup budget). */
  beforeLookup?: (req: FastifyRequest, digest: string) => void | Promise<void>;
  /** Told of each key the store (or the admin key) just confirmed. */
  onValid?: (digest: string) => void;
  /** Asked before a request is answered 401 (no, an unknown or a revoked key); may throw instead (the per-address budget). */
  onRejected?: (req: FastifyRequest) => void | Promise<void>;
  /**
   * PostgreSQL (several processes may share the keys): the revocation generation stored there
   * (key-revocations.ts), read afresh for each request. A cached key is trusted only while no
   * revocation has committed since it was looked up, so a key revoked in any process is refused by
   * every other on its next request. Without it (the embedded default: one process) a revocation
   * clears this process's cache (forgetKeyCache) and entries live CACHE_MS.
   */
  revocationGeneration?: () => Promise<number>;
}

export default fp(async function auth(app: FastifyInstance, opts: AuthOptions) {
  const adminHash = opts.adminKey ? Buffer.from(hashApiKey(opts.adminKey), 'hex') : null;
  // Both keyed by the key's digest: no raw key is kept.
  // `gen`: the revocation generation read before the lookup (0 without revocationGeneration).
  const cache = new Map<string, { p: Principal | null; until: number; gen: number }>();
  /** Lookups in flight, so a key whose cache entry just expired is looked up once, not by every concurrent request. */
  const inFlight = new Map<string, { pending: Promise<Principal | null>; gen: number }>();
  const touched = new Map<string, number>();
  /** Bumped by forgetKeyCache, so a lookup that started before a revocation does not refill the cache. */
  let generation = 0;
  const readGeneration = opts.revocationGeneration;
  /** The highest revocation generation read so far: older entries are dropped when it grows. */
  let knownGen = 0;
  let reading: Promise<number> | null = null;
  let queued: Promise<number> | null = null;

  /**
   * The revocation generation as read by a query that starts after this call: a request joins the read
   * queued behind the one in flight, never one that began before it arrived (that read could predate a
   * revocation whose answer the caller has already seen). At most one read runs at a time.
   */
  function freshGeneration(read: () => Promise<number>): Promise<number> {
    if (!reading) {
      const mine: Promise<number> = read().then((g) => {
        if (g > knownGen) { knownGen = g; cache.clear(); }
        return g;
      }).finally(() => { if (reading === mine) reading = null; });
      reading = mine;
      return mine;
    }
    queued ??= reading.catch(() => 0).then(() => { queued = null; return freshGeneration(read); });
    return queued;
  }

  /** The generation now, or null when it cannot be read (the database away: cached entries then live CACHE_MS as before). */
  async function generationNow(req: FastifyRequest): Promise<number | null> {
    if (!readGeneration) return 0;
    try { return await freshGeneration(readGeneration); } catch (err) {
      if (!isConnectionError(err)) throw err;
      req.log.warn({ err: String(err) }, 'could not read the key revocation generation; trusting cached keys for now');
      return null;
    }
  }

  /** The principal a key stands for: the admin key (compared in constant time) or a stored, unrevoked key. */
  async function lookup(digest: string): Promise<Principal | null> {
    if (adminHash && timingSafeEqual(Buffer.from(digest, 'hex'), adminHash)) return ADMIN;
    return opts.keys.findActiveByHash(digest);
  }

  const digestOf = (req: FastifyRequest) => {
    const digest = keyDigest(req);
    if (!digest) throw unauthorized();
    return digest;
  };

  /** Sets req.principal from a cache entry; throws 401 for an unknown or revoked key. */
  function accept(req: FastifyRequest, p: Principal | null, now: number): Principal {
    if (!p) throw unauthorized('This API key is unknown or revoked.');
    if (p.keyId && (touched.get(p.keyId) ?? 0) + TOUCH_EVERY_MS < now) {
      touched.set(p.keyId, now);
      opts.keys.touch(p.keyId).catch((err) => req.log.warn({ err: String(err) }, 'could not record key use'));
    }
    // Copied field by field: an object spread measured ~20× slower here, on every request.
    req.principal = {
      keyId: p.keyId, role: p.role, memberState: p.memberState, providerId: p.providerId, entity: p.entity, label: p.label,
      userId: p.userId, organisationId: p.organisationId, memberRole: p.memberRole, requestId: req.id,
    };
    return req.principal;
  }

  /** The caller, when its key was looked up in the last few seconds (no I/O); else undefined (always, when revocations are read). */
  function authenticateCached(req: FastifyRequest): Principal | undefined {
    if (req.principal) return req.principal;
    if (readGeneration) return undefined;
    const now = Date.now();
    const entry = cache.get(digestOf(req));
    return entry && entry.until >= now ? accept(req, entry.p, now) : undefined;
  }

  /** Runs onRejected for a 401, then gives back the error to answer (the 401, or what onRejected threw). */
  async function rejected(req: FastifyRequest, err: unknown): Promise<never> {
    if (err instanceof AppError && err.statusCode === 401 && opts.onRejected) await opts.onRejected(req);
    throw err;
  }

  async function authenticate(req: FastifyRequest): Promise<Principal> {
    try { return await authenticateOnce(req); } catch (err) { return rejected(req, err); }
  }

  async function authenticateOnce(req: FastifyRequest): Promise<Principal> {
    const cached = authenticateCached(req);
    if (cached) return cached;
    const key = digestOf(req);
    // Read before the lookup: an entry is as new as the generation read before it (a revocation after that read bumps it).
    const gen = await generationNow(req);
    const entry = cache.get(key);
    if (readGeneration && entry && entry.until >= Date.now() && (gen === null || entry.gen >= gen)) return accept(req, entry.p, Date.now());
    const joinable = inFlight.get(key);
    // Requests that wait on a lookup already under way cost nothing more; a new lookup is asked for first.
    if (!(joinable && joinable.gen >= (gen ?? 0)) && opts.beforeLookup) await opts.beforeLookup(req, key);
    let flight = inFlight.get(key);
    if (!flight || flight.gen < (gen ?? 0)) {
      const started = generation;
      const at = gen ?? knownGen;
      const pending: Promise<Principal | null> = lookup(key).then((p) => {
        if (p) opts.onValid?.(key);
        if (started === generation && at >= knownGen) {
          cache.set(key, { p, until: Date.now() + CACHE_MS, gen: at });
          if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
        }
        return p;
      }).finally(() => { if (inFlight.get(key)?.pending === pending) inFlight.delete(key); });
      flight = { pending, gen: at };
      inFlight.set(key, flight);
    }
    return accept(req, await flight.pending, Date.now());
  }

  app.decorateRequest('principal', undefined);
  app.decorate('authenticate', authenticate);
  // A callback hook, not an async one: for a key seen in the last few seconds it completes without a promise.
  app.decorate('requireRole', (...roles: Role[]) => {
    const check = (p: Principal) => (roles.length && !roles.includes(p.role) ? forbidden(`This needs one of the roles: ${roles.join(', ')}.`) : undefined);
    return (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      let p: Principal | undefined;
      try { p = authenticateCached(req); } catch (err) { return void rejected(req, err).catch(done); }
      if (p) return done(check(p));
      authenticate(req).then((q) => done(check(q)), done);
    };
  });
  /** Forgets cached lookups (after a revocation in this process). */
  app.decorate('forgetKeyCache', () => { generation++; cache.clear(); inFlight.clear(); });
}, { name: 'auth' });

declare module 'fastify' {
  interface FastifyInstance { forgetKeyCache(): void }
}
