import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimitedError } from '../errors.js';
import { keyDigest } from './auth.plugin.js';
import { RateLimiter, type RateDecision } from './rate-limiter.js';

/** Headers for HTML pages and /docs: helmet's browser set, with our CSP. Computed once; they do not vary per request. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = helmetHeaders({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

/** Headers for JSON API responses: the OWASP REST Security set (nothing here is rendered by a browser). */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': PAGE_HEADERS['strict-transport-security'],
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** The JSON API's paths (everything else is a page, the docs or a static file). One definition for headers and 404s. */
export const isApiPath = (url: string) => /^\/(v1|health|metrics)(\/|\?|$)/.test(url);

/** The rate-limit budgets; any route or service can take from one (see RateLimits.take). */
export type RateBucket = 'request' | 'lookup' | 'sensitive';

export interface RateLimits {
  /**
   * Counts one hit on `bucket` for `id` (an address `ip:…`, a key `key:…`, a session `session:…`,
   * an account, …); throws RateLimitedError (a 429 with `retry-after`) beyond the budget. With
   * `reply`, its x-ratelimit-* headers are set. Synchronous (no promise) far below the limit.
   */
  take(bucket: RateBucket, id: string, reply?: FastifyReply): void | Promise<void>;
  /** Takes one hit from the request's address (`request` bucket), at most once per request. */
  chargeAddress(req: FastifyRequest, reply?: FastifyReply): void | Promise<void>;
  /** Remembers a key (its digest) that just authenticated: when its cache entry expires, its next lookup does not take from `lookup`. */
  vouch(digest: string): void;
  vouched(digest: string): boolean;
}

export interface SecurityOptions {
  /** `request` budget: per key or session once authenticated, and per address for requests without a known credential. */
  perMinute: number;
  /** `lookup` budget, per address: authentications of credentials not vouched for (each costs a database read). */
  lookupsPerMinute: number;
  /** `sensitive` budget, per address, for routes with `config: { rateLimit: 'sensitive' }`. */
  sensitivePerMinute: number;
  redis?: Redis;
  /** The web session cookie: a request carrying one is limited per session once the web interface has opened it. */
  sessionCookie?: string;
  /** The rate limits' clock (tests hold it still, so a window never ends mid-test). */
  now?: () => number;
}

const CHARGED = Symbol('addressCharged');
type Charged = FastifyRequest & { [CHARGED]?: true };

/** How long a key that authenticated stays vouched for (a web session lasts 12 h). */
const VOUCHED_MS = 12 * 3600_000;

/**
 * Security headers and the rate limits (counters shared through Redis when there is one).
 *
 * - Before authentication, per client address (`req.ip`, which TRUST_PROXY makes the real client
 *   behind a proxy): an anonymous request takes from `request`, a route marked sensitive also from
 *   `sensitive`. A request with a credential is not counted per address unless it is refused: each
 *   401 takes from the address's `request` budget, and each lookup of a key not vouched for (one
 *   that has not authenticated lately, such as a random Bearer value) first takes from `lookup`, so
 *   a flood of made-up keys meets a 429 before it reaches the database (see app.ts: the auth plugin
 *   calls back before each lookup and each 401).
 * - After authentication, per key (API, at preParsing) or per session (web, in its preHandler):
 *   `request`. A signed-in user is never counted per address, so an anonymous client behind the same
 *   NAT or proxy cannot lock them out.
 * The hooks are callbacks: far below the limits a request costs no promise and no Redis round trip.
 */
export default fp(async function security(app: FastifyInstance, opts: SecurityOptions) {
  // While Redis is away every near-limit hit fails over: say so once in a while, not per request.
  let lastWarn = 0;
  let failures = 0;
  const onError = (err: unknown) => {
    failures++;
    if (Date.now() - lastWarn < 10_000) return;
    app.log.warn({ err: String(err), failures }, 'rate limit: Redis unavailable, limiting per process');
    lastWarn = Date.now();
    failures = 0;
  };
  const limiter = (max: number, prefix: string) => new RateLimiter({ max, windowMs: 60_000, redis: opts.redis, prefix, onError, now: opts.now });
  const buckets: Record<RateBucket, RateLimiter> = {
    request: limiter(opts.perMinute, 'onedoor-rl:'),
    lookup: limiter(opts.lookupsPerMinute, 'onedoor-rl-lookup:'),
    sensitive: limiter(opts.sensitivePerMinute, 'onedoor-rl-sensitive:'),
  };
  app.addHook('onClose', async () => { await Promise.all(Object.values(buckets).map((b) => b.close())); });
  const vouched = new LRUCache<string, true>({ max: 50_000, ttl: VOUCHED_MS });

  const limits: RateLimits = {
    take(bucket, id, reply) {
      const d = buckets[bucket].hit(id);
      if (!(d instanceof Promise)) return settle(d, reply);
      return d.then((x) => settle(x, reply));
    },
    chargeAddress(req, reply) {
      if ((req as Charged)[CHARGED]) return;
      (req as Charged)[CHARGED] = true;
      return limits.take('request', `ip:${req.ip}`, reply);
    },
    vouch(digest) { vouched.set(digest, true); },
    vouched(digest) { return vouched.get(digest) === true; },
  };
  app.decorate('rateLimits', limits);
  app.decorateRequest('rateLimitId', undefined);

  const sessionRe = opts.sessionCookie ? new RegExp(`(?:^|;\\s*)${opts.sessionCookie}=[^;\\s]`) : null;
  /** Whether a request carries a credential to check (a well-formed Bearer key or a session cookie). */
  const hasCredential = (req: FastifyRequest): boolean =>
    keyDigest(req) !== null || (!!sessionRe && typeof req.headers.cookie === 'string' && sessionRe.test(req.headers.cookie));

  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(isApiPath(req.url) ? API_HEADERS : PAGE_HEADERS);
    const mode = req.routeOptions.config?.rateLimit;
    if (mode === false) return done();
    chain([
      mode === 'sensitive' ? () => limits.take('sensitive', `ip:${req.ip}`, reply) : null,
      // A credential defers the address budget to preParsing: by then it has authenticated (or not).
      hasCredential(req) ? null : () => limits.chargeAddress(req, reply),
    ], done);
  });

  // After every onRequest hook (requireRole, the web session), before the body is read: a signed-in
  // request takes from its key's or session's budget; any other that has not paid its address yet
  // (a Bearer value on a public route, a session cookie on a static file) pays it now.
  app.addHook('preParsing', (req, reply, payload, done) => {
    if (req.routeOptions.config?.rateLimit === false) return done(null, payload);
    const id = req.principal ? req.rateLimitId ?? `key:${keyDigest(req) ?? req.principal.keyId ?? req.principal.label}` : null;
    chain([id ? () => limits.take('request', id, reply) : () => limits.chargeAddress(req, reply)], (err) => (err ? done(err) : done(null, payload)));
  });
}, { name: 'security' });

/** Runs the steps in order, each synchronous or a promise, and calls done once (with the first error). */
function chain(steps: Array<(() => void | Promise<void>) | null>, done: (err?: Error) => void, i = 0): void {
  for (; i < steps.length; i++) {
    const step = steps[i];
    if (!step) continue;
    let r: void | Promise<void>;
    try { r = step(); } catch (err) { return done(err as Error); }
    if (r instanceof Promise) {
      const next = i + 1;
      r.then(() => chain(steps, done, next), done);
      return;
    }
  }
  done();
}

/** Sets the budget headers; throws the 429 when the hit was over. */
function settle(d: RateDecision, reply?: FastifyReply): void {
  const resetS = Math.ceil(d.resetMs / 1000);
  if (!d.allowed) throw new RateLimitedError(d.limit, resetS);
  reply?.header('x-ratelimit-limit', d.limit).header('x-ratelimit-remaining', d.remaining).header('x-ratelimit-reset', resetS);
}

/** Runs helmet once against a stub response and keeps the headers it sets. */
function helmetHeaders(options: Parameters<typeof helmet>[0]): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number) { headers[name.toLowerCase()] = String(value); },
    removeHeader(name: string) { delete headers[name.toLowerCase()]; },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return Object.freeze(headers);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` exempts a route (health, metrics) from the rate limits; `'sensitive'` also takes from
     * the stricter per-address `sensitive` budget before authentication (sign-in, key creation).
     */
    rateLimit?: false | 'sensitive';
    /** The route may take minutes on a healthy system (files, imports, exports, analytics): LONG_HANDLER_TIMEOUT_MS bounds it (src/app.ts). */
    long?: boolean;
  }
  interface FastifyInstance { rateLimits: RateLimits }
  interface FastifyRequest {
    /** The budget a signed-in request is limited under when not its key's (the web interface sets `session:<id>`). */
    rateLimitId?: string;
  }
}
