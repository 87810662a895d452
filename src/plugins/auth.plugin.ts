import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../errors.js';

export const ROLES = ['admin', 'member_state', 'provider', 'cted', 'entity'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established from the API key (or a web session). */
export interface Principal {
  keyId: string | null;
  role: Role;
  memberState: string | null;
  providerId: string | null;
  entity: string | null;
  label: string;
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
    requireRole(...roles: Role[]): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    authenticate(req: FastifyRequest): Promise<Principal>;
  }
}

/** A new API key: 32 random bytes, shown once; only its hash is stored. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `od_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

/** Bearer-key authentication and role checks; `requireRole` is the onRequest hook routes use, so auth comes before body validation. */
export default fp(async function auth(app: FastifyInstance, opts: { keys: KeyLookup; adminKey?: string }) {
  const adminHash = opts.adminKey ? Buffer.from(hashApiKey(opts.adminKey), 'hex') : null;
  const cache = new Map<string, { p: Principal | null; until: number }>();
  const touched = new Map<string, number>();

  async function authenticate(req: FastifyRequest): Promise<Principal> {
    if (req.principal) return req.principal;
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{16,512})$/i.exec(header) : null;
    if (!match) throw unauthorized();
    const hash = hashApiKey(match[1]);
    const hashBuf = Buffer.from(hash, 'hex');
    if (adminHash && timingSafeEqual(hashBuf, adminHash)) {
      req.principal = { keyId: null, role: 'admin', memberState: null, providerId: null, entity: null, label: 'ADMIN_API_KEY', requestId: req.id };
      return req.principal;
    }
    const now = Date.now();
    let entry = cache.get(hash);
    if (!entry || entry.until < now) {
      entry = { p: await opts.keys.findActiveByHash(hash), until: now + CACHE_MS };
      cache.set(hash, entry);
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
    }
    if (!entry.p) throw unauthorized('This API key is unknown or revoked.');
    if (entry.p.keyId && (touched.get(entry.p.keyId) ?? 0) + TOUCH_EVERY_MS < now) {
      touched.set(entry.p.keyId, now);
      opts.keys.touch(entry.p.keyId).catch((err) => req.log.warn({ err: String(err) }, 'could not record key use'));
    }
    req.principal = { ...entry.p, requestId: req.id };
    return req.principal;
  }

  app.decorateRequest('principal', undefined);
  app.decorate('authenticate', authenticate);
  app.decorate('requireRole', (...roles: Role[]) => async (req: FastifyRequest) => {
    const p = await authenticate(req);
    if (roles.length && !roles.includes(p.role)) throw forbidden(`This needs one of the roles: ${roles.join(', ')}.`);
  });
  /** Forgets cached lookups (after a revocation in this process). */
  app.decorate('forgetKeyCache', () => cache.clear());
}, { name: 'auth' });

declare module 'fastify' {
  interface FastifyInstance { forgetKeyCache(): void }
}
