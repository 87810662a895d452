import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
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

/**
 * Security headers and a per-key rate limit (shared through Redis when there is one).
 * Both run in one synchronous onRequest hook: they are on every request's path, so they cost
 * no promise and, far below the limit, no Redis round trip (see RateLimiter).
 */
export default fp(async function security(app: FastifyInstance, opts: { perMinute: number; redis?: Redis }) {
  // While Redis is away every near-limit hit fails over: say so once in a while, not per request.
  let lastWarn = 0;
  let failures = 0;
  const limiter = new RateLimiter({
    max: opts.perMinute, windowMs: 60_000, redis: opts.redis, prefix: 'onedoor-rl:',
    onError: (err) => {
      failures++;
      if (Date.now() - lastWarn < 10_000) return;
      app.log.warn({ err: String(err), failures }, 'rate limit: Redis unavailable, limiting per process');
      lastWarn = Date.now();
      failures = 0;
    },
  });
  app.addHook('onClose', async () => { await limiter.close(); });

  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(isApiPath(req.url) ? API_HEADERS : PAGE_HEADERS);
    if (req.routeOptions.config?.rateLimit === false) return done();
    const decision = limiter.hit(rateKey(req));
    if (!(decision instanceof Promise)) return answer(reply, decision, done);
    decision.then((d) => answer(reply, d, done), done);
  });
}, { name: 'security' });

function answer(reply: FastifyReply, d: RateDecision, done: (err?: Error) => void): void {
  const resetS = Math.ceil(d.resetMs / 1000);
  reply.header('x-ratelimit-limit', d.limit).header('x-ratelimit-remaining', d.remaining).header('x-ratelimit-reset', resetS);
  if (d.allowed) return done();
  reply.code(429).header('retry-after', resetS).send({
    error: { code: 'rate_limited', message: `Too many requests: at most ${d.limit} a minute; retry in ${resetS} s.`, details: [] },
  });
}

/** One budget per API key (by its digest), else per address. */
function rateKey(req: FastifyRequest): string {
  const digest = keyDigest(req);
  return digest ? `key:${digest}` : `ip:${req.ip}`;
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
    /** `false` exempts a route (health, metrics) from the rate limit. */
    rateLimit?: false;
  }
}
